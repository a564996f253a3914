// Gives error responses their real media type in the OpenAPI 3 description.
//
//   node scripts/openapi-problems.cjs DIR   rewrites DIR/openapi.json, writes DIR/openapi.yaml
//
// Errors are RFC 9457 problem documents sent as application/problem+json
// (api/errors.go), but Swagger 2 has one `produces` list per operation, so
// swag and swagger2openapi document every error under the operation's
// success type (application/json, text/csv or */*). Each response whose
// schema is the Problem schema gets application/problem+json as its only
// media type. The YAML is written from the same object with the yaml
// package swagger2openapi itself uses, so the two files stay one document.
//
// Every API route refuses a query parameter that is not valid UTF-8 or
// holds a NUL with a 422 problem naming it (checkQuery in api/bind.go runs
// on each), so each operation that does not document 422 itself gets that
// answer here rather than in every annotation (with the RateLimit-* headers
// its other answers declare, for an API key's request).
//
// It also makes BearerAuth an http bearer scheme: Swagger 2 has none, so swag
// declares an apiKey header named Authorization, and Swagger UI sends such a
// value exactly as typed. A user who pasted the access token that
// /auth/login returns (as docs/API.md says to) sent it without "Bearer " and
// got 401 on every Try it out; an http bearer scheme adds the prefix.
//
// Some request bodies get a whole-body example (BODY_EXAMPLES below).
// Swagger UI's Try it out fills a body from its schema: the schema's
// example when it has one, else every property's example. Where every
// property at once is not a request a user would send (all of the search's
// filters together match no contact; a save onto a list_id that is an
// example, not a list of the user's), the body example is the request to
// try first. Its values come from the demo data (`contacts seed --demo`):
// the contact id is the demo's first contact, Megan Lewis, a Senior
// Support Engineer at Forge Systems (Software) in Houston, US
// (TestDemoExampleContact in internal/contacts checks it), and
// TestOpenAPISampleRuns in api runs these bodies.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const frontend = createRequire(path.join(__dirname, '..', 'frontend', 'package.json'));
const yaml = createRequire(frontend.resolve('swagger2openapi'))('yaml');

const PROBLEM_REF = '#/components/schemas/Problem';
const DEMO_CONTACT_ID = '01856fc7-2400-7bbe-acd9-c1848b6bf8dd';
const BODY_EXAMPLES = {
  SearchRequest: {
    query: 'engineer',
    filters: { countries: ['US'], industries: ['Software'] },
    sort: 'relevance',
    page_size: 25,
    facets: true,
  },
  SaveContactsRequest: { contact_ids: [DEMO_CONTACT_ID] },
  CRMPushRequest: { contact_ids: [DEMO_CONTACT_ID] },
  // No expires_at: a fixed date in an example expires one day.
  CreateAPIKeyRequest: { name: 'CRM sync', scopes: ['contacts:read', 'saved:read', 'saved:write'] },
  // An update changes only the fields sent.
  PackageRequest: { price_cents: 4900, max_users: 10 },
  ImportMappingRequest: {
    has_header: true,
    columns: ['email', 'first_name', 'last_name', '', 'company_name'],
    match_keys: ['email', 'name_company'],
    mode: 'create_and_update',
    default_region: 'US',
  },
};
const PROBLEM_TYPE = 'application/problem+json';

const dir = process.argv[2];
const file = path.join(dir, 'openapi.json');
const doc = JSON.parse(fs.readFileSync(file, 'utf8'));

let patched = 0;
for (const item of Object.values(doc.paths)) {
  for (const op of Object.values(item)) {
    for (const resp of Object.values(op.responses || {})) {
      const schemas = Object.values(resp.content || {}).map((mt) => mt.schema && mt.schema.$ref);
      if (schemas.length === 0 || !schemas.every((ref) => ref === PROBLEM_REF)) continue;
      resp.content = { [PROBLEM_TYPE]: { schema: { $ref: PROBLEM_REF } } };
      patched++;
    }
  }
}
for (const item of Object.values(doc.paths)) {
  for (const op of Object.values(item)) {
    if (!op.responses || op.responses['422']) continue;
    op.responses['422'] = {
      description: 'A query parameter is not valid UTF-8 or holds a NUL',
      content: { [PROBLEM_TYPE]: { schema: { $ref: PROBLEM_REF } } },
    };
    // An API key's request gets its RateLimit-* headers on this answer too
    // (the key's minute was counted before the query was read), as on every
    // other answer of the operation but 401 and 429.
    const limited = Object.entries(op.responses).find(([code, r]) => code.startsWith('2') && r.headers && r.headers['RateLimit-Limit']);
    if (limited) {
      const headers = {};
      for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']) headers[name] = limited[1].headers[name];
      op.responses['422'].headers = headers;
    }
  }
}
const bearer = doc.components && doc.components.securitySchemes && doc.components.securitySchemes.BearerAuth;
if (!bearer || bearer.type !== 'apiKey' || bearer.in !== 'header' || bearer.name !== 'Authorization') {
  console.error('openapi-problems: BearerAuth is not the Authorization apiKey header swag declares: has it changed?');
  process.exit(1);
}
doc.components.securitySchemes.BearerAuth = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: 'The access_token from /auth/login, alone: it is sent as "Authorization: Bearer <token>".',
};

for (const [name, example] of Object.entries(BODY_EXAMPLES)) {
  const schema = doc.components.schemas[name];
  if (!schema) {
    console.error(`openapi-problems: no schema ${name} for its body example: has it been renamed?`);
    process.exit(1);
  }
  schema.example = example;
}

if (patched === 0) {
  console.error('openapi-problems: no response uses the Problem schema: has its name changed?');
  process.exit(1);
}
fs.writeFileSync(file, JSON.stringify(doc, null, 4));
fs.writeFileSync(path.join(dir, 'openapi.yaml'), yaml.stringify(doc));
