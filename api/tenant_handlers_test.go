package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestTeamLifecycle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "team")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	member := tb.MustJoin(t, admin, "member")

	members := decode[MemberList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/members", member.token, nil))
	if len(members.Items) != 2 || members.Items[0].Role != "org_admin" {
		t.Fatalf("members %+v", members)
	}
	// Change role member -> viewer, then the viewer loses write rights at once.
	rec := tb.req(t, http.MethodPatch, "/api/v1/tenant/members/"+member.userID, admin.token, map[string]string{"role": "viewer"})
	wantStatus(t, rec, http.StatusOK)
	if decode[MemberResponse](t, rec).Role != "viewer" {
		t.Fatal("role not changed")
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", member.token, map[string]string{"email": uniqueEmail("x"), "role": "viewer"}), 403)
	// The last org admin can neither be demoted nor removed.
	p := decodeProblem(t, tb.req(t, http.MethodPatch, "/api/v1/tenant/members/"+admin.userID, admin.token, map[string]string{"role": "member"}))
	if p["status"].(float64) != 409 || p["type"] != "last-org-admin" {
		t.Fatalf("demote last admin: %v", p)
	}
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/members/"+admin.userID, admin.token, nil), 409)
	// Validation.
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/tenant/members/"+member.userID, admin.token, map[string]string{"role": "owner"}), 422)
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/tenant/members/"+uuid.NewString(), admin.token, map[string]string{"role": "viewer"}), 404)
	// Remove: the still-valid access token is refused on the next request.
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant", member.token, nil), 200)
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/members/"+member.userID, admin.token, nil), 204)
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant", member.token, nil), 401)
	// Refreshing lands the removed user in no tenant, with no tenant rights.
	rec = tb.refreshWith(t, member.refresh)
	wantStatus(t, rec, http.StatusOK)
	tr := decode[TokenResponse](t, rec)
	if tr.Tenant != nil {
		t.Fatalf("removed member still has tenant %+v", tr.Tenant)
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/tenant", tr.AccessToken, nil), 403)

	events := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=member.*", admin.token, nil))
	var actions []string
	for _, e := range events.Items {
		actions = append(actions, e.Action)
		if e.ActorLabel != admin.email || e.RequestID == "" {
			t.Fatalf("audit event without actor or request id: %+v", e)
		}
		// Who was changed reads from the log after they left the team
		// page, not only as an id nobody can look up any more.
		if e.TargetID != member.userID || e.Data["email"] != member.email {
			t.Fatalf("audit event does not name the member it changed: %+v", e)
		}
	}
	if strings.Join(actions, ",") != "member.removed,member.role_changed" {
		t.Fatalf("audit actions %v", actions)
	}
	// Actions are lowercase; the filter matches them in any case, as typed in the audit page.
	for _, filter := range []string{"Member.*", "MEMBER.*", "Member.Removed"} {
		got := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action="+url.QueryEscape(filter), admin.token, nil))
		if len(got.Items) == 0 || got.Items[0].Action != "member.removed" {
			t.Errorf("action=%s: %+v", filter, got.Items)
		}
	}
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "inv") // Free: 3 users
	email := uniqueEmail("invitee")
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": email, "role": "member"})
	wantStatus(t, rec, http.StatusCreated)
	inv := decode[InvitationResponse](t, rec)
	if !strings.Contains(inv.AcceptURL, "/invitations/accept#token=") || inv.Status != "pending" {
		t.Fatalf("invitation %+v", inv)
	}
	token := inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+6:]
	// The link is mailed to the development outbox; the token is stored hashed.
	var mails, clear int64
	tb.db.Gorm.Table("outbox_emails").Where("to_address = ? AND body LIKE ?", email, "%"+token+"%").Count(&mails)
	tb.db.Gorm.Table("invitations").Where("token_hash = ?", []byte(token)).Count(&clear)
	if mails != 1 || clear != 0 {
		t.Fatalf("mails %d, cleartext tokens %d", mails, clear)
	}
	// A second open invitation for the same address conflicts.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": email, "role": "viewer"}), 409)
	// The listing does not repeat the link.
	list := tb.req(t, http.MethodGet, "/api/v1/tenant/invitations", admin.token, nil)
	if strings.Contains(list.Body.String(), token) {
		t.Fatal("invitation list leaks the token")
	}
	// Seats: 1 member + 1 pending + this one = 3 = Free's max_users; a fourth is refused.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("third"), "role": "viewer"}), 201)
	rec = tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": uniqueEmail("fourth"), "role": "viewer"})
	wantStatus(t, rec, http.StatusConflict)
	if decodeProblem(t, rec)["type"] != "seat-limit-reached" {
		t.Fatal("seat limit problem type")
	}
	// Lookup and accept; the token is single use.
	preview := decode[InvitationPreviewResponse](t, tb.req(t, http.MethodPost, "/api/v1/invitations/lookup", "", map[string]string{"token": token}))
	if preview.Email != email || preview.Role != "member" {
		t.Fatalf("preview %+v", preview)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]any{"token": token, "password": testPassword, "role": "org_admin"}), 422)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": "short"}), 422)
	rec = tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "name": "Invitee", "password": testPassword})
	wantStatus(t, rec, http.StatusOK)
	if tr := decode[TokenResponse](t, rec); tr.Tenant.Role != "member" || tr.Tenant.ID != admin.tenantID {
		t.Fatalf("accepted into %+v", tr.Tenant)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword}), 404)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/lookup", "", map[string]string{"token": "forged"}), 404)
}

// TestInviteAgainAfterExpiry: inviting an address again once its
// invitation expired retires the expired one, which the list still shows
// as expired (it was not revoked by anyone); a revoked one stays revoked.
func TestInviteAgainAfterExpiry(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "reinv")
	invite := func(email string) InvitationResponse {
		t.Helper()
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": email, "role": "member"})
		wantStatus(t, rec, http.StatusCreated)
		return decode[InvitationResponse](t, rec)
	}
	expired, revoked := uniqueEmail("expired"), uniqueEmail("revoked")
	first := invite(expired)
	tb.db.Gorm.Exec(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = ?`, first.ID)
	second := invite(expired)
	gone := invite(revoked)
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/invitations/"+gone.ID, admin.token, nil), http.StatusNoContent)

	list := decode[InvitationList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/invitations", admin.token, nil))
	got := map[string]string{}
	for _, it := range list.Items {
		got[it.ID] = it.Status
	}
	want := map[string]string{first.ID: "expired", second.ID: "pending", gone.ID: "revoked"}
	for id, status := range want {
		if got[id] != status {
			t.Errorf("invitation %s: %q, want %q (all: %v)", id, got[id], status, got)
		}
	}
}

// TestInvitationMailLimit: revoking an invitation and inviting again mails
// the link again, so the invitations an organization makes in a day are
// bounded (3 to one address; 20, or twice max_users, in all), revoked ones
// counted: an organization anyone can make cannot mail strangers without end.
// The refusal is 429 rate-limited with the wait, and mails nothing.
func TestInvitationMailLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "invmail") // Free: 3 users, so 20 invitations a day
	other := tb.MustSignup(t, "invmail-other")
	invite := func(who session, email string) *httptest.ResponseRecorder {
		t.Helper()
		return tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", who.token, map[string]string{"email": email, "role": "viewer"})
	}
	inviteAndRevoke := func(who session, email string) {
		t.Helper()
		rec := invite(who, email)
		wantStatus(t, rec, http.StatusCreated)
		wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/invitations/"+decode[InvitationResponse](t, rec).ID, who.token, nil),
			http.StatusNoContent)
	}
	mails := func(email string) int64 {
		var n int64
		tb.db.Gorm.Table("outbox_emails").Where("to_address = ?", email).Count(&n)
		return n
	}
	refused := func(rec *httptest.ResponseRecorder, limit string) {
		t.Helper()
		wantStatus(t, rec, http.StatusTooManyRequests)
		if p := decodeProblem(t, rec); p["type"] != "rate-limited" {
			t.Fatalf("problem %v", p)
		}
		if wait, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || wait < 23*3600 || wait > 24*3600 {
			t.Errorf("Retry-After %q, want about a day", rec.Header().Get("Retry-After"))
		}
		if got := rec.Header().Get("RateLimit-Limit"); got != limit {
			t.Errorf("RateLimit-Limit %q, want %s", got, limit)
		}
	}

	victim := uniqueEmail("invmail-victim")
	for range 3 {
		inviteAndRevoke(admin, victim)
	}
	refused(invite(admin, victim), "3")
	if n := mails(victim); n != 3 {
		t.Fatalf("%d mails to the address, want 3", n)
	}
	// Another organization may still invite the address.
	wantStatus(t, invite(other, victim), http.StatusCreated)

	for i := 3; i < 20; i++ {
		inviteAndRevoke(admin, uniqueEmail("invmail-many"))
	}
	fresh := uniqueEmail("invmail-fresh")
	refused(invite(admin, fresh), "20")
	if n := mails(fresh); n != 0 {
		t.Fatalf("a refused invitation mailed %d times", n)
	}
	list := decode[InvitationList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/invitations", admin.token, nil))
	if len(list.Items) != 20 {
		t.Fatalf("%d invitations, want the 20 made", len(list.Items))
	}
}

func TestRevokeInvitation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "revoke-a")
	b := tb.MustSignup(t, "revoke-b")
	inv := decode[InvitationResponse](t, tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", a.token, map[string]string{"email": uniqueEmail("r"), "role": "member"}))
	tests := []struct {
		name       string
		token, id  string
		wantStatus int
	}{
		{"ErrNotFoundOtherTenant", b.token, inv.ID, 404},
		{"ErrNotFoundMalformedID", a.token, "nope", 404},
		{"ErrUnauthenticated", "", inv.ID, 401},
		{"OK", a.token, inv.ID, 204},
		{"OKIdempotent", a.token, inv.ID, 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/invitations/"+tt.id, tt.token, nil), tt.wantStatus)
		})
	}
	token := inv.AcceptURL[strings.Index(inv.AcceptURL, "token=")+6:]
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword}), 404)
}

// TestInvitationsOfFormerAdmins: an admin who is removed, or is no longer
// an admin, cannot come back (or bring anyone in) through a link they sent:
// their open invitations are revoked, audited with why; another admin's stay.
func TestInvitationsOfFormerAdmins(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name string
		lose func(t *testing.T, owner, admin session)
	}{
		{"OKRemoved", func(t *testing.T, owner, admin session) {
			wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/tenant/members/"+admin.userID, owner.token, nil), http.StatusNoContent)
		}},
		{"OKDemoted", func(t *testing.T, owner, admin session) {
			wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/tenant/members/"+admin.userID, owner.token, map[string]string{"role": "member"}), http.StatusOK)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			owner := tb.MustSignup(t, "former-owner")
			tb.MustSetPackage(t, owner.tenantID, "starter")
			admin := tb.MustJoin(t, owner, "org_admin")
			invite := func(by session) InvitationResponse {
				rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", by.token, map[string]string{"email": uniqueEmail("former-inv"), "role": "org_admin"})
				wantStatus(t, rec, http.StatusCreated)
				return decode[InvitationResponse](t, rec)
			}
			theirs, ours := invite(admin), invite(owner)
			tt.lose(t, owner, admin)
			accept := func(inv InvitationResponse) *httptest.ResponseRecorder {
				_, token, _ := strings.Cut(inv.AcceptURL, "token=")
				return tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "name": "N", "password": testPassword})
			}
			wantStatus(t, accept(theirs), http.StatusNotFound)
			wantStatus(t, accept(ours), http.StatusOK)
			evs := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=invitation.revoked", owner.token, nil))
			if len(evs.Items) != 1 || evs.Items[0].TargetID != theirs.ID || evs.Items[0].Data["reason"] == nil {
				t.Fatalf("revocation audit %+v", evs.Items)
			}
		})
	}
}

// TestAcceptAfterDowngrade: invitations sent under a bigger package stay
// acceptable while seats remain under the smaller one (Free: 3): the first
// two of five fill the seats, the third is refused.
func TestAcceptAfterDowngrade(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	owner := tb.MustSignup(t, "downgrade-seats")
	tb.MustSetPackage(t, owner.tenantID, "starter")
	var invs []InvitationResponse
	for range 5 {
		rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", owner.token, map[string]string{"email": uniqueEmail("downgrade-inv"), "role": "member"})
		wantStatus(t, rec, http.StatusCreated)
		invs = append(invs, decode[InvitationResponse](t, rec))
	}
	tb.MustSetPackage(t, owner.tenantID, "free")
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusConflict} {
		_, token, _ := strings.Cut(invs[i].AcceptURL, "token=")
		rec := tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "name": "N", "password": testPassword})
		wantStatus(t, rec, want)
	}
}

func TestCrossTenantIsolation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "iso-a")
	b := tb.MustSignup(t, "iso-b")
	bMember := tb.MustJoin(t, b, "member")
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"ChangeRoleOfOtherTenantsMember", http.MethodPatch, "/api/v1/tenant/members/" + bMember.userID, map[string]string{"role": "viewer"}},
		{"RemoveOtherTenantsMember", http.MethodDelete, "/api/v1/tenant/members/" + bMember.userID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, tt.method, tt.path, a.token, tt.body), http.StatusNotFound)
		})
	}
	// Listings never show the other tenant's rows.
	for _, path := range []string{"/api/v1/tenant/members", "/api/v1/tenant/invitations", "/api/v1/tenant/audit-events"} {
		body := tb.req(t, http.MethodGet, path, a.token, nil).Body.String()
		if strings.Contains(body, b.tenantID) || strings.Contains(body, bMember.email) || strings.Contains(body, b.email) {
			t.Fatalf("%s leaks tenant B: %s", path, body)
		}
	}
	// B's member is untouched.
	ms := decode[MemberList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/members", b.token, nil))
	if len(ms.Items) != 2 {
		t.Fatalf("tenant B members changed: %+v", ms)
	}
}

func TestUpdateTenantIgnoresPrivilegedFields(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "upd")
	member := tb.MustJoin(t, admin, "member")
	tests := []struct {
		name       string
		token      string
		body       any
		wantStatus int
	}{
		{"OK", admin.token, map[string]string{"name": "Renamed Co", "default_region": "GB"}, 200},
		{"ErrPackageField", admin.token, map[string]string{"package": "enterprise"}, 422},
		{"ErrStatusField", admin.token, map[string]string{"status": "active", "tenant_id": uuid.NewString()}, 422},
		{"ErrBadRegion", admin.token, map[string]string{"default_region": "Britain"}, 422},
		{"ErrBlankName", admin.token, map[string]string{"name": "   "}, 422},
		{"ErrOneCharNameInSpaces", admin.token, map[string]string{"name": " x "}, 422},
		{"ErrForbiddenMember", member.token, map[string]string{"name": "Hijack"}, 403},
		{"ErrUnauthenticated", "", map[string]string{"name": "x"}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/tenant", tt.token, tt.body), tt.wantStatus)
		})
	}
	u := decode[UsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", admin.token, nil))
	if u.Package.Code != "free" {
		t.Fatalf("package changed through PATCH /tenant: %s", u.Package.Code)
	}
	tn := decode[TenantResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant", member.token, nil))
	if tn.Name != "Renamed Co" || tn.DefaultRegion != "GB" {
		t.Fatalf("tenant %+v", tn)
	}
}

// TestAcceptWhileInviterRemoved: accepting an invitation while its sender
// is removed (which revokes their open invitations) is one after the
// other, never a deadlock (500): both lock the tenant row first. Not
// parallel: it waits for lock waits in the shared database.
func TestAcceptWhileInviterRemoved(t *testing.T) {
	tb := setup(t)
	owner := tb.MustSignup(t, "inviter-owner")
	tb.MustSetPackage(t, owner.tenantID, "pro")
	other := tb.MustJoin(t, owner, "org_admin")
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", owner.token, map[string]string{"email": uniqueEmail("inviter-new"), "role": "member"})
	wantStatus(t, rec, http.StatusCreated)
	inv := decode[InvitationResponse](t, rec)
	_, token, _ := strings.Cut(inv.AcceptURL, "token=")
	ctx := context.Background()
	// Something else holds the invitation row for a moment, so that both
	// requests are under way at once.
	x, err := tb.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Rollback(ctx) }()
	if _, err := x.Exec(ctx, `SELECT 1 FROM invitations WHERE id = $1 FOR UPDATE`, inv.ID); err != nil {
		t.Fatal(err)
	}
	accept := make(chan int, 1)
	go func() {
		accept <- tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "",
			map[string]string{"token": token, "name": "New", "password": testPassword}).Code
	}()
	waitForLockWaiters(t, tb, 1)
	remove := make(chan int, 1)
	go func() {
		remove <- tb.req(t, http.MethodDelete, "/api/v1/tenant/members/"+owner.userID, other.token, nil).Code
	}()
	waitForLockWaiters(t, tb, 2)
	if err := x.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if a, r := <-accept, <-remove; a >= 500 || r >= 500 {
		t.Fatalf("accept %d, remove the inviter %d: want no 500", a, r)
	}
}

// TestAdminActsAfterLosingAdmin: an admin's request authorized while they
// were an admin, but waiting on the tenant while another admin demoted or
// removed them, must not act on the authority they no longer have: an
// invitation it created would outlive the demotion (and could bring them
// back in as an admin through another address). Not parallel: it waits for
// lock waits in the shared database.
func TestAdminActsAfterLosingAdmin(t *testing.T) {
	tb := setup(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		lose  string // SQL run by the concurrent membership change, $1 tenant, $2 the acting admin
		act   func(actor, target session) *httptest.ResponseRecorder
		check string // SQL counting what the refused act must not change, $1 tenant, $2 the target member
	}{
		{"ErrInviteAfterDemoted", `UPDATE memberships SET role = 'member' WHERE tenant_id = $1 AND user_id = $2`,
			func(actor, _ session) *httptest.ResponseRecorder {
				return tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", actor.token, map[string]string{"email": uniqueEmail("late-inv"), "role": "org_admin"})
			}, `SELECT count(*) FROM invitations WHERE tenant_id = $1 AND email LIKE 'late-inv-%' AND $2::uuid IS NOT NULL`},
		{"ErrInviteAfterRemoved", `DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`,
			func(actor, _ session) *httptest.ResponseRecorder {
				return tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", actor.token, map[string]string{"email": uniqueEmail("late-inv"), "role": "org_admin"})
			}, `SELECT count(*) FROM invitations WHERE tenant_id = $1 AND email LIKE 'late-inv-%' AND $2::uuid IS NOT NULL`},
		{"ErrPromoteAfterDemoted", `UPDATE memberships SET role = 'member' WHERE tenant_id = $1 AND user_id = $2`,
			func(actor, target session) *httptest.ResponseRecorder {
				return tb.req(t, http.MethodPatch, "/api/v1/tenant/members/"+target.userID, actor.token, map[string]string{"role": "org_admin"})
			}, `SELECT count(*) FROM memberships WHERE tenant_id = $1 AND user_id = $2 AND role = 'org_admin'`},
		{"ErrRemoveAfterRemoved", `DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`,
			func(actor, target session) *httptest.ResponseRecorder {
				return tb.req(t, http.MethodDelete, "/api/v1/tenant/members/"+target.userID, actor.token, nil)
			}, `SELECT count(*) FROM memberships WHERE tenant_id = $1 AND user_id = $2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner := tb.MustSignup(t, "losing-owner")
			tb.MustSetPackage(t, owner.tenantID, "pro")
			actor := tb.MustJoin(t, owner, "org_admin")
			target := tb.MustJoin(t, owner, "viewer")
			var before int
			if err := tb.db.Pool.QueryRow(ctx, tt.check, owner.tenantID, target.userID).Scan(&before); err != nil {
				t.Fatal(err)
			}
			// The change that takes the actor's admin rights holds the
			// tenant row, as ChangeRole and RemoveMember do.
			x, err := tb.db.Pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = x.Rollback(ctx) }()
			if _, err := x.Exec(ctx, `SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE`, owner.tenantID); err != nil {
				t.Fatal(err)
			}
			if _, err := x.Exec(ctx, tt.lose, owner.tenantID, actor.userID); err != nil {
				t.Fatal(err)
			}
			done := make(chan *httptest.ResponseRecorder, 1)
			go func() { done <- tt.act(actor, target) }()
			waitForLockWaiters(t, tb, 1)
			if err := x.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			rec := <-done
			wantStatus(t, rec, http.StatusForbidden)
			var after int
			if err := tb.db.Pool.QueryRow(ctx, tt.check, owner.tenantID, target.userID).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Fatalf("the refused request changed the team: %d before, %d after", before, after)
			}
		})
	}
}

// waitForLockWaiters waits until at least n sessions of the test database
// wait on a lock.
func waitForLockWaiters(t *testing.T, tb *testBundle, n int) {
	t.Helper()
	for range 500 {
		var w int
		if err := tb.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&w); err != nil {
			t.Fatal(err)
		}
		if w >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("fewer than %d sessions waited on a lock", n)
}
