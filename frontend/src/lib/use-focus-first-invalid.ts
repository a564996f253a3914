import { useEffect, useRef, type RefObject } from 'react';

/**
 * For a form's ref: when a submit fails (a new `error`), focus moves to the first field marked
 * invalid, so keyboard and screen reader users land on what to fix. The submit button is disabled
 * while the request runs, which drops focus to the top of the document; when no field is marked
 * (an error shown in the form's alert), focus goes back to that button instead.
 */
export function useFocusFirstInvalid<T extends HTMLElement>(error: unknown): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    const form = ref.current;
    if (!error || !form) return;
    // Mantine marks a PasswordInput's field with data-invalid only.
    const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"], input[data-invalid]');
    if (invalid) {
      invalid.focus();
      return;
    }
    const active = document.activeElement;
    if (active === null || active === document.body) form.querySelector<HTMLElement>('[type="submit"]')?.focus();
  }, [error]);
  return ref;
}
