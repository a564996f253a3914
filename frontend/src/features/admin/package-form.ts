import { characters, trimmedCharacters } from '@/lib/text';

import type { CreatePackageBody } from './api/create-package';
import type { Package } from './api/list-packages';
import type { PackageBody } from './api/update-package';

/**
 * The package editor's values and the checks the server makes (the validate tags of api.CreatePackageRequest and api.PackageRequest,
 * and billing.checkPackage, which counts a text's characters, that is code points, once trimmed),
 * so mistakes show next to the field before a round trip. The server still has the last word: its
 * 422 field errors show in the same places.
 */

export type NumberValue = number | string;

export type PackageFormValues = {
  code: string;
  name: string;
  description: string;
  price_cents: NumberValue;
  currency: string;
  stripe_price_id: string;
  max_users: NumberValue;
  searches_per_month: NumberValue;
  max_contacts_per_query: NumberValue;
  api_access: boolean;
  api_requests_per_minute: NumberValue;
  import_rows_per_month: NumberValue;
  max_concurrent_jobs: NumberValue;
  crm_pushes_per_month: NumberValue;
  max_import_file_bytes: NumberValue;
  sort_order: NumberValue;
  active: boolean;
};

export type NumberField = {
  [K in keyof PackageFormValues]: PackageFormValues[K] extends NumberValue ? K : never;
}[keyof PackageFormValues];

type NumberRule = { field: NumberField; label: string; min?: number; max?: number; description?: string };

export const numberRules: NumberRule[] = [
  { field: 'price_cents', label: 'Price per month (cents)', min: 0 },
  { field: 'max_users', label: 'Users', min: 1 },
  { field: 'searches_per_month', label: 'Searches per month', min: 0 },
  { field: 'max_contacts_per_query', label: 'Contacts per query', min: 1, max: 1000 },
  { field: 'api_requests_per_minute', label: 'API requests per minute', min: 0 },
  { field: 'import_rows_per_month', label: 'Imported rows per month', min: 0 },
  { field: 'crm_pushes_per_month', label: 'CRM pushes per month', min: 0 },
  { field: 'max_concurrent_jobs', label: 'Concurrent background jobs', min: 1, max: 64 },
  { field: 'max_import_file_bytes', label: 'Import file size (bytes)', min: 1024, max: 4 * 1024 ** 3 },
  { field: 'sort_order', label: 'Sort order', description: 'Lower comes first' },
];

export const emptyPackageValues: PackageFormValues = {
  code: '',
  name: '',
  description: '',
  price_cents: 0,
  currency: 'usd',
  stripe_price_id: '',
  max_users: 3,
  searches_per_month: 100,
  max_contacts_per_query: 25,
  api_access: false,
  api_requests_per_minute: 0,
  import_rows_per_month: 1000,
  max_concurrent_jobs: 1,
  crm_pushes_per_month: 100,
  max_import_file_bytes: 5 * 1024 * 1024,
  sort_order: 100,
  active: true,
};

export function valuesFromPackage(pkg: Package): PackageFormValues {
  return {
    code: pkg.code,
    name: pkg.name,
    description: pkg.description,
    price_cents: pkg.price_cents,
    currency: pkg.currency,
    stripe_price_id: pkg.stripe_price_id ?? '',
    max_users: pkg.max_users,
    searches_per_month: pkg.searches_per_month,
    max_contacts_per_query: pkg.max_contacts_per_query,
    api_access: pkg.api_access,
    api_requests_per_minute: pkg.api_requests_per_minute,
    import_rows_per_month: pkg.import_rows_per_month,
    max_concurrent_jobs: pkg.max_concurrent_jobs,
    crm_pushes_per_month: pkg.crm_pushes_per_month,
    max_import_file_bytes: pkg.max_import_file_bytes,
    sort_order: pkg.sort_order,
    active: pkg.active,
  };
}

/** Field → message for every value the server would refuse; empty when the form may be sent. */
export function validatePackage(values: PackageFormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const code = values.code.trim();
  if (characters(code) < 2 || characters(code) > 40) errors.code = 'must be 2 to 40 characters';
  else if (!/^[a-z0-9][a-z0-9_-]*$/.test(code)) errors.code = 'use lowercase letters, digits, - and _';
  const name = values.name.trim();
  if (characters(name) < 1 || characters(name) > 100) errors.name = 'must be 1 to 100 characters';
  if (trimmedCharacters(values.description) > 500) errors.description = 'must be at most 500 characters';
  if (!/^[A-Za-z]{3}$/.test(values.currency.trim())) errors.currency = 'must be a 3-letter currency code';
  if (trimmedCharacters(values.stripe_price_id) > 100) errors.stripe_price_id = 'must be at most 100 characters';
  for (const rule of numberRules) {
    const value = values[rule.field];
    if (value === '' || typeof value !== 'number' || !Number.isInteger(value)) {
      errors[rule.field] = 'must be a whole number';
    } else if (rule.min !== undefined && value < rule.min) {
      errors[rule.field] = `must be at least ${rule.min}`;
    } else if (rule.max !== undefined && value > rule.max) {
      errors[rule.field] = `must be at most ${rule.max}`;
    }
  }
  return errors;
}

function normalized(values: PackageFormValues): PackageFormValues {
  return {
    ...values,
    code: values.code.trim(),
    name: values.name.trim(),
    currency: values.currency.trim().toLowerCase(),
    stripe_price_id: values.stripe_price_id.trim(),
  };
}

/** The body of a new package: every field (validatePackage has checked the numbers). */
export function newPackageBody(values: PackageFormValues): CreatePackageBody {
  const v = normalized(values);
  const body: CreatePackageBody = {
    code: v.code,
    name: v.name,
    description: v.description,
    price_cents: Number(v.price_cents),
    currency: v.currency,
    max_users: Number(v.max_users),
    searches_per_month: Number(v.searches_per_month),
    max_contacts_per_query: Number(v.max_contacts_per_query),
    api_access: v.api_access,
    api_requests_per_minute: Number(v.api_requests_per_minute),
    import_rows_per_month: Number(v.import_rows_per_month),
    max_concurrent_jobs: Number(v.max_concurrent_jobs),
    crm_pushes_per_month: Number(v.crm_pushes_per_month),
    max_import_file_bytes: Number(v.max_import_file_bytes),
    sort_order: Number(v.sort_order),
    active: v.active,
  };
  if (v.stripe_price_id !== '') body.stripe_price_id = v.stripe_price_id;
  return body;
}

/** The body of an edit: only the fields that changed. */
export function packageChanges(values: PackageFormValues, original: PackageFormValues): PackageBody {
  const v = normalized(values);
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(v) as (keyof PackageFormValues)[]) {
    if (original[key] !== v[key]) body[key] = v[key];
  }
  return body;
}
