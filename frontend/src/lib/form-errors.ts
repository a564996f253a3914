import { isApiError } from './api-error';

/** The server's message for `field` (problem+json `errors[]`), to show next to that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return isApiError(error) ? error.fieldErrors[field] : undefined;
}

/**
 * The fields of `error` that are `field` itself or its items and members (`match_keys[1]`,
 * `filters.titles`), for a control that edits the whole list.
 */
export function fieldsUnder(error: unknown, field: string): string[] {
  if (!isApiError(error)) return [];
  return Object.keys(error.fieldErrors).filter(
    (path) => path === field || path.startsWith(`${field}[`) || path.startsWith(`${field}.`),
  );
}

/** The messages of {@link fieldsUnder}, joined: what to show next to a control that edits a list. */
export function fieldErrorsUnder(error: unknown, field: string): string | undefined {
  if (!isApiError(error)) return undefined;
  const messages = fieldsUnder(error, field).map((path) => error.fieldErrors[path]);
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** The field errors of `error` that no control among `shownFields` shows (exact names). */
export function unshownFieldErrors(error: unknown, shownFields: readonly string[]): Record<string, string> {
  if (!isApiError(error)) return {};
  return Object.fromEntries(Object.entries(error.fieldErrors).filter(([path]) => !shownFields.includes(path)));
}

/**
 * Whether `error` needs a general alert: anything but a validation error whose every field is shown
 * next to an input of the form.
 */
export function needsGeneralAlert(error: unknown, shownFields: readonly string[]): boolean {
  if (!error) return false;
  if (!isApiError(error) || !error.isValidation) return true;
  return Object.keys(unshownFieldErrors(error, shownFields)).length > 0;
}
