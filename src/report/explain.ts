/**
 * The failure explainer: an error text (an import's job or file error, or
 * the refusal that kept a job from being checked) → the family it belongs to
 * and what to do about it. Pure and table-driven; the patterns come from the
 * texts Milvus and Zilliz Cloud really send (docs/api-notes.md, "Why imports
 * fail"). Never mislabels: a pattern names the cause, never only the step
 * that failed ("failed to get file size of" wraps any storage error); a text
 * that matches no family gets no label; and near misses are tested.
 */

/** The `errorKind` values of the `jobs` output, one per family. */
export const ERROR_KINDS = [
  'file-not-found',
  'schema-mismatch',
  'capacity',
  'access',
  'job-gone',
] as const

export type ErrorKind = (typeof ERROR_KINDS)[number]

/** Who answered: the advice differs (a Zilliz Cloud user sets no Milvus configuration). */
export type Server = 'Milvus' | 'Zilliz Cloud'

export interface Explanation {
  kind: ErrorKind
  /** The family in a few words, for titles: "files not found". */
  title: string
  /** What to do, in one line, for the server that answered. */
  hint: string
}

/** A text in the family when `match` is in it and `unless` is not. */
interface Pattern {
  match: RegExp
  unless?: RegExp
}

interface Family {
  title: string
  hint: Record<Server, string>
  /** Any of these puts a text in the family (families are tried in ERROR_KINDS order). */
  patterns: Pattern[]
}

/**
 * Milvus's own objects (binlogs, index files, mmap files): a missing one is
 * the server's trouble, not a file the user gave.
 */
const MILVUS_OWN_OBJECTS = /\b(insert_log|stats_log|delta_log|bm25_stats|index_files)\/|\/mmap\//i

const on = (match: RegExp, unless?: RegExp): Pattern => (unless ? { match, unless } : { match })

const FAMILIES: Record<ErrorKind, Family> = {
  'file-not-found': {
    title: 'files not found',
    hint: {
      Milvus:
        'Milvus reads import paths relative to its own bucket and root path (minio.bucketName, ' +
        'minio.rootPath): upload the files into that bucket through the object-store API and give ' +
        'their keys without the bucket or an s3:// prefix.',
      'Zilliz Cloud':
        "Check each file's object URL: the object must exist at that path, and the credentials given " +
        'with the import must be allowed to read it (on S3: s3:GetObject, s3:ListBucket, ' +
        's3:GetBucketLocation).',
    },
    patterns: [
      on(/the specified key does not exist/i, MILVUS_OWN_OBJECTS),
      on(/\bNoSuchKey\b/, MILVUS_OWN_OBJECTS),
      on(/\bNoSuchBucket\b/),
      on(/no such file or directory/i, MILVUS_OWN_OBJECTS),
      on(/key not found\[key=/i, MILVUS_OWN_OBJECTS),
      on(/bucket not found/i),
      on(/no (insert )?binlogs? to import/i),
      on(/no file to import/i),
    ],
  },
  'schema-mismatch': {
    title: "the files do not match the collection's schema",
    hint: {
      Milvus: schemaHint(),
      'Zilliz Cloud': schemaHint(),
    },
    patterns: [
      on(/is not defined in (collection )?schema/i),
      on(/value of field '[^']*' is missed/i),
      on(/not in arrow schema/i),
      on(/is not in schema, if it's a dynamic field/i),
      on(/no parquet field for milvus file/i),
      on(/no file for field: /i),
      on(/there is multi field with name/i),
      on(/expected (dim|shape) '\d+' for /i),
      on(/not aligned->\w*Vector/i),
      on(/expected (element )?type '[^']*' (for|in) /i),
      on(/expect '[^']*' type for field '/i),
      on(/type mis-match, milvus data type/i),
      on(/illegal value for dynamic field/i),
      on(/duplicated key is not allowed, key=/i),
      on(/explicit specification of '\$meta' is not allowed/i),
      on(/is auto-generated, no need to provide/i),
      on(/not allowed to provide data for \w+ function output field/i),
      on(/exceeds max_(length|capacity) \d/i),
      on(/doesn't equal to vector dimension/i),
    ],
  },
  capacity: {
    title: 'a capacity limit',
    hint: {
      Milvus:
        'The server is at a limit: wait for running imports to finish (dataCoord.import.maxImportJobNum ' +
        'caps the jobs not yet finished), free disk or raise the disk quota (quotaAndLimits), keep files ' +
        'under the size and count limits (dataNode.import.maxImportFileSizeInGB, ' +
        'dataCoord.import.maxImportFileNumPerReq) by splitting the import, then try again.',
      'Zilliz Cloud':
        'The cluster is at a limit: wait for running imports to finish, keep files under the import ' +
        'limits of your plan by splitting the import, or scale the cluster for more storage; then try again.',
    },
    patterns: [
      on(/disk quota exceeded/i),
      on(/quota exceeded\[reason=/i),
      on(/number of jobs has reached the limit/i),
      on(/max number of import files should not exceed/i),
      on(/file size has reached the maximum limit/i),
      on(/memory limit exceeded\[/i),
      on(/import task queue max size is \d/i),
    ],
  },
  access: {
    title: 'permission or database',
    hint: {
      Milvus:
        'The job, or its collection, is in another database, or the user may not import there: set ' +
        '"db-name" to the database the import ran in, and grant the Import privilege on it (Milvus RBAC).',
      'Zilliz Cloud':
        "The API key may not act on this cluster: use a key whose scope covers the cluster's project, " +
        'check "cluster-id", and set "db-name" when the import ran outside the default database.',
    },
    patterns: [
      on(/permission deny/i),
      on(/\bPermissionDenied\b/),
      on(/privilege not permitted/i),
      on(/database not found\[/i),
      on(/collection not found\[database=/i),
      on(/you don't have permission for this (cluster|project)/i),
    ],
  },
  'job-gone': {
    title: 'the job is gone',
    hint: {
      Milvus:
        'Milvus forgets a finished job after dataCoord.import.taskRetention (3 hours by default in 2.4 ' +
        'and 2.5), so a re-run long after the import asks for a job that is gone: look in the ' +
        'collection for the data instead. Otherwise check "job-id" and "db-name".',
      'Zilliz Cloud':
        'Zilliz Cloud does not know this job on this cluster: check "job-id" and "cluster-id"; if the ' +
        'import ran long ago, look in the collection for the data instead.',
    },
    patterns: [
      on(/import job does not exist, jobID=/i),
      on(/job not found\. please check your request parameter/i),
      on(/import task id doesn't exist/i),
    ],
  },
}

function schemaHint(): string {
  return (
    "Compare the files with the collection's schema (describe the collection): every field it needs, " +
    'no field it lacks unless the dynamic field is on ($meta), the same vector dimension and types. ' +
    'Regenerate the files (BulkWriter uses the schema) or change the collection; import does not adapt either.'
  )
}

/**
 * An object store's own XML error (`<Error><Code>NoSuchBucket</Code>`) is the
 * answer of whatever the endpoint points at, quoted in the action's fault,
 * not an import's reason: it says nothing of the import's files.
 */
const OBJECT_STORE_ANSWER = /<\?xml|<Code>/i

/** The family of an error text, or undefined when it matches none (then it is shown as it is). */
export function explainError(
  text: string,
  server: Server = 'Zilliz Cloud',
): Explanation | undefined {
  if (OBJECT_STORE_ANSWER.test(text)) return undefined
  for (const kind of ERROR_KINDS) {
    const family = FAMILIES[kind]
    const matches = ({ match, unless }: Pattern): boolean =>
      match.test(text) && !(unless?.test(text) ?? false)
    if (family.patterns.some(matches)) {
      return { kind, title: family.title, hint: family.hint[server] }
    }
  }
  return undefined
}
