/**
 * A synchronous GET relative to the worker's script (allowed in a Web Worker, not in the page):
 * the bytes, or null when the site does not have the file.
 */
export function syncRequest(url: string): Uint8Array | null {
  const request = new XMLHttpRequest();
  request.open("GET", url, false);
  request.responseType = "arraybuffer";
  try {
    request.send();
  } catch {
    return null;
  }
  if (request.status !== 200 && !(request.status === 0 && request.response)) return null;
  return new Uint8Array(request.response as ArrayBuffer);
}
