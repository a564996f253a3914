import { lazy, type ComponentProps, type ComponentType, type ReactNode } from 'react';

/** Pages whose code failed to load, each with the reset that lets the next render ask again. */
const failedPages = new Set<() => void>();

/**
 * Lets every page whose code failed to load ask for it again on its next render. The error page
 * calls it on "Try again" and when the user leaves it. (Not on the failure itself: React renders a
 * failed tree once more before it shows the error, and a fresh load there would loop, fetching the
 * missing file again and again while the old page stays on screen.)
 */
export function retryFailedPages(): void {
  for (const reset of failedPages) reset();
  failedPages.clear();
}

/**
 * React.lazy for a page, except that a failed load is not kept for good: React.lazy remembers a
 * rejected import, so a page whose code could not be fetched once (the connection dropped for a
 * moment) stayed broken on every later visit until a full reload. Here, after
 * {@link retryFailedPages}, the next render asks for the code again.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the same bound React.lazy uses
export function lazyPage<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): (props: ComponentProps<T>) => ReactNode {
  const fresh = () =>
    lazy(() =>
      load().catch((error: unknown) => {
        failedPages.add(reset);
        throw error;
      }),
    );
  let current = fresh();
  const reset = () => {
    current = fresh();
  };
  function LazyPage(props: ComponentProps<T>) {
    const Page = current;
    return <Page {...props} />;
  }
  return LazyPage;
}

/**
 * Whether `error` is a page's code that could not be fetched (Chromium, Firefox and Safari word it
 * differently; Vite's preload of a chunk's CSS has its own), not a page that failed to render.
 */
export function isCodeLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /dynamically imported module|importing a module script failed|unable to preload/i.test(error.message);
}
