package tenancy_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestMemberChanges: who may change or remove a member, the last-admin
// rule, and what a change leaves: the roles, the member's sessions in the
// tenant, the open invitations an admin who loses the right sent (revoked;
// an accepted or already revoked one stays as it was) and one audit event
// per change. Each case starts from a team of its own: ada and bo
// (org_admin unless the case makes bo a member), cy (member), and dee, an
// org_admin of another tenant. Each of ada and bo sent an open invitation
// and an accepted one and holds a session in the tenant.
func TestMemberChanges(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	const (
		admin  = tenancy.RoleOrgAdmin
		member = tenancy.RoleMember
		viewer = tenancy.RoleViewer
	)
	tests := []struct {
		name      string
		boMember  bool   // bo is a member, which leaves ada the only admin
		op        string // "role" or "remove"
		actor     string
		target    string
		role      tenancy.Role
		wantCode  string // "" success
		wantType  string
		wantRoles map[string]tenancy.Role // after the change
		revoked   []string                // whose open invitation was revoked
	}{
		{name: "DemoteLastAdmin", boMember: true, op: "role", actor: "ada", target: "ada", role: member,
			wantCode: apperr.ECONFLICT, wantType: "last-org-admin"},
		{name: "RemoveLastAdmin", boMember: true, op: "remove", actor: "ada", target: "ada",
			wantCode: apperr.ECONFLICT, wantType: "last-org-admin"},
		{name: "DemoteSelfBesideAnotherAdmin", op: "role", actor: "ada", target: "ada", role: viewer,
			wantRoles: map[string]tenancy.Role{"ada": viewer, "bo": admin, "cy": member}, revoked: []string{"ada"}},
		{name: "DemoteOtherAdmin", op: "role", actor: "ada", target: "bo", role: member,
			wantRoles: map[string]tenancy.Role{"ada": admin, "bo": member, "cy": member}, revoked: []string{"bo"}},
		{name: "RemoveOtherAdmin", op: "remove", actor: "ada", target: "bo",
			wantRoles: map[string]tenancy.Role{"ada": admin, "cy": member}, revoked: []string{"bo"}},
		{name: "RemoveSelfBesideAnotherAdmin", op: "remove", actor: "ada", target: "ada",
			wantRoles: map[string]tenancy.Role{"bo": admin, "cy": member}, revoked: []string{"ada"}},
		{name: "PromoteMember", boMember: true, op: "role", actor: "ada", target: "cy", role: admin,
			wantRoles: map[string]tenancy.Role{"ada": admin, "bo": member, "cy": admin}},
		{name: "MemberToViewerRevokesNothing", boMember: true, op: "role", actor: "ada", target: "bo", role: viewer,
			wantRoles: map[string]tenancy.Role{"ada": admin, "bo": viewer, "cy": member}},
		{name: "RemoveMember", boMember: true, op: "remove", actor: "ada", target: "bo",
			wantRoles: map[string]tenancy.Role{"ada": admin, "cy": member}, revoked: []string{"bo"}},
		{name: "SameRoleChangesNothing", op: "role", actor: "ada", target: "bo", role: admin},
		{name: "MemberMayNotChangeRoles", boMember: true, op: "role", actor: "bo", target: "cy", role: viewer,
			wantCode: apperr.EFORBIDDEN},
		{name: "MemberMayNotRemove", boMember: true, op: "remove", actor: "bo", target: "cy", wantCode: apperr.EFORBIDDEN},
		{name: "OtherTenantsAdminMayNotChangeRoles", op: "role", actor: "dee", target: "bo", role: member,
			wantCode: apperr.EFORBIDDEN},
		{name: "OtherTenantsAdminMayNotRemove", op: "remove", actor: "dee", target: "cy", wantCode: apperr.EFORBIDDEN},
		{name: "OtherTenantsAdminIsNoMember", op: "remove", actor: "ada", target: "dee", wantCode: apperr.ENOTFOUND},
		{name: "UnknownRole", op: "role", actor: "ada", target: "cy", role: "owner", wantCode: apperr.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			exec := func(sql string, args ...any) { mustExec(t, d, sql, args...) }
			tenant, other := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
			exec(`INSERT INTO tenants (id, name) VALUES (?, 'Team'), (?, 'Other team')`, tenant, other)
			ids := map[string]uuid.UUID{}
			for _, n := range []string{"ada", "bo", "cy", "dee"} {
				ids[n] = uuid.Must(uuid.NewV7())
				exec(`INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, 'x')`, ids[n], n+"."+ids[n].String()+"@team.example", n)
			}
			boRole := admin
			if tt.boMember {
				boRole = member
			}
			exec(`INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin'), (?, ?, ?), (?, ?, 'member'), (?, ?, 'org_admin')`,
				tenant, ids["ada"], tenant, ids["bo"], boRole, tenant, ids["cy"], other, ids["dee"])
			for _, n := range []string{"ada", "bo"} {
				exec(`INSERT INTO sessions (id, user_id, tenant_id, expires_at) VALUES (?, ?, ?, now() + interval '1 day')`,
					uuid.Must(uuid.NewV7()), ids[n], tenant)
				exec(`INSERT INTO invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at, accepted_at)
					VALUES (?, ?, ?, 'member', ?, ?, now() + interval '1 day', NULL),
					       (?, ?, ?, 'member', ?, ?, now() + interval '1 day', now() - interval '1 hour')`,
					tenant, uuid.Must(uuid.NewV7()), "open-"+n+"@guest.example", []byte("open-"+ids[n].String()), ids[n],
					tenant, uuid.Must(uuid.NewV7()), "accepted-"+n+"@guest.example", []byte("accepted-"+ids[n].String()), ids[n])
			}
			before := roles(t, d, tenant, ids)

			var err error
			switch tt.op {
			case "role":
				var m tenancy.Member
				m, err = svc.ChangeRole(ctx, tenant, ids[tt.actor], ids[tt.target], tt.role)
				if err == nil && (m.UserID != ids[tt.target] || m.Role != tt.role) {
					t.Errorf("ChangeRole answered %+v, want %s as %s", m, tt.target, tt.role)
				}
			case "remove":
				err = svc.RemoveMember(ctx, tenant, ids[tt.actor], ids[tt.target])
			}
			if tt.wantCode != "" {
				e, ok := apperr.As(err)
				if !ok || e.Code != tt.wantCode || tt.wantType != "" && e.Type != tt.wantType {
					t.Fatalf("%s = %v, want %s %s", tt.op, err, tt.wantCode, tt.wantType)
				}
			} else if err != nil {
				t.Fatalf("%s: %v", tt.op, err)
			}

			want := tt.wantRoles
			if want == nil {
				want = before
			}
			if got := roles(t, d, tenant, ids); !maps.Equal(got, want) {
				t.Errorf("roles %v, want %v", got, want)
			}
			var revoked []string
			if err := d.Gorm.Raw(`SELECT u.name FROM invitations i JOIN users u ON u.id = i.invited_by
				WHERE i.tenant_id = ? AND i.revoked_at IS NOT NULL ORDER BY 1`, tenant).Scan(&revoked).Error; err != nil {
				t.Fatal(err)
			}
			var touchedAccepted int64
			if err := d.Gorm.Raw(`SELECT count(*) FROM invitations WHERE tenant_id = ? AND accepted_at IS NOT NULL AND revoked_at IS NOT NULL`,
				tenant).Scan(&touchedAccepted).Error; err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(revoked, tt.revoked) || touchedAccepted != 0 {
				t.Errorf("open invitations of %v revoked (and %d accepted ones), want those of %v", revoked, touchedAccepted, tt.revoked)
			}
			var sessions []string
			if err := d.Gorm.Raw(`SELECT u.name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.tenant_id = ? ORDER BY 1`,
				tenant).Scan(&sessions).Error; err != nil {
				t.Fatal(err)
			}
			wantSessions := []string{"ada", "bo"}
			if tt.op == "remove" && tt.wantCode == "" {
				wantSessions = slices.DeleteFunc(wantSessions, func(n string) bool { return n == tt.target })
			}
			if !slices.Equal(sessions, wantSessions) {
				t.Errorf("sessions in the tenant of %v, want %v", sessions, wantSessions)
			}
			var events []string
			if err := d.Gorm.Raw(`SELECT action || ' ' || target_id FROM audit_events WHERE tenant_id = ? ORDER BY action, target_id`,
				tenant).Scan(&events).Error; err != nil {
				t.Fatal(err)
			}
			var wantEvents []string
			if tt.wantCode == "" && tt.wantRoles != nil {
				action := map[string]string{"role": "member.role_changed", "remove": "member.removed"}[tt.op]
				wantEvents = append(wantEvents, action+" "+ids[tt.target].String())
			}
			for _, n := range tt.revoked {
				var inv string
				if err := d.Gorm.Raw(`SELECT id::text FROM invitations WHERE tenant_id = ? AND invited_by = ? AND accepted_at IS NULL`,
					tenant, ids[n]).Scan(&inv).Error; err != nil {
					t.Fatal(err)
				}
				wantEvents = append(wantEvents, "invitation.revoked "+inv)
			}
			slices.Sort(wantEvents)
			if !slices.Equal(events, wantEvents) {
				t.Errorf("audit events %v, want %v", events, wantEvents)
			}
		})
	}
}

// roles is the tenant's members by name with their roles.
func roles(t *testing.T, d *db.DB, tenant uuid.UUID, ids map[string]uuid.UUID) map[string]tenancy.Role {
	t.Helper()
	var rows []struct {
		UserID uuid.UUID
		Role   tenancy.Role
	}
	if err := d.Gorm.Raw(`SELECT user_id, role FROM memberships WHERE tenant_id = ?`, tenant).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]tenancy.Role{}
	for _, r := range rows {
		for n, id := range ids {
			if id == r.UserID {
				out[n] = r.Role
			}
		}
	}
	return out
}

// TestRoleChangeAudited: member.role_changed records whom, from which
// role and to which.
func TestRoleChangeAudited(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	ctx, admin := context.Background(), dbtest.MustCreateUser(t, d)
	tn, err := tenancy.CreateTenant(ctx, d.Gorm, "Team", admin)
	if err != nil {
		t.Fatal(err)
	}
	cy := dbtest.MustCreateUser(t, d)
	if err := tenancy.AddMember(ctx, d.Gorm, tn.ID, cy, tenancy.RoleMember); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeRole(ctx, tn.ID, admin, cy, tenancy.RoleViewer); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := d.Gorm.Raw(`SELECT concat_ws(' ', target_id, data->>'email', data->>'from', data->>'to') FROM audit_events
		WHERE tenant_id = ? AND action = 'member.role_changed'`, tn.ID).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if want := cy.String() + " u-" + cy.String() + "@example.test member viewer"; got != want {
		t.Fatalf("audited %q, want %q", got, want)
	}
}

// TestRemoveMemberKeepsOtherTenantsSession: a member removed from one
// tenant leaves their session in another tenant they belong to as it
// was; the one in the tenant they left ends.
func TestRemoveMemberKeepsOtherTenantsSession(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	ctx, admin, cy := context.Background(), dbtest.MustCreateUser(t, d), dbtest.MustCreateUser(t, d)
	left, kept := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, 'Left'), (?, 'Kept')`, left, kept)
	mustExec(t, d, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin'), (?, ?, 'member'), (?, ?, 'member')`,
		left, admin, left, cy, kept, cy)
	sessions := map[uuid.UUID]uuid.UUID{left: uuid.Must(uuid.NewV7()), kept: uuid.Must(uuid.NewV7())}
	for tenant, session := range sessions {
		mustExec(t, d, `INSERT INTO sessions (id, user_id, tenant_id, expires_at) VALUES (?, ?, ?, now() + interval '1 day')`, session, cy, tenant)
	}
	if err := svc.RemoveMember(ctx, left, admin, cy); err != nil {
		t.Fatal(err)
	}
	for tenant, want := range map[uuid.UUID]*uuid.UUID{left: nil, kept: &kept} {
		var got struct{ TenantID *uuid.UUID }
		if err := d.Gorm.Raw(`SELECT tenant_id FROM sessions WHERE id = ?`, sessions[tenant]).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if (got.TenantID == nil) != (want == nil) || got.TenantID != nil && *got.TenantID != *want {
			t.Errorf("the session in %s is in tenant %v, want %v", tenant, got.TenantID, want)
		}
	}
}

// TestRemovedAdminsInvitations: removing an admin revokes the open
// invitations they sent for that tenant, leaves one revoked before as it
// was (its time and audit) and those they sent for another tenant open.
func TestRemovedAdminsInvitations(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	ctx, ada, bo := context.Background(), dbtest.MustCreateUser(t, d), dbtest.MustCreateUser(t, d)
	team, other := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, 'Team'), (?, 'Other')`, team, other)
	mustExec(t, d, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin'), (?, ?, 'org_admin'), (?, ?, 'org_admin')`,
		team, ada, team, bo, other, bo)
	revokedBefore := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	ids := map[string]uuid.UUID{}
	for _, inv := range []struct {
		name    string
		tenant  uuid.UUID
		revoked *time.Time
	}{{"open", team, nil}, {"revokedBefore", team, &revokedBefore}, {"otherTenant", other, nil}} {
		ids[inv.name] = uuid.Must(uuid.NewV7())
		mustExec(t, d, `INSERT INTO invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at, revoked_at)
			VALUES (?, ?, ?, 'member', ?, ?, now() + interval '1 day', ?)`,
			inv.tenant, ids[inv.name], inv.name+"@guest.example", []byte(ids[inv.name].String()), bo, inv.revoked)
	}
	if err := svc.RemoveMember(ctx, team, ada, bo); err != nil {
		t.Fatal(err)
	}
	type state struct {
		State   string // open, revoked before, revoked now
		Audited int    // invitation.revoked events
	}
	for name, want := range map[string]state{"open": {"revoked now", 1}, "revokedBefore": {"revoked before", 0}, "otherTenant": {"open", 0}} {
		var got state
		if err := d.Gorm.Raw(`SELECT CASE WHEN i.revoked_at IS NULL THEN 'open' WHEN i.revoked_at = ? THEN 'revoked before' ELSE 'revoked now' END AS state,
				(SELECT count(*) FROM audit_events a WHERE a.action = 'invitation.revoked' AND a.target_id = i.id::text) AS audited
			FROM invitations i WHERE i.id = ?`, revokedBefore, ids[name]).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("invitation %s: %+v, want %+v", name, got, want)
		}
	}
}

// TestChangeRoleKeepsOtherTenantsRole: a role changed in one tenant leaves
// the role the member holds in another tenant as it was.
func TestChangeRoleKeepsOtherTenantsRole(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	ctx, admin, cy := context.Background(), dbtest.MustCreateUser(t, d), dbtest.MustCreateUser(t, d)
	changed, kept := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, 'Changed'), (?, 'Kept')`, changed, kept)
	mustExec(t, d, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin'), (?, ?, 'member'), (?, ?, 'member')`,
		changed, admin, changed, cy, kept, cy)
	if _, err := svc.ChangeRole(ctx, changed, admin, cy, tenancy.RoleViewer); err != nil {
		t.Fatal(err)
	}
	for tenant, want := range map[uuid.UUID]tenancy.Role{changed: tenancy.RoleViewer, kept: tenancy.RoleMember} {
		var got tenancy.Role
		if err := d.Gorm.Raw(`SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?`, tenant, cy).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("role in %s: %s, want %s", tenant, got, want)
		}
	}
}

// TestMemberLossAudited: what the log keeps of an admin who lost the
// right to invite: member.removed or member.role_changed with whom, and
// each open invitation they sent revoked with its email and why.
func TestMemberLossAudited(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	for _, tt := range []struct {
		name string
		op   func(ctx context.Context, tenant, ada, bo uuid.UUID) error
		want string // the events in order, bo as "bo", the invitation as "inv"
	}{
		{"Removed", func(ctx context.Context, tenant, ada, bo uuid.UUID) error {
			return svc.RemoveMember(ctx, tenant, ada, bo)
		}, "invitation.revoked inv guest@example.test (the inviting admin was removed); member.removed bo u-bo@example.test (org_admin)"},
		{"Demoted", func(ctx context.Context, tenant, ada, bo uuid.UUID) error {
			_, err := svc.ChangeRole(ctx, tenant, ada, bo, tenancy.RoleMember)
			return err
		}, "invitation.revoked inv guest@example.test (the inviting admin is no longer an admin); member.role_changed bo u-bo@example.test (org_admin)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, ada, bo, tenant, inv := context.Background(), dbtest.MustCreateUser(t, d), dbtest.MustCreateUser(t, d),
				uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
			mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, 'Team')`, tenant)
			mustExec(t, d, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin'), (?, ?, 'org_admin')`, tenant, ada, tenant, bo)
			mustExec(t, d, `INSERT INTO invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at)
				VALUES (?, ?, 'guest@example.test', 'member', ?, ?, now() + interval '1 day')`, tenant, inv, []byte(inv.String()), bo)
			if err := tt.op(ctx, tenant, ada, bo); err != nil {
				t.Fatal(err)
			}
			var events []string
			if err := d.Gorm.Raw(`SELECT concat_ws(' ', action, target_id, data->>'email',
					'(' || coalesce(data->>'reason', data->>'role', data->>'from') || ')')
				FROM audit_events WHERE tenant_id = ? ORDER BY action`, tenant).Scan(&events).Error; err != nil {
				t.Fatal(err)
			}
			got := strings.NewReplacer(bo.String(), "bo", inv.String(), "inv").Replace(strings.Join(events, "; "))
			if got != tt.want {
				t.Fatalf("audited %q, want %q", got, tt.want)
			}
		})
	}
}
