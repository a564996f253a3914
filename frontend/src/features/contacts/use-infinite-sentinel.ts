import { useEffect, useRef, useState } from 'react';

type Options = {
  /** Whether there is more to load and no page is loading now. */
  enabled: boolean;
  onVisible: () => void;
  /** How far below the viewport the sentinel starts loading (so the next page is there in time). */
  rootMargin?: string;
};

/**
 * Infinite scroll: returns a ref for an element after the last row; when it comes near the
 * viewport, `onVisible` loads the next page. Browsers without IntersectionObserver get nothing
 * (the caller's "Load more" button still works).
 */
export function useInfiniteSentinel<T extends Element>({ enabled, onVisible, rootMargin = '400px' }: Options) {
  const [node, setNode] = useState<T | null>(null);
  const callback = useRef(onVisible);
  useEffect(() => {
    callback.current = onVisible;
  });

  useEffect(() => {
    if (!enabled || !node || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) callback.current();
      },
      { rootMargin },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [enabled, node, rootMargin]);

  return setNode;
}
