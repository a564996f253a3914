import type { components } from '@/api/schema';

/**
 * ApiError is the one error type the SPA deals with for anything that went wrong talking to the
 * API. The server answers every error as RFC 9457 `application/problem+json`:
 *
 *   {type, title, status, detail, instance, code, request_id, errors?: [{field, message}]}
 *
 * The body is parsed defensively: a proxy or a crashed server may answer HTML or nothing at all,
 * and the UI must still have a title, a detail and (where there is one) a request id to show.
 */

/** The problem document as the API describes it (generated from the OpenAPI spec). */
/**
 * A problem document as read off the wire: every member may be missing from a malformed or
 * non-problem body, so all are optional here even where the spec requires them.
 */
export type ProblemDetails = Partial<components['schemas']['Problem']>;
type ProblemField = components['schemas']['ProblemField'];

export type ApiErrorInit = {
  status: number;
  code: string;
  title: string;
  detail: string;
  requestId?: string;
  type?: string;
  instance?: string;
  fieldErrors?: Record<string, string>;
  /** Seconds from the `Retry-After` header of a 429 (or 503), when the server sent one. */
  retryAfter?: number;
  cause?: unknown;
};

/** Codes the client itself assigns when there is no problem+json body to read one from. */
export const clientErrorCodes = {
  network: 'network_error',
  unexpectedResponse: 'unexpected_response',
} as const;

/** The response header the server echoes its request id in (also in the problem body). */
export const requestIdHeader = 'X-Request-ID';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the request never got an answer (network down, server unreachable). */
  readonly status: number;
  /** Stable machine-readable code from the server (e.g. `not_found`, `validation_failed`). */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** The server's request id, to quote to support. */
  readonly requestId: string | undefined;
  readonly type: string | undefined;
  readonly instance: string | undefined;
  /** Per-field messages from `errors[]`, keyed by the request field name (snake_case, as sent). */
  readonly fieldErrors: Record<string, string>;
  /** Seconds to wait before trying again (`Retry-After`), for 429 answers. */
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title, { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.requestId = init.requestId;
    this.type = init.type;
    this.instance = init.instance;
    this.fieldErrors = init.fieldErrors ?? {};
    this.retryAfter = init.retryAfter;
  }

  /** Reads a failed response. Never throws: an unreadable body still yields an ApiError. */
  static async fromResponse(response: Response): Promise<ApiError> {
    let body: unknown;
    try {
      const text = await response.text();
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (an HTML error page from a proxy, a truncated body): fall back to the status.
    }
    return ApiError.fromProblem(body, {
      status: response.status,
      statusText: response.statusText,
      requestId: response.headers.get(requestIdHeader) ?? undefined,
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    });
  }

  /**
   * Builds an ApiError from a parsed body that should be a problem document. Anything missing falls
   * back to what the HTTP response itself says.
   */
  static fromProblem(
    body: unknown,
    fallback: { status: number; statusText?: string; requestId?: string; retryAfter?: number },
  ): ApiError {
    const problem = readProblem(body);
    const status = problem.status ?? fallback.status;
    return new ApiError({
      status,
      code: problem.code || clientErrorCodes.unexpectedResponse,
      title: problem.title || fallback.statusText || defaultTitle(status),
      detail: problem.detail ?? '',
      requestId: problem.request_id || fallback.requestId || undefined,
      type: problem.type,
      instance: problem.instance,
      fieldErrors: fieldErrorMap(problem.errors ?? []),
      retryAfter: fallback.retryAfter,
    });
  }

  /** The request did not get an answer at all. */
  static network(cause: unknown): ApiError {
    return new ApiError({
      status: 0,
      code: clientErrorCodes.network,
      title: 'Cannot reach the server',
      detail: 'Check your connection and try again.',
      cause,
    });
  }

  get isValidation(): boolean {
    return Object.keys(this.fieldErrors).length > 0;
  }
}

/**
 * Reads `Retry-After`: delay-seconds or an HTTP date. Returns whole seconds (at least 1), or
 * undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number.parseInt(trimmed, 10));
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

/** "45 seconds", "3 minutes", "2 hours": how long a Retry-After asks to wait. */
export function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.ceil(hours / 24)} days`;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/**
 * Keeps the members of a problem document that have the types the spec gives them and drops the
 * rest, so nothing downstream trips over a malformed body.
 */
export function readProblem(body: unknown): ProblemDetails {
  if (!isRecord(body)) return {};
  return {
    type: stringField(body, 'type'),
    title: stringField(body, 'title'),
    status: numberField(body, 'status'),
    detail: stringField(body, 'detail'),
    instance: stringField(body, 'instance'),
    code: stringField(body, 'code'),
    request_id: stringField(body, 'request_id'),
    errors: readFieldErrors(body['errors']),
  };
}

/** The well-formed `{field, message}` items of `errors[]`. */
function readFieldErrors(value: unknown): ProblemField[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (!isRecord(item)) return [];
    const field = stringField(item, 'field');
    const message = stringField(item, 'message');
    return field && message ? [{ field, message }] : [];
  });
}

/**
 * One message per field. When the server reports several problems with the same field, they are
 * joined so none is lost.
 */
function fieldErrorMap(errors: ProblemField[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const { field, message } of errors) {
    if (!field || !message) continue;
    result[field] = result[field] ? `${result[field]}; ${message}` : message;
  }
  return result;
}

/** `errors[]` of a problem document, as ApiError.fieldErrors holds it. */
export function parseFieldErrors(value: unknown): Record<string, string> {
  return fieldErrorMap(readFieldErrors(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

function numberField(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function defaultTitle(status: number): string {
  if (status >= 500) return 'Server error';
  if (status === 404) return 'Not found';
  if (status === 401) return 'Not signed in';
  if (status === 403) return 'Not allowed';
  return 'Request failed';
}
