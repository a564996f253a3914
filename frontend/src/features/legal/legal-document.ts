/**
 * The shape of a legal page (Terms, Privacy): plain data, so the wording lives in one reviewable
 * module per document and the page component only lays it out.
 */

/** A run of text, or a link. `to` is a route inside the SPA; `href` goes outside it. */
export type Inline = string | { text: string; href: string } | { text: string; to: string };

export type LegalBlock =
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'list'; items: Inline[][] };

export type LegalSection = {
  heading: string;
  blocks: LegalBlock[];
};

export type LegalDocument = {
  /** The product line printed above the title. */
  product: string;
  title: string;
  /** As printed after "Last updated: ". */
  lastUpdated: string;
  intro: LegalBlock[];
  sections: LegalSection[];
};

export function paragraph(...content: Inline[]): LegalBlock {
  return { kind: 'paragraph', content };
}

export function list(...items: (string | Inline[])[]): LegalBlock {
  return { kind: 'list', items: items.map((item) => (typeof item === 'string' ? [item] : item)) };
}

export function inlineText(inline: Inline): string {
  return typeof inline === 'string' ? inline : inline.text;
}
