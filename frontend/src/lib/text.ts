/**
 * Text lengths as the server counts them. A limit counts characters, that is Unicode code points, so
 * an emoji is one; a string's length and an input's maxLength count UTF-16 units, where most emoji
 * are two. A limit counts the value as it is kept, without the spaces and line breaks around it.
 */

/** The characters (code points) of text. */
export function characters(text: string): number {
  return [...text].length;
}

/** The characters of text once the spaces and line breaks around it are trimmed: what a limit counts. */
export function trimmedCharacters(text: string): number {
  return characters(text.trim());
}

/**
 * Text cut to at most max characters, not counting the spaces around it, as maxLength would cut it
 * (pasted text too): what the server would refuse as too long is cut, a trailing line break is not.
 */
export function capped(text: string, max: number): string {
  if (trimmedCharacters(text) <= max) return text;
  const lead = text.length - text.trimStart().length;
  return text.slice(0, lead) + [...text.slice(lead)].slice(0, max).join('');
}
