const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-11-30" (a date input's value) → that day's local midnight, RFC 3339; undefined if unreadable. */
export function startOfDay(day: string): string | undefined {
  return localDay(day, 0);
}

/** "2026-11-30" → local midnight of the next day, RFC 3339: an exclusive bound that includes the day. */
export function endOfDay(day: string): string | undefined {
  return localDay(day, 1);
}

function localDay(day: string, plusDays: number): string | undefined {
  const m = dayPattern.exec(day);
  if (!m) return undefined;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
