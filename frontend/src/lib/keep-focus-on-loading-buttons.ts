/**
 * Gives focus back to a button that lost it only because it showed a loading state.
 *
 * Mantine's `<Button loading>` (and `<ActionIcon loading>`) disables the button while it loads. A
 * browser drops focus from an element that becomes disabled (Chromium moves it to the page
 * itself, synchronously), so after "Send invitation" or "Deactivate" a keyboard user was back at
 * the top of the page with nothing focused. This listens for that one case, app-wide: a focused
 * button that lost focus to nowhere while it is disabled and `data-loading`. When the button has
 * stopped loading and is enabled again, and focus is still nowhere (the person has not moved on,
 * nothing else took focus, such as the first invalid field), focus returns to it.
 *
 * Returns the function that stops listening.
 */
export function keepFocusOnLoadingButtons(doc: Document = document): () => void {
  let watching: MutationObserver | null = null;

  const stopWatching = () => {
    watching?.disconnect();
    watching = null;
  };

  const onFocusOut = (event: FocusEvent) => {
    const button = event.target;
    if (!(button instanceof HTMLButtonElement) || event.relatedTarget !== null) return;
    if (!button.disabled || !button.hasAttribute('data-loading')) return;

    stopWatching();
    const observer = new MutationObserver(() => {
      if (!button.isConnected) {
        stopWatching();
        return;
      }
      if (button.hasAttribute('data-loading')) return;
      stopWatching();
      const active = doc.activeElement;
      if (!button.disabled && (active === null || active === doc.body)) button.focus();
    });
    observer.observe(button, { attributes: true, attributeFilter: ['disabled', 'data-loading'] });
    watching = observer;
  };

  doc.addEventListener('focusout', onFocusOut, true);
  return () => {
    doc.removeEventListener('focusout', onFocusOut, true);
    stopWatching();
  };
}
