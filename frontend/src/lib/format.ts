/** Display formats. The product's UI is English; numbers use en-US grouping ("20,000"). */

const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/** A number with its noun, plural unless the number is 1: "1 member", "3 pending invitations". */
export function formatCount(value: number, noun: string, plural = `${noun}s`): string {
  return `${formatNumber(value)} ${value === 1 ? noun : plural}`;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** "Dec 1, 2026"; a missing or unreadable value becomes "—". */
export function formatDate(value: string | null | undefined): string {
  return formatWith(dateFormat, value);
}

/** "Dec 1, 2026, 3:04 PM" in the browser's time zone. */
export function formatDateTime(value: string | null | undefined): string {
  return formatWith(dateTimeFormat, value);
}

/**
 * When a monthly quota resets (00:00 UTC on the 1st) as the browser's time zone (or timeZone) has it:
 * the date alone where that is midnight ("Dec 1, 2026"), else the date and time with the zone
 * ("Nov 30, 2026, 7:00 PM EST"). West of UTC the reset falls on the evening before the 1st, and
 * "resets Nov 30" alone reads as from the start of that day.
 */
export function formatResetTime(value: string | null | undefined, timeZone?: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const clock = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
    .formatToParts(date)
    .filter((part) => part.type === 'hour' || part.type === 'minute')
    .map((part) => part.value)
    .join(':');
  if (clock === '00:00') return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone }).format(date);
  return formatMomentWithZone(date, timeZone);
}

/** "Jan 1, 2027, 12:59 AM GMT+1": a moment in the browser's time zone (or timeZone), with the zone named. */
export function formatMomentWithZone(date: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-US', {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(date);
}

function formatWith(format: Intl.DateTimeFormat, value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : format.format(date);
}

/** 536870912 → "512 MiB", 5242880 → "5 MiB", 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${rounded} ${units[unit]}`;
}

/** 14900 usd → "$149.00"; 0 → "Free". */
export function formatPrice(cents: number, currency: string): string {
  if (cents === 0) return 'Free';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

const roleLabels: Record<string, string> = {
  org_admin: 'Org admin',
  member: 'Member',
  viewer: 'Viewer',
  system_admin: 'System admin',
  support: 'Support',
  user: 'User',
};

/** "org_admin" → "Org admin". */
export function formatRole(role: string): string {
  return roleLabels[role] ?? role;
}

/** "past_due" → "Past due". */
export function formatStatus(status: string): string {
  const words = status.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
