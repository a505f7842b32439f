/**
 * The explainer against the texts servers really send (docs/api-notes.md,
 * "Why imports fail", has each one's source), and against near misses: real
 * texts of other troubles, which must get no label.
 */
import { describe, expect, test } from '@jest/globals'
import { V2Dialect } from '../../src/api/v2.js'
import { v1Dialect } from '../../src/api/v1.js'
import { ERROR_KINDS, type ErrorKind, type Server, explainError } from '../../src/report/explain.js'

const REAL_TEXTS: Record<ErrorKind, string[]> = {
  'file-not-found': [
    // milvus#24028 (2.2), the file copied into MinIO's directory instead of uploaded
    "failed to get file size of 'a/b.json', error:The specified key does not exist.",
    // pymilvus#1927 (2.3.7): BulkWriter uploaded to another bucket than Milvus reads
    "failed to get file size of 'bulk/1.parquet', error:NoSuchKey(key=bulk/1.parquet): importing data failed",
    // pymilvus#1930 (2.3.4, local storage)
    "failed to get file size of '/var/lib/milvus/x.parquet', error:stat /var/lib/milvus/x.parquet: no such file or directory: importing data failed",
    // milvus#40571 (2.5.6): parquet hides NoSuchKey in the footer read
    'new parquet reader failed, err=parquet: could not retrieve footer offset: The specified key does not exist.: importing data failed',
    // importutilv2/json/reader.go
    'read json file failed, path=rows/1.json, err=NoSuchKey: importing data failed',
    // importutilv2/numpy/util.go
    "failed to read the file 'vec.npy', error: The specified key does not exist.: importing data failed",
    // storage layer (milvus#38637), code 1000
    'The specified key does not exist.: key not found[key=files/a.parquet]',
    // importutilv2/util.go GetFileType; datacoord ListBinlogsAndGroupBySegment
    'no file to import: importing data failed',
    'no binlog to import, input=[backup/coll/1]: importing data failed',
    'no insert binlogs to import: importing data failed',
  ],
  'schema-mismatch': [
    // milvus#31273, a real reason
    "value of field 'book_id' is missed: importing data failed",
    // importutilv2/json/row_parser.go
    "the field 'title' is not defined in schema: importing data failed",
    // milvus#45006: wrapped twice, with the file after it
    'failed to parse row, error: value of field \'strut[struct_int64]\' is missed: importing data failed: importing data failed, file: id:461620742682950800 paths:"bulkload/in01-x/example.json"',
    // milvus#32729 ($meta) and #41755 (a field added later)
    "schema not equal, err=field '$meta' not in arrow schema: importing data failed: importing data failed",
    "schema not equal, err=field 'field_new' not in arrow schema: importing data failed: importing data failed",
    // parquet/util.go CreateFieldReaders
    "the field: extra is not in schema, if it's a dynamic field, please reformat data by bulk_writer: importing data failed",
    "no parquet field for milvus file 'emb': importing data failed",
    'there is multi field with name: id: importing data failed',
    // numpy: one .npy per field (milvus#32542)
    'no file for field: $meta, files: [id.npy vector.npy]: importing data failed',
    // milvus#31896: a vector dimension that does not match
    "expected dim '5' for field 'posterVector' with type 'FloatVector', got dim '8': importing data failed",
    "expected dim '768' for FloatVector field 'vector', got dim '512': importing data failed",
    // milvus#35060 (2.4 parquet, with its unformatted verb)
    '%s not aligned->FloatVector: importing data failed',
    // milvus#31834: a type that does not match
    "expect 'Float' type for field 'array_float', but got 'list' type: importing data failed",
    "expected type 'Int64' for field 'id', got type 'string' with value 'a': importing data failed",
    "expected element type 'VarChar' in array field, got type 'float64' with value '1': importing data failed",
    // dynamic field values
    'illegal value for dynamic field, not a JSON object: importing data failed',
    'duplicated key is not allowed, key=color: importing data failed',
    "the primary key 'id' is auto-generated, no need to provide: importing data failed",
    // numpy/util.go (master): a function's output field given in the files
    "not allowed to provide data for BM25 function output field 'sparse': importing data failed",
    // milvus#21746 (2.2): the schema is the cause, not the timeout it mentions
    "the field 'float_scalar' is not defined in collection schema; the import task has timed out",
    // importutilv2/common/util.go: data longer than the schema allows
    'failed to parse row, error: value length 300 exceeds max_length 256: importing data failed',
  ],
  capacity: [
    // milvus#38845
    'quota exceeded[reason=disk quota exceeded, please allocate more resources]',
    // milvus#40123 (dataCoord.import.maxImportJobNum)
    'The number of jobs has reached the limit, please try again later. If your request is set to only import a single file, please consider importing multiple files in one request for better efficiency.: importing data failed',
    // proxy task_import.go; datanode readFileStat
    'The max number of import files should not exceed 1024, but got 2000: importing data failed',
    'The import file size has reached the maximum limit allowed for importing, fileSize=17179869185, maxSize=17179869184',
    // milvus#17425 (2.1)
    'Import task queue max size is 32, currently there are 32 tasks is pending. Not able to execute this request with 1 tasks.',
    'memory limit exceeded[predict(MB)=9000][limit(MB)=8192]',
  ],
  access: [
    // milvus#31282, the REST envelope of an RBAC denial
    'rpc error: code = PermissionDenied desc = PrivilegeLoad: permission deny to test_user',
    // proxy privilege_interceptor.go, for a key
    'PrivilegeImport: permission deny to apikey user in the `analytics` database',
    // milvus#44393: the database was not given
    'collection not found[database=default][collection=integration_test_bulk_import]',
    'database not found[database=analytics]',
    // milvus#51894: a backup import without ImportBinlog
    'privilege not permitted',
    // Zilliz Cloud error codes 96016 and 96027
    "You don't have permission for this cluster. Please check your Apikey scope.",
    "You don't have permission for this project. Please check your Apikey scope.",
  ],
  'job-gone': [
    // datacoord services.go GetImportProgress, code 2100
    'import job does not exist, jobID=454366314212367666: importing data failed',
    // milvus-backup#470, with the database
    'import job does not exist, jobID=454366314212367666, dbID=1: importing data failed',
    // Zilliz Cloud error code 96026
    'Job not found. Please check your request parameter.',
    // milvus#19272 (2.2)
    "Import task id doesn't exist",
  ],
}

/** Real texts of other troubles, and texts that only look alike: no label. */
const NEAR_MISSES = [
  'importing data failed',
  'importing data failed on server side',
  'import timeout',
  'collection 4567 dropped',
  'context canceled',
  'context deadline exceeded',
  // milvus#39941: broken JSON, not a schema mismatch
  "failed to parse row, error: invalid character '\"' after array element: importing data failed",
  'invalid JSON format, each row should be a key-value map: importing data failed',
  // NVIDIA/NeMo-Retriever#954: the request's shape
  'for Parquet import, accepts only one file: importing data failed',
  'unexpected file type, files=[a.txt]: importing data failed',
  'import request is empty: invalid parameter',
  // a malformed job ID is not a job that is gone
  'parse job id failed, err=%wstrconv.ParseInt: parsing "abc": invalid syntax: importing data failed',
  // milvus#19660: a missing file, but the text says nothing
  'failed to ',
  'unknown import job state',
  'service not ready[reason=initializing]',
  // storage permission (code 1005): which family is not known from these words alone
  'permission denied',
  // the simulator's own invention, unlike any server's
  'field "vector" has dimension 512 but the collection expects 768',
  // rate limits are the action's polls being throttled, not the import's capacity
  'request is rejected by grpc RateLimiter middleware, please retry later: rate limit exceeded[rate=0.1]',
  'request is rejected by limiter',
  // a step that failed, for a cause other than a missing file (the wrapper alone says nothing)
  'failed to get file size of \'a.json\', error:Get "http://minio:9000/b/a.json": dial tcp 10.0.0.5:9000: connect: connection refused: importing data failed',
  "failed to get file size of 'a.json', error:Access Denied.: importing data failed",
  'read json file failed, path=a.json, err=context deadline exceeded: importing data failed',
  // Milvus's own objects missing: the server's trouble, not the user's files
  'segment not found[segment=1]: key not found[key=files/insert_log/1/2/3]',
  'failed to load index: The specified key does not exist.: key not found[key=files/index_files/1/2]',
  'open /var/lib/milvus/data/mmap/1/2: no such file or directory',
  // an object store answering the action itself (a wrong endpoint), quoted in its fault
  'HTTP 404 Not Found from localhost:9000: "<?xml version=1.0?><Error><Code>NoSuchBucket</Code></Error>"',
  // a collection that is gone (dropped), not one in another database
  'collection not found[collection=448812]',
  // look-alikes
  'the specified key is invalid',
  'collection not found',
  'job not found',
  'Not Found',
  'HTTP 403 Forbidden',
  'quota check skipped',
  'the field name is too long',
  'expected a JSON object',
  'ECONNRESET',
]

describe('explainError: each family from the texts servers send', () => {
  test.each(ERROR_KINDS.flatMap((kind) => REAL_TEXTS[kind].map((text) => [kind, text] as const)))(
    '%s: %s',
    (kind, text) => {
      expect(explainError(text)?.kind).toBe(kind)
    },
  )

  test.each(NEAR_MISSES)('no label: %p', (text) => {
    expect(explainError(text)).toBeUndefined()
  })

  test('each family has its own errorKind, title and hints; the hints differ by server', () => {
    for (const server of ['Milvus', 'Zilliz Cloud'] as const) {
      const explained = ERROR_KINDS.map((kind) => explainError(REAL_TEXTS[kind][0] ?? '', server))
      expect(explained.map((e) => e?.kind)).toEqual([...ERROR_KINDS])
      expect(new Set(explained.map((e) => e?.title)).size).toBe(ERROR_KINDS.length)
      expect(new Set(explained.map((e) => e?.hint)).size).toBe(ERROR_KINDS.length)
    }
    const differ = ERROR_KINDS.filter(
      (kind) =>
        explainError(REAL_TEXTS[kind][0] ?? '', 'Milvus')?.hint !==
        explainError(REAL_TEXTS[kind][0] ?? '', 'Zilliz Cloud')?.hint,
    )
    // The schema is the same wherever it is checked; the rest is what each user can change.
    expect(differ).toEqual(['file-not-found', 'capacity', 'access', 'job-gone'])
  })

  test('Milvus hints name its configuration; Zilliz Cloud hints name none of it', () => {
    const hint = (kind: ErrorKind, server: Server): string =>
      explainError(REAL_TEXTS[kind][0] ?? '', server)?.hint ?? ''
    expect(hint('file-not-found', 'Milvus')).toMatch(/minio\.bucketName, minio\.rootPath/)
    expect(hint('capacity', 'Milvus')).toMatch(/dataCoord\.import\.maxImportJobNum/)
    expect(hint('access', 'Milvus')).toMatch(/"db-name".*Import privilege/)
    expect(hint('job-gone', 'Milvus')).toMatch(/dataCoord\.import\.taskRetention/)
    expect(hint('file-not-found', 'Zilliz Cloud')).toMatch(/object URL/)
    expect(hint('access', 'Zilliz Cloud')).toMatch(/"cluster-id"/)
    expect(hint('job-gone', 'Zilliz Cloud')).toMatch(/"job-id" and "cluster-id"/)
    for (const kind of ERROR_KINDS) {
      expect(hint(kind, 'Zilliz Cloud')).not.toMatch(/minio|dataCoord|dataNode|quotaAndLimits|RBAC/)
    }
    // Without a server named, the advice is Zilliz Cloud's (as the summary's heading is).
    expect(explainError(REAL_TEXTS['job-gone'][0] ?? '')?.hint).toBe(
      hint('job-gone', 'Zilliz Cloud'),
    )
  })

  test('matching ignores case, and finds the text inside a longer message', () => {
    expect(
      explainError(
        'The API refused: code 100, "COLLECTION NOT FOUND[database=default][collection=x]"',
      )?.kind,
    ).toBe('access')
  })

  test("the action's own refusal hints get no label: only the server's words count", () => {
    const dialects = [
      v1Dialect(new URL('https://controller.api.gcp-us-west1.zillizcloud.com'), 'in03-x'),
      new V2Dialect({
        product: 'Zilliz Cloud',
        baseUrl: new URL('https://api.cloud.zilliz.com'),
        clusterId: 'in03-x',
      }),
      new V2Dialect({ product: 'Milvus', baseUrl: new URL('http://milvus:19530') }),
    ]
    const asks: [number, string][] = [
      [80001, 'token'],
      [2100, 'x'],
      [1, 'cluster'],
      [1, 'database'],
      [1, 'x'],
    ]
    const hints = dialects.flatMap((dialect) =>
      asks.map(([code, message]) => dialect.hint(code, message)),
    )
    expect(hints.filter((h) => h.length > 0).length).toBeGreaterThanOrEqual(12)
    for (const hint of hints) expect(explainError(hint)).toBeUndefined()
  })
})
