package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// auditedRow is an audit event as stored.
type auditedRow struct {
	Action        string
	TenantID      *string
	ActorUserID   *string
	ActorAPIKeyID *string
	ActorLabel    string
	TargetID      string
}

// eventsOf returns the audit events the request of rec wrote.
func (tb *testBundle) eventsOf(t testing.TB, rec *httptest.ResponseRecorder) []auditedRow {
	t.Helper()
	rid := rec.Header().Get("X-Request-Id")
	if rid == "" {
		t.Fatal("no X-Request-Id")
	}
	var rows []auditedRow
	if err := tb.db.Gorm.Raw(`SELECT action, tenant_id::text, actor_user_id::text, actor_api_key_id::text, actor_label, target_id
		FROM audit_events WHERE request_id = ? ORDER BY id`, rid).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAdministrativeChangesAudited makes every administrative change of a
// tenant and of the platform through the API and checks that each wrote
// exactly one audit event naming the actor, the tenant and the target.
func TestAdministrativeChangesAudited(t *testing.T) {
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "auda")
	fb.MustSetPackage(t, admin.tenantID, "pro")
	member := fb.MustJoin(t, admin, "member")
	staff := fb.MustSystemUser(t, "system_admin")
	other := fb.MustSystemUser(t, "support")
	fb.MustConnectCRM(t, admin)
	approved := fb.MustApprovedContacts(t, admin, 1)

	// one checks that rec's request wrote exactly one event action on target.
	one := func(rec *httptest.ResponseRecorder, action, actor, target string) {
		t.Helper()
		evs := fb.eventsOf(t, rec)
		if len(evs) != 1 || evs[0].Action != action || evs[0].TargetID != target || evs[0].TenantID == nil ||
			*evs[0].TenantID != admin.tenantID || evs[0].ActorUserID == nil || *evs[0].ActorUserID != actor {
			t.Errorf("%s: events %+v, want one by %s on %s", action, evs, actor, target)
		}
	}
	rec := fb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("audinv"), "role": "viewer"})
	wantStatus(t, rec, http.StatusCreated)
	inv := decode[InvitationResponse](t, rec).ID
	one(rec, "invitation.created", admin.userID, inv)
	rec = fb.req(t, http.MethodPost, "/api/v1/api-keys", admin.token, map[string]any{"name": "audit key", "scopes": []string{"contacts:read"}})
	wantStatus(t, rec, http.StatusCreated)
	one(rec, "api_key.created", admin.userID, decode[APIKeyResponse](t, rec).ID)
	rec = fb.req(t, http.MethodPost, "/api/v1/api-keys/"+decode[APIKeyResponse](t, rec).ID+"/rotate", admin.token, map[string]any{})
	wantStatus(t, rec, http.StatusCreated)
	key := decode[APIKeyResponse](t, rec).ID
	for _, e := range fb.eventsOf(t, rec) {
		t.Logf("rotate: %+v", e)
	}
	rec = fb.req(t, http.MethodPost, "/api/v1/contacts/"+approved[0]+"/corrections", admin.token, map[string]string{"field": "title", "value": "Audited Title"})
	wantStatus(t, rec, http.StatusCreated)
	corr := decode[CorrectionResponse](t, rec).ID
	code := "aud" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	rec = fb.req(t, http.MethodPost, "/api/v1/admin/packages", staff.token, map[string]any{"code": code, "name": "Audit " + code,
		"price_cents": 100, "currency": "usd", "max_users": 3, "max_contacts_per_query": 25, "searches_per_month": 10,
		"api_requests_per_minute": 10, "import_rows_per_month": 10, "max_concurrent_jobs": 1, "crm_pushes_per_month": 10})
	wantStatus(t, rec, http.StatusCreated)
	pkg := decode[PackageResponse](t, rec).ID

	tenantURL := "/api/v1/admin/tenants/" + admin.tenantID
	tests := []struct {
		name, method, path string
		token              string
		body               any
		status             int
		action, target     string
		tenant             bool // the event belongs to the tenant
	}{
		{"TenantUpdated", http.MethodPatch, "/api/v1/tenant", admin.token, map[string]string{"name": "Audited Co"}, 200, "tenant.updated", admin.tenantID, true},
		{"InvitationRevoked", http.MethodDelete, "/api/v1/tenant/invitations/" + inv, admin.token, nil, 204, "invitation.revoked", inv, true},
		{"MemberRoleChanged", http.MethodPatch, "/api/v1/tenant/members/" + member.userID, admin.token, map[string]string{"role": "viewer"}, 200, "member.role_changed", member.userID, true},
		{"APIKeyRevoked", http.MethodDelete, "/api/v1/api-keys/" + key, admin.token, nil, 204, "api_key.revoked", key, true},
		{"CRMSettingsUpdated", http.MethodPut, "/api/v1/crm/settings", admin.token, map[string]any{"field_ownership": map[string]string{"phone": "never"}}, 200, "crm.settings_updated", admin.tenantID, true},
		{"SavedApproved", http.MethodPost, "/api/v1/saved-contacts/reject", admin.token, map[string]any{"contact_ids": approved}, 200, "saved_contacts.rejected", "", true},
		{"MemberRemoved", http.MethodDelete, "/api/v1/tenant/members/" + member.userID, admin.token, nil, 204, "member.removed", member.userID, true},
		{"TenantSuspended", http.MethodPatch, tenantURL, staff.token, map[string]string{"status": "suspended", "reason": "audit test"}, 200, "tenant.suspended", admin.tenantID, true},
		{"TenantReactivated", http.MethodPatch, tenantURL, staff.token, map[string]string{"status": "active"}, 200, "tenant.reactivated", admin.tenantID, true},
		{"SubscriptionChanged", http.MethodPut, tenantURL + "/subscription", staff.token, map[string]string{"package_code": "starter", "status": "active", "reason": "audit test"}, 200, "subscription.changed", admin.tenantID, true},
		{"SystemRoleChanged", http.MethodPatch, "/api/v1/admin/users/" + other.userID, staff.token, map[string]string{"system_role": "user"}, 200, "user.system_role_changed", other.userID, false},
		{"PackageUpdated", http.MethodPatch, "/api/v1/admin/packages/" + pkg, staff.token, map[string]any{"max_users": 4}, 200, "package.updated", pkg, false},
		{"CorrectionRejected", http.MethodPost, "/api/v1/admin/corrections/" + corr + "/reject", staff.token, nil, 200, "contact.correction_rejected", approved[0], true},
		{"CRMDisconnected", http.MethodDelete, "/api/v1/crm/connection", admin.token, nil, 204, "crm.disconnected", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := fb.req(t, tt.method, tt.path, tt.token, tt.body)
			wantStatus(t, rec, tt.status)
			evs := fb.eventsOf(t, rec)
			if len(evs) != 1 {
				t.Fatalf("%d audit events %+v, want one %s", len(evs), evs, tt.action)
			}
			e := evs[0]
			actor := admin.userID
			if tt.token == staff.token {
				actor = staff.userID
			}
			switch {
			case e.Action != tt.action:
				t.Errorf("action %q, want %q", e.Action, tt.action)
			case e.ActorUserID == nil || *e.ActorUserID != actor || e.ActorLabel == "":
				t.Errorf("actor %v %q, want %s", e.ActorUserID, e.ActorLabel, actor)
			case tt.tenant && (e.TenantID == nil || *e.TenantID != admin.tenantID):
				t.Errorf("tenant %v, want %s", e.TenantID, admin.tenantID)
			case !tt.tenant && e.TenantID != nil:
				t.Errorf("tenant %v on a platform event", *e.TenantID)
			case tt.target != "" && e.TargetID != tt.target:
				t.Errorf("target %q, want %q", e.TargetID, tt.target)
			case e.TargetID == "" && tt.action != "saved_contacts.rejected":
				t.Error("no target")
			}
		})
	}
}

// auditData returns the data of the events rec's request wrote.
func (tb *testBundle) auditData(t testing.TB, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	var out []string
	if err := tb.db.Gorm.Raw(`SELECT data::text FROM audit_events WHERE request_id = ? ORDER BY id`,
		rec.Header().Get("X-Request-Id")).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSettingsChangesAuditedWithWhatChanged holds the tenant's and the CRM
// settings to the rule package updates follow: the event says what each
// changed field was and became, and a save that changes nothing writes no
// event (the log would claim a change no one made).
func TestSettingsChangesAuditedWithWhatChanged(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "audset")
	fb.MustConnectCRM(t, admin)
	rec := fb.req(t, http.MethodGet, "/api/v1/tenant", admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	oldName := decode[TenantResponse](t, rec).Name

	tests := []struct {
		name, method, path string
		body               any
		want               []string // the events' data, JSON
	}{
		{"TenantRenamed", http.MethodPatch, "/api/v1/tenant", map[string]string{"name": "Renamed Co", "default_region": "us"},
			[]string{`{"changes": {"name": ["` + oldName + `", "Renamed Co"]}}`}},
		{"TenantSavedUnchanged", http.MethodPatch, "/api/v1/tenant", map[string]string{"name": "Renamed Co"}, nil},
		{"TenantRegionSet", http.MethodPatch, "/api/v1/tenant", map[string]string{"name": "Renamed Co", "default_region": "gb"},
			[]string{`{"changes": {"default_region": ["US", "GB"]}}`}},
		{"CRMSettingChanged", http.MethodPut, "/api/v1/crm/settings", map[string]any{"field_ownership": map[string]string{"phone": "never"}},
			[]string{`{"changes": {"phone": ["fill_if_empty", "never"]}}`}},
		{"CRMSettingsSavedUnchanged", http.MethodPut, "/api/v1/crm/settings", map[string]any{"field_ownership": map[string]string{
			"phone": "never", "email": "fill_if_empty"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := fb.req(t, tt.method, tt.path, admin.token, tt.body)
			wantStatus(t, rec, http.StatusOK)
			if got := fb.auditData(t, rec); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("audit data %q, want %q", got, tt.want)
			}
		})
	}
}

// TestImportStartAuditedWithWhatItMayChange: starting an import is audited
// with the options that decide what it changes: whether it overwrites
// existing values and, for a platform import (the shared database of every
// tenant), the source it writes with; for a tenant's, the list it fills.
func TestImportStartAuditedWithWhatItMayChange(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "system_admin")
	admin := tb.MustSignup(t, "audimp")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")

	rec := tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "vendor.csv",
		[]byte("Email,Full Name\naud@"+w+".example,Aud It\n"))
	wantStatus(t, rec, http.StatusCreated)
	plat := "/api/v1/admin/imports/" + decode[ImportResponse](t, rec).ID
	wantStatus(t, tb.req(t, http.MethodPut, plat+"/mapping", staff.token, map[string]any{"has_header": true,
		"columns": []string{"email", "full_name"}, "source": "vendor", "overwrite": true}), http.StatusOK)

	own := tb.MustImport(t, admin, "Email\nown@"+w+".example\n")
	rec = tb.req(t, http.MethodPost, "/api/v1/lists", admin.token, map[string]string{"name": "Imported"})
	wantStatus(t, rec, http.StatusCreated)
	list := decode[ListResponse](t, rec).ID
	wantStatus(t, tb.req(t, http.MethodPut, "/api/v1/imports/"+own.ID+"/mapping", admin.token, map[string]any{"has_header": true,
		"columns": []string{"email"}, "list_id": list}), http.StatusOK)

	tests := []struct {
		name, path, token string
		want              map[string]any
	}{
		{"Platform", plat + "/start", staff.token, map[string]any{"overwrite": true, "source": "vendor"}},
		{"Tenant", "/api/v1/imports/" + own.ID + "/start", admin.token, map[string]any{"overwrite": false, "list_id": list}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPost, tt.path, tt.token, nil)
			wantStatus(t, rec, http.StatusAccepted)
			data := tb.auditData(t, rec)
			if len(data) != 1 {
				t.Fatalf("%d events, want import.started", len(data))
			}
			var ev struct{ Action, TargetType, TargetID string }
			if err := tb.db.Gorm.Raw(`SELECT action, target_type, target_id FROM audit_events WHERE request_id = ?`,
				rec.Header().Get("X-Request-Id")).Scan(&ev).Error; err != nil {
				t.Fatal(err)
			}
			if id := path.Base(path.Dir(tt.path)); ev.Action != "import.started" || ev.TargetType != "import" || ev.TargetID != id {
				t.Fatalf("event %+v, want import.started on import %s", ev, id)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(data[0]), &got); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("import.started %s = %v, want %v (data %s)", k, got[k], v, data[0])
				}
			}
		})
	}
}

// TestAdminAuditEventsByTenant: the platform log filtered by tenant_id
// lists that tenant's events and no other tenant's.
func TestAdminAuditEventsByTenant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "support")
	invite := func(admin session) string {
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("audbyt"), "role": "viewer"})
		wantStatus(t, rec, http.StatusCreated)
		return decode[InvitationResponse](t, rec).ID
	}
	a, b := tb.MustSignup(t, "audbyt-a"), tb.MustSignup(t, "audbyt-b")
	tests := []struct {
		name, tenantID, invitation string
	}{
		{"OKFirstTenant", a.tenantID, invite(a)},
		{"OKSecondTenant", b.tenantID, invite(b)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodGet, "/api/v1/admin/audit-events?action=invitation.created&tenant_id="+tt.tenantID, staff.token, nil)
			wantStatus(t, rec, http.StatusOK)
			evs := decode[AuditEventList](t, rec)
			if len(evs.Items) != 1 || evs.Items[0].TargetID != tt.invitation || evs.Items[0].TenantID == nil || *evs.Items[0].TenantID != tt.tenantID {
				t.Fatalf("events %+v, want only the invitation %s of tenant %s", evs.Items, tt.invitation, tt.tenantID)
			}
		})
	}
}
