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

/**
 * Text set apart from what surrounds it in a plain string (an option's label, an input's value),
 * where <bdi> cannot go: between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE it takes its own
 * direction, and its neighbours keep theirs. Without them an Arabic or Hebrew list name took the
 * count after it into its right-to-left run: "قائمة 1 (30)" showed as "(30) 1 قائمة".
 */
export function isolated(text: string): string {
  return `\u2068${text}\u2069`;
}
