import type { Import } from './api/get-import';
import type { ImportMappingRequest } from './api/set-import-mapping';

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
