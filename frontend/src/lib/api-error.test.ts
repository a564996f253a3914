import { describe, expect, it } from 'vitest';

import { ApiError, clientErrorCodes, formatWait, parseFieldErrors, parseRetryAfter } from './api-error';

describe('ApiError.fromResponse', () => {
  it('reads every field of a problem+json body', async () => {
    const response = new Response(
      JSON.stringify({
        type: 'https://docs.1cloudaicrm.com/problems/validation',
        title: 'Validation failed',
        status: 422,
        detail: 'The request has 2 invalid fields.',
        instance: '/api/v1/auth/signup',
        code: 'validation_failed',
        request_id: 'req-123',
        errors: [
          { field: 'email', message: 'must be a valid email address' },
          { field: 'password', message: 'must be at least 12 characters' },
        ],
      }),
      { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
    );

    const error = await ApiError.fromResponse(response);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_failed');
    expect(error.title).toBe('Validation failed');
    expect(error.detail).toBe('The request has 2 invalid fields.');
    expect(error.requestId).toBe('req-123');
    expect(error.instance).toBe('/api/v1/auth/signup');
    expect(error.fieldErrors).toEqual({
      email: 'must be a valid email address',
      password: 'must be at least 12 characters',
    });
    expect(error.isValidation).toBe(true);
    expect(error.message).toBe('Validation failed: The request has 2 invalid fields.');
  });

  it('falls back to the HTTP status and X-Request-ID header when the body is not JSON', async () => {
    const response = new Response('<html>Bad Gateway</html>', {
      status: 502,
      statusText: 'Bad Gateway',
      headers: { 'Content-Type': 'text/html', 'X-Request-ID': 'hdr-9' },
    });

    const error = await ApiError.fromResponse(response);

    expect(error.status).toBe(502);
    expect(error.title).toBe('Bad Gateway');
    expect(error.detail).toBe('');
    expect(error.code).toBe(clientErrorCodes.unexpectedResponse);
    expect(error.requestId).toBe('hdr-9');
    expect(error.fieldErrors).toEqual({});
    expect(error.isValidation).toBe(false);
  });

  it('prefers the body request_id over the header', async () => {
    const response = new Response(JSON.stringify({ title: 'Not found', status: 404, request_id: 'body-1' }), {
      status: 404,
      headers: { 'X-Request-ID': 'hdr-1' },
    });

    const error = await ApiError.fromResponse(response);

    expect(error.requestId).toBe('body-1');
    expect(error.title).toBe('Not found');
  });

  it('gives an empty body a title from its status', async () => {
    const error = await ApiError.fromResponse(new Response(null, { status: 500 }));

    expect(error.status).toBe(500);
    expect(error.title).toBe('Server error');
  });
});

describe('parseFieldErrors', () => {
  it.each([
    { name: 'not an array', input: { email: 'bad' }, want: {} },
    { name: 'undefined', input: undefined, want: {} },
    {
      name: 'skips malformed items',
      input: [null, 'x', { field: 'email' }, { message: 'no field' }, { field: 'name', message: 'is required' }],
      want: { name: 'is required' },
    },
    {
      name: 'joins several messages for one field',
      input: [
        { field: 'password', message: 'is too short' },
        { field: 'password', message: 'must not contain the email' },
      ],
      want: { password: 'is too short; must not contain the email' },
    },
  ])('$name', ({ input, want }) => {
    expect(parseFieldErrors(input)).toEqual(want);
  });
});

describe('ApiError.network', () => {
  it('has status 0 and keeps the cause', () => {
    const cause = new TypeError('Failed to fetch');
    const error = ApiError.network(cause);

    expect(error.status).toBe(0);
    expect(error.code).toBe(clientErrorCodes.network);
    expect(error.cause).toBe(cause);
  });
});

describe('Retry-After', () => {
  it('is read from a 429 answer', async () => {
    const response = new Response(JSON.stringify({ status: 429, title: 'Too Many Requests', code: 'rate_limited' }), {
      status: 429,
      headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '31' },
    });
    expect((await ApiError.fromResponse(response)).retryAfter).toBe(31);
  });

  it.each([
    { value: null, want: undefined },
    { value: '0', want: 1 },
    { value: 'soon', want: undefined },
  ])('parses $value', ({ value, want }) => {
    expect(parseRetryAfter(value)).toBe(want);
  });

  it.each([
    { seconds: 1, want: '1 second' },
    { seconds: 45, want: '45 seconds' },
    { seconds: 120, want: '2 minutes' },
    { seconds: 7200, want: '2 hours' },
    { seconds: 3 * 86400, want: '3 days' },
  ])('says $seconds s as "$want"', ({ seconds, want }) => {
    expect(formatWait(seconds)).toBe(want);
  });
});
