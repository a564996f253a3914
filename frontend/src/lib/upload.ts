import { apiBasePath, authorizationHeader, settleResponse } from './api-client';
import { ApiError } from './api-error';

/** How much of an upload's body has gone: bytes sent of the total. */
export type UploadProgress = { loaded: number; total: number };

/**
 * POSTs a multipart form to an API path (relative to /api/v1) and reports how much of it has been
 * sent: fetch cannot, so this goes through XMLHttpRequest, with the API client's bearer token, and
 * its answer settles like the client's (`settleResponse`: 401 → refresh → one replay, any other
 * error status → ApiError). A replay after a refresh goes through fetch, without progress.
 */
export async function postFormWithProgress(
  path: string,
  form: FormData,
  onProgress: (progress: UploadProgress) => void,
): Promise<Response> {
  const url = `${globalThis.location?.origin ?? ''}${apiBasePath}${path}`;
  const headers = new Headers();
  const authorization = await authorizationHeader();
  if (authorization) headers.set('Authorization', authorization);
  const response = await send(url, form, headers, onProgress);
  const sent = new Request(url, { method: 'POST', headers, body: form, credentials: 'include' });
  return settleResponse(sent, response, () => new Request(url, { method: 'POST', body: form, credentials: 'include' }));
}

// Statuses whose Response may carry no body.
const bodyless = new Set([101, 204, 205, 304]);

function send(url: string, form: FormData, headers: Headers, onProgress: (progress: UploadProgress) => void): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    headers.forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      resolve(
        new Response(bodyless.has(xhr.status) ? null : xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: parseHeaders(xhr.getAllResponseHeaders()),
        }),
      );
    };
    xhr.onerror = () => reject(ApiError.network(new TypeError(`POST ${url}: no answer`)));
    xhr.onabort = () => reject(new DOMException('The upload was aborted.', 'AbortError'));
    xhr.send(form);
  });
}

/** "content-type: application/json\r\nx-request-id: …" → Headers. */
function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}
