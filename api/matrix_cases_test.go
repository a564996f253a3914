package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// The cases below fill cells of the test matrix (matrix_test.go,
// docs/TESTING.md) that no other test covered.

// TestMatrixPlatformImports: the platform import routes answer a
// success, refuse bad input, and answer 404 for an import that is not a
// platform import (a tenant's) and for an id that does not exist.
func TestMatrixPlatformImports(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "system_admin")
	tenant := tb.MustSignup(t, "mxplat")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	rec := tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "vendor.csv",
		[]byte("Email,Full Name\nmx@"+w+".example,Max Trix\n"))
	wantStatus(t, rec, http.StatusCreated)
	plat := "/api/v1/admin/imports/" + decode[ImportResponse](t, rec).ID
	own := "/api/v1/admin/imports/" + tb.MustImport(t, tenant, "Email\nt@"+w+".example\n").ID
	missing := "/api/v1/admin/imports/" + uuid.NewString()
	mapping := map[string]any{"has_header": true, "columns": []string{"email", "full_name"}, "source": "vendor"}

	tests := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"ListBadStatus", http.MethodGet, "/api/v1/admin/imports?status=sideways", nil, 422},
		{"ListBadLimit", http.MethodGet, "/api/v1/admin/imports?limit=0", nil, 422},
		{"MappingWrongColumnCount", http.MethodPut, plat + "/mapping", map[string]any{"has_header": true, "columns": []string{"email"}, "source": "vendor"}, 422},
		{"MappingUnknownColumn", http.MethodPut, plat + "/mapping", map[string]any{"has_header": true, "columns": []string{"email", "shoe_size"}, "source": "vendor"}, 422},
		{"RecordsBadOutcome", http.MethodGet, plat + "/records?outcome=sideways", nil, 422},
		{"StartBadDryRun", http.MethodPost, plat + "/start?dry_run=maybe", nil, 422},
		{"ErrorsCSV", http.MethodGet, plat + "/errors.csv", nil, 200},
		{"TenantImportMapping", http.MethodPut, own + "/mapping", mapping, 404},
		{"TenantImportRecords", http.MethodGet, own + "/records", nil, 404},
		{"TenantImportStart", http.MethodPost, own + "/start", nil, 404},
		{"TenantImportCancel", http.MethodPost, own + "/cancel", nil, 404},
		{"TenantImportErrorsCSV", http.MethodGet, own + "/errors.csv", nil, 404},
		{"MissingMapping", http.MethodPut, missing + "/mapping", mapping, 404},
		{"MissingRecords", http.MethodGet, missing + "/records", nil, 404},
		{"MissingStart", http.MethodPost, missing + "/start", nil, 404},
		{"MissingCancel", http.MethodPost, missing + "/cancel", nil, 404},
		{"MissingErrorsCSV", http.MethodGet, missing + "/errors.csv", nil, 404},
		{"Cancel", http.MethodPost, plat + "/cancel", nil, 202},
	}
	for _, tt := range tests { // in order: Cancel ends the import
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, tt.method, tt.path, staff.token, tt.body), tt.want)
		})
	}
	// An empty file is refused at upload.
	wantStatus(t, tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "empty.csv", nil), http.StatusUnprocessableEntity)
	// The tenant's import is untouched.
	rec = tb.req(t, http.MethodGet, strings.Replace(own, "/admin", "", 1), tenant.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if st := decode[ImportResponse](t, rec).Status; st != "uploaded" {
		t.Fatalf("the tenant's import is %q after the platform routes were tried on it", st)
	}
}

// TestMatrixPlatformNotFound: the platform routes that take the id of a
// tenant, a user or a correction answer 404 for one that does not exist,
// and bad filters of the platform audit log are refused.
func TestMatrixPlatformNotFound(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "system_admin")
	missing := uuid.NewString()
	tests := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"GetTenant", http.MethodGet, "/api/v1/admin/tenants/" + missing, nil, 404},
		{"SuspendTenant", http.MethodPatch, "/api/v1/admin/tenants/" + missing, map[string]string{"status": "suspended", "reason": "test"}, 404},
		{"SetUserRole", http.MethodPatch, "/api/v1/admin/users/" + missing, map[string]string{"system_role": "support"}, 404},
		{"RejectCorrection", http.MethodPost, "/api/v1/admin/corrections/" + missing + "/reject", nil, 404},
		{"AuditBadTenantID", http.MethodGet, "/api/v1/admin/audit-events?tenant_id=nope", nil, 422},
		{"AuditBadLimit", http.MethodGet, "/api/v1/admin/audit-events?limit=-1", nil, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantStatus(t, tb.req(t, tt.method, tt.path, staff.token, tt.body), tt.want)
		})
	}
}

// TestMatrixListsAndSaved: the list and saved-contact routes whose success
// or validation had no test of their own.
func TestMatrixListsAndSaved(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "mxlists")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	c := tb.MustPrivateContact(t, admin.tenantID, "Lisa", "Matrix")
	rec := tb.req(t, http.MethodPost, "/api/v1/lists", admin.token, map[string]string{"name": "Matrix"})
	wantStatus(t, rec, http.StatusCreated)
	list := "/api/v1/lists/" + decode[ListResponse](t, rec).ID
	wantStatus(t, tb.req(t, http.MethodPost, list+"/members", admin.token, map[string]any{"contact_ids": []string{c}}), http.StatusOK)

	invalid := []struct {
		name, method, path string
		body               any
	}{
		{"RenameEmpty", http.MethodPatch, list, map[string]string{"name": " "}},
		{"AddNoIDs", http.MethodPost, list + "/members", map[string]any{"contact_ids": []string{}}},
		{"AddBadID", http.MethodPost, list + "/members", map[string]any{"contact_ids": []string{"nope"}}},
		{"RemoveNoIDs", http.MethodDelete, list + "/members", map[string]any{"contact_ids": []string{}}},
		{"UnsaveBadID", http.MethodDelete, "/api/v1/saved-contacts", map[string]any{"contact_ids": []string{"nope"}}},
		{"UnsaveNoIDs", http.MethodDelete, "/api/v1/saved-contacts", map[string]any{"contact_ids": []string{}}},
		{"ApproveNoIDs", http.MethodPost, "/api/v1/saved-contacts/approve", map[string]any{"contact_ids": []string{}}},
		{"RejectBadID", http.MethodPost, "/api/v1/saved-contacts/reject", map[string]any{"contact_ids": []string{"nope"}}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, tt.method, tt.path, admin.token, tt.body)
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			if p := decodeProblem(t, rec); p["errors"] == nil {
				t.Errorf("the problem names no field: %v", p)
			}
		})
	}

	// Removing the member, then the list.
	rec = tb.req(t, http.MethodDelete, list+"/members", admin.token, map[string]any{"contact_ids": []string{c}})
	wantStatus(t, rec, http.StatusOK)
	if got := decode[CountResponse](t, rec); got.Count != 1 {
		t.Fatalf("removed %d members, want 1", got.Count)
	}
	wantStatus(t, tb.req(t, http.MethodDelete, list, admin.token, nil), http.StatusNoContent)
	if ls := decode[ListList](t, tb.req(t, http.MethodGet, "/api/v1/lists", admin.token, nil)); len(ls.Items) != 0 {
		t.Fatalf("the deleted list is still listed: %+v", ls)
	}
	wantStatus(t, tb.req(t, http.MethodDelete, list, admin.token, nil), http.StatusNotFound)
}

// TestMatrixInvitationsValidation: invitations refuse bad input.
func TestMatrixInvitationsValidation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "mxinv")
	tests := []struct {
		name, path, token string
		body              any
	}{
		{"CreateBadEmail", "/api/v1/tenant/invitations", admin.token, map[string]string{"email": "not-an-address", "role": "member"}},
		{"CreateUnknownRole", "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("mxrole"), "role": "owner"}},
		{"CreatePlatformRole", "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("mxrole"), "role": "system_admin"}},
		{"LookupNoToken", "/api/v1/invitations/lookup", "", map[string]string{}},
		{"LookupTokenTooLong", "/api/v1/invitations/lookup", "", map[string]string{"token": strings.Repeat("x", 201)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantStatus(t, tb.req(t, http.MethodPost, tt.path, tt.token, tt.body), http.StatusUnprocessableEntity)
		})
	}
}

// TestMatrixAcceptSignedInNeedsASeat: after a downgrade leaves more open
// invitations than seats, a signed-in person accepting one is refused
// with the seat limit, as accepting without an account is.
func TestMatrixAcceptSignedInNeedsASeat(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "mxseat")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	tb.MustJoin(t, admin, "member")
	tb.MustJoin(t, admin, "viewer")
	other := tb.MustSignup(t, "mxseatother")
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": other.email, "role": "member"})
	wantStatus(t, rec, http.StatusCreated)
	inv := decode[InvitationResponse](t, rec)
	token := inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+len("token="):]
	tb.MustSetPackage(t, admin.tenantID, "free") // 3 users: the three members hold them all

	rec = tb.req(t, http.MethodPost, "/api/v1/me/invitations/accept", other.token, map[string]string{"token": token})
	wantStatus(t, rec, http.StatusConflict)
	if p := decodeProblem(t, rec); p["type"] != "seat-limit-reached" {
		t.Fatalf("problem %v, want seat-limit-reached", p)
	}
	if ms := decode[MemberList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/members", admin.token, nil)); len(ms.Items) != 3 {
		t.Fatalf("the tenant has %d members, want 3", len(ms.Items))
	}
}

// TestMatrixSignupLimit: an address gets 20 sign-ups, then waits (429);
// another address is not held up.
func TestMatrixSignupLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	r := uuid.New().ID()
	network := fmt.Sprintf("2001:db8:%x:%x", r>>16, r&0xffff)
	signup := func(i int, remote string) *httptest.ResponseRecorder {
		body := fmt.Sprintf(`{"email":%q,"password":%q,"name":"Sig","tenant_name":"Sig %d"}`, uniqueEmail("mxsignup"), testPassword, i)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/signup", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		req.RemoteAddr = remote
		return tb.serve(t, req)
	}
	for i := range 20 {
		wantStatus(t, signup(i, fmt.Sprintf("[%s::%x]:4321", network, i+1)), http.StatusCreated)
	}
	rec := signup(20, "["+network+"::99]:4321")
	wantStatus(t, rec, http.StatusTooManyRequests)
	if p := decodeProblem(t, rec); p["type"] != "rate-limited" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("problem %v, Retry-After %q", p, rec.Header().Get("Retry-After"))
	}
	wantStatus(t, signup(21, fmt.Sprintf("[2001:db8:%x:%x::1]:4321", r>>16, (r+1)&0xffff)), http.StatusCreated)
}

// TestMatrixCompanyAndCallbackValidation: a company page and the CRM
// callback refuse bad query parameters.
func TestMatrixCompanyAndCallbackValidation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "mxcomp")
	company := mxCompanyWithPeople(t, tb, 3)
	for _, tt := range []struct {
		query string
		want  int
	}{{"page_size=0", 422}, {"page_size=many", 422}, {"cursor=not-a-cursor", 400}} {
		t.Run("Company/"+tt.query, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/companies/"+company+"?"+tt.query, admin.token, nil), tt.want)
		})
	}
	t.Run("CallbackNUL", func(t *testing.T) {
		rec := tb.req(t, http.MethodGet, "/api/v1/crm/oauth/callback?code=a%00b&state=x", "", nil)
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want a refusal", rec.Code)
		}
	})
}

// mxCompanyWithPeople returns a seeded company with at least n people.
func mxCompanyWithPeople(t *testing.T, tb *testBundle, n int) string {
	t.Helper()
	var id string
	if err := tb.db.Gorm.Raw(`SELECT company_id FROM contacts WHERE company_id IS NOT NULL AND owner_tenant_id IS NULL
		GROUP BY company_id HAVING count(*) >= ? ORDER BY company_id LIMIT 1`, n).Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("no seeded company with %d people: %v", n, err)
	}
	return id
}

// TestMatrixIsolationCompanyCursor: the next-page cursor of a company's
// people that tenant A was given does not work for tenant B (it is bound
// to the tenant whose view it pages).
func TestMatrixIsolationCompanyCursor(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	a := tb.MustSignup(t, "mxcura")
	b := tb.MustSignup(t, "mxcurb")
	company := "/api/v1/companies/" + mxCompanyWithPeople(t, tb, 3)
	rec := tb.req(t, http.MethodGet, company+"?page_size=1", a.token, nil)
	wantStatus(t, rec, http.StatusOK)
	cur := decode[CompanyResponse](t, rec).NextContactsCursor
	if cur == "" {
		t.Fatal("no next cursor for a company with three people")
	}
	wantStatus(t, tb.req(t, http.MethodGet, company+"?page_size=1&cursor="+cur, a.token, nil), http.StatusOK)
	rec = tb.req(t, http.MethodGet, company+"?page_size=1&cursor="+cur, b.token, nil)
	wantStatus(t, rec, http.StatusBadRequest)
	if p := decodeProblem(t, rec); p["code"] != "malformed" {
		t.Fatalf("problem %v", p)
	}
}

// TestMatrixIsolationUnsave: unsaving is idempotent (ids not saved are
// skipped), so tenant B naming A's saved contacts answers 200 and leaves
// A's saved contacts as they were.
func TestMatrixIsolationUnsave(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "mxunsa")
	b := tb.MustSignup(t, "mxunsb")
	priv := tb.MustPrivateContact(t, a.tenantID, "Una", "Saved")
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{priv}}), http.StatusOK)
	rec := tb.req(t, http.MethodDelete, "/api/v1/saved-contacts", b.token, map[string]any{"contact_ids": []string{priv}})
	wantStatus(t, rec, http.StatusOK)
	if strings.Contains(rec.Body.String(), priv) {
		t.Fatalf("the answer names A's contact: %s", rec.Body.String())
	}
	rec = tb.req(t, http.MethodGet, "/api/v1/contacts/"+priv, a.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[ContactResponse](t, rec); got.SavedStatus != "saved" {
		t.Fatalf("A's contact is %q after B unsaved it", got.SavedStatus)
	}
}
