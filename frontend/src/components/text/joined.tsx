import { Fragment } from 'react';

/**
 * Parts of user text in one line ("ana@example.com · شركة 3"), each in its own direction: as one
 * run, an Arabic or Hebrew part took its neighbours' digits and punctuation into its right-to-left
 * run and the parts read in the wrong order. Empty parts are left out.
 */
export function Joined({ parts, separator = ' · ' }: { parts: (string | null | undefined | false)[]; separator?: string }) {
  return parts
    .filter((part): part is string => Boolean(part))
    .map((part, i) => (
      <Fragment key={i}>
        {i > 0 && separator}
        <bdi>{part}</bdi>
      </Fragment>
    ));
}
