package cli

import (
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestDemoAccountsNeverInProduction: DESIGN.md §9 keeps the demo data out
// of production; its accounts share one published password and put Acme on
// Pro without checkout, webhook or staff, which the terms rule out there.
func TestDemoAccountsNeverInProduction(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	tests := []struct {
		name      string
		env       string
		wantErr   bool
		wantUsers int64
	}{
		{name: "ErrProduction", env: config.EnvProduction, wantErr: true, wantUsers: 0},
		{name: "OKDevelopment", env: config.EnvDevelopment, wantUsers: int64(len(demoUsers))},
	}
	for _, tt := range tests { // in order: the second run loads what the first refused
		t.Run(tt.name, func(t *testing.T) {
			err := seedDemoAccounts(t.Context(), config.Config{AppEnv: tt.env, JWTSecret: []byte("0123456789abcdef0123456789abcdef-strong")}, d, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("seedDemoAccounts: %v, want error %v", err, tt.wantErr)
			}
			var users int64
			if err := d.Gorm.Table("users").Where("email LIKE ?", "%.test").Count(&users).Error; err != nil {
				t.Fatal(err)
			}
			if users != tt.wantUsers {
				t.Fatalf("%d demo users, want %d", users, tt.wantUsers)
			}
		})
	}
}

// TestDemoAccountsCompleteAStoppedSeed: `make run` seeds the demo on every
// start. A seed stopped part way (Ctrl-C, a lost connection) is completed
// by the next run, keeping what it made (no password reset, no second
// tenant); a seed that ran to its end is never run again, even when the
// demo changed since.
func TestDemoAccountsCompleteAStoppedSeed(t *testing.T) {
	t.Parallel()
	cfg := config.Config{AppEnv: config.EnvDevelopment, JWTSecret: []byte("0123456789abcdef0123456789abcdef-strong")}
	tests := []struct {
		name string
		// stopped makes the state a seed left when it stopped.
		stopped func(t *testing.T, ctx context.Context, d *db.DB, ids *identity.Service)
	}{
		{"OKStoppedAfterTheFirstTenantAdmin", func(t *testing.T, ctx context.Context, d *db.DB, ids *identity.Service) {
			for _, du := range demoUsers[:2] {
				if _, err := ids.CreateUser(ctx, du.email, du.name, DemoPassword, du.systemRole); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"OKStoppedBeforeThePackage", func(t *testing.T, ctx context.Context, d *db.DB, ids *identity.Service) {
			var owner identity.User
			for _, du := range demoUsers[:2] {
				u, err := ids.CreateUser(ctx, du.email, du.name, DemoPassword, du.systemRole)
				if err != nil {
					t.Fatal(err)
				}
				owner = u
			}
			if _, err := tenancy.CreateTenant(ctx, d.Gorm, "Acme", owner.ID); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			d, _ := dbtest.Fresh(t)
			ids := identity.NewService(d.Gorm, identity.NewTokenIssuer(cfg.JWTSecret),
				tenancy.NewService(d.Gorm, limits.NewService(d.Gorm, 0), cfg.PublicURL, nil))
			tt.stopped(t, ctx, d, ids)
			var hashesBefore []string
			if err := d.Gorm.Raw(`SELECT password_hash FROM users ORDER BY email`).Scan(&hashesBefore).Error; err != nil {
				t.Fatal(err)
			}

			var out strings.Builder
			if err := seedDemoAccounts(ctx, cfg, d, &out); err != nil {
				t.Fatalf("seedDemoAccounts: %v", err)
			}
			demoState(t, d, map[string]string{
				"sysadmin@demo.test": "", "admin@acme.test": "Acme org_admin pro", "member@acme.test": "Acme member pro",
				"viewer@acme.test": "Acme viewer pro", "admin@globex.test": "Globex org_admin free",
			})
			var hashesKept int64
			if err := d.Gorm.Raw(`SELECT count(*) FROM users WHERE password_hash IN ?`, hashesBefore).Scan(&hashesKept).Error; err != nil {
				t.Fatal(err)
			}
			if hashesKept != int64(len(hashesBefore)) {
				t.Errorf("%d of the %d accounts made before kept their password hash; want all (no reset)", hashesKept, len(hashesBefore))
			}

			// Done: a later run changes nothing, not even a member removed since.
			if err := d.Gorm.Exec(`DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'viewer@acme.test')`).Error; err != nil {
				t.Fatal(err)
			}
			out.Reset()
			if err := seedDemoAccounts(ctx, cfg, d, &out); err != nil {
				t.Fatalf("seedDemoAccounts again: %v", err)
			}
			if !strings.Contains(out.String(), "already present") {
				t.Errorf("second run said %q, want already present", out.String())
			}
			demoState(t, d, map[string]string{
				"sysadmin@demo.test": "", "admin@acme.test": "Acme org_admin pro", "member@acme.test": "Acme member pro",
				"viewer@acme.test": "", "admin@globex.test": "Globex org_admin free",
			})
		})
	}
}

// demoState checks each demo user's tenant, role and package ("" for no
// membership) and that each demo tenant exists once.
func demoState(t *testing.T, d *db.DB, want map[string]string) {
	t.Helper()
	var rows []struct{ Email, State string }
	if err := d.Gorm.Raw(`SELECT u.email, coalesce(t.name || ' ' || m.role || ' ' || p.code, '') AS state
		FROM users u LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN tenants t ON t.id = m.tenant_id
		LEFT JOIN subscriptions s ON s.tenant_id = t.id LEFT JOIN packages p ON p.id = s.package_id`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Email] = r.State
	}
	if !maps.Equal(got, want) {
		t.Errorf("demo accounts %v, want %v", got, want)
	}
	var tenants []string
	if err := d.Gorm.Raw(`SELECT name FROM tenants ORDER BY name`).Scan(&tenants).Error; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tenants, []string{"Acme", "Globex"}) {
		t.Errorf("tenants %v, want Acme and Globex once each", tenants)
	}
}
