import { afterEach, describe, expect, it } from 'vitest';

import { jsonResponse, problemResponse, stubFetch } from '@/testing/test-utils';

import { apiClient, onUnauthorized, setAccessTokenProvider, unwrap } from './api-client';
import { ApiError } from './api-error';

const status = {
  name: '1CloudAI Business Contacts',
  version: 'dev',
  environment: 'test',
  database: 'ok',
  time: '2026-11-28T20:00:00Z',
};

afterEach(() => {
  setAccessTokenProvider(null);
});

describe('apiClient', () => {
  it('returns data and sends cookies with the request', async () => {
    const fetchMock = stubFetch(() => jsonResponse(status));

    await expect(unwrap(apiClient.GET('/status'))).resolves.toEqual(status);

    const request = fetchMock.mock.calls[0]![0];
    expect(new URL(request.url).pathname).toBe('/api/v1/status');
    expect(request.credentials).toBe('include');
    expect(request.headers.has('Authorization')).toBe(false);
  });

  it('throws a problem+json answer as ApiError', async () => {
    stubFetch(() =>
      problemResponse({
        status: 503,
        title: 'Service Unavailable',
        detail: 'The database is not reachable.',
        code: 'unavailable',
        request_id: 'req-503',
      }),
    );

    const error = await unwrap(apiClient.GET('/status')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'unavailable', requestId: 'req-503' });
  });

  it('turns a failed connection into a network ApiError', async () => {
    stubFetch(() => Promise.reject(new TypeError('fetch failed')));

    const error = await unwrap(apiClient.GET('/status')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
  });

  it('adds the bearer token from the access token provider', async () => {
    setAccessTokenProvider(() => 'token-abc');
    const fetchMock = stubFetch(() => jsonResponse(status));

    await unwrap(apiClient.GET('/status'));

    expect(fetchMock.mock.calls[0]![0].headers.get('Authorization')).toBe('Bearer token-abc');
  });

  it('lets the unauthorized handler replace a 401 with a retried response', async () => {
    let calls = 0;
    stubFetch(() => {
      calls += 1;
      return calls === 1 ? problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthenticated' }) : jsonResponse(status);
    });
    const seen: number[] = [];
    const off = onUnauthorized(async ({ request, response, fetch }) => {
      seen.push(response.status);
      return fetch(new Request(request.url, { credentials: 'include' }));
    });

    try {
      await expect(unwrap(apiClient.GET('/status'))).resolves.toEqual(status);
      expect(seen).toEqual([401]);
      expect(calls).toBe(2);
    } finally {
      off();
    }
  });

  it('throws the 401 as ApiError when the handler gives up', async () => {
    stubFetch(() => problemResponse({ status: 401, title: 'Unauthorized', code: 'unauthenticated' }));
    const off = onUnauthorized(() => undefined);

    try {
      const error = await unwrap(apiClient.GET('/status')).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 401, code: 'unauthenticated' });
    } finally {
      off();
    }
  });
});
