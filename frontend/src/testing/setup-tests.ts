import '@testing-library/jest-dom/vitest';

import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

import { resetSessionForTests } from '@/lib/auth/session';

import { FetchBackedXHR } from './fetch-backed-xhr';
import { mediaQueryList } from './media';

// findBy* and waitFor give up after 1 s by default. On CI's two cores, with every test file running at
// once, a route change that renders a new page has taken longer than that; 5 s still fails a test
// whose element never comes.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  // Every test starts as a fresh page load: no token, no session check made yet, a browser that
  // never signed in.
  resetSessionForTests();
  window.localStorage.clear();
});

// jsdom lacks the layout APIs Mantine reads; these stand-ins answer "no match, no size".
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: vi.fn().mockImplementation((query: string) => mediaQueryList(query, false)),
});

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = ResizeObserverStub;

window.HTMLElement.prototype.scrollIntoView = () => {};
// jsdom does not scroll (and says so on the console): the app's scroll memory calls this on every navigation.
window.scrollTo = () => {};

// Textarea autosize listens for web fonts loading; jsdom has no FontFaceSet.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    value: { addEventListener: () => {}, removeEventListener: () => {}, ready: Promise.resolve() },
  });
}

// Uploads with progress use XMLHttpRequest; in tests it sends through the (stubbed) fetch.
window.XMLHttpRequest = FetchBackedXHR as unknown as typeof XMLHttpRequest;
