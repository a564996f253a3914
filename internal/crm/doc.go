// Package crm connects a tenant to its 1CloudAI CRM account and pushes
// approved contacts there, never twice. CRM_API.md (shared) is the
// contract; package fakecrm implements it for development and tests.
//
// # Connecting
//
// An org admin's Connect stores an OAuth state (single use, bound to tenant
// and user, 10 minutes; only its SHA-256 is kept) with a PKCE verifier, and
// returns the CRM's authorize URL with the S256 challenge
// (golang.org/x/oauth2 builds it and later exchanges the code). The state
// carries the tenant id so the public callback finds its row by key; it is
// used up before anything else, so a replay fails even when the first
// attempt did. The callback exchanges the code, reads GET /v1/account and
// stores the tokens sealed with AES-256-GCM (Keyring: the key id sits beside
// the ciphertext, so ENCRYPTION_KEY can rotate; associated data binds each
// ciphertext to its tenant and column). Disconnect revokes the grant at the
// CRM, deletes the tokens and cancels queued pushes; the signed
// app.uninstalled webhook does the same (deduplicated by event_id in the
// transaction of its effect) to connections made at or before its
// occurred_at: the CRM retries deliveries for a day, and a late retry must
// not undo a reconnect.
//
// A CRM account serves one tenant: records there are keyed by our contact
// ids, which every tenant shares, so a callback for an account another
// tenant is connected to is refused (account_in_use) under the account's
// advisory lock, and its grant revoked.
//
// # Tokens
//
// Access tokens are refreshed at 80 % of their life (also between the
// attempts of one call, whose rate-limit waits and backoffs can outlast a
// short-lived token), or on a 401. A refresh at 80 % that fails for a
// passing reason (the token endpoint down) keeps the current token in use
// until it expires, and is tried again on the next attempt. Refresh
// is single-flight per tenant and token version in a process (singleflight) and serialised
// across processes by a lease on the connection row (refresh_lease_id and
// refresh_lease_until, taken and stored in short transactions of their own,
// so no lock or pooled connection is held while the CRM answers; other
// processes wait for the holder's result, and a dead holder's lease
// expires); token_version tells a waiter that someone else already
// refreshed, so a rotating refresh token is never spent twice. An invalid_grant re-reads the stored tokens (a racing
// refresh or a reconnect may have replaced them) before it marks the
// connection needs_reauth, which pauses every queued push until an org admin
// reconnects; reconnecting queues them again.
//
// # Pushing
//
// RequestPush plans which contacts to send (only approved saved contacts;
// others are rejected with a reason; content identical to what the CRM
// holds is skipped as skipped_duplicate), records a push (crm_push_batches)
// with one item per contact, and enqueues River jobs of at most 100
// contacts in the same transaction. A job (PushChunk) re-checks each
// contact, applies the tenant's field ownership, meters crm_pushes once per
// contact, and sends one batch upsert keyed by external_id = our contact
// id, so a retry, a replay after a timeout that hid a committed write, or a
// job resumed after its worker died updates the same CRM record and never
// creates a second. The client follows the contract: 429 waits Retry-After
// (and a per-tenant gate stops sending while X-RateLimit-Remaining is 0;
// a wait over 30 s snoozes the job with its slot released instead of
// sleeping in it, up to 24 hours after the job was queued),
// 5xx and timeouts back off exponentially with jitter, 207 is read item by
// item, RECORD_DELETED marks the contact deleted_in_crm and stops pushing
// it, other item errors (EMAIL_CONFLICT) fail that contact alone.
//
// A job holds one of the tenant's job slots (shared with imports) and
// renews it while it runs. Its last attempt fails whatever it leaves
// queued (GAVE_UP), whatever went wrong, since River then discards the job
// (a run interrupted by the client's stop is no attempt: River runs it again);
// SweepAbandonedPushes (the hourly crm.sweep_abandoned_pushes) does the
// same for contacts whose job River discarded after its worker died, so no
// contact waits for ever or blocks later pushes as already_queued.
//
// crm_pushes holds one row per tenant and contact: the CRM record id, the
// hash and properties last pushed, and the outcome. crm_push_events is the
// append-only history of every attempt with the CRM's answer.
package crm
