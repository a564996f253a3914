package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
)

const crmPublicURL = "http://app.test"

// handlerTransport delivers requests to our router in process (the fake
// CRM's webhooks reach it this way).
type handlerTransport struct {
	serve func(*http.Request) *httptest.ResponseRecorder
}

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.serve(r).Result(), nil
}

// crmBundle is the API over a real database, configured to use a fake CRM
// that sends its webhooks back into the router.
type crmBundle struct {
	*testBundle
	fake *fakecrm.Server
	// browsers holds, by state, the crm_oauth_browser cookie crm/connect
	// gave: the browser that started an attempt brings it back.
	browsers sync.Map
}

func setupCRM(t *testing.T) *crmBundle {
	t.Helper()
	fb := &crmBundle{}
	fb.fake = fakecrm.New(fakecrm.Options{ClientID: "contacts-dev", ClientSecret: "contacts-dev-secret",
		RedirectURIs: []string{crmPublicURL + "/api/v1/crm/oauth/callback"}, WebhookURL: crmPublicURL + "/api/v1/crm/webhook",
		WebhookClient: &http.Client{Transport: handlerTransport{func(r *http.Request) *httptest.ResponseRecorder {
			return fb.serve(t, r)
		}}}})
	crmSrv := httptest.NewServer(fb.fake)
	t.Cleanup(crmSrv.Close)
	d := dbtest.Shared(t)
	cfg, err := config.LoadFrom(func(k string) string {
		return map[string]string{"APP_ENV": "test", "MAX_BODY_BYTES": "4096", "PUBLIC_URL": crmPublicURL,
			"CRM_AUTH_BASE": crmSrv.URL, "CRM_API_BASE": crmSrv.URL}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := New(Deps{Config: cfg, Logger: log, DB: d, Migrator: m, Registry: NewRegistry(nil), Services: NewServices(cfg, log, d)})
	fb.testBundle = &testBundle{srv: srv, db: d}
	return fb
}

// callback sends the browser's return from the CRM, with the cookie of
// the browser that started it, and returns the redirect's query.
func (fb *crmBundle) callback(t testing.TB, query string) url.Values {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/crm/oauth/callback?"+query, nil)
	if q, err := url.ParseQuery(query); err == nil {
		if ck, ok := fb.browsers.Load(q.Get("state")); ok {
			req.AddCookie(ck.(*http.Cookie))
		}
	}
	rec := fb.serve(t, req)
	wantStatus(t, rec, http.StatusFound)
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), crmPublicURL+"/integrations?") {
		t.Fatalf("redirect to %q", rec.Header().Get("Location"))
	}
	return loc.Query()
}

// consent runs Connect as admin and the fake CRM's consent page, and
// returns the query the CRM sends the browser back with.
func (fb *crmBundle) consent(t testing.TB, admin session, account string) url.Values {
	t.Helper()
	rec := fb.req(t, http.MethodPost, "/api/v1/crm/connect", admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	out := decode[CRMConnectResponse](t, rec)
	loc, err := fakecrm.Consent(context.Background(), fakecrm.NoRedirects(), out.AuthorizeURL, account, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == crmBrowserCookie {
			fb.browsers.Store(loc.Query().Get("state"), ck)
		}
	}
	return loc.Query()
}

// MustConnectCRM connects admin's tenant to a fresh CRM account.
func (fb *crmBundle) MustConnectCRM(t testing.TB, admin session) string {
	t.Helper()
	account := "acc_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	q := fb.callback(t, fb.consent(t, admin, account).Encode())
	if q.Get("crm") != "connected" {
		t.Fatalf("connect: %v", q)
	}
	return account
}

// mustPushNow pushes ids as admin and works the push's one job at once,
// as a worker would; it returns the push's id.
func (fb *crmBundle) mustPushNow(t testing.TB, admin session, ids []string) string {
	t.Helper()
	rec := fb.req(t, http.MethodPost, "/api/v1/crm/pushes", admin.token, map[string]any{"contact_ids": ids})
	wantStatus(t, rec, http.StatusAccepted)
	pushID := *decode[CRMPushResult](t, rec).ID
	cids := make([]uuid.UUID, len(ids))
	for i, id := range ids {
		cids[i] = uuid.MustParse(id)
	}
	if err := fb.srv.svc.CRM.PushChunk(context.Background(), crm.PushArgs{TenantID: uuid.MustParse(admin.tenantID),
		BatchID: uuid.MustParse(pushID), ContactIDs: cids}, false); err != nil {
		t.Fatal(err)
	}
	return pushID
}

// MustApprovedContacts creates n contacts saved and approved by the tenant.
func (fb *crmBundle) MustApprovedContacts(t testing.TB, admin session, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		id := uuid.Must(uuid.NewV7()).String()
		ids[i] = id
		if err := fb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, email) VALUES (?, 'Ada', 'Lovelace', ?)`,
			id, "ada-"+id+"@example.test").Error; err != nil {
			t.Fatal(err)
		}
		if err := fb.db.Gorm.Exec(`INSERT INTO saved_contacts (tenant_id, contact_id, status) VALUES (?, ?, 'approved')`,
			admin.tenantID, id).Error; err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func (fb *crmBundle) keyReqBody(t testing.TB, method, path, secret string, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("X-API-Key", secret)
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = keyTestAddr()
	return fb.serve(t, req)
}

func TestCRMConnect(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmconn")
	member := fb.MustJoin(t, admin, "member")

	wantStatus(t, fb.req(t, http.MethodPost, "/api/v1/crm/connect", member.token, nil), http.StatusForbidden)
	wantStatus(t, fb.req(t, http.MethodPost, "/api/v1/crm/connect", "", nil), http.StatusUnauthorized)
	rec := fb.req(t, http.MethodGet, "/api/v1/crm/connection", member.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if decode[CRMConnectionResponse](t, rec).Status != "not_connected" {
		t.Fatal("want not_connected")
	}

	rec = fb.req(t, http.MethodPost, "/api/v1/crm/connect", admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	u, _ := url.Parse(decode[CRMConnectResponse](t, rec).AuthorizeURL)
	q := u.Query()
	var browser *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == crmBrowserCookie {
			browser = ck
		}
	}
	if browser == nil || len(browser.Value) < 20 || !browser.HttpOnly || browser.Path != "/api/v1/crm/oauth/callback" ||
		browser.SameSite != http.SameSiteLaxMode || browser.MaxAge < 500 {
		t.Fatalf("browser cookie %+v", browser)
	}
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("state") == "" ||
		q.Get("redirect_uri") != crmPublicURL+"/api/v1/crm/oauth/callback" || q.Get("client_id") != "contacts-dev" {
		t.Fatalf("authorize URL %s", u)
	}

	account := fb.MustConnectCRM(t, admin)
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/connection", member.token, nil)
	wantStatus(t, rec, http.StatusOK)
	conn := decode[CRMConnectionResponse](t, rec)
	if conn.Status != "connected" || conn.AccountID != account || conn.ConnectedByEmail != admin.email ||
		conn.ConnectedBy == nil || *conn.ConnectedBy != admin.userID || conn.ConnectedAt == nil {
		t.Fatalf("connection %+v", conn)
	}
	if strings.Contains(rec.Body.String(), "token") {
		t.Fatalf("tokens leak: %s", rec.Body.String())
	}
}

func TestCRMOAuthStateRefused(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmstate")
	// CRM accounts are unique across tenants and the package's database
	// outlives a run (go test -count=N): this run's account is its own.
	account := "acc_state_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	connections := func() int {
		var n int
		fb.db.Gorm.Raw(`SELECT count(*) FROM crm_connections WHERE tenant_id = ?`, admin.tenantID).Scan(&n)
		return n
	}
	tests := []struct {
		name   string
		query  func() url.Values
		reason string
	}{
		{"ErrTampered", func() url.Values {
			q := fb.consent(t, admin, account)
			st := []byte(q.Get("state"))
			st[5] ^= 1
			q.Set("state", string(st))
			return q
		}, "invalid_state"},
		{"ErrMissing", func() url.Values { return url.Values{"code": {"x"}} }, "invalid_state"},
		{"ErrExpired", func() url.Values {
			q := fb.consent(t, admin, account)
			fb.db.Gorm.Exec(`UPDATE crm_oauth_states SET expires_at = now() - interval '1 second' WHERE tenant_id = ?`, admin.tenantID)
			return q
		}, "state_expired"},
		{"ErrDenied", func() url.Values {
			q := fb.consent(t, admin, account)
			return url.Values{"state": {q.Get("state")}, "error": {"access_denied"}}
		}, "access_denied"},
		// The admin's link, opened by someone else (signed in to another
		// CRM account), whose browser lacks the attempt's cookie.
		{"ErrOtherBrowser", func() url.Values {
			q := fb.consent(t, admin, "acc_victim")
			fb.browsers.Delete(q.Get("state"))
			return q
		}, "other_browser"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := fb.callback(t, tt.query().Encode())
			if q.Get("crm") != "error" || q.Get("reason") != tt.reason {
				t.Fatalf("redirect %v, want reason %s", q, tt.reason)
			}
			if connections() != 0 {
				t.Fatal("a refused callback stored a connection")
			}
		})
	}
	// Replayed: the second use of a good state fails and changes nothing.
	q := fb.consent(t, admin, account)
	if r := fb.callback(t, q.Encode()); r.Get("crm") != "connected" {
		t.Fatalf("first use %v", r)
	}
	var version int
	fb.db.Gorm.Raw(`SELECT token_version FROM crm_connections WHERE tenant_id = ?`, admin.tenantID).Scan(&version)
	if r := fb.callback(t, q.Encode()); r.Get("reason") != "state_used" {
		t.Fatalf("replay %v", r)
	}
	var after int
	fb.db.Gorm.Raw(`SELECT token_version FROM crm_connections WHERE tenant_id = ?`, admin.tenantID).Scan(&after)
	if after != version {
		t.Fatal("a replayed state changed the connection")
	}
}

func TestCRMPushes(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmpush")
	fb.MustSetPackage(t, admin.tenantID, "starter")
	member := fb.MustJoin(t, admin, "member")
	viewer := fb.MustJoin(t, admin, "viewer")
	ids := fb.MustApprovedContacts(t, admin, 3)
	body := map[string]any{"contact_ids": ids}

	// Not connected yet.
	rec := fb.req(t, http.MethodPost, "/api/v1/crm/pushes", member.token, body)
	wantStatus(t, rec, http.StatusConflict)
	if decodeProblem(t, rec)["type"] != "crm-not-connected" {
		t.Fatal("want crm-not-connected")
	}
	fb.MustConnectCRM(t, admin)
	crmStatus := func(id string) string {
		t.Helper()
		rec := fb.req(t, http.MethodGet, "/api/v1/contacts/"+id, member.token, nil)
		wantStatus(t, rec, http.StatusOK)
		st := decode[ContactResponse](t, rec).CRMStatus
		if st == nil {
			t.Fatal("crm_status absent for a member")
		}
		return *st
	}
	if st := crmStatus(ids[0]); st != "" {
		t.Fatalf("crm_status %q before any push, want none", st)
	}
	pushKey := fb.MustCreateKey(t, admin, "crm:push", "crm:read")
	readKey := fb.MustCreateKey(t, admin, "crm:read")

	tests := []struct {
		name   string
		token  string
		path   string
		body   any
		status int
	}{
		{"ErrUnauthenticated", "", "/api/v1/crm/pushes", body, 401},
		{"ErrForbiddenViewer", viewer.token, "/api/v1/crm/pushes", body, 403},
		{"ErrNothingChosen", member.token, "/api/v1/crm/pushes", map[string]any{}, 422},
		{"ErrBoth", member.token, "/api/v1/crm/pushes", map[string]any{"contact_ids": ids, "all_approved_not_pushed": true}, 422},
		{"ErrBadID", member.token, "/api/v1/crm/pushes", map[string]any{"contact_ids": []string{"nope"}}, 422},
		{"ErrUnknownField", member.token, "/api/v1/crm/pushes", map[string]any{"contacts": ids}, 422},
		{"ErrDryRunValue", member.token, "/api/v1/crm/pushes?dry_run=maybe", body, 422},
		{"Preview", member.token, "/api/v1/crm/pushes?dry_run=true", body, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, fb.req(t, http.MethodPost, tt.path, tt.token, tt.body), tt.status)
		})
	}
	rec = fb.req(t, http.MethodPost, "/api/v1/crm/pushes?dry_run=true", member.token,
		map[string]any{"contact_ids": append(ids, uuid.NewString())})
	wantStatus(t, rec, http.StatusOK)
	preview := decode[CRMPushResult](t, rec)
	if preview.ID != nil || preview.ToCreate != 3 || preview.Rejected != 1 || preview.Reasons["not_found"] != 1 || preview.QuotaRemaining != 5000 {
		t.Fatalf("preview %+v", preview)
	}
	// A key without crm:push is refused; with it the push is queued.
	rec = fb.keyReqBody(t, http.MethodPost, "/api/v1/crm/pushes", readKey.Secret, `{"all_approved_not_pushed":true}`)
	wantStatus(t, rec, http.StatusForbidden)
	if decodeProblem(t, rec)["required_scope"] != "crm:push" {
		t.Fatal("403 does not name crm:push")
	}
	rec = fb.keyReqBody(t, http.MethodPost, "/api/v1/crm/pushes", pushKey.Secret, `{"all_approved_not_pushed":true}`)
	wantStatus(t, rec, http.StatusAccepted)
	queued := decode[CRMPushResult](t, rec)
	if queued.ID == nil || queued.Status != "queued" || queued.ToCreate != 3 {
		t.Fatalf("queued %+v", queued)
	}
	var jobs int
	fb.db.Gorm.Raw(`SELECT count(*) FROM river_job WHERE kind = 'crm_push' AND args->>'batch_id' = ?`, *queued.ID).Scan(&jobs)
	if jobs != 1 {
		t.Fatalf("jobs %d", jobs)
	}
	// Pushing the same contacts while queued skips them.
	rec = fb.req(t, http.MethodPost, "/api/v1/crm/pushes", admin.token, body)
	wantStatus(t, rec, http.StatusAccepted)
	if again := decode[CRMPushResult](t, rec); again.Skipped != 3 || again.Reasons["already_queued"] != 3 || again.Status != "completed" {
		t.Fatalf("again %+v", again)
	}
	// Once the tenant has pushed, its contacts carry their CRM state.
	if st := crmStatus(ids[0]); st != "queued" {
		t.Fatalf("crm_status %q after the push, want queued", st)
	}

	// History: list (filters), detail, and another tenant's push is a 404.
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/pushes?status=queued&contact_id="+ids[0], viewer.token, nil)
	wantStatus(t, rec, http.StatusOK)
	list := decode[CRMPushList](t, rec)
	if len(list.Items) != 1 || list.Items[0].ID != *queued.ID || !strings.HasPrefix(list.Items[0].RequestedByLabel, "api_key:test key") {
		t.Fatalf("list %+v", list)
	}
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/pushes?limit=1", viewer.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if page := decode[CRMPushList](t, rec); len(page.Items) != 1 || page.NextCursor == "" {
		t.Fatalf("page %+v", page)
	} else {
		rec = fb.req(t, http.MethodGet, "/api/v1/crm/pushes?limit=1&cursor="+page.NextCursor, viewer.token, nil)
		if next := decode[CRMPushList](t, rec); len(next.Items) != 1 || next.Items[0].ID == page.Items[0].ID || next.NextCursor != "" {
			t.Fatalf("next page %+v", next)
		}
	}
	future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/pushes?from="+future, viewer.token, nil)
	if l := decode[CRMPushList](t, rec); len(l.Items) != 0 {
		t.Fatalf("from filter %+v", l)
	}
	// A bad cursor is a 400 malformed-request, as on every other list
	// (docs/API.md); it was a 422 here alone.
	for _, bad := range []struct {
		path   string
		status int
		typ    string
	}{
		{"/api/v1/crm/pushes?status=nope", 422, "validation-error"},
		{"/api/v1/crm/pushes?from=yesterday", 422, "validation-error"},
		{"/api/v1/crm/pushes?contact_id=x", 422, "validation-error"},
		{"/api/v1/crm/pushes?limit=0", 422, "validation-error"},
		{"/api/v1/crm/pushes?cursor=bad", 400, "malformed-request"},
		{"/api/v1/crm/pushes/" + *queued.ID + "?items_cursor=bad", 400, "malformed-request"},
		{"/api/v1/crm/pushes/" + *queued.ID + "?items_cursor=-1", 400, "malformed-request"},
		// A number past what the column holds is no cursor either (it was
		// a 500: the database refused the parameter).
		{"/api/v1/crm/pushes/" + *queued.ID + "?items_cursor=2147483648", 400, "malformed-request"},
	} {
		rec := fb.req(t, http.MethodGet, bad.path, viewer.token, nil)
		wantStatus(t, rec, bad.status)
		if typ := decodeProblem(t, rec)["type"]; typ != bad.typ {
			t.Errorf("%s: type %v, want %s", bad.path, typ, bad.typ)
		}
	}
	rec = fb.keyReqBody(t, http.MethodGet, "/api/v1/crm/pushes/"+*queued.ID, readKey.Secret, "")
	wantStatus(t, rec, http.StatusOK)
	detail := decode[CRMPushDetail](t, rec)
	// crm:read alone: the contacts by id, without their emails (contacts:read).
	if detail.ID != *queued.ID || len(detail.Items) != 3 || detail.Items[0].Status != "queued" || detail.Items[0].Email != "" {
		t.Fatalf("detail %+v", detail)
	}
	other := fb.MustSignup(t, "crmpush-other")
	wantStatus(t, fb.req(t, http.MethodGet, "/api/v1/crm/pushes/"+*queued.ID, other.token, nil), http.StatusNotFound)
	wantStatus(t, fb.req(t, http.MethodGet, "/api/v1/crm/pushes/"+uuid.NewString(), admin.token, nil), http.StatusNotFound)
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/pushes", other.token, nil)
	if l := decode[CRMPushList](t, rec); len(l.Items) != 0 {
		t.Fatal("another tenant sees the pushes")
	}
}

func TestCRMPushQuotaExceeded(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	fb.pinLimitsClock(quotaTime)
	admin := fb.MustSignup(t, "crmquota") // Free: 100 pushes a month
	fb.MustConnectCRM(t, admin)
	ids := fb.MustApprovedContacts(t, admin, 2)
	if _, err := fb.srv.svc.Limits.Consume(context.Background(), uuid.MustParse(admin.tenantID), limits.CRMPushes, 99); err != nil {
		t.Fatal(err)
	}
	rec := fb.req(t, http.MethodPost, "/api/v1/crm/pushes", admin.token, map[string]any{"contact_ids": ids})
	wantStatus(t, rec, http.StatusTooManyRequests)
	p := decodeProblem(t, rec)
	// One push remains: the refusal says so, not that the quota is used up.
	if p["type"] != "quota-exceeded" || p["metric"] != "crm_pushes" || p["reset"] != "2026-12-01T00:00:00Z" || p["remaining"] != float64(1) ||
		p["detail"] != "The monthly crm_pushes quota has 1 of 100 left, fewer than the 2 requested; it resets at 2026-12-01T00:00:00Z." ||
		rec.Header().Get("Retry-After") != "1339200" {
		t.Fatalf("problem %v", p)
	}
	if h := rec.Header(); h.Get("X-Quota-CRM-Pushes-Remaining") != "1" || h.Get("RateLimit-Limit") != "100" {
		t.Fatalf("quota 429 headers %v", h)
	}
	// One still fits.
	wantStatus(t, fb.req(t, http.MethodPost, "/api/v1/crm/pushes", admin.token, map[string]any{"contact_ids": ids[:1]}), http.StatusAccepted)
}

func TestCRMSettings(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmsettings")
	member := fb.MustJoin(t, admin, "member")
	rec := fb.req(t, http.MethodGet, "/api/v1/crm/settings", member.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if s := decode[CRMSettingsResponse](t, rec); len(s.FieldOwnership) != 6 || s.FieldOwnership["email"] != "fill_if_empty" {
		t.Fatalf("defaults %+v", s)
	}
	tests := []struct {
		name   string
		token  string
		body   any
		status int
		field  string
	}{
		{"OK", admin.token, map[string]any{"field_ownership": map[string]string{"phone": "never", "job_title": "overwrite"}}, 200, ""},
		{"ErrUnknownField", admin.token, map[string]any{"field_ownership": map[string]string{"fax": "never"}}, 422, "field_ownership.fax"},
		{"ErrUnknownMode", admin.token, map[string]any{"field_ownership": map[string]string{"email": "sometimes"}}, 422, "field_ownership.email"},
		{"ErrMissing", admin.token, map[string]any{}, 422, "field_ownership"},
		{"ErrForbiddenMember", member.token, map[string]any{"field_ownership": map[string]string{}}, 403, ""},
		{"ErrUnauthenticated", "", map[string]any{"field_ownership": map[string]string{}}, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := fb.req(t, http.MethodPut, "/api/v1/crm/settings", tt.token, tt.body)
			wantStatus(t, rec, tt.status)
			if tt.field != "" && !strings.Contains(rec.Body.String(), `"field":"`+tt.field+`"`) {
				t.Fatalf("errors do not name %s: %s", tt.field, rec.Body.String())
			}
		})
	}
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/settings", admin.token, nil)
	if s := decode[CRMSettingsResponse](t, rec); s.FieldOwnership["phone"] != "never" || s.FieldOwnership["job_title"] != "overwrite" ||
		s.FieldOwnership["email"] != "fill_if_empty" {
		t.Fatalf("saved %+v", s)
	}
}

func TestCRMDisconnect(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmdisc")
	fb.MustSetPackage(t, admin.tenantID, "starter")
	member := fb.MustJoin(t, admin, "member")
	wantStatus(t, fb.req(t, http.MethodDelete, "/api/v1/crm/connection", admin.token, nil), http.StatusNotFound)
	account := fb.MustConnectCRM(t, admin)
	ids := fb.MustApprovedContacts(t, admin, 2)
	rec := fb.req(t, http.MethodPost, "/api/v1/crm/pushes", member.token, map[string]any{"contact_ids": ids})
	wantStatus(t, rec, http.StatusAccepted)
	push := decode[CRMPushResult](t, rec)

	key := fb.MustCreateKey(t, admin, "crm:read", "crm:push")
	wantStatus(t, fb.keyReqBody(t, http.MethodDelete, "/api/v1/crm/connection", key.Secret, ""), http.StatusForbidden)
	wantStatus(t, fb.req(t, http.MethodDelete, "/api/v1/crm/connection", member.token, nil), http.StatusForbidden)
	wantStatus(t, fb.req(t, http.MethodDelete, "/api/v1/crm/connection", admin.token, nil), http.StatusNoContent)
	wantStatus(t, fb.req(t, http.MethodDelete, "/api/v1/crm/connection", admin.token, nil), http.StatusNoContent)

	if fb.fake.GrantActive(account) {
		t.Fatal("grant not revoked at the CRM")
	}
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/connection", admin.token, nil)
	if c := decode[CRMConnectionResponse](t, rec); c.Status != "disconnected" || !strings.Contains(c.StatusReason, admin.email) {
		t.Fatalf("connection %+v", c)
	}
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/pushes/"+*push.ID, admin.token, nil)
	if d := decode[CRMPushDetail](t, rec); d.Status != "cancelled" || d.Cancelled != 2 {
		t.Fatalf("push after disconnect %+v", d.CRMPush)
	}
	rec = fb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=crm.disconnected", admin.token, nil)
	if !strings.Contains(rec.Body.String(), `"crm.disconnected"`) {
		t.Fatalf("no audit event: %s", rec.Body.String())
	}
}

func TestCRMWebhook(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmhook")
	account := fb.MustConnectCRM(t, admin)
	post := func(body string, ts int64, secret string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/crm/webhook", bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-1CloudAI-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-1CloudAI-Signature", fakecrm.Sign(secret, ts, []byte(body)))
		return fb.serve(t, req)
	}
	now := time.Now().Unix()
	ev := `{"event_id":"evt_` + uuid.NewString() + `","type":"contact.deleted","account_id":"` + account +
		`","client_id":"contacts-dev","id":"c_1","external_id":"` + uuid.NewString() + `"}`
	tests := []struct {
		name   string
		body   string
		ts     int64
		secret string
		status int
		typ    string
	}{
		{"ErrBadSignature", ev, now, "not-the-secret", 400, "invalid-signature"},
		{"ErrStaleTimestamp", ev, now - 301, "contacts-dev-secret", 400, "stale-timestamp"},
		{"ErrMalformed", `{"type":"x"}`, now, "contacts-dev-secret", 400, "malformed-request"},
		{"OK", ev, now, "contacts-dev-secret", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(tt.body, tt.ts, tt.secret)
			wantStatus(t, rec, tt.status)
			if tt.typ != "" && decodeProblem(t, rec)["type"] != tt.typ {
				t.Fatalf("type %v, want %s", decodeProblem(t, rec)["type"], tt.typ)
			}
		})
	}
	rec := post(ev, now, "contacts-dev-secret")
	wantStatus(t, rec, http.StatusOK)
	if !decode[CRMWebhookResult](t, rec).Duplicate {
		t.Fatal("duplicate delivery not recognised")
	}
	// The fake CRM's uninstall hook signs and delivers app.uninstalled.
	if status := fb.fake.Uninstall(account); status != http.StatusOK {
		t.Fatalf("webhook answered %d", status)
	}
	rec = fb.req(t, http.MethodGet, "/api/v1/crm/connection", admin.token, nil)
	if c := decode[CRMConnectionResponse](t, rec); c.Status != "disconnected" {
		t.Fatalf("after uninstall %+v", c)
	}
}

// TestCRMPushSavedStateNeedsSavedRead: why a push does not send a contact
// (not saved, not approved, rejected in review, no such contact) is the
// tenant's saved state, so a key with crm:push but without saved:read is
// told only not_pushable, in a preview, a queued push and its detail; a key
// with saved:read, like a person, is told which.
func TestCRMPushSavedStateNeedsSavedRead(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmhide")
	fb.MustSetPackage(t, admin.tenantID, "starter")
	fb.MustConnectCRM(t, admin)
	approved := fb.MustApprovedContacts(t, admin, 1)[0]
	contact := func(status string) string {
		t.Helper()
		id := uuid.Must(uuid.NewV7()).String()
		if err := fb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, email) VALUES (?, 'Grace', 'Hopper', ?)`,
			id, "grace-"+id+"@example.test").Error; err != nil {
			t.Fatal(err)
		}
		if status != "" {
			if err := fb.db.Gorm.Exec(`INSERT INTO saved_contacts (tenant_id, contact_id, status) VALUES (?, ?, ?)`,
				admin.tenantID, id, status).Error; err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	reasons := map[string]string{contact(""): "not_saved", contact("saved"): "not_approved", contact("rejected"): "rejected",
		uuid.NewString(): "not_found"}
	ids := []string{approved}
	for id := range reasons {
		ids = append(ids, id)
	}
	body := map[string]any{"contact_ids": ids}
	pushOnly := fb.MustCreateKey(t, admin, "crm:push", "crm:read")
	withSaved := fb.MustCreateKey(t, admin, "crm:push", "crm:read", "saved:read")

	check := func(t *testing.T, what string, hide bool, items []CRMPlanItem, counts map[string]int) {
		t.Helper()
		if len(items) != len(reasons) {
			t.Fatalf("%s: items %+v, want the %d rejected", what, items, len(reasons))
		}
		want := map[string]int{}
		for _, it := range items {
			w := reasons[it.ContactID]
			if hide {
				w = "not_pushable"
			}
			if it.Action != "reject" || it.Reason != w {
				t.Errorf("%s: contact %s %s/%s, want reject/%s", what, it.ContactID, it.Action, it.Reason, w)
			}
			want[w]++
		}
		if counts != nil && !maps.Equal(counts, want) {
			t.Errorf("%s: reasons %v, want %v", what, counts, want)
		}
	}
	for _, tt := range []struct {
		name   string
		secret string
		hide   bool
	}{{"HiddenWithoutSavedRead", pushOnly.Secret, true}, {"ShownWithSavedRead", withSaved.Secret, false}} {
		t.Run(tt.name, func(t *testing.T) {
			rec := fb.keyJSON(t, http.MethodPost, "/api/v1/crm/pushes?dry_run=true", tt.secret, body)
			wantStatus(t, rec, http.StatusOK)
			preview := decode[CRMPushResult](t, rec)
			if preview.ToCreate != 1 || preview.Rejected != len(reasons) {
				t.Fatalf("preview %+v", preview)
			}
			check(t, "preview", tt.hide, preview.Items, preview.Reasons)
		})
	}
	// A person (every role holds saved:read) sees the reasons.
	rec := fb.req(t, http.MethodPost, "/api/v1/crm/pushes?dry_run=true", admin.token, body)
	wantStatus(t, rec, http.StatusOK)
	preview := decode[CRMPushResult](t, rec)
	check(t, "admin preview", false, preview.Items, preview.Reasons)

	// The queued answer hides them too; the push keeps the true reasons,
	// which a key reads only with saved:read.
	rec = fb.keyJSON(t, http.MethodPost, "/api/v1/crm/pushes", pushOnly.Secret, body)
	wantStatus(t, rec, http.StatusAccepted)
	queued := decode[CRMPushResult](t, rec)
	check(t, "queued", true, queued.Items, queued.Reasons)
	detail := func(secret string) []CRMPlanItem {
		t.Helper()
		rec := fb.keyReq(t, http.MethodGet, "/api/v1/crm/pushes/"+*queued.ID+"?item_status=rejected", secret, false)
		wantStatus(t, rec, http.StatusOK)
		var out []CRMPlanItem
		for _, it := range decode[CRMPushDetail](t, rec).Items {
			out = append(out, CRMPlanItem{ContactID: it.ContactID, Action: it.Action, Reason: it.Reason})
		}
		return out
	}
	check(t, "detail without saved:read", true, detail(pushOnly.Secret), nil)
	check(t, "detail with saved:read", false, detail(withSaved.Secret), nil)

	// A contact unapproved before its job sends it is rejected then
	// (NOT_APPROVED): the same saved state, so NOT_PUSHABLE for the key.
	if err := fb.db.Gorm.Exec(`UPDATE saved_contacts SET status = 'saved' WHERE tenant_id = ? AND contact_id = ?`,
		admin.tenantID, approved).Error; err != nil {
		t.Fatal(err)
	}
	err := fb.srv.svc.CRM.PushChunk(context.Background(), crm.PushArgs{TenantID: uuid.MustParse(admin.tenantID),
		BatchID: uuid.MustParse(*queued.ID), ContactIDs: []uuid.UUID{uuid.MustParse(approved)}}, false)
	if err != nil {
		t.Fatal(err)
	}
	code := func(secret string) string {
		t.Helper()
		rec := fb.keyReq(t, http.MethodGet, "/api/v1/crm/pushes/"+*queued.ID, secret, false)
		wantStatus(t, rec, http.StatusOK)
		for _, it := range decode[CRMPushDetail](t, rec).Items {
			if it.ContactID == approved {
				return it.Status + "/" + it.ErrorCode
			}
		}
		return "absent"
	}
	if got := code(pushOnly.Secret); got != "rejected/NOT_PUSHABLE" {
		t.Errorf("unapproved at send time, without saved:read: %s", got)
	}
	if got := code(withSaved.Secret); got != "rejected/NOT_APPROVED" {
		t.Errorf("unapproved at send time, with saved:read: %s", got)
	}
}

// TestCRMPushContactsNeedContactsRead: a push's contacts are contact data.
// A key with crm:read but not contacts:read sees each contact by id with
// its status and attempts, but not its name, its email or the CRM's
// answers (a read answers the record's properties); with contacts:read,
// like a person, it sees them.
func TestCRMPushContactsNeedContactsRead(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmpii")
	fb.MustSetPackage(t, admin.tenantID, "starter")
	fb.MustConnectCRM(t, admin)
	ids := fb.MustApprovedContacts(t, admin, 2)
	pushID := fb.mustPushNow(t, admin, ids)
	crmOnly := fb.MustCreateKey(t, admin, "crm:read")
	withContacts := fb.MustCreateKey(t, admin, "crm:read", "contacts:read")

	for _, tt := range []struct {
		name   string
		detail func(t *testing.T) *httptest.ResponseRecorder
		hide   bool
	}{
		{"HiddenWithoutContactsRead", func(t *testing.T) *httptest.ResponseRecorder {
			return fb.keyReq(t, http.MethodGet, "/api/v1/crm/pushes/"+pushID, crmOnly.Secret, false)
		}, true},
		{"ShownWithContactsRead", func(t *testing.T) *httptest.ResponseRecorder {
			return fb.keyReq(t, http.MethodGet, "/api/v1/crm/pushes/"+pushID, withContacts.Secret, false)
		}, false},
		{"ShownToPerson", func(t *testing.T) *httptest.ResponseRecorder {
			return fb.req(t, http.MethodGet, "/api/v1/crm/pushes/"+pushID, admin.token, nil)
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.detail(t)
			wantStatus(t, rec, http.StatusOK)
			d := decode[CRMPushDetail](t, rec)
			if d.Created != 2 || len(d.Items) != 2 {
				t.Fatalf("push %+v with %d items, want 2 created", d.CRMPush, len(d.Items))
			}
			for _, it := range d.Items {
				if it.Status != "pushed" || it.CRMRecordID == "" || len(it.Attempts) != 1 || it.Attempts[0].Outcome != "created" {
					t.Fatalf("item %+v, want pushed with its attempt", it)
				}
				answer := string(it.Attempts[0].Answer)
				if tt.hide {
					if it.ContactName != "" || it.Email != "" || (answer != "" && answer != "null") {
						t.Fatalf("key without contacts:read sees name %q, email %q, answer %s", it.ContactName, it.Email, answer)
					}
					continue
				}
				if it.ContactName != "Ada Lovelace" || it.Email != "ada-"+it.ContactID+"@example.test" ||
					!strings.Contains(answer, it.CRMRecordID) {
					t.Fatalf("item shows name %q, email %q, answer %s", it.ContactName, it.Email, answer)
				}
			}
		})
	}
}
