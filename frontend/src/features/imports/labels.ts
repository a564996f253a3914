import { formatCount } from '@/lib/format';

import type { Import } from './api/get-import';
import type { ImportOutcome } from './api/list-import-records';
import type { ImportField, ImportMappingRequest, MatchKey } from './api/set-import-mapping';

/** The contact fields a column can map to (PUT /imports/{id}/mapping `columns`), "" ignores it. */
export const targetFields: { value: Exclude<ImportField, ''>; label: string }[] = [
  { value: 'email', label: 'Email' },
  { value: 'first_name', label: 'First name' },
  { value: 'last_name', label: 'Last name' },
  { value: 'full_name', label: 'Full name (split)' },
  { value: 'title', label: 'Title' },
  { value: 'seniority', label: 'Seniority' },
  { value: 'department', label: 'Department' },
  { value: 'company_name', label: 'Company name' },
  { value: 'company_domain', label: 'Company domain' },
  { value: 'phone', label: 'Phone' },
  { value: 'linkedin_url', label: 'LinkedIn URL' },
  { value: 'city', label: 'City' },
  { value: 'region', label: 'Region' },
  { value: 'country', label: 'Country' },
];

export const ignoreField: { value: ImportField; label: string } = { value: '', label: 'Do not import' };

export function fieldLabel(field: string): string {
  return targetFields.find((f) => f.value === field)?.label ?? field;
}

/**
 * What a row's warning says happened to its value: most were dropped (the row imported without
 * them), but `ambiguous_phone` was imported as read and is to check, and `extra_emails` and
 * `phone_extension` were imported in part (the first address, the number without its extension).
 */
export function warningVerb(code: string): string {
  switch (code) {
    case 'ambiguous_phone':
      return 'to check';
    case 'extra_emails':
    case 'phone_extension':
      return 'imported in part';
    default:
      return 'dropped';
  }
}

/** Match keys in the server's default order. */
export const matchKeys: { value: MatchKey; label: string }[] = [
  { value: 'email', label: 'Email' },
  { value: 'linkedin_url', label: 'LinkedIn URL' },
  { value: 'name_company', label: 'Name + company' },
];

export const modes: { value: ImportMappingRequest['mode']; label: string }[] = [
  { value: 'create_and_update', label: 'Create new and update matches' },
  { value: 'create_only', label: 'Create new only' },
  { value: 'update_only', label: 'Update matches only' },
];

/**
 * Sources a platform import may write with (PUT /admin/imports/{id}/mapping `source`), in rising
 * precedence; the server uses `platform_import` when none is given.
 */
export const sources: { value: NonNullable<ImportMappingRequest['source']>; label: string }[] = [
  { value: 'vendor', label: 'Vendor data' },
  { value: 'platform_import', label: 'Platform import' },
  { value: 'verified', label: 'Verified' },
];

export const defaultSource = 'platform_import';

export const outcomes: { value: ImportOutcome; label: string; color: string }[] = [
  { value: 'created', label: 'Created', color: 'teal' },
  { value: 'matched', label: 'Matched', color: 'blue' },
  { value: 'duplicate', label: 'Duplicate', color: 'gray' },
  { value: 'invalid', label: 'Invalid', color: 'red' },
];

/**
 * The encodings a CSV file can be read in (PUT /imports/{id}/mapping `encoding`), in the order the
 * encoding select lists them: what a file from Excel in Western, Central European and Cyrillic
 * locales, or from an old Mac, is in.
 */
export const encodings: { value: Import['encoding']; label: string }[] = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'utf-8-bom', label: 'UTF-8 with BOM' },
  { value: 'utf-16le', label: 'UTF-16 LE' },
  { value: 'utf-16be', label: 'UTF-16 BE' },
  { value: 'windows-1252', label: 'Windows-1252 (Western European)' },
  { value: 'windows-1250', label: 'Windows-1250 (Central European)' },
  { value: 'windows-1251', label: 'Windows-1251 (Cyrillic)' },
  { value: 'iso-8859-1', label: 'ISO-8859-1 (Latin-1)' },
  { value: 'iso-8859-2', label: 'ISO-8859-2 (Latin-2)' },
  { value: 'iso-8859-15', label: 'ISO-8859-15 (Latin-9)' },
  { value: 'macintosh', label: 'Mac OS Roman' },
];

export function encodingLabel(encoding: Import['encoding']): string {
  return encodings.find((e) => e.value === encoding)?.label ?? encoding;
}

const delimiters: Record<Import['delimiter_name'], string> = {
  comma: 'Comma (,)',
  semicolon: 'Semicolon (;)',
  tab: 'Tab',
  pipe: 'Pipe (|)',
};

export function delimiterLabel(imp: Pick<Import, 'delimiter' | 'delimiter_name'>): string {
  return delimiters[imp.delimiter_name] ?? JSON.stringify(imp.delimiter);
}

const lineEndings: Record<Import['line_ending'], string> = {
  lf: 'LF (Unix)',
  crlf: 'CRLF (Windows)',
  cr: 'CR (classic Mac)',
  mixed: 'Mixed',
  none: 'Single line',
};

export function lineEndingLabel(value: Import['line_ending']): string {
  return lineEndings[value] ?? value;
}

export const statusColors: Record<Import['status'], string> = {
  uploaded: 'gray',
  queued: 'yellow',
  running: 'blue',
  completed: 'teal',
  failed: 'red',
  cancelled: 'orange',
};

/** 75 → "1 min 15 s"; null → "—". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * What the rows with warnings mean: their contacts were (or, after a dry run, will be) imported
 * without the values that could not be read, with part of a value (an extension, extra addresses), or
 * with a value to check, which the "With warnings" tab and the error report list.
 */
export function warningsSentence(rows: number, dryRun: boolean): string {
  return `${formatCount(rows, 'row')} ${dryRun ? 'would be' : rows === 1 ? 'was' : 'were'} imported with warnings: a value that could not be read was left out (a phone, a country…), part of a value was (an extension, extra addresses), or a phone number is to check (a workbook's number cell that reads two ways): see "With warnings" and the error report.`;
}
