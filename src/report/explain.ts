/**
 * The failure explainer: an error text (an import's job or file error, or
 * the refusal that kept a job from being checked) → the family it belongs to
 * and what to do about it. Pure and table-driven; the patterns come from the
 * texts Milvus and Zilliz Cloud really send (docs/api-notes.md, "Why imports
 * fail"). Never mislabels: a text that matches no family gets no label, and
 * the patterns are tested against near misses.
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

export interface Explanation {
  kind: ErrorKind
  /** The family in a few words, for titles: "files not found". */
  title: string
  /** What to do, in one line. */
  hint: string
}

interface Family {
  title: string
  hint: string
  /** Any of these in the text puts it in the family (tried in ERROR_KINDS order). */
  patterns: RegExp[]
}

const FAMILIES: Record<ErrorKind, Family> = {
  'file-not-found': {
    title: 'files not found',
    hint:
      'Milvus reads import paths relative to its own bucket and root path (minio.bucketName, minio.rootPath): ' +
      'upload the files into that bucket through the object-store API and give their keys without the bucket ' +
      'or an s3:// prefix. On Zilliz Cloud, check the object URL and that its credentials may read it.',
    patterns: [
      /the specified key does not exist/i,
      /\bNoSuchKey\b/,
      /\bNoSuchBucket\b/,
      /no such file or directory/i,
      /failed to get file size of '/i,
      /read json file failed, path=/i,
      /failed to read the file '/i,
      /key not found\[key=/i,
      /bucket not found/i,
      /no (insert )?binlogs? to import/i,
      /no file to import/i,
    ],
  },
  'schema-mismatch': {
    title: "the files do not match the collection's schema",
    hint:
      "Compare the files with the collection's schema (describe the collection): every field it needs, " +
      'no field it lacks unless the dynamic field is on ($meta), the same vector dimension and types. ' +
      'Regenerate the files (BulkWriter uses the schema) or change the collection; import does not adapt either.',
    patterns: [
      /is not defined in (collection )?schema/i,
      /value of field '[^']*' is missed/i,
      /not in arrow schema/i,
      /is not in schema, if it's a dynamic field/i,
      /no parquet field for milvus file/i,
      /no file for field: /i,
      /there is multi field with name/i,
      /expected (dim|shape) '\d+' for /i,
      /not aligned->\w*Vector/i,
      /expected (element )?type '[^']*' (for|in) /i,
      /expect '[^']*' type for field '/i,
      /type mis-match, milvus data type/i,
      /illegal value for dynamic field/i,
      /duplicated key is not allowed, key=/i,
      /explicit specification of '\$meta' is not allowed/i,
      /is auto-generated, no need to provide/i,
      /not allowed to provide data for \w+ function output field/i,
      /exceeds max_(length|capacity) \d/i,
      /doesn't equal to vector dimension/i,
    ],
  },
  capacity: {
    title: 'a capacity limit',
    hint:
      'The server is at a limit: wait for running imports to finish (Milvus runs dataCoord.import.maxImportJobNum ' +
      'at a time), free disk or raise the disk quota (quotaAndLimits), keep files under the size and count limits ' +
      '(dataNode.import.maxImportFileSizeInGB, dataCoord.import.maxImportFileNumPerReq) by splitting the import, ' +
      'and try again later.',
    patterns: [
      /disk quota exceeded/i,
      /quota exceeded\[/i,
      /number of jobs has reached the limit/i,
      /max number of import files should not exceed/i,
      /file size has reached the maximum limit/i,
      /memory limit exceeded\[/i,
      /rate limit exceeded\[/i,
      /rejected by grpc RateLimiter/i,
      /request is rejected by limiter/i,
      /import task queue max size is \d/i,
    ],
  },
  access: {
    title: 'permission or database',
    hint:
      'The job, or its collection, is in another database, or the key may not import there: set "db-name" ' +
      'to the database the import ran in, and give the user or key the Import privilege on it (Milvus RBAC); ' +
      "on Zilliz Cloud, use a key whose scope covers this cluster's project.",
    patterns: [
      /permission deny/i,
      /\bPermissionDenied\b/,
      /privilege not permitted/i,
      /database not found\[/i,
      /collection not found\[/i,
      /you don't have permission for this (cluster|project)/i,
    ],
  },
  'job-gone': {
    title: 'the job is gone',
    hint:
      'The server does not know this job: Milvus forgets a finished job after dataCoord.import.taskRetention ' +
      '(3 hours by default), so a re-run long after the import asks for a job that is gone; check the ' +
      'collection for the data instead. Otherwise check "job-id" (and "db-name").',
    patterns: [
      /import job does not exist, jobID=/i,
      /job not found\. please check your request parameter/i,
      /import task id doesn't exist/i,
    ],
  },
}

/** The family of an error text, or undefined when it matches none (then it is shown as it is). */
export function explainError(text: string): Explanation | undefined {
  for (const kind of ERROR_KINDS) {
    const family = FAMILIES[kind]
    if (family.patterns.some((pattern) => pattern.test(text))) {
      return { kind, title: family.title, hint: family.hint }
    }
  }
  return undefined
}
