import { describe, expect, it } from 'vitest';

import { ApiError } from './api-error';
import { shouldRetry } from './react-query';

const apiError = (status: number) => new ApiError({ status, code: 'x', title: 'x', detail: '' });

describe('shouldRetry', () => {
  it.each([
    { name: 'network failure', error: apiError(0), failures: 0, want: true },
    { name: 'server error', error: apiError(503), failures: 1, want: true },
    { name: 'rate limited', error: apiError(429), failures: 0, want: true },
    { name: 'gives up after two retries', error: apiError(503), failures: 2, want: false },
    { name: 'validation error', error: apiError(422), failures: 0, want: false },
    { name: 'not found', error: apiError(404), failures: 0, want: false },
    { name: 'unauthorized', error: apiError(401), failures: 0, want: false },
    { name: 'a bug in our code', error: new TypeError('x is undefined'), failures: 0, want: false },
  ])('$name', ({ error, failures, want }) => {
    expect(shouldRetry(failures, error)).toBe(want);
  });
});
