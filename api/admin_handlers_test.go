package api

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/mail"
)

func TestAdminAssignsPackage(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	support := tb.MustSystemUser(t, "support")
	tenant := tb.MustSignup(t, "assign")
	viewer := tb.MustJoin(t, tenant, "viewer")
	path := "/api/v1/admin/tenants/" + tenant.tenantID + "/subscription"
	future := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		name       string
		token      string
		path       string
		body       any
		wantStatus int
	}{
		{"ErrForbiddenSupport", support.token, path, map[string]any{"package_code": "pro", "status": "active", "reason": "try"}, 403},
		{"ErrForbiddenTenantAdmin", tenant.token, path, map[string]any{"package_code": "pro", "status": "active", "reason": "self-upgrade"}, 403},
		{"ErrForbiddenViewer", viewer.token, path, map[string]any{"package_code": "pro", "status": "active", "reason": "x"}, 403},
		{"ErrNoReason", sys.token, path, map[string]any{"package_code": "pro", "status": "active"}, 422},
		{"ErrUnknownPackage", sys.token, path, map[string]any{"package_code": "gold", "status": "active", "reason": "deal"}, 422},
		{"ErrBadStatus", sys.token, path, map[string]any{"package_code": "pro", "status": "paid", "reason": "deal"}, 422},
		{"ErrPastPeriod", sys.token, path, map[string]any{"package_code": "pro", "status": "active", "reason": "deal", "current_period_end": "2020-01-01T00:00:00Z"}, 422},
		{"ErrNotFoundTenant", sys.token, "/api/v1/admin/tenants/" + uuid.NewString() + "/subscription", map[string]any{"package_code": "pro", "status": "active", "reason": "deal"}, 404},
		{"OK", sys.token, path, map[string]any{"package_code": "pro", "status": "active", "reason": "annual contract", "current_period_end": future}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPut, tt.path, tt.token, tt.body), tt.wantStatus)
		})
	}
	u := decode[UsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", viewer.token, nil))
	if u.Package.Code != "pro" || u.Seats.Limit != 50 || u.Subscription.Source != "manual" {
		t.Fatalf("usage after assignment %+v", u)
	}
	for _, q := range u.Quotas {
		if q.Metric == "searches" && q.Limit != 20000 {
			t.Fatalf("searches limit %d", q.Limit)
		}
	}
	// Audited with the reason, visible in the tenant's log as done by
	// 1CloudAI staff, and in the platform's log with who, from where.
	evs := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=subscription.changed", tenant.token, nil))
	if len(evs.Items) != 1 || evs.Items[0].Data["reason"] != "annual contract" {
		t.Fatalf("audit %+v", evs)
	}
	// What it was before, by package code as "package" is.
	if d := evs.Items[0].Data; d["previous_package"] != "free" || d["previous_status"] != "active" {
		t.Fatalf("the change does not say what it replaced: %v", d)
	}
	wantStaffHidden(t, evs.Items[0])
	pevs := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/admin/audit-events?tenant_id="+tenant.tenantID+"&action=subscription.*", support.token, nil))
	if len(pevs.Items) != 1 || pevs.Items[0].ActorLabel != sys.email || pevs.Items[0].ActorID == nil || *pevs.Items[0].ActorID != sys.userID {
		t.Fatalf("platform audit %+v", pevs)
	}
}

// TestAdminSubscriptionPeriodEndInUTC: a period end given with an offset
// (a staff member east of UTC) is answered in UTC, to the microsecond the
// database keeps, as the subscription is read back later (timestamps are
// RFC 3339 UTC); the answer echoed the offset and the nanoseconds.
func TestAdminSubscriptionPeriodEndInUTC(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	tenant := tb.MustSignup(t, "periodzone")
	tokyo := time.FixedZone("JST", 9*3600)
	end := time.Now().In(tokyo).Add(30 * 24 * time.Hour).Truncate(time.Second).Add(123456789 * time.Nanosecond)
	rec := tb.req(t, http.MethodPut, "/api/v1/admin/tenants/"+tenant.tenantID+"/subscription", sys.token,
		map[string]any{"package_code": "pro", "status": "active", "reason": "contract", "current_period_end": end.Format(time.RFC3339Nano)})
	wantStatus(t, rec, http.StatusOK)
	got := decode[map[string]any](t, rec)["current_period_end"]
	want := end.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
	if got != want {
		t.Fatalf("current_period_end answered %v, want %s", got, want)
	}
	u := decode[map[string]any](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", tenant.token, nil))
	if sub, _ := u["subscription"].(map[string]any); sub == nil || sub["current_period_end"] != want {
		t.Fatalf("read back %v, want %s", u["subscription"], want)
	}
}

// TestAdminPastDueKeepsItsStart: changing the package of a tenant that
// stays past due does not start its grace period again: it runs from when
// the tenant fell past due (the paid limits stayed a week past every
// change staff made meanwhile).
func TestAdminPastDueKeepsItsStart(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	admin := tb.MustSignup(t, "pastdue")
	path := "/api/v1/admin/tenants/" + admin.tenantID + "/subscription"
	wantStatus(t, tb.req(t, http.MethodPut, path, sys.token,
		map[string]any{"package_code": "pro", "status": "past_due", "reason": "invoice 17 unpaid"}), http.StatusOK)
	first := tb.usage(t, admin).GraceEndsAt
	wantStatus(t, tb.req(t, http.MethodPut, path, sys.token,
		map[string]any{"package_code": "starter", "status": "past_due", "reason": "asked for a smaller plan"}), http.StatusOK)
	u := tb.usage(t, admin)
	if first == nil || u.GraceEndsAt == nil || !u.GraceEndsAt.Equal(*first) || u.Package.Code != "starter" {
		t.Fatalf("grace ends %v after the change, %v before; package %s", u.GraceEndsAt, first, u.Package.Code)
	}
}

// wantStaffHidden checks that a tenant's view of an event done by 1CloudAI
// staff names no one: no account, IP or request id.
func wantStaffHidden(t *testing.T, e AuditEventResponse) {
	t.Helper()
	if e.ActorLabel != "1CloudAI staff" || e.ActorType != "system" || e.ActorID != nil || e.IP != "" || e.RequestID != "" {
		t.Fatalf("%s shows who at 1CloudAI did it: %+v", e.Action, e)
	}
}

// TestTenantAuditActorFilterHidesStaff: the tenant's log names staff
// actions "1CloudAI staff"; filtering it by actor must not undo that. A
// staffer who is also a member of the tenant (so the team page shows their
// id) changes its plan on a platform route: the tenant's log filtered by
// their id shows their own tenant actions, never the staff one.
func TestTenantAuditActorFilterHidesStaff(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "audit-staff")
	staff := tb.MustJoin(t, admin, "member")
	if err := tb.db.Gorm.Exec(`UPDATE users SET system_role = 'system_admin' WHERE id = ?`, staff.userID).Error; err != nil {
		t.Fatal(err)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/lists", staff.token, map[string]string{"name": "mine"}), http.StatusCreated)
	wantStatus(t, tb.req(t, http.MethodPut, "/api/v1/admin/tenants/"+admin.tenantID+"/subscription", staff.token,
		map[string]any{"package_code": "pro", "status": "active", "reason": "goodwill"}), http.StatusOK)

	all := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=subscription.changed", admin.token, nil))
	if len(all.Items) != 1 {
		t.Fatalf("the plan change is not in the tenant's log: %+v", all)
	}
	wantStaffHidden(t, all.Items[0])
	evs := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?actor_id="+staff.userID, admin.token, nil))
	if len(evs.Items) == 0 {
		t.Fatal("the member's own actions are missing from the log filtered by them")
	}
	for _, e := range evs.Items {
		if e.Action == "subscription.changed" {
			t.Fatalf("filtering the tenant's log by a member's id reveals them as the staffer behind %s", e.Action)
		}
	}
	// The platform log still names them.
	pevs := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/admin/audit-events?action=subscription.changed&actor_id="+staff.userID, staff.token, nil))
	if len(pevs.Items) != 1 || pevs.Items[0].ActorLabel != staff.email {
		t.Fatalf("platform log by actor %+v", pevs)
	}
}

func TestAdminSuspendTenant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	tenant := tb.MustSignup(t, "suspend")
	path := "/api/v1/admin/tenants/" + tenant.tenantID
	// A suspension needs a reason the tenant's log can show: as the suspend
	// dialog asks, at least 3 characters once trimmed.
	for _, reason := range []string{"", "   ", "x", " ab ", "é\u0301"} {
		rec := tb.req(t, http.MethodPatch, path, sys.token, map[string]string{"status": "suspended", "reason": reason})
		wantStatus(t, rec, 422)
		if errs, _ := decodeProblem(t, rec)["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "reason" {
			t.Fatalf("reason %q: errors %v", reason, errs)
		}
	}
	wantStatus(t, tb.req(t, http.MethodPatch, path, sys.token, map[string]string{"status": "suspended"}), 422)
	wantStatus(t, tb.req(t, http.MethodPatch, path, sys.token, map[string]string{"status": "suspended", "reason": "abuse report"}), 200)
	rec := tb.req(t, http.MethodGet, "/api/v1/tenant/members", tenant.token, nil)
	wantStatus(t, rec, http.StatusForbidden)
	if decodeProblem(t, rec)["type"] != "tenant-suspended" {
		t.Fatal("suspension problem type")
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/me", tenant.token, nil), 200)
	wantStatus(t, tb.req(t, http.MethodPatch, path, sys.token, map[string]string{"status": "active"}), 200)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant/members", tenant.token, nil), 200)
	evs := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=tenant.*", tenant.token, nil))
	if len(evs.Items) < 2 {
		t.Fatalf("suspension and reactivation not in the tenant's log: %+v", evs)
	}
	for _, e := range evs.Items {
		if e.Action == "tenant.suspended" || e.Action == "tenant.reactivated" {
			wantStaffHidden(t, e)
		}
	}

	detail := decode[AdminTenantDetail](t, tb.req(t, http.MethodGet, path, sys.token, nil))
	if detail.Tenant.Status != "active" || len(detail.Members) != 1 {
		t.Fatalf("detail %+v", detail)
	}
	list := decode[AdminTenantList](t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants?q="+tenant.email, sys.token, nil))
	if len(list.Items) != 1 || list.Items[0].ID != tenant.tenantID {
		t.Fatalf("search by member email: %+v", list)
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants?cursor=bad", sys.token, nil), 400)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants?limit=0", sys.token, nil), 422)
	// A status filter lists the tenants in it; an unknown one is a 422, not
	// an empty list that reads as "none match".
	for _, tt := range []struct {
		status string
		want   int
		found  bool
	}{{"active", 200, true}, {"suspended", 200, false}, {"Suspended", 422, false}, {"paused", 422, false}} {
		rec := tb.req(t, http.MethodGet, "/api/v1/admin/tenants?q="+tenant.email+"&status="+tt.status, sys.token, nil)
		wantStatus(t, rec, tt.want)
		if tt.want == 200 {
			if l := decode[AdminTenantList](t, rec); (len(l.Items) == 1) != tt.found {
				t.Fatalf("status=%s: %+v", tt.status, l)
			}
		}
	}
}

func TestAdminPackagesAndUsers(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	code := "team-" + strings.ToLower(uuid.NewString()[:6])
	body := map[string]any{"code": code, "name": "Team", "price_cents": 9900, "max_users": 5, "searches_per_month": 500,
		"max_contacts_per_query": 50, "api_access": true, "api_requests_per_minute": 60, "import_rows_per_month": 10000,
		"max_concurrent_jobs": 1, "crm_pushes_per_month": 1000}
	rec := tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, body)
	wantStatus(t, rec, http.StatusCreated)
	pkg := decode[PackageResponse](t, rec)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, body), 409)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, map[string]any{"code": "x-incomplete", "name": "X"}), 422)
	// An empty package names every required field: the ones
	// CreatePackageRequest marks required in the description.
	rec = tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, map[string]any{})
	wantStatus(t, rec, 422)
	var missing []string
	for _, f := range decode[Problem](t, rec).Errors {
		missing = append(missing, f.Field)
	}
	slices.Sort(missing)
	if required := readSpec(t).Definitions["CreatePackageRequest"].Required; !slices.Equal(missing, required) {
		t.Fatalf("an empty package is missing %v; CreatePackageRequest requires %v", missing, required)
	}
	// API access with no API requests a minute would refuse every key's every request.
	noRate := maps.Clone(body)
	noRate["code"], noRate["api_requests_per_minute"] = code+"-norate", 0
	rec = tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, noRate)
	wantStatus(t, rec, 422)
	if !strings.Contains(rec.Body.String(), "api_requests_per_minute") {
		t.Fatalf("the 422 does not name the field: %s", rec.Body.String())
	}
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"api_requests_per_minute": 0}), 422)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"max_users": 0}), 422)
	// Limits are 32-bit columns: a larger number is a 422, not a failed statement.
	huge := maps.Clone(body)
	huge["code"], huge["sort_order"] = code+"-huge", int64(1)<<31
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, huge), 422)
	for _, f := range []string{"price_cents", "max_users", "searches_per_month", "api_requests_per_minute", "import_rows_per_month", "crm_pushes_per_month", "sort_order"} {
		wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{f: int64(3_000_000_000)}), 422)
	}
	rec = tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"active": false, "max_users": 7})
	wantStatus(t, rec, http.StatusOK)
	if p := decode[PackageResponse](t, rec); p.Active || p.MaxUsers != 7 {
		t.Fatalf("updated %+v", p)
	}
	// Inactive packages leave the public list but stay in the admin list.
	if strings.Contains(tb.req(t, http.MethodGet, "/api/v1/packages", "", nil).Body.String(), code) {
		t.Fatal("inactive package listed publicly")
	}
	if !strings.Contains(tb.req(t, http.MethodGet, "/api/v1/admin/packages", sys.token, nil).Body.String(), code) {
		t.Fatal("inactive package missing from the admin list")
	}
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+uuid.NewString(), sys.token, map[string]any{"name": "x"}), 404)
	// The code is fixed (checkouts and the Free fallback name packages by
	// it; the same code is no change); Free cannot be retired.
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"code": code + "-x"}), 422)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"code": code, "sort_order": 3}), 200)
	// Saving what is there already changes nothing, and audits nothing.
	updates := func() (n int) {
		tb.db.Gorm.Raw(`SELECT count(*) FROM audit_events WHERE action = 'package.updated' AND target_id = ?`, pkg.ID).Scan(&n)
		return n
	}
	before := updates()
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"sort_order": 3, "name": " Team "}), 200)
	if n := updates(); n != before {
		t.Fatalf("an update that changed nothing was audited (%d events, %d before)", n, before)
	}
	var freeID string
	tb.db.Gorm.Raw(`SELECT id FROM packages WHERE code = 'free'`).Scan(&freeID)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+freeID, sys.token, map[string]any{"code": "basic"}), 422)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+freeID, sys.token, map[string]any{"active": false}), 422)
	// Which Stripe price activates the package is audited with the rest.
	price := "price_audit_" + code
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"stripe_price_id": price}), 200)
	var data string
	tb.db.Gorm.Raw(`SELECT data::text FROM audit_events WHERE action = 'package.updated' AND target_id = ? ORDER BY id DESC LIMIT 1`, pkg.ID).Scan(&data)
	if !strings.Contains(data, `"stripe_price_id": [null, "`+price+`"]`) {
		t.Fatalf("package.updated does not record the new Stripe price: %s", data)
	}

	// Users: search and set a system role; never your own.
	target := tb.MustSignup(t, "promote")
	users := decode[UserList](t, tb.req(t, http.MethodGet, "/api/v1/admin/users?q="+target.email, sys.token, nil))
	if len(users.Items) != 1 {
		t.Fatalf("users %+v", users)
	}
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/users/"+target.userID, sys.token, map[string]string{"system_role": "support"}), 200)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/users/"+sys.userID, sys.token, map[string]string{"system_role": "user"}), 409)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/users/"+target.userID, sys.token, map[string]string{"system_role": "god"}), 422)
	me := decode[MeResponse](t, tb.req(t, http.MethodGet, "/api/v1/me", target.token, nil))
	if me.User.SystemRole != "support" {
		t.Fatal("system role change not visible on the next request")
	}
}

func TestOutboxBodies(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	support := tb.MustSystemUser(t, "support")
	admin := tb.MustSignup(t, "outbox")
	invitee := uniqueEmail("outbox-invitee")
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": invitee, "role": "member"}),
		http.StatusCreated)
	invitation := func(list OutboxList) OutboxMessage {
		t.Helper()
		for _, m := range list.Items {
			if m.To == invitee {
				return m
			}
		}
		t.Fatalf("no mail to %s in %+v", invitee, list)
		return OutboxMessage{}
	}

	// Without SMTP the outbox is the development mailbox: bodies with their links.
	dev := invitation(decode[OutboxList](t, tb.req(t, http.MethodGet, "/api/v1/admin/outbox", sys.token, nil)))
	if dev.BodyWithheld || !strings.Contains(dev.Body, "token=") {
		t.Fatalf("development outbox: %+v", dev)
	}
	// Its links let whoever reads them join tenants: not for read-only support staff.
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/outbox", support.token, nil), http.StatusForbidden)

	// With SMTP, mail reaches its recipient; the outbox shows no bodies.
	tb.srv.svc.Mail = mail.NewService(tb.db.Gorm, "smtp://127.0.0.1:9", slog.New(slog.DiscardHandler))
	prod := invitation(decode[OutboxList](t, tb.req(t, http.MethodGet, "/api/v1/admin/outbox", sys.token, nil)))
	if !prod.BodyWithheld || prod.Body != "" {
		t.Fatalf("outbox with SMTP: %+v", prod)
	}
}

// TestAdminSearchLiteral: the admin searches take what staff type
// literally. LIKE's wildcards were passed through, so "p_q" also found
// "pxq" and a search for "100%" found every name starting "100".
func TestAdminSearchLiteral(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	r := strings.ToLower(uuid.NewString()[:8])
	signup := func(email string) string {
		rec := tb.req(t, http.MethodPost, "/api/v1/auth/signup", "", map[string]string{
			"email": email, "password": testPassword, "tenant_name": "Org " + email})
		wantStatus(t, rec, http.StatusCreated)
		return decode[TokenResponse](t, rec).Tenant.ID
	}
	want := signup("p_q-" + r + "@example.test")
	signup("pxq-" + r + "@example.test")
	tests := []struct{ name, path string }{
		{"Users", "/api/v1/admin/users?q=p_q-" + r},
		{"Tenants", "/api/v1/admin/tenants?q=p_q-" + r},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodGet, tt.path, sys.token, nil)
			wantStatus(t, rec, http.StatusOK)
			var list struct {
				Items []struct {
					ID    string `json:"id"`
					Email string `json:"email"`
				} `json:"items"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
				t.Fatal(err)
			}
			if len(list.Items) != 1 || (list.Items[0].Email != "p_q-"+r+"@example.test" && list.Items[0].ID != want) {
				t.Fatalf("search for p_q-%s found %+v", r, list.Items)
			}
		})
	}
}

// TestLoginSkipsSuspendedTenant: signing in without naming an organization
// starts in the oldest one that is not suspended. It took the oldest
// membership whatever its state, so a member of a suspended organization
// and an active one signed in to nothing but "this organization is
// suspended" until they found the switcher.
func TestLoginSkipsSuspendedTenant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	first := tb.MustSignup(t, "first-org")
	other := tb.MustSignup(t, "second-org")
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", other.token, map[string]string{"email": first.email, "role": "member"})
	wantStatus(t, rec, http.StatusCreated)
	url := decode[InvitationResponse](t, rec).AcceptURL
	token := url[strings.Index(url, "token=")+len("token="):]
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword}), http.StatusOK)

	login := func() string {
		t.Helper()
		rec := tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": first.email, "password": testPassword})
		wantStatus(t, rec, http.StatusOK)
		return decode[TokenResponse](t, rec).Tenant.ID
	}
	if got := login(); got != first.tenantID {
		t.Fatalf("signed in to %s, want the oldest organization %s", got, first.tenantID)
	}
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/tenants/"+first.tenantID, sys.token,
		map[string]string{"status": "suspended", "reason": "abuse report"}), http.StatusOK)
	if got := login(); got != other.tenantID {
		t.Fatalf("signed in to %s while it is suspended, want the active %s", got, other.tenantID)
	}
}

// TestAdminTenantListPackageInForce: the tenant list names the package
// whose limits the tenant has, as the tenant's detail does, not the one its
// subscription row names: a manual Pro whose period ended, a canceled Pro
// and a Pro past due beyond the grace period are on Free.
func TestAdminTenantListPackageInForce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	tests := []struct {
		name, sql                  string
		wantCode, wantSubscription string
		wantDowngraded             bool
	}{
		{"ProInForce", ``, "pro", "pro", false},
		{"ManualPeriodEnded", `UPDATE subscriptions SET current_period_end = now() - interval '1 day' WHERE tenant_id = ?`, "free", "pro", true},
		{"Canceled", `UPDATE subscriptions SET status = 'canceled' WHERE tenant_id = ?`, "free", "pro", true},
		{"PastDueBeyondGrace", `UPDATE subscriptions SET status = 'past_due', past_due_since = now() - interval '30 days' WHERE tenant_id = ?`, "free", "pro", true},
		{"NoSubscription", `DELETE FROM subscriptions WHERE tenant_id = ?`, "free", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := tb.MustSignup(t, "inforce")
			tb.MustSetPackage(t, tenant.tenantID, "pro")
			if tt.sql != "" {
				if err := tb.db.Gorm.Exec(tt.sql, tenant.tenantID).Error; err != nil {
					t.Fatal(err)
				}
			}
			detail := decode[AdminTenantDetail](t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants/"+tenant.tenantID, sys.token, nil))
			list := decode[AdminTenantList](t, tb.req(t, http.MethodGet, "/api/v1/admin/tenants?q="+tenant.tenantID, sys.token, nil))
			if len(list.Items) != 1 {
				t.Fatalf("list %+v", list)
			}
			got := list.Items[0]
			if got.PackageCode != tt.wantCode || got.PackageCode != detail.Usage.Package.Code ||
				got.SubscriptionPackageCode != tt.wantSubscription || got.Downgraded != tt.wantDowngraded || got.Downgraded != detail.Usage.Downgraded {
				t.Fatalf("list row %+v; detail package %s downgraded %v", got, detail.Usage.Package.Code, detail.Usage.Downgraded)
			}
		})
	}
}

// A package's import file cap is bounded by what the upload routes accept
// (imports.MaxUploadBytes): a larger cap promised files the server cut off
// at its body limit, answering that the file was over the package's limit.
func TestAdminPackageFileCapBounded(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	code := "cap-" + strings.ToLower(uuid.NewString()[:6])
	body := map[string]any{"code": code, "name": "Cap", "max_users": 5, "searches_per_month": 500,
		"max_contacts_per_query": 50, "api_requests_per_minute": 0, "import_rows_per_month": 10000,
		"max_concurrent_jobs": 1, "crm_pushes_per_month": 1000, "max_import_file_bytes": billing.MaxImportFileBytes + 1}
	rec := tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, body)
	wantStatus(t, rec, 422)
	if !strings.Contains(rec.Body.String(), "max_import_file_bytes") {
		t.Fatalf("the 422 does not name the field: %s", rec.Body.String())
	}
	body["max_import_file_bytes"] = billing.MaxImportFileBytes
	rec = tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, body)
	wantStatus(t, rec, http.StatusCreated)
	pkg := decode[PackageResponse](t, rec)
	for _, tt := range []struct {
		name  string
		bytes int64
		want  int
	}{{"ErrOverUploadLimit", billing.MaxImportFileBytes + 1, 422}, {"ErrAbsurd", 1 << 50, 422}, {"OK", 1 << 20, 200}} {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token,
				map[string]any{"max_import_file_bytes": tt.bytes}), tt.want)
		})
	}
	if imports.MaxUploadBytes < billing.MaxImportFileBytes+imports.EnvelopeBytes {
		t.Fatalf("the upload routes take %d bytes, less than the largest package cap %d and its envelope",
			imports.MaxUploadBytes, billing.MaxImportFileBytes)
	}
}

// A package's currency is an ISO 4217 code: three letters, kept in lowercase
// (Stripe's spelling). Three spaces or symbols passed `len=3` and were saved
// (the spaces trimmed to an empty currency), and the plans table priced the
// package in nothing.
func TestAdminPackageCurrency(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	sys := tb.MustSystemUser(t, "system_admin")
	code := "cur-" + strings.ToLower(uuid.NewString()[:6])
	rec := tb.req(t, http.MethodPost, "/api/v1/admin/packages", sys.token, map[string]any{"code": code, "name": "Cur",
		"price_cents": 900, "currency": "EUR", "max_users": 5, "searches_per_month": 500, "max_contacts_per_query": 50,
		"api_requests_per_minute": 0, "import_rows_per_month": 10000, "max_concurrent_jobs": 1, "crm_pushes_per_month": 1000})
	wantStatus(t, rec, http.StatusCreated)
	pkg := decode[PackageResponse](t, rec)
	if pkg.Currency != "eur" {
		t.Fatalf("currency %q, want eur", pkg.Currency)
	}
	for _, tt := range []struct{ name, currency string }{{"ErrSpaces", "   "}, {"ErrSymbol", "U$D"}, {"ErrDigits", "123"}, {"ErrNonASCII", "ÉUR"}} {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"currency": tt.currency})
			wantStatus(t, rec, 422)
			if !strings.Contains(rec.Body.String(), `"field":"currency"`) {
				t.Fatalf("the 422 does not name the field: %s", rec.Body.String())
			}
		})
	}
	rec = tb.req(t, http.MethodPatch, "/api/v1/admin/packages/"+pkg.ID, sys.token, map[string]any{"currency": "Usd"})
	wantStatus(t, rec, http.StatusOK)
	if p := decode[PackageResponse](t, rec); p.Currency != "usd" {
		t.Fatalf("currency %q, want usd", p.Currency)
	}
}
