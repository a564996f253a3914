import { describe, expect, it } from 'vitest';

import { capped, characters, trimmedCharacters } from './text';

describe('text lengths', () => {
  it('counts an emoji as one character, as the server does', () => {
    expect('👍'.length).toBe(2);
    expect(characters('👍 ok')).toBe(4);
    expect(characters('Zoë')).toBe(3);
  });

  it('counts a limit without the spaces and line breaks around the text', () => {
    expect(trimmedCharacters('  \n👍👍\n ')).toBe(2);
    expect(trimmedCharacters('a b')).toBe(3);
  });

  it('cuts at the limit in characters, keeping the spaces around the text out of the count', () => {
    expect(capped('👍👍👍', 3)).toBe('👍👍👍');
    expect(capped('👍👍👍👍', 3)).toBe('👍👍👍');
    expect(capped('  👍👍👍\n', 3)).toBe('  👍👍👍\n');
    expect(capped('  👍👍👍👍\n', 3)).toBe('  👍👍👍');
  });
});
