/** Where a request goes: the API's path under the base URL. Pure. */

/**
 * The base URL with `path` appended to its own path (a reverse proxy may mount
 * the API under a prefix), never doubling the slash between them.
 */
export function apiUrl(baseUrl: URL, path: string): URL {
  const url = new URL(baseUrl.href)
  url.pathname = `${baseUrl.pathname.replace(/\/+$/, '')}${path}`
  return url
}
