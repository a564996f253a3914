import type { Import } from './api/get-import';
import type { ImportField, ImportMappingRequest, MatchKey } from './api/set-import-mapping';

/** The import's current mapping as the PUT body. */
export function mappingRequest(mapping: Import['mapping']): ImportMappingRequest {
  const body: ImportMappingRequest = {
    has_header: mapping.has_header,
    columns: mapping.columns,
    match_keys: mapping.match_keys,
    mode: mapping.mode,
    overwrite: mapping.overwrite,
  };
  if (mapping.list_id) body.list_id = mapping.list_id;
  if (mapping.default_region) body.default_region = mapping.default_region;
  // Platform imports only: sent back so a chosen source survives the next change.
  if (mapping.source) body.source = mapping.source;
  return body;
}

/**
 * Whether the columns map what `key` matches on (the server's rule, internal/imports keyMapped):
 * name + company needs the full name, or first and last name, and the company name.
 */
export function keyMapped(columns: readonly ImportField[], key: MatchKey): boolean {
  const has = (field: ImportField) => columns.includes(field);
  switch (key) {
    case 'email':
      return has('email');
    case 'linkedin_url':
      return has('linkedin_url');
    case 'name_company':
      return (has('full_name') || (has('first_name') && has('last_name'))) && has('company_name');
  }
}

/**
 * The mapping with new columns, and without the match keys those columns no longer map (the server
 * refuses a key with no column). The other keys keep the user's order; when none is left, the list
 * is emptied, which the server reads as "every mapped key".
 */
export function withColumns(mapping: ImportMappingRequest, columns: ImportField[]): ImportMappingRequest {
  const matchKeys = mapping.match_keys.filter((key) => keyMapped(columns, key));
  return { ...mapping, columns, match_keys: matchKeys };
}
