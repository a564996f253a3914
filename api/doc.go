package api

// The general API information for swag lives here, next to the route table.
//
//	@title						1CloudAI Business Contacts API
//	@version					1.0
//	@description				Search a shared B2B contact database, save and correct contacts, import CSV files and push approved contacts to the 1CloudAI CRM. Errors are RFC 9457 problem documents (application/problem+json). Every response carries X-Request-ID: the id of the request in our logs and in problem documents (request_id); send your own (up to 128 characters of A-Z a-z 0-9 . _ : -) to correlate. API-key requests also get RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; every 429 has Retry-After.
//	@contact.name				1CloudAI support
//	@contact.email				support@1cloudcrm.com
//	@contact.url				https://1cloudaicrm.com/contact
//	@license.name				Proprietary
//	@license.url				https://1cloudaicrm.com/terms
//	@BasePath					/api/v1
//	@schemes					http https
//
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				An access token from /auth/login, sent as "Bearer <token>".
//
//	@securityDefinitions.apikey	ApiKeyAuth
//	@in							header
//	@name						X-API-Key
//	@description				A tenant API key (ock_…). "Authorization: Bearer ock_…" works too. Each operation lists the scope it needs in x-required-scopes. A request that carries an API key and an access token is the key's (Swagger UI sends every credential you authorized: log out of the one you do not mean).
