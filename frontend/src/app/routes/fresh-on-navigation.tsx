import { Fragment, useState, type ReactNode } from 'react';
import { NavigationType, useLocation, useNavigationType } from 'react-router-dom';

/**
 * Search and Saved keep their filters in their own state (a checkbox must not wait for the router)
 * and write them into the URL by replacing the history entry. A navigation to the page while it is
 * open (its link in the navigation, Back, Forward) is not theirs: the page starts again from that
 * URL instead of writing its old filters back over it. The page's own replacements keep it as is.
 */
export function FreshOnNavigation({ children }: { children: ReactNode }) {
  const location = useLocation();
  const navigationType = useNavigationType();
  const [key, setKey] = useState(location.key);
  if (navigationType !== NavigationType.Replace && location.key !== key) setKey(location.key);
  return <Fragment key={key}>{children}</Fragment>;
}
