import { VisuallyHidden } from '@mantine/core';
import { useEffect, useState, type RefObject } from 'react';
import { NavigationType, useLocation, useNavigationType } from 'react-router-dom';

/** How long a page may take to show its h1 (lazy code, first data) before focus goes to <main>. */
export const headingWait = 5000;

/**
 * The announcement reads document.title this long after the heading appears: a page sets its title
 * in an effect, which React may run after the mutation that showed the heading.
 */
export const announceDelay = 100;

/**
 * Whether focus is somewhere worth keeping after a navigation: on something still on the page,
 * inside <main>. A control that survives the navigation (the admin console's tabs, a field the
 * new page focused itself) keeps it; the sidebar, the header and the footer, or a button that
 * vanished with the old page (focus fell to <body>), do not.
 */
function focusIsOnPage(main: HTMLElement): boolean {
  const active = document.activeElement;
  return active instanceof HTMLElement && active !== main && active.isConnected && main.contains(active);
}

/**
 * The usual SPA pattern for what a full page load gives for free: after the path changes (a link,
 * a redirect, a button that navigates, browser back/forward), focus moves to the new page's h1, or
 * to <main> when the page shows none in time, and a polite live region announces the new
 * document title. Not on the first load (the browser starts at the top of the document), not
 * when only the query or the hash changes (filters, pages of results, in-page anchors), and not
 * when focus is already on something inside the new page. Back/forward focus without scrolling,
 * so the position ScrollMemory restores stays where it is.
 */
export function RouteFocus({ mainRef }: { mainRef: RefObject<HTMLElement | null> }) {
  const location = useLocation();
  const navigationType = useNavigationType();
  // Counts path changes during render (React's "previous value" pattern), so that the effect
  // below runs once per navigation, and again identically under StrictMode.
  const [seen, setSeen] = useState({ path: location.pathname, navigations: 0, hash: false, pop: false });
  if (seen.path !== location.pathname) {
    setSeen({
      path: location.pathname,
      navigations: seen.navigations + 1,
      hash: location.hash !== '',
      pop: navigationType === NavigationType.Pop,
    });
  }
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    const main = mainRef.current;
    if (seen.navigations === 0 || !main) return;
    const { hash, pop } = seen;
    let done = false;
    let announce = 0;
    const settle = (target: HTMLElement) => {
      done = true;
      observer.disconnect();
      window.clearTimeout(timer);
      announce = window.setTimeout(() => setAnnouncement(document.title), announceDelay);
      // A link to an anchor on the new page leaves focus and scrolling to the browser.
      if (hash || focusIsOnPage(main)) return;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: pop });
    };
    const findHeading = () => {
      if (done) return;
      const heading = main.querySelector<HTMLElement>('h1');
      if (heading) settle(heading);
    };
    const observer = new MutationObserver(findHeading);
    const timer = window.setTimeout(() => settle(main), headingWait);
    observer.observe(main, { childList: true, subtree: true });
    findHeading();
    return () => {
      done = true;
      observer.disconnect();
      window.clearTimeout(timer);
      window.clearTimeout(announce);
    };
  }, [seen, mainRef]);

  return (
    <VisuallyHidden aria-live="polite" aria-atomic="true" data-testid="route-announcer">
      {announcement}
    </VisuallyHidden>
  );
}
