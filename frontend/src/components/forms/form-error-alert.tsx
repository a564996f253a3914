import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { needsGeneralAlert, unshownFieldErrors } from '@/lib/form-errors';

type FormErrorAlertProps = {
  error: unknown;
  /** The request fields the form shows errors next to; errors about other fields go in the alert. */
  fields: readonly string[];
};

/**
 * The general alert of a form: shown unless every problem is already next to its field. It lists
 * the field errors the form has no place for, so the server's reason is never lost.
 */
export function FormErrorAlert({ error, fields }: FormErrorAlertProps) {
  if (!needsGeneralAlert(error, fields)) return null;
  return <ApiErrorAlert error={error} fieldErrors={unshownFieldErrors(error, fields)} />;
}
