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

/**
 * The host name as a socket wants it: an IPv6 literal without the brackets
 * a URL keeps around it ("[::1]" is "::1"). A URL's host name holds brackets
 * only around an IPv6 literal, so the first character tells.
 */
export function socketHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
}
