/**
 * A stand-in for XMLHttpRequest in tests: jsdom's would go to the network. It sends through
 * `globalThis.fetch` (so `stubApi` answers uploads like every other request) and reports upload
 * progress the way a browser does for a body it knows the size of: partway, then all of it.
 * Only what `lib/upload` uses is there.
 */
export class FetchBackedXHR {
  /** The bodies' sizes the progress events report (FormData has no size of its own). */
  static readonly progressTotal = 1000;

  status = 0;
  statusText = '';
  responseText = '';
  withCredentials = false;
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  private method = 'GET';
  private url = '';
  private readonly headers = new Headers();
  private responseHeaders = '';
  private aborted = false;

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string) {
    this.headers.set(name, value);
  }

  getAllResponseHeaders(): string {
    return this.responseHeaders;
  }

  abort() {
    this.aborted = true;
    this.onabort?.();
  }

  send(body: XMLHttpRequestBodyInit | null) {
    const request = new Request(this.url, { method: this.method, headers: this.headers, body });
    void (async () => {
      const total = FetchBackedXHR.progressTotal;
      for (const loaded of [total / 2, total]) {
        await Promise.resolve();
        if (this.aborted) return;
        this.upload.onprogress?.(new ProgressEvent('progress', { lengthComputable: true, loaded, total }));
      }
      try {
        const response = await globalThis.fetch(request);
        this.status = response.status;
        this.statusText = response.statusText;
        this.responseText = await response.text();
        this.responseHeaders = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\r\n');
      } catch {
        if (!this.aborted) this.onerror?.();
        return;
      }
      if (!this.aborted) this.onload?.();
    })();
  }
}
