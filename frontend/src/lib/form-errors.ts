import { isApiError } from './api-error';

/** The server's message for `field` (problem+json `errors[]`), to show next to that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return isApiError(error) ? error.fieldErrors[field] : undefined;
}

/**
 * Whether `error` needs a general alert: anything but a validation error whose every field is shown
 * next to an input of the form.
 */
export function needsGeneralAlert(error: unknown, shownFields: readonly string[]): boolean {
  if (!error) return false;
  if (!isApiError(error) || !error.isValidation) return true;
  return Object.keys(error.fieldErrors).some((field) => !shownFields.includes(field));
}
