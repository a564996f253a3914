package tenancy_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/mail"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// sentMail records the invitations' messages instead of queuing them.
type sentMail struct {
	mu sync.Mutex
	to []string
}

func (m *sentMail) Send(_ context.Context, _ *gorm.DB, to, _, _ string) (mail.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.to = append(m.to, to)
	return mail.Message{ToAddress: to}, nil
}

// TestInvitationRules: an invitation is refused to an address already in
// the team, an accepted one cannot be revoked (the member is removed
// instead) and a revoked one is revoked once; accepting needs the
// invitation's own address, a tenant that is not suspended and a link not
// expired, and makes the member with the invitation's role. Each case has
// a tenant of its own on a package of ten seats, with ada its admin and
// an open invitation to guest@ (as a member) from her.
func TestInvitationRules(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	lim := limits.NewService(d.Gorm, 7*24*time.Hour)
	tests := []struct {
		name        string
		suspended   bool
		expired     bool
		accepted    bool
		revoked     bool
		op          string // "invite", "revoke", "accept", "lookup"
		email       string // invite: the address; accept: the accepting user's
		wantCode    string
		wantMail    int    // invitations mailed by the case
		wantStatus  string // the status of guest@'s invitation afterwards
		wantMembers int    // the tenant's members afterwards
		wantRevokes int    // invitation.revoked events
		wantAccepts int    // invitation.accepted events
	}{
		{name: "InviteAMember", op: "invite", email: "ADA@team.example", wantCode: apperr.ECONFLICT, wantStatus: "pending", wantMembers: 1},
		{name: "InviteSomeoneNew", op: "invite", email: "new@team.example", wantMail: 1, wantStatus: "pending", wantMembers: 1},
		{name: "InviteAgainWhileOpen", op: "invite", email: "guest@team.example", wantCode: apperr.ECONFLICT, wantStatus: "pending", wantMembers: 1},
		{name: "InviteAgainAfterExpiry", expired: true, op: "invite", email: "guest@team.example", wantMail: 1, wantStatus: "expired",
			wantMembers: 1},
		{name: "RevokeOpen", op: "revoke", wantStatus: "revoked", wantMembers: 1, wantRevokes: 1},
		{name: "RevokeAccepted", accepted: true, op: "revoke", wantCode: apperr.ECONFLICT, wantStatus: "accepted", wantMembers: 1},
		{name: "RevokeTwice", op: "revoke2", wantStatus: "revoked", wantMembers: 1, wantRevokes: 1},
		{name: "Accept", op: "accept", email: "guest@team.example", wantStatus: "accepted", wantMembers: 2, wantAccepts: 1},
		{name: "AcceptAsAnotherAddress", op: "accept", email: "other@team.example", wantCode: apperr.EFORBIDDEN, wantStatus: "pending",
			wantMembers: 1},
		{name: "AcceptIntoSuspendedTenant", suspended: true, op: "accept", email: "guest@team.example", wantCode: apperr.EFORBIDDEN,
			wantStatus: "pending", wantMembers: 1},
		{name: "AcceptExpired", expired: true, op: "accept", email: "guest@team.example", wantCode: apperr.ENOTFOUND, wantStatus: "expired",
			wantMembers: 1},
		{name: "AcceptUsed", accepted: true, op: "accept", email: "guest@team.example", wantCode: apperr.ENOTFOUND, wantStatus: "accepted",
			wantMembers: 1},
		{name: "AcceptRevoked", revoked: true, op: "accept", email: "guest@team.example", wantCode: apperr.ENOTFOUND, wantStatus: "revoked",
			wantMembers: 1},
		{name: "LookupOpen", op: "lookup", wantStatus: "pending", wantMembers: 1},
		{name: "LookupExpired", expired: true, op: "lookup", wantCode: apperr.ENOTFOUND, wantStatus: "expired", wantMembers: 1},
		{name: "LookupUsed", accepted: true, op: "lookup", wantCode: apperr.ENOTFOUND, wantStatus: "accepted", wantMembers: 1},
		{name: "LookupRevoked", revoked: true, op: "lookup", wantCode: apperr.ENOTFOUND, wantStatus: "revoked", wantMembers: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			exec := func(sql string, args ...any) { mustExec(t, d, sql, args...) }
			// Addresses are unique across the shared database: each case's
			// are under a domain of its own.
			tenant, ada, pkg := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
			domain := "@" + strings.ToLower(tenant.String()) + ".example"
			addr := func(s string) string { return strings.Replace(s, "@team.example", domain, 1) }
			status := tenancy.StatusActive
			if tt.suspended {
				status = tenancy.StatusSuspended
			}
			exec(`INSERT INTO tenants (id, name, status) VALUES (?, 'Team', ?)`, tenant, status)
			exec(`INSERT INTO packages (id, code, name, max_users, searches_per_month, max_contacts_per_query, api_requests_per_minute,
				import_rows_per_month, max_concurrent_jobs, crm_pushes_per_month) VALUES (?, ?, 'Ten seats', 10, 10, 10, 0, 10, 1, 10)`,
				pkg, "ten-"+tenant.String())
			exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source) VALUES (?, ?, 'active', 'manual')`, tenant, pkg)
			exec(`INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, 'Ada', 'x')`, ada, addr("ada@team.example"))
			exec(`INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin')`, tenant, ada)
			mailer := &sentMail{}
			svc := tenancy.NewService(d.Gorm, lim, "https://app.example", mailer)
			inv, err := svc.Invite(ctx, tenant, ada, addr("guest@team.example"), tenancy.RoleMember)
			if err != nil {
				t.Fatal(err)
			}
			token := inv.AcceptURL[strings.Index(inv.AcceptURL, "#token=")+len("#token="):]
			if ttl := inv.ExpiresAt.Sub(inv.CreatedAt); ttl != 7*24*time.Hour {
				t.Errorf("invitation open for %s, want the 7 days its mail promises", ttl)
			}
			// Another organization's expired, never retired invitation to
			// the same address: nothing done in this tenant may touch it.
			elsewhere, elsewhereInv := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
			exec(`INSERT INTO tenants (id, name, status) VALUES (?, 'Elsewhere', 'active')`, elsewhere)
			exec(`INSERT INTO invitations (tenant_id, id, email, role, token_hash, expires_at, created_at)
				VALUES (?, ?, ?, 'member', ?, now() - interval '1 second', now() - interval '8 days')`,
				elsewhere, elsewhereInv, addr("guest@team.example"), []byte(elsewhereInv.String()))
			if tt.expired {
				exec(`UPDATE invitations SET expires_at = now() - interval '1 second', created_at = now() - interval '8 days' WHERE id = ?`, inv.ID)
			}
			if tt.accepted {
				exec(`UPDATE invitations SET accepted_at = now() WHERE id = ?`, inv.ID)
			}
			if tt.revoked {
				exec(`UPDATE invitations SET revoked_at = now() WHERE id = ?`, inv.ID)
			}
			mailer.to = nil

			switch tt.op {
			case "invite":
				_, err = svc.Invite(ctx, tenant, ada, addr(tt.email), tenancy.RoleViewer)
			case "revoke":
				err = svc.RevokeInvitation(ctx, tenant, inv.ID)
			case "revoke2":
				if err = svc.RevokeInvitation(ctx, tenant, inv.ID); err == nil {
					err = svc.RevokeInvitation(ctx, tenant, inv.ID)
				}
			case "accept":
				user := uuid.Must(uuid.NewV7())
				exec(`INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, 'Guest', 'x')`, user, addr(tt.email))
				err = d.Gorm.Transaction(func(tx *gorm.DB) error {
					got, err := svc.ConsumeInvitation(ctx, tx, token, user, addr(tt.email))
					if err == nil && (got.AcceptedBy == nil || *got.AcceptedBy != user) {
						t.Errorf("accepted by %v, want %s", got.AcceptedBy, user)
					}
					return err
				})
			case "lookup":
				var p tenancy.InvitationPreview
				p, err = svc.LookupInvitation(ctx, token)
				if err == nil && (p.Email != addr("guest@team.example") || p.TenantName != "Team" || p.Role != tenancy.RoleMember) {
					t.Errorf("preview %+v, want guest's invitation to Team as member", p)
				}
			}
			if tt.wantCode == "" && err != nil {
				t.Fatalf("%s: %v", tt.op, err)
			}
			if tt.wantCode != "" && apperr.Code(err) != tt.wantCode {
				t.Fatalf("%s = %v, want %s", tt.op, err, tt.wantCode)
			}
			if len(mailer.to) != tt.wantMail {
				t.Errorf("mailed %v, want %d invitations", mailer.to, tt.wantMail)
			}
			var stored tenancy.Invitation
			if err := d.Gorm.Where("tenant_id = ? AND id = ?", tenant, inv.ID).Take(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if got := stored.Status(time.Now()); got != tt.wantStatus {
				t.Errorf("guest's invitation is %s, want %s", got, tt.wantStatus)
			}
			var members []struct {
				Email string
				Role  tenancy.Role
			}
			if err := d.Gorm.Raw(`SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ?`,
				tenant).Scan(&members).Error; err != nil {
				t.Fatal(err)
			}
			if len(members) != tt.wantMembers {
				t.Errorf("members %v, want %d", members, tt.wantMembers)
			}
			for _, m := range members {
				if m.Email == addr("guest@team.example") && m.Role != tenancy.RoleMember {
					t.Errorf("guest joined as %s, want the invitation's member", m.Role)
				}
			}
			var events []struct {
				Action string
				N      int
			}
			if err := d.Gorm.Raw(`SELECT action, count(*) AS n FROM audit_events WHERE tenant_id = ? GROUP BY action`,
				tenant).Scan(&events).Error; err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, e := range events {
				got[e.Action] = e.N
			}
			// Every invitation made is audited: guest's, and each one mailed.
			for action, want := range map[string]int{"invitation.created": 1 + tt.wantMail,
				"invitation.revoked": tt.wantRevokes, "invitation.accepted": tt.wantAccepts} {
				if got[action] != want {
					t.Errorf("%d %s events, want %d", got[action], action, want)
				}
			}
			var retired int64
			if err := d.Gorm.Raw(`SELECT count(*) FROM invitations WHERE tenant_id = ? AND id = ? AND revoked_at IS NOT NULL`,
				elsewhere, elsewhereInv).Scan(&retired).Error; err != nil {
				t.Fatal(err)
			}
			if retired != 0 {
				t.Errorf("another organization's invitation to guest was retired")
			}
		})
	}
}

// TestInvitationsPerWindowFollowSeats: an organization may make
// InvitationsPerWindow invitations a day, or twice its package's seats
// when that is more, so that a large team can be invited in one day. Each
// case has a tenant of its own that already made all but one of them
// (revoked, so they hold no seat): the last one is made, the next refused.
func TestInvitationsPerWindowFollowSeats(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	lim := limits.NewService(d.Gorm, 7*24*time.Hour)
	tests := []struct {
		name      string
		seats     int
		wantLimit int
	}{
		{"FewSeats", 3, 20},
		{"TenSeats", 10, 20},
		{"FifteenSeats", 15, 30},
		{"FortySeats", 40, 80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			exec := func(sql string, args ...any) { mustExec(t, d, sql, args...) }
			tenant, ada, pkg := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
			domain := "@" + strings.ToLower(tenant.String()) + ".example"
			exec(`INSERT INTO tenants (id, name, status) VALUES (?, 'Team', 'active')`, tenant)
			exec(`INSERT INTO packages (id, code, name, max_users, searches_per_month, max_contacts_per_query, api_requests_per_minute,
				import_rows_per_month, max_concurrent_jobs, crm_pushes_per_month) VALUES (?, ?, 'Seats', ?, 10, 10, 0, 10, 1, 10)`,
				pkg, "s-"+tenant.String(), tt.seats)
			exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source) VALUES (?, ?, 'active', 'manual')`, tenant, pkg)
			exec(`INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, 'Ada', 'x')`, ada, "ada"+domain)
			exec(`INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin')`, tenant, ada)
			exec(`INSERT INTO invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at, revoked_at, created_at)
				SELECT ?, gen_random_uuid(), 'made' || g || ?, 'viewer', sha256((? || g)::bytea), ?, now() + interval '7 days', now(), now()
				FROM generate_series(1, ?) g`, tenant, domain, tenant.String(), ada, tt.wantLimit-1)
			svc := tenancy.NewService(d.Gorm, lim, "https://app.example", &sentMail{})
			if _, err := svc.Invite(ctx, tenant, ada, "last"+domain, tenancy.RoleViewer); err != nil {
				t.Fatalf("invitation %d of %d: %v", tt.wantLimit, tt.wantLimit, err)
			}
			_, err := svc.Invite(ctx, tenant, ada, "over"+domain, tenancy.RoleViewer)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.ERATELIMIT || ae.Limit != tt.wantLimit {
				t.Fatalf("invitation %d = %v, want ERATELIMIT with limit %d", tt.wantLimit+1, err, tt.wantLimit)
			}
		})
	}
}
