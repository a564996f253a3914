package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// DemoPassword is the password of every demo account (development only).
const DemoPassword = "demo-password-1"

type demoUser struct {
	email, name, systemRole, tenant string
	role                            tenancy.Role
}

var demoUsers = []demoUser{
	{"sysadmin@demo.test", "Sam Sysadmin", tenancy.SystemAdmin, "", ""},
	{"admin@acme.test", "Ada Admin", tenancy.SystemUser, "Acme", tenancy.RoleOrgAdmin},
	{"member@acme.test", "Max Member", tenancy.SystemUser, "Acme", tenancy.RoleMember},
	{"viewer@acme.test", "Vera Viewer", tenancy.SystemUser, "Acme", tenancy.RoleViewer},
	{"admin@globex.test", "Gus Globex", tenancy.SystemUser, "Globex", tenancy.RoleOrgAdmin},
}

var demoTenantPackage = map[string]string{"Acme": "pro", "Globex": billing.FreeCode}

// seedDemoAccounts creates the demo tenants and users of DESIGN.md §9 once:
// it does nothing when an earlier seed ran to its end.
// Refused in production. A run that stopped part way (Ctrl-C during `make
// run`, a lost connection) is completed by the next one: the accounts and
// tenants it made are kept as they are (no password is reset), the
// missing ones are created, and a tenant not yet on its demo package is
// put on it. Checking one account instead (as it once did) left a half
// seeded demo for good.
func seedDemoAccounts(ctx context.Context, cfg config.Config, d *db.DB, out io.Writer) error {
	if cfg.IsProduction() {
		return errors.New("demo data is never loaded in production")
	}
	complete, err := demoAccountsComplete(ctx, d)
	if err != nil {
		return err
	}
	if complete {
		fmt.Fprintln(out, "seed: demo accounts already present")
		return nil
	}
	lim := limits.NewService(d.Gorm, 0)
	ids := identity.NewService(d.Gorm, identity.NewTokenIssuer(cfg.JWTSecret), tenancy.NewService(d.Gorm, lim, cfg.PublicURL, nil))
	bill := billing.NewService(d.Gorm)
	tenants := map[string]uuid.UUID{}
	for _, du := range demoUsers {
		userID, err := demoUserID(ctx, d, du.email)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", du.email, err)
		}
		if userID == uuid.Nil {
			u, err := ids.CreateUser(ctx, du.email, du.name, DemoPassword, du.systemRole)
			if err != nil {
				return fmt.Errorf("demo user %s: %w", du.email, err)
			}
			userID = u.ID
		}
		if du.tenant == "" {
			continue
		}
		_, known := tenants[du.tenant]
		err = d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			tenantID, ok := tenants[du.tenant]
			if !ok {
				// The tenant's first demo user is its owner: a tenant of
				// the name it belongs to is the one an earlier run made.
				var found []uuid.UUID
				if err := tx.Raw(`SELECT t.id FROM tenants t JOIN memberships m ON m.tenant_id = t.id
					WHERE t.name = ? AND m.user_id = ? ORDER BY t.created_at LIMIT 1`, du.tenant, userID).Scan(&found).Error; err != nil {
					return err
				}
				if len(found) > 0 {
					tenantID = found[0]
				} else {
					t, err := tenancy.CreateTenant(ctx, tx, du.tenant, userID)
					if err != nil {
						return err
					}
					tenantID = t.ID
				}
				tenants[du.tenant] = tenantID
			}
			return tenancy.AddMember(ctx, tx, tenantID, userID, du.role)
		})
		if err != nil {
			return fmt.Errorf("demo tenant %s: %w", du.tenant, err)
		}
		if known {
			continue
		}
		// The package right after the tenant, before the next user: a
		// seed whose last membership is in has every package set.
		pkg, tenantID := demoTenantPackage[du.tenant], tenants[du.tenant]
		var current string
		if err := d.Gorm.WithContext(ctx).Raw(`SELECT p.code FROM subscriptions s JOIN packages p ON p.id = s.package_id
			WHERE s.tenant_id = ?`, tenantID).Scan(&current).Error; err != nil {
			return fmt.Errorf("demo tenant %s: %w", du.tenant, err)
		}
		if current != pkg {
			if _, err := bill.SetManual(ctx, tenantID, billing.ManualParams{PackageCode: pkg, Status: billing.StatusActive, Reason: "demo data"}); err != nil {
				return fmt.Errorf("demo tenant %s: %w", du.tenant, err)
			}
		}
	}
	fmt.Fprintln(out, "seed: demo tenants Acme (Pro) and Globex (Free) with 5 users")
	return nil
}

// demoUserID is the id of the account with email, uuid.Nil when none.
func demoUserID(ctx context.Context, d *db.DB, email string) (uuid.UUID, error) {
	var found []uuid.UUID
	err := d.Gorm.WithContext(ctx).Raw(`SELECT id FROM users WHERE email = ?`, email).Scan(&found).Error
	if err != nil || len(found) == 0 {
		return uuid.Nil, err
	}
	return found[0], nil
}

// demoAccountsComplete reports whether a seed ran to its end: its last
// step, the last demo user's membership of its tenant, is in. Each step
// comes after the ones before it (every other user and membership, and
// every package change: the last user's tenant, Globex, stays on Free, so
// its package needs no change after its owner's membership); whatever was
// changed in the demo since (a member removed) is left alone.
func demoAccountsComplete(ctx context.Context, d *db.DB) (bool, error) {
	last := demoUsers[len(demoUsers)-1]
	var n int64
	err := d.Gorm.WithContext(ctx).Table("users u").Joins("JOIN memberships m ON m.user_id = u.id").
		Joins("JOIN tenants t ON t.id = m.tenant_id").Where("u.email = ? AND t.name = ?", last.email, last.tenant).Count(&n).Error
	return n > 0, err
}

// printDemoLogins tells the person running `make run` how to sign in.
func printDemoLogins(out io.Writer) {
	fmt.Fprintln(out, "\n  Demo logins (password for all: "+DemoPassword+"):")
	for _, u := range demoUsers {
		where := "platform staff"
		if u.tenant != "" {
			where = string(u.role) + " of " + u.tenant
		}
		fmt.Fprintf(out, "    %-22s %s\n", u.email, where)
	}
}
