// Package openapi holds the API description generated from the swag
// annotations in api/ (`make openapi`): Swagger 2.0 (swagger.json/.yaml) and
// the OpenAPI 3 form (openapi.json/.yaml) that the SPA's types and Swagger UI
// use. Never edit these files by hand.
package openapi

import _ "embed"

// JSON is the OpenAPI 3 description served at /openapi.json.
//
//go:embed openapi.json
var JSON []byte
