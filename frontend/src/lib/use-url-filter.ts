import { useSearchParams } from 'react-router-dom';

/**
 * A page's filter kept in the URL's query (?name=value), so that a reload, a shared link and Back
 * keep it. Returns the named parameters, trimmed ('' when absent), and a setter that writes the
 * non-empty ones and drops every other parameter (a cursor, another page's).
 */
export function useUrlFilter<K extends string>(
  names: readonly K[],
): [Record<K, string>, (next: Partial<Record<K, string>>) => void] {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(names.map((name) => [name, params.get(name)?.trim() ?? ''])) as Record<K, string>;
  const setFilter = (next: Partial<Record<K, string>>) => {
    const search = new URLSearchParams();
    for (const name of names) {
      const value = next[name]?.trim();
      if (value) search.set(name, value);
    }
    setParams(search, { preventScrollReset: true });
  };
  return [values, setFilter];
}
