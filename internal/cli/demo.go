package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

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
// it does nothing when admin@acme.test exists. Refused in production.
func seedDemoAccounts(ctx context.Context, cfg config.Config, d *db.DB, out io.Writer) error {
	if cfg.IsProduction() {
		return errors.New("demo data is never loaded in production")
	}
	var exists int64
	if err := d.Gorm.WithContext(ctx).Table("users").Where("email = ?", "admin@acme.test").Count(&exists).Error; err != nil {
		return err
	}
	if exists > 0 {
		fmt.Fprintln(out, "seed: demo accounts already present")
		return nil
	}
	lim := limits.NewService(d.Gorm, 0)
	ids := identity.NewService(d.Gorm, identity.NewTokenIssuer(cfg.JWTSecret), tenancy.NewService(d.Gorm, lim, cfg.PublicURL, nil))
	bill := billing.NewService(d.Gorm)
	tenants := map[string]tenancy.Tenant{}
	for _, du := range demoUsers {
		u, err := ids.CreateUser(ctx, du.email, du.name, DemoPassword, du.systemRole)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", du.email, err)
		}
		if du.tenant == "" {
			continue
		}
		err = d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			t, ok := tenants[du.tenant]
			if !ok {
				var err error
				if t, err = tenancy.CreateTenant(ctx, tx, du.tenant, u.ID); err != nil {
					return err
				}
				tenants[du.tenant] = t
			}
			return tenancy.AddMember(ctx, tx, t.ID, u.ID, du.role)
		})
		if err != nil {
			return fmt.Errorf("demo tenant %s: %w", du.tenant, err)
		}
	}
	for name, t := range tenants {
		if pkg := demoTenantPackage[name]; pkg != billing.FreeCode {
			if _, err := bill.SetManual(ctx, t.ID, billing.ManualParams{PackageCode: pkg, Status: billing.StatusActive, Reason: "demo data"}); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(out, "seed: demo tenants Acme (Pro) and Globex (Free) with 5 users")
	return nil
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
