import { useEffect, useLayoutEffect, useRef } from 'react';
import { NavigationType, useLocation, useNavigationType } from 'react-router-dom';

/** Where the positions live across a reload of the tab (one tab's history, like the positions). */
export const scrollStorageKey = 'scroll-positions';

/** How long Back may wait for the page to grow tall enough (lazy code, cached results rendering). */
export const restoreWait = 5000;

/** The most history entries remembered; the oldest are dropped beyond it. */
const maxEntries = 100;

function loadPositions(): Map<string, number> {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(scrollStorageKey) ?? '[]');
    if (Array.isArray(saved)) {
      return new Map(saved.filter((entry): entry is [string, number] => Array.isArray(entry) && typeof entry[1] === 'number'));
    }
  } catch {
    // Storage off or garbled: start with no positions.
  }
  return new Map();
}

function savePositions(positions: Map<string, number>) {
  try {
    sessionStorage.setItem(scrollStorageKey, JSON.stringify([...positions].slice(-maxEntries)));
  } catch {
    // Storage full or off: the positions last as long as the page.
  }
}

/**
 * The scroll position of each history entry, as a multi-page site gets from the browser:
 * Back and Forward return to where the page was left (a long result list at the row the user had
 * reached), a new page (another path, by a link, a button or a redirect) starts at the top, and a
 * change of the query alone (filters written into the URL, the next page of a list) keeps the
 * position. Pages render their content a moment after the URL changes (lazy code, cached data), so
 * restoring keeps trying until the document is tall enough, the user scrolls themselves, or
 * `restoreWait` passes. A link to an anchor (a hash) is left to the browser.
 *
 * Positions are kept by history entry (location.key) in sessionStorage, so a reload keeps them.
 */
export function ScrollMemory() {
  const location = useLocation();
  const navigationType = useNavigationType();
  const positions = useRef<Map<string, number> | null>(null);
  const current = useRef({ key: location.key, path: location.pathname });
  const restoring = useRef(false);
  // Ends the restoring under way, if any.
  const stopRestoring = useRef<() => void>(() => {});

  // The browser's own restoration runs before the page has its content: ours instead.
  useEffect(() => {
    const previous = window.history.scrollRestoration;
    window.history.scrollRestoration = 'manual';
    positions.current ??= loadPositions();
    const remember = () => {
      if (!restoring.current) positions.current?.set(current.current.key, window.scrollY);
    };
    const persist = () => positions.current && savePositions(positions.current);
    window.addEventListener('scroll', remember, { passive: true });
    window.addEventListener('pagehide', persist);
    return () => {
      window.removeEventListener('scroll', remember);
      window.removeEventListener('pagehide', persist);
      persist();
      window.history.scrollRestoration = previous;
    };
  }, []);

  useLayoutEffect(() => {
    positions.current ??= loadPositions();
    const saved = positions.current;
    const before = current.current;
    if (before.key === location.key) return;
    current.current = { key: location.key, path: location.pathname };
    const samePath = before.path === location.pathname;

    if (navigationType !== NavigationType.Pop) {
      // The page's own URL updates (filters, the next page) keep their place; a new page starts at the top.
      // A page that writes its state into its URL as it mounts (/search, a replace with a new entry key)
      // does so while Back still restores its place: that restoring goes on, for the new entry.
      if (samePath) {
        if (!restoring.current) saved.set(location.key, window.scrollY);
        return;
      }
      stopRestoring.current();
      if (!location.hash) window.scrollTo(0, 0);
      return;
    }

    stopRestoring.current();
    const target = saved.get(location.key) ?? 0;
    restoring.current = true;
    const started = performance.now();
    let frame = 0;
    // Scrolling by hand (or pressing a key) while the page still grows ends the restoring.
    const userScrolls = ['wheel', 'touchmove', 'keydown', 'mousedown'] as const;
    const stop = () => {
      restoring.current = false;
      window.cancelAnimationFrame(frame);
      for (const event of userScrolls) window.removeEventListener(event, stop);
    };
    stopRestoring.current = stop;
    for (const event of userScrolls) window.addEventListener(event, stop, { passive: true });
    const attempt = () => {
      window.scrollTo(0, target);
      if (Math.abs(window.scrollY - target) < 1 || performance.now() - started > restoreWait) {
        stop();
        saved.set(current.current.key, window.scrollY);
        return;
      }
      frame = window.requestAnimationFrame(attempt);
    };
    attempt();
  }, [location.key, location.pathname, location.hash, navigationType]);

  useEffect(() => () => stopRestoring.current(), []);

  return null;
}
