import { describe, expect, it } from 'vitest';

import { isApiError } from '@/lib/api-error';
import { stubApi } from '@/testing/test-utils';

import { exportSaved } from './export-saved';

const csvHeaders = { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="saved-contacts-2026-11-30.csv"' };

describe('exportSaved', () => {
  it('hands over the whole file under the server’s name', async () => {
    stubApi({ 'GET /saved-contacts/export': () => new Response('\ufeff"id"\n"c1"\n', { headers: csvHeaders }) });

    const { blob, filename } = await exportSaved({ q: '' });

    expect(filename).toBe('saved-contacts-2026-11-30.csv');
    expect(await blob.text()).toContain('"c1"');
  });

  it('says a download cut short did not arrive whole (the server cuts the connection), with a retry', async () => {
    // The server sent its 200 and some rows, then failed: it closes the connection mid-body.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('"id"\n"c1"\n'));
        controller.error(new TypeError('network error'));
      },
    });
    stubApi({ 'GET /saved-contacts/export': () => new Response(body, { headers: csvHeaders }) });

    const error = await exportSaved({ q: '' }).catch((e: unknown) => e);

    expect(isApiError(error) && error.status).toBe(0); // no answer to show: "Try again" helps
    expect(isApiError(error) && error.detail).toMatch(/did not arrive whole/);
  });
});
