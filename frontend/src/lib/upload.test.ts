import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api-error';
import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, problemResponse, stubFetch } from '@/testing/test-utils';

import { postFormWithProgress, type UploadProgress } from './upload';

function form() {
  const body = new FormData();
  body.append('file', new File(['email\na@b.example\n'], 'people.csv', { type: 'text/csv' }));
  return body;
}

type Seen = { path: string; auth: string | null; hasFile: boolean };

describe('postFormWithProgress', () => {
  it('sends the bearer token and the form, reports progress up to the whole body, and answers the response', async () => {
    installAuth();
    applyGrant(grantFor({}, undefined, 'token-7'));
    const seen: Seen[] = [];
    stubFetch(async (request) => {
      seen.push({
        path: new URL(request.url).pathname,
        auth: request.headers.get('Authorization'),
        hasFile: (await request.formData()).has('file'),
      });
      return jsonResponse({ id: 'imp-1' }, { status: 201, headers: { 'X-Request-Id': 'req-9' } });
    });
    const progress: UploadProgress[] = [];

    const response = await postFormWithProgress('/imports', form(), (p) => progress.push(p));

    expect(seen).toEqual([{ path: '/api/v1/imports', auth: 'Bearer token-7', hasFile: true }]);
    expect(response.status).toBe(201);
    expect(response.headers.get('X-Request-Id')).toBe('req-9');
    await expect(response.json()).resolves.toEqual({ id: 'imp-1' });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ loaded: 1000, total: 1000 });
  });

  it('refreshes an expired session once and replays the upload with the new token', async () => {
    installAuth();
    applyGrant(grantFor({}, undefined, 'stale-token'));
    const seen: Seen[] = [];
    stubFetch(async (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/api/v1/auth/refresh') return jsonResponse(grantFor({}, undefined, 'fresh-token'));
      seen.push({ path, auth: request.headers.get('Authorization'), hasFile: (await request.formData()).has('file') });
      if (request.headers.get('Authorization') !== 'Bearer fresh-token') {
        return problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthorized' });
      }
      return jsonResponse({ id: 'imp-2' }, { status: 201 });
    });

    const response = await postFormWithProgress('/imports', form(), () => {});

    await expect(response.json()).resolves.toEqual({ id: 'imp-2' });
    expect(seen).toEqual([
      { path: '/api/v1/imports', auth: 'Bearer stale-token', hasFile: true },
      { path: '/api/v1/imports', auth: 'Bearer fresh-token', hasFile: true },
    ]);
  });

  it('throws the problem of an error answer as an ApiError', async () => {
    installAuth();
    applyGrant(grantFor());
    stubFetch(() =>
      problemResponse({ status: 413, title: 'Payload Too Large', code: 'too_large', detail: 'The file exceeds 5 MiB.' }),
    );

    const error = await postFormWithProgress('/imports', form(), () => {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, detail: 'The file exceeds 5 MiB.' });
  });

  it('throws a network ApiError when no answer comes', async () => {
    installAuth();
    applyGrant(grantFor());
    stubFetch(() => Promise.reject(new TypeError('connection refused')));

    const error = await postFormWithProgress('/imports', form(), () => {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, title: 'Cannot reach the server' });
  });
});
