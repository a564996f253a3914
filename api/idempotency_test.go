package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/tenancy"
)

// idemReq sends a JSON POST as s with an Idempotency-Key (none if key is
// empty).
func (tb *testBundle) idemReq(t testing.TB, path, token, key, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+token)
	if key != "" {
		req.Header.Set(headerIdempotencyKey, key)
	}
	req.RemoteAddr = keyTestAddr()
	return tb.serve(t, req)
}

func (tb *testBundle) countLists(t testing.TB, tenantID, name string) int {
	t.Helper()
	var n int
	if err := tb.db.Gorm.Raw(`SELECT count(*) FROM lists WHERE tenant_id = ? AND name = ?`, tenantID, name).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIdempotencyKey: a POST retried with the same Idempotency-Key and body
// is answered with the first answer (Idempotent-Replayed) instead of
// running again; another request under the key is 422; a failed request
// keeps nothing, so its retry runs; keys are the tenant's and the caller's,
// and last 24 hours.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "idem")
	member := tb.MustJoin(t, admin, "member")
	other := tb.MustSignup(t, "idem-other")
	key := uuid.NewString()

	first := tb.idemReq(t, "/api/v1/lists", admin.token, key, `{"name":"Leads"}`)
	wantStatus(t, first, http.StatusCreated)
	if first.Header().Get(headerIdempotentReplayed) != "" {
		t.Fatal("a first answer says it is replayed")
	}

	t.Run("OKReplayed", func(t *testing.T) {
		rec := tb.idemReq(t, "/api/v1/lists", admin.token, key, `{"name":"Leads"}`)
		wantStatus(t, rec, http.StatusCreated)
		if rec.Header().Get(headerIdempotentReplayed) != "true" || rec.Body.String() != first.Body.String() {
			t.Fatalf("retry answered %q (replayed %q), want the first answer %q", rec.Body.String(),
				rec.Header().Get(headerIdempotentReplayed), first.Body.String())
		}
		if n := tb.countLists(t, admin.tenantID, "Leads"); n != 1 {
			t.Fatalf("%d lists after a retry, want 1", n)
		}
	})
	t.Run("OKWithoutKeyRunsAgain", func(t *testing.T) {
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, "", `{"name":"Leads"}`), http.StatusConflict)
	})
	t.Run("ErrOtherBody", func(t *testing.T) {
		rec := tb.idemReq(t, "/api/v1/lists", admin.token, key, `{"name":"Other leads"}`)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if errs := decodeProblem(t, rec)["errors"].([]any); errs[0].(map[string]any)["field"] != headerIdempotencyKey {
			t.Fatalf("errors %v, want the Idempotency-Key named", errs)
		}
		if n := tb.countLists(t, admin.tenantID, "Other leads"); n != 0 {
			t.Fatalf("the refused request made %d lists", n)
		}
	})
	t.Run("ErrOtherRoute", func(t *testing.T) {
		rec := tb.idemReq(t, "/api/v1/contacts/"+uuid.NewString()+"/corrections", admin.token, key, `{"name":"Leads"}`)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
	})
	t.Run("ErrOtherCaller", func(t *testing.T) {
		// A colleague's request is not the admin's: their answers differ.
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", member.token, key, `{"name":"Leads"}`), http.StatusUnprocessableEntity)
	})
	t.Run("OKOtherTenant", func(t *testing.T) {
		rec := tb.idemReq(t, "/api/v1/lists", other.token, key, `{"name":"Leads"}`)
		wantStatus(t, rec, http.StatusCreated)
		if rec.Header().Get(headerIdempotentReplayed) != "" || tb.countLists(t, other.tenantID, "Leads") != 1 {
			t.Fatal("another tenant's request under the same key did not run")
		}
	})
	t.Run("ErrInvalidKey", func(t *testing.T) {
		for _, k := range []string{"has space", strings.Repeat("k", 256), "ключ", "del\x7f"} {
			rec := tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Bad key"}`)
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			if tb.countLists(t, admin.tenantID, "Bad key") != 0 {
				t.Fatalf("key %q: the list was made", k)
			}
		}
	})
	t.Run("OKLongestKey", func(t *testing.T) {
		k := strings.Repeat("k", 254) + "~"
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Longest key"}`), http.StatusCreated)
		rec := tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Longest key"}`)
		wantStatus(t, rec, http.StatusCreated)
		if rec.Header().Get(headerIdempotentReplayed) != "true" {
			t.Fatal("the retry under a 255-character key was not replayed")
		}
	})
	t.Run("OKFailureNotKept", func(t *testing.T) {
		k := uuid.NewString()
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":""}`), http.StatusUnprocessableEntity)
		// The failed request is not the key's: the next request under it runs.
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"After a failure"}`), http.StatusCreated)
	})
	t.Run("OKExpiresAfterADay", func(t *testing.T) {
		k := uuid.NewString()
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Day old"}`), http.StatusCreated)
		if err := tb.db.Gorm.Exec(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE tenant_id = ? AND key = ?`,
			admin.tenantID, k).Error; err != nil {
			t.Fatal(err)
		}
		// Run again, not replayed: the name is taken now.
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Day old"}`), http.StatusConflict)
		if n, err := tb.srv.svc.Idempotency.Prune(t.Context()); err != nil || n < 0 {
			t.Fatalf("prune: %d, %v", n, err)
		}
	})
	t.Run("ErrInProgress", func(t *testing.T) {
		k := uuid.NewString()
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Running"}`), http.StatusCreated)
		// As if the first request were still running.
		if err := tb.db.Gorm.Exec(`UPDATE idempotency_keys SET status_code = NULL, body = NULL, locked_until = now() + interval '1 minute'
			WHERE tenant_id = ? AND key = ?`, admin.tenantID, k).Error; err != nil {
			t.Fatal(err)
		}
		rec := tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Running"}`)
		wantStatus(t, rec, http.StatusConflict)
		if p := decodeProblem(t, rec); p["type"] != "idempotency-key-in-use" || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("problem %v (Retry-After %q), want idempotency-key-in-use with Retry-After", p, rec.Header().Get("Retry-After"))
		}
		// A request that died holding the key gives it up after its lock.
		if err := tb.db.Gorm.Exec(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second'
			WHERE tenant_id = ? AND key = ?`, admin.tenantID, k).Error; err != nil {
			t.Fatal(err)
		}
		wantStatus(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Running"}`), http.StatusConflict) // ran: name taken
		if p := decodeProblem(t, tb.idemReq(t, "/api/v1/lists", admin.token, k, `{"name":"Running"}`)); p["type"] == "idempotency-key-in-use" {
			t.Fatal("a failed takeover kept the key")
		}
	})
}

// TestIdempotencyKeyIsTheAPIKeys: under one Idempotency-Key, a retry by
// the API key that sent the request is replayed; the same request by
// another key of the tenant (other scopes, another integration) is not
// given its answer.
func TestIdempotencyKeyIsTheAPIKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "idem-keys")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	first, second := tb.MustCreateKey(t, admin, "saved:write"), tb.MustCreateKey(t, admin, "saved:write")
	key := uuid.NewString()
	send := func(secret string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/lists", strings.NewReader(`{"name":"Keyed"}`))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.Header.Set(headerAPIKey, secret)
		req.Header.Set(headerIdempotencyKey, key)
		req.RemoteAddr = keyTestAddr()
		return tb.serve(t, req)
	}
	wantStatus(t, send(first.Secret), http.StatusCreated)
	tests := []struct {
		name, secret string
		status       int
		replayed     string
	}{
		{"OKSameAPIKeyReplayed", first.Secret, http.StatusCreated, "true"},
		{"ErrOtherAPIKey", second.Secret, http.StatusUnprocessableEntity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(tt.secret)
			wantStatus(t, rec, tt.status)
			if got := rec.Header().Get(headerIdempotentReplayed); got != tt.replayed {
				t.Fatalf("Idempotent-Replayed %q, want %q", got, tt.replayed)
			}
		})
	}
}

// TestIdempotencyKeyRace: the same request sent many times at once with one
// key (a client's retries overlapping) does the work once; every other
// answer is the first one replayed or 409 idempotency-key-in-use.
func TestIdempotencyKeyRace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "idem-race")
	for round := range 5 {
		key, name := uuid.NewString(), fmt.Sprintf("Race %d", round)
		body := fmt.Sprintf(`{"name":%q}`, name)
		got := tb.race(t, 6, func(int) int {
			return tb.idemReq(t, "/api/v1/lists", admin.token, key, body).Code
		})
		if got[http.StatusCreated] < 1 || got[http.StatusCreated]+got[http.StatusConflict] != 6 {
			t.Fatalf("round %d: statuses %v", round, got)
		}
		if n := tb.countLists(t, admin.tenantID, name); n != 1 {
			t.Fatalf("round %d: %d lists", round, n)
		}
		// Once the first is done, every retry is its answer.
		rec := tb.idemReq(t, "/api/v1/lists", admin.token, key, body)
		wantStatus(t, rec, http.StatusCreated)
		if rec.Header().Get(headerIdempotentReplayed) != "true" {
			t.Fatalf("round %d: a retry after the race was not replayed", round)
		}
	}
}

// TestIdempotencyKeyCorrection: a correction retried with its key is
// recorded once.
func TestIdempotencyKeyCorrection(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "idem-corr")
	id := tb.MustPrivateContact(t, admin.tenantID, "Idem", "Potent")
	path, key, body := "/api/v1/contacts/"+id+"/corrections", uuid.NewString(), `{"field":"title","value":"Chief Retry Officer"}`
	first := tb.idemReq(t, path, admin.token, key, body)
	wantStatus(t, first, http.StatusCreated)
	rec := tb.idemReq(t, path, admin.token, key, body)
	wantStatus(t, rec, http.StatusCreated)
	if rec.Body.String() != first.Body.String() {
		t.Fatalf("retry answered %s, want %s", rec.Body.String(), first.Body.String())
	}
	var n int
	if err := tb.db.Gorm.Raw(`SELECT count(*) FROM contact_corrections WHERE tenant_id = ? AND contact_id = ?`, admin.tenantID, id).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d corrections recorded, want 1", n)
	}
}

// TestIdempotencyKeyImportStart: a start retried after its answer was lost
// gets the 202 it missed, not 409 (already queued).
func TestIdempotencyKeyImportStart(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "idem-imp")
	imp := tb.MustImport(t, admin, "Email\nidem@start.example\n")
	path, key := "/api/v1/imports/"+imp.ID+"/start", uuid.NewString()
	first := tb.idemReq(t, path, admin.token, key, "")
	wantStatus(t, first, http.StatusAccepted)
	rec := tb.idemReq(t, path, admin.token, key, "")
	wantStatus(t, rec, http.StatusAccepted)
	if rec.Body.String() != first.Body.String() || rec.Header().Get(headerIdempotentReplayed) != "true" {
		t.Fatalf("retry answered %s, want the first answer %s", rec.Body.String(), first.Body.String())
	}
	// A dry run is another request.
	wantStatus(t, tb.idemReq(t, path+"?dry_run=true", admin.token, key, ""), http.StatusUnprocessableEntity)
}

// TestIdempotencyKeyCRMPush: a push retried with its key answers the push
// it queued (same id) and records no second push.
func TestIdempotencyKeyCRMPush(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "idem-push")
	fb.MustSetPackage(t, admin.tenantID, "starter")
	ids := fb.MustApprovedContacts(t, admin, 2)
	fb.MustConnectCRM(t, admin)
	body := fmt.Sprintf(`{"contact_ids":["%s","%s"]}`, ids[0], ids[1])
	key := uuid.NewString()
	first := fb.idemReq(t, "/api/v1/crm/pushes", admin.token, key, body)
	wantStatus(t, first, http.StatusAccepted)
	rec := fb.idemReq(t, "/api/v1/crm/pushes", admin.token, key, body)
	wantStatus(t, rec, http.StatusAccepted)
	a, b := decode[CRMPushResult](t, first), decode[CRMPushResult](t, rec)
	if a.ID == nil || b.ID == nil || *a.ID != *b.ID || b.ToCreate != 2 {
		t.Fatalf("retry answered push %v (to_create %d), want the first push %v", b.ID, b.ToCreate, a.ID)
	}
	var n int
	if err := fb.db.Gorm.Raw(`SELECT count(*) FROM crm_push_batches WHERE tenant_id = ?`, admin.tenantID).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d pushes recorded, want 1", n)
	}
}

// TestCRMSettingsIfMatch: two admins edit the CRM settings from the same
// page. The second save, which names the version it edited (If-Match),
// is refused (412) instead of silently putting back what the first
// changed; without If-Match the save applies as before.
func TestCRMSettingsIfMatch(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "etag")
	second := tb.MustJoin(t, admin, "org_admin")
	put := func(s session, etag string, modes map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"field_ownership": modes})
		req := httptest.NewRequest(http.MethodPut, "/api/v1/crm/settings", strings.NewReader(string(b)))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+s.token)
		if etag != "" {
			req.Header.Set(headerIfMatch, etag)
		}
		req.RemoteAddr = keyTestAddr()
		return tb.serve(t, req)
	}
	read := tb.req(t, http.MethodGet, "/api/v1/crm/settings", admin.token, nil)
	wantStatus(t, read, http.StatusOK)
	etag := read.Header().Get(headerETag)
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
		t.Fatalf("ETag %q, want a quoted tag", etag)
	}

	// The first admin sets phone to never, from the version both read.
	rec := put(admin, etag, map[string]string{"phone": "never"})
	wantStatus(t, rec, http.StatusOK)
	newTag := rec.Header().Get(headerETag)
	if newTag == etag || newTag == "" {
		t.Fatalf("ETag after a change %q, was %q", newTag, etag)
	}
	// The second, from the same old page, sets job_title (and sends phone as it saw it).
	rec = put(second, etag, map[string]string{"job_title": "overwrite"})
	wantStatus(t, rec, http.StatusPreconditionFailed)
	if p := decodeProblem(t, rec); p["type"] != "precondition-failed" {
		t.Fatalf("problem %v", p)
	}
	got := decode[CRMSettingsResponse](t, tb.req(t, http.MethodGet, "/api/v1/crm/settings", admin.token, nil))
	if got.FieldOwnership["phone"] != "never" || got.FieldOwnership["job_title"] != "fill_if_empty" {
		t.Fatalf("settings %v: the refused save changed them, or undid the first", got.FieldOwnership)
	}
	// Reloaded, the second admin's save applies.
	wantStatus(t, put(second, newTag, map[string]string{"phone": "never", "job_title": "overwrite"}), http.StatusOK)
	// A list of tags, or *, matches; a weak tag does not.
	cur := tb.req(t, http.MethodGet, "/api/v1/crm/settings", admin.token, nil).Header().Get(headerETag)
	wantStatus(t, put(admin, "W/"+cur, map[string]string{"phone": "never", "job_title": "overwrite"}), http.StatusPreconditionFailed)
	wantStatus(t, put(admin, `"nope", `+cur, map[string]string{"phone": "never", "job_title": "overwrite"}), http.StatusOK)
	wantStatus(t, put(admin, "*", map[string]string{"phone": "never", "job_title": "overwrite"}), http.StatusOK)
	// Without If-Match, the last save wins as before.
	wantStatus(t, put(second, "", map[string]string{}), http.StatusOK)
}

// goneWriter is a client that gave up: the answer's headers go out, its
// body does not (a write error, as net/http gives once the connection is
// closed).
type goneWriter struct{ *httptest.ResponseRecorder }

func (w goneWriter) Write([]byte) (int, error) { return 0, http.ErrHandlerTimeout }

// TestIdempotencyKeyClientGone: a request whose work was done but whose
// client had gone by the time its answer was written (the timeout a key
// is for) keeps its answer, so the retry is answered with it and does not
// do the work again.
func TestIdempotencyKeyClientGone(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "idem-gone")
	key := uuid.NewString()

	req := httptest.NewRequest(http.MethodPost, "/api/v1/lists", strings.NewReader(`{"name":"Gone"}`))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+admin.token)
	req.Header.Set(headerIdempotencyKey, key)
	req.RemoteAddr = keyTestAddr()
	func() {
		defer func() {
			// The server cuts a connection whose answer failed part-way.
			if r := recover(); r != nil && r != http.ErrAbortHandler {
				panic(r)
			}
		}()
		tb.srv.Handler().ServeHTTP(goneWriter{httptest.NewRecorder()}, req)
	}()
	if n := tb.countLists(t, admin.tenantID, "Gone"); n != 1 {
		t.Fatalf("%d lists after the first request, want 1", n)
	}

	rec := tb.idemReq(t, "/api/v1/lists", admin.token, key, `{"name":"Gone"}`)
	wantStatus(t, rec, http.StatusCreated)
	if rec.Header().Get(headerIdempotentReplayed) != "true" {
		t.Fatalf("the retry ran again instead of being answered with the first answer: %s", rec.Body.String())
	}
	if got := decode[ListResponse](t, rec); got.Name != "Gone" {
		t.Fatalf("replayed %+v, want the list made", got)
	}
	if n := tb.countLists(t, admin.tenantID, "Gone"); n != 1 {
		t.Fatalf("%d lists after the retry, want 1", n)
	}
}

// TestIdempotencyKeyLockOutlivesRequest: a key's claim lasts as long as its
// request may run (REQUEST_TIMEOUT, which an operator may raise past the
// 2-minute lock), so a retry sent while the first request still runs is
// 409 idempotency-key-in-use, not a second run beside it.
func TestIdempotencyKeyLockOutlivesRequest(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"REQUEST_TIMEOUT": "5m"})
	admin := tb.MustSignup(t, "idem-long")
	key, body := uuid.NewString(), `{"name":"Slow"}`
	// The first request claimed the key and has run for 3 minutes of its 5.
	rec := tb.idemReq(t, "/api/v1/lists", admin.token, key, body)
	wantStatus(t, rec, http.StatusCreated)
	if err := tb.db.Gorm.Exec(`UPDATE idempotency_keys SET status_code = NULL, body = NULL,
		locked_until = locked_until - interval '3 minutes', created_at = created_at - interval '3 minutes'
		WHERE tenant_id = ? AND key = ?`, admin.tenantID, key).Error; err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Gorm.Exec(`DELETE FROM lists WHERE tenant_id = ? AND name = 'Slow'`, admin.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	rec = tb.idemReq(t, "/api/v1/lists", admin.token, key, body)
	wantStatus(t, rec, http.StatusConflict)
	if p := decodeProblem(t, rec); p["type"] != "idempotency-key-in-use" {
		t.Fatalf("problem %v, want idempotency-key-in-use", p)
	}
	if n := tb.countLists(t, admin.tenantID, "Slow"); n != 0 {
		t.Fatalf("the retry ran beside the first request (%d lists)", n)
	}
}

// TestIdempotencyKeyPanic: a request that panicked (a 500) frees its key
// as any failure does, so its retry runs at once instead of being refused
// with 409 until the claim runs out.
func TestIdempotencyKeyPanic(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	runs := 0
	tb.srv.handle(tb.srv.echo.Group("/api/v1"), http.MethodPost, "/_idem_panic", tb.srv.idempotent(func(c echo.Context) error {
		runs++
		if runs == 1 {
			panic("boom")
		}
		return c.JSON(http.StatusCreated, map[string]int{"run": runs})
	}), perm(tenancy.PermSavedWrite))
	admin := tb.MustSignup(t, "idem-panic")
	key := uuid.NewString()

	wantStatus(t, tb.idemReq(t, "/api/v1/_idem_panic", admin.token, key, `{}`), http.StatusInternalServerError)
	rec := tb.idemReq(t, "/api/v1/_idem_panic", admin.token, key, `{}`)
	wantStatus(t, rec, http.StatusCreated)
	if runs != 2 {
		t.Fatalf("the handler ran %d times, want 2", runs)
	}
	rec = tb.idemReq(t, "/api/v1/_idem_panic", admin.token, key, `{}`)
	wantStatus(t, rec, http.StatusCreated)
	if rec.Header().Get(headerIdempotentReplayed) != "true" || runs != 2 {
		t.Fatalf("the third request ran again (runs %d): %s", runs, rec.Body.String())
	}
}
