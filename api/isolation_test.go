package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// credReq sends a JSON request as a session (Bearer access token) or as an
// API key (X-API-Key).
func (tb *testBundle) credReq(t testing.TB, method, path, cred string, key bool, body any) *httptest.ResponseRecorder {
	t.Helper()
	if !key {
		return tb.req(t, method, path, cred, body)
	}
	var payload string
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		payload = string(b)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(payload))
	if payload != "" {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	req.Header.Set(headerAPIKey, cred)
	req.RemoteAddr = keyTestAddr()
	return tb.serve(t, req)
}

// TestTenantIsolationMatrix walks every route that takes the id of a
// tenant's object, in the path or in the body, as another tenant: with an
// org admin's session and with an API key holding every scope. Each is a
// 404 (422 naming the field where a body references it), and tenant A's
// objects are unchanged and unread afterwards.
func TestTenantIsolationMatrix(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	a := fb.MustSignup(t, "isoa")
	b := fb.MustSignup(t, "isob")
	fb.MustSetPackage(t, a.tenantID, "pro")
	fb.MustSetPackage(t, b.tenantID, "pro")
	aMember := fb.MustJoin(t, a, "member")

	// Tenant A's objects: a private contact and a shared one, both saved
	// with a note and on a list, a correction, an import, an API key, an
	// open invitation and a CRM push.
	privA := fb.MustPrivateContact(t, a.tenantID, "Priv", "Ate")
	shared := fb.MustApprovedContacts(t, a, 1)[0]
	rec := fb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": "A list"})
	wantStatus(t, rec, http.StatusCreated)
	listA := decode[ListResponse](t, rec).ID
	wantStatus(t, fb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token,
		map[string]any{"contact_ids": []string{privA, shared}, "list_id": listA}), http.StatusOK)
	wantStatus(t, fb.req(t, http.MethodPatch, "/api/v1/saved-contacts/"+privA, a.token, map[string]string{"notes": "secret note A"}), http.StatusOK)
	rec = fb.req(t, http.MethodPost, "/api/v1/contacts/"+shared+"/corrections", a.token, map[string]string{"field": "title", "value": "Secret Title A"})
	wantStatus(t, rec, http.StatusCreated)
	corrA := decode[CorrectionResponse](t, rec).ID
	impA := fb.MustImport(t, a, "email,first_name\nann@iso-a.example,Ann\n").ID
	keyA := fb.MustCreateKey(t, a, "contacts:read").ID
	rec = fb.req(t, http.MethodPost, "/api/v1/tenant/invitations", a.token, map[string]string{"email": uniqueEmail("isoinv"), "role": "viewer"})
	wantStatus(t, rec, http.StatusCreated)
	invA := decode[InvitationResponse](t, rec).ID
	fb.MustConnectCRM(t, a)
	rec = fb.req(t, http.MethodPost, "/api/v1/crm/pushes", a.token, map[string]any{"contact_ids": []string{shared}})
	wantStatus(t, rec, http.StatusAccepted)
	pushA := *decode[CRMPushResult](t, rec).ID

	// Tenant B's own objects, which a body may try to link A's to.
	rec = fb.req(t, http.MethodPost, "/api/v1/lists", b.token, map[string]string{"name": "B list"})
	wantStatus(t, rec, http.StatusCreated)
	listB := decode[ListResponse](t, rec).ID
	impB := fb.MustImport(t, b, "email,first_name\nbob@iso-b.example,Bob\n").ID
	bKey := fb.MustCreateKey(t, b, "contacts:read", "saved:read", "saved:write", "corrections:write", "imports:read",
		"imports:write", "crm:read", "crm:push", "usage:read").Secret
	fb.MustConnectCRM(t, b)

	ids := func(v ...string) map[string]any { return map[string]any{"contact_ids": v} }
	type call struct {
		name, method, path string
		body               any
		want               int
		sessionOnly        bool // the route is for people (no API key scope)
	}
	calls := []call{
		{"GetPrivateContact", http.MethodGet, "/api/v1/contacts/" + privA, nil, 404, false},
		{"NotePrivateContact", http.MethodPatch, "/api/v1/saved-contacts/" + privA, map[string]string{"notes": "x"}, 404, false},
		{"NoteSharedContactSavedByA", http.MethodPatch, "/api/v1/saved-contacts/" + shared, map[string]string{"notes": "x"}, 404, false},
		{"SavePrivateContact", http.MethodPost, "/api/v1/saved-contacts", ids(privA), 404, false},
		{"SaveOntoListA", http.MethodPost, "/api/v1/saved-contacts", map[string]any{"contact_ids": []string{shared}, "list_id": listA}, 404, false},
		{"ApprovePrivateContact", http.MethodPost, "/api/v1/saved-contacts/approve", ids(privA), 404, true},
		{"RejectSharedContactSavedByA", http.MethodPost, "/api/v1/saved-contacts/reject", ids(shared), 404, true},
		{"SavedViewOfListA", http.MethodGet, "/api/v1/saved-contacts?list_id=" + listA, nil, 404, false},
		{"ExportOfListA", http.MethodGet, "/api/v1/saved-contacts/export?list_id=" + listA, nil, 404, false},
		{"RenameListA", http.MethodPatch, "/api/v1/lists/" + listA, map[string]string{"name": "pwned"}, 404, false},
		{"AddToListA", http.MethodPost, "/api/v1/lists/" + listA + "/members", ids(shared), 404, false},
		{"RemoveFromListA", http.MethodDelete, "/api/v1/lists/" + listA + "/members", ids(shared), 404, false},
		{"AddPrivateContactToListB", http.MethodPost, "/api/v1/lists/" + listB + "/members", ids(privA), 404, false},
		{"CorrectPrivateContact", http.MethodPost, "/api/v1/contacts/" + privA + "/corrections", map[string]string{"field": "title", "value": "X"}, 404, false},
		{"GetImportA", http.MethodGet, "/api/v1/imports/" + impA, nil, 404, false},
		{"ImportARecords", http.MethodGet, "/api/v1/imports/" + impA + "/records", nil, 404, false},
		{"ImportAErrorsCSV", http.MethodGet, "/api/v1/imports/" + impA + "/errors.csv", nil, 404, false},
		{"MapImportA", http.MethodPut, "/api/v1/imports/" + impA + "/mapping", map[string]any{"has_header": true, "columns": []string{"email", "first_name"}}, 404, false},
		{"StartImportA", http.MethodPost, "/api/v1/imports/" + impA + "/start", nil, 404, false},
		{"CancelImportA", http.MethodPost, "/api/v1/imports/" + impA + "/cancel", nil, 404, false},
		{"MapImportBOntoListA", http.MethodPut, "/api/v1/imports/" + impB + "/mapping", map[string]any{"has_header": true, "columns": []string{"email", "first_name"}, "list_id": listA}, 422, false},
		{"KeyAUsage", http.MethodGet, "/api/v1/api-keys/" + keyA + "/usage", nil, 404, true},
		{"RotateKeyA", http.MethodPost, "/api/v1/api-keys/" + keyA + "/rotate", map[string]any{}, 404, true},
		{"RevokeKeyA", http.MethodDelete, "/api/v1/api-keys/" + keyA, nil, 404, true},
		{"RevokeInvitationA", http.MethodDelete, "/api/v1/tenant/invitations/" + invA, nil, 404, true},
		{"ChangeRoleOfAMember", http.MethodPatch, "/api/v1/tenant/members/" + aMember.userID, map[string]string{"role": "viewer"}, 404, true},
		{"RemoveAMember", http.MethodDelete, "/api/v1/tenant/members/" + aMember.userID, nil, 404, true},
		{"GetPushA", http.MethodGet, "/api/v1/crm/pushes/" + pushA, nil, 404, false},
		{"DeleteListA", http.MethodDelete, "/api/v1/lists/" + listA, nil, 404, false},
	}
	for _, key := range []bool{false, true} {
		cred, via := b.token, "Session"
		if key {
			cred, via = bKey, "APIKey"
		}
		for _, c := range calls {
			if key && c.sessionOnly {
				continue
			}
			t.Run(via+"/"+c.name, func(t *testing.T) {
				rec := fb.credReq(t, c.method, c.path, cred, key, c.body)
				wantStatus(t, rec, c.want)
				// (A problem's instance echoes the path, ids included.)
				for _, secret := range []string{"secret note A", "Secret Title A", "ann@iso-a.example", corrA} {
					if strings.Contains(rec.Body.String(), secret) {
						t.Errorf("the answer names %q of tenant A: %s", secret, rec.Body.String())
					}
				}
			})
		}
		// A push of A's private contact rejects it as not found, and the
		// plan does not tell it apart from an id that does not exist.
		rec := fb.credReq(t, http.MethodPost, "/api/v1/crm/pushes?dry_run=true", cred, key,
			map[string]any{"contact_ids": []string{privA, uuid.NewString()}})
		wantStatus(t, rec, http.StatusOK)
		if plan := decode[CRMPushResult](t, rec); plan.Reasons["not_found"] != 2 || plan.ToCreate+plan.ToUpdate != 0 {
			t.Errorf("%s: a push plan of A's private contact: %+v", via, plan)
		}
		// Listings and the shared contact as B sees it carry none of A's.
		for _, path := range []string{"/api/v1/saved-contacts", "/api/v1/lists", "/api/v1/corrections",
			"/api/v1/corrections?contact_id=" + shared, "/api/v1/imports", "/api/v1/crm/pushes",
			"/api/v1/crm/pushes?contact_id=" + shared, "/api/v1/contacts/" + shared, "/api/v1/saved-contacts/export",
			"/api/v1/tenant/usage"} {
			rec := fb.credReq(t, http.MethodGet, path, cred, key, nil)
			wantStatus(t, rec, http.StatusOK)
			for _, secret := range []string{privA, listA, corrA, impA, pushA, "Secret Title A", "secret note A"} {
				if strings.Contains(rec.Body.String(), secret) {
					t.Errorf("%s %s names %q of tenant A", via, path, secret)
				}
			}
		}
		rec = fb.credReq(t, http.MethodPost, "/api/v1/contacts/search", cred, key, map[string]any{"query": "Priv Ate"})
		wantStatus(t, rec, http.StatusOK)
		if strings.Contains(rec.Body.String(), privA) {
			t.Errorf("%s: search finds A's private contact", via)
		}
	}
	for _, path := range []string{"/api/v1/api-keys", "/api/v1/tenant/invitations", "/api/v1/tenant/members", "/api/v1/tenant/audit-events"} {
		rec := fb.req(t, http.MethodGet, path, b.token, nil)
		wantStatus(t, rec, http.StatusOK)
		for _, secret := range []string{keyA, invA, aMember.userID, a.tenantID, privA, listA, impA, pushA, corrA} {
			if strings.Contains(rec.Body.String(), secret) {
				t.Errorf("%s names %q of tenant A", path, secret)
			}
		}
	}

	// A's objects are as they were.
	rec = fb.req(t, http.MethodGet, "/api/v1/contacts/"+privA, a.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[ContactResponse](t, rec); got.SavedNotes != "secret note A" || len(got.Lists) != 1 || got.SavedStatus != "saved" {
		t.Fatalf("A's private contact changed: %+v", got)
	}
	if ls := decode[ListList](t, fb.req(t, http.MethodGet, "/api/v1/lists", a.token, nil)); len(ls.Items) != 1 ||
		ls.Items[0].Name != "A list" || ls.Items[0].MemberCount != 2 {
		t.Fatalf("A's lists changed: %+v", ls)
	}
	if ms := decode[MemberList](t, fb.req(t, http.MethodGet, "/api/v1/tenant/members", a.token, nil)); len(ms.Items) != 2 {
		t.Fatalf("A's members changed: %+v", ms)
	}
	rec = fb.req(t, http.MethodGet, "/api/v1/imports/"+impA, a.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if st := decode[ImportResponse](t, rec).Status; st != "uploaded" {
		t.Fatalf("A's import status %q", st)
	}
}

// TestTenantIsolationAcrossSessions follows one person through two
// organizations: the token of each acts in its own only, a removal ends
// the removed organization's token at once, and a suspension stops the
// suspended organization's sessions and keys while the other goes on.
func TestTenantIsolationAcrossSessions(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "swa")
	b := tb.MustSignup(t, "swb")
	tb.MustSetPackage(t, b.tenantID, "pro")
	// u joins A as org admin, then B as member (same account).
	u := tb.MustJoin(t, a, "org_admin")
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", b.token, map[string]string{"email": u.email, "role": "member"})
	wantStatus(t, rec, http.StatusCreated)
	inv := decode[InvitationResponse](t, rec)
	rec = tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{
		"token": inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+len("token="):], "password": testPassword})
	wantStatus(t, rec, http.StatusOK)
	uB := decode[TokenResponse](t, rec)
	if uB.Tenant.ID != b.tenantID {
		t.Fatalf("accepting signs in to %s, want B", uB.Tenant.ID)
	}
	rec = tb.req(t, http.MethodPost, "/api/v1/auth/switch-tenant", uB.AccessToken, map[string]string{"tenant_id": a.tenantID})
	wantStatus(t, rec, http.StatusOK)
	uA := decode[TokenResponse](t, rec).AccessToken

	rec = tb.req(t, http.MethodPost, "/api/v1/lists", b.token, map[string]string{"name": "B only"})
	wantStatus(t, rec, http.StatusCreated)
	listB := decode[ListResponse](t, rec).ID
	keyB := tb.MustCreateKey(t, b, "saved:read")

	// As A's admin, u reaches nothing of B; as B's member, no admin route.
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/lists/"+listB, uA, map[string]string{"name": "x"}), http.StatusNotFound)
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/api-keys/"+keyB.ID, uA, nil), http.StatusNotFound)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/tenant/members/"+b.userID, uA, map[string]string{"role": "viewer"}), http.StatusNotFound)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events", uB.AccessToken, nil), http.StatusForbidden)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/lists/"+listB, uB.AccessToken, map[string]string{"name": "renamed by u"}), http.StatusOK)
	// A switch to an organization u is not in is a 404.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/switch-tenant", uA, map[string]string{"tenant_id": uuid.NewString()}), http.StatusNotFound)

	// B removes u: u's B token stops at once; the A token goes on.
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/members/"+u.userID, b.token, nil), http.StatusNoContent)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/lists", uB.AccessToken, nil), http.StatusUnauthorized)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/lists", uA, nil), http.StatusOK)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/switch-tenant", uA, map[string]string{"tenant_id": b.tenantID}), http.StatusNotFound)

	// Staff suspend B: its admin's session and its key stop; A goes on.
	staff := tb.MustSystemUser(t, "system_admin")
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+b.tenantID, staff.token,
		map[string]string{"status": "suspended", "reason": "test"}), http.StatusOK)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/lists", b.token, nil), http.StatusForbidden)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/api-keys", b.token, map[string]any{"name": "k", "scopes": []string{"saved:read"}}), http.StatusForbidden)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/lists", uA, nil), http.StatusOK)
	// Tenants reach no platform route.
	for _, tok := range []string{a.token, uA, b.token} {
		wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants", tok, nil), http.StatusForbidden)
		wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+a.tenantID, tok, map[string]string{"status": "suspended", "reason": "x"}), http.StatusForbidden)
	}
	support := tb.MustSystemUser(t, "support")
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+b.tenantID, support.token, map[string]string{"status": "active"}), http.StatusForbidden)
}
