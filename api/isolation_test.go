package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
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
		sessionOnly        bool   // the route is for people (no API key scope)
		target             string // the id of A's object the call names
	}
	calls := []call{
		{"GetPrivateContact", http.MethodGet, "/api/v1/contacts/" + privA, nil, 404, false, privA},
		{"NotePrivateContact", http.MethodPatch, "/api/v1/saved-contacts/" + privA, map[string]string{"notes": "x"}, 404, false, privA},
		{"NoteSharedContactSavedByA", http.MethodPatch, "/api/v1/saved-contacts/" + shared, map[string]string{"notes": "x"}, 404, false, shared},
		{"SavePrivateContact", http.MethodPost, "/api/v1/saved-contacts", ids(privA), 404, false, privA},
		{"SaveOntoListA", http.MethodPost, "/api/v1/saved-contacts", map[string]any{"contact_ids": []string{shared}, "list_id": listA}, 404, false, listA},
		{"ApprovePrivateContact", http.MethodPost, "/api/v1/saved-contacts/approve", ids(privA), 404, true, privA},
		{"RejectSharedContactSavedByA", http.MethodPost, "/api/v1/saved-contacts/reject", ids(shared), 404, true, shared},
		{"SavedViewOfListA", http.MethodGet, "/api/v1/saved-contacts?list_id=" + listA, nil, 404, false, listA},
		{"ExportOfListA", http.MethodGet, "/api/v1/saved-contacts/export?list_id=" + listA, nil, 404, false, listA},
		{"RenameListA", http.MethodPatch, "/api/v1/lists/" + listA, map[string]string{"name": "pwned"}, 404, false, listA},
		{"AddToListA", http.MethodPost, "/api/v1/lists/" + listA + "/members", ids(shared), 404, false, listA},
		{"RemoveFromListA", http.MethodDelete, "/api/v1/lists/" + listA + "/members", ids(shared), 404, false, listA},
		{"AddPrivateContactToListB", http.MethodPost, "/api/v1/lists/" + listB + "/members", ids(privA), 404, false, privA},
		{"CorrectPrivateContact", http.MethodPost, "/api/v1/contacts/" + privA + "/corrections", map[string]string{"field": "title", "value": "X"}, 404, false, privA},
		{"GetImportA", http.MethodGet, "/api/v1/imports/" + impA, nil, 404, false, impA},
		{"ImportARecords", http.MethodGet, "/api/v1/imports/" + impA + "/records", nil, 404, false, impA},
		{"ImportAErrorsCSV", http.MethodGet, "/api/v1/imports/" + impA + "/errors.csv", nil, 404, false, impA},
		{"MapImportA", http.MethodPut, "/api/v1/imports/" + impA + "/mapping", map[string]any{"has_header": true, "columns": []string{"email", "first_name"}}, 404, false, impA},
		{"StartImportA", http.MethodPost, "/api/v1/imports/" + impA + "/start", nil, 404, false, impA},
		{"CancelImportA", http.MethodPost, "/api/v1/imports/" + impA + "/cancel", nil, 404, false, impA},
		{"DeleteImportA", http.MethodDelete, "/api/v1/imports/" + impA, nil, 404, false, impA},
		{"MapImportBOntoListA", http.MethodPut, "/api/v1/imports/" + impB + "/mapping", map[string]any{"has_header": true, "columns": []string{"email", "first_name"}, "list_id": listA}, 422, false, listA},
		{"KeyAUsage", http.MethodGet, "/api/v1/api-keys/" + keyA + "/usage", nil, 404, true, keyA},
		{"RotateKeyA", http.MethodPost, "/api/v1/api-keys/" + keyA + "/rotate", map[string]any{}, 404, true, keyA},
		{"RevokeKeyA", http.MethodDelete, "/api/v1/api-keys/" + keyA, nil, 404, true, keyA},
		{"RevokeInvitationA", http.MethodDelete, "/api/v1/tenant/invitations/" + invA, nil, 404, true, invA},
		{"ChangeRoleOfAMember", http.MethodPatch, "/api/v1/tenant/members/" + aMember.userID, map[string]string{"role": "viewer"}, 404, true, aMember.userID},
		{"RemoveAMember", http.MethodDelete, "/api/v1/tenant/members/" + aMember.userID, nil, 404, true, aMember.userID},
		{"SwitchToTenantA", http.MethodPost, "/api/v1/auth/switch-tenant", map[string]string{"tenant_id": a.tenantID}, 404, true, a.tenantID},
		{"GetPushA", http.MethodGet, "/api/v1/crm/pushes/" + pushA, nil, 404, false, pushA},
		{"DeleteListA", http.MethodDelete, "/api/v1/lists/" + listA, nil, 404, false, listA},
		// Filters naming A's objects find nothing, as an unknown id does.
		{"CorrectionsOfPrivateContact", http.MethodGet, "/api/v1/corrections?contact_id=" + privA, nil, 200, false, privA},
		{"PushesOfPrivateContact", http.MethodGet, "/api/v1/crm/pushes?contact_id=" + privA, nil, 200, false, privA},
		{"AuditOfAMember", http.MethodGet, "/api/v1/tenant/audit-events?actor_id=" + aMember.userID, nil, 200, true, aMember.userID},
	}
	// swept records which operations the calls reached, and how.
	swept := map[string]bool{}
	spec, err := conformanceSpec()
	if err != nil {
		t.Fatal(err)
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
				// The answer is the one an id that exists nowhere gets: it
				// tells B nothing about A's object, not even that it exists.
				fake := uuid.NewString()
				var body any
				if c.body != nil {
					raw, err := json.Marshal(c.body)
					if err != nil {
						t.Fatal(err)
					}
					body = json.RawMessage(strings.ReplaceAll(string(raw), c.target, fake))
				}
				norec := fb.credReq(t, c.method, strings.ReplaceAll(c.path, c.target, fake), cred, key, body)
				if got, want := problemGist(t, rec, c.target), problemGist(t, norec, fake); got != want {
					t.Errorf("A's object is told apart from one that does not exist:\n A's: %s\n none: %s", got, want)
				}
			})
			req := httptest.NewRequest(c.method, c.path, nil)
			if route, _, err := spec.router.FindRoute(req); err == nil {
				swept[via+" "+route.Operation.OperationID] = true
			}
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
	// Every operation that takes the id of a tenant's object (those whose
	// other_tenant cell the matrix needs) is in the sweep above: as a
	// session, and as an API key where a key may call it. A new route with
	// an id fails here until a call for it is added.
	ops, err := matrixNeeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if !slices.Contains(op.needs, "other_tenant") || isolationSweepExempt[op.id] != "" {
			continue
		}
		if !swept["Session "+op.id] {
			t.Errorf("%s %s (%s) takes a tenant's object and is not in the sweep as a session", op.method, op.path, op.id)
		}
		if _, ok := expectedKeyScope[op.method+" "+echoPath(op.path)]; ok && !swept["APIKey "+op.id] {
			t.Errorf("%s %s (%s) takes a tenant's object and is not in the sweep as an API key", op.method, op.path, op.id)
		}
	}
	for id := range isolationSweepExempt {
		if swept["Session "+id] || swept["APIKey "+id] {
			t.Errorf("%s is exempt from the sweep, yet swept (drop the exemption)", id)
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

// isolationSweepExempt names the operations the matrix counts as taking a
// tenant's object that TestTenantIsolationMatrix does not sweep, with why.
var isolationSweepExempt = map[string]string{
	"getCompany": "a company belongs to the shared database, not to a tenant (every tenant reads it); " +
		"its tenant-bound part is the people cursor (TestMatrixIsolationCompanyCursor)",
	"unsaveContacts": "idempotent: ids the tenant has not saved are skipped (200); TestMatrixIsolationUnsave " +
		"checks A's saved contact stays saved",
}

// problemGist is what an answer tells: its status and JSON body (a
// problem document without the request's own instance and request id),
// with id written as <id>.
func problemGist(t testing.TB, rec *httptest.ResponseRecorder, id string) string {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("answer %d is not JSON: %s", rec.Code, rec.Body.String())
	}
	delete(p, "instance")
	delete(p, "request_id")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d %s", rec.Code, strings.ReplaceAll(string(b), id, "<id>"))
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
