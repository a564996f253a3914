package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os/user"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// runAdmin bootstraps platform staff: `contacts admin create-user --email E
// --system-admin [--password P]`. Without --password a strong one is
// generated and printed once. On an existing account it sets the password
// (ending the account's sessions) and, when --system-admin or --support is
// given, the role; both audited.
func runAdmin(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "create-user" {
		fmt.Fprintln(e.stderr, "usage: contacts admin create-user --email E [--name N] [--password P] [--system-admin|--support]")
		return errUsage
	}
	fs := newFlagSet(e, "admin create-user")
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "display name")
	password := fs.String("password", "", "password (generated when empty)")
	sysAdmin := fs.Bool("system-admin", false, "make the user a system admin")
	support := fs.Bool("support", false, "make the user platform support (read-only)")
	if err := fs.Parse(args[1:]); err != nil || *email == "" || *sysAdmin && *support {
		fmt.Fprintln(e.stderr, "usage: contacts admin create-user --email E [--name N] [--password P] [--system-admin|--support]")
		return errUsage
	}
	role := "" // a new account is an ordinary user; an existing one keeps its role
	switch {
	case *sysAdmin:
		role = tenancy.SystemAdmin
	case *support:
		role = tenancy.Support
	}
	generated := *password == ""
	if generated {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		*password = base64.RawURLEncoding.EncodeToString(b)
	}
	cfg, _, d, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	ids := identity.NewService(d.Gorm, identity.NewTokenIssuer(cfg.JWTSecret), nil)
	ctx = audit.WithActor(ctx, audit.Actor{Label: cliActor("admin create-user")})
	u, err := ids.CreateUser(ctx, *email, *name, *password, role)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s (%s) is %s\n", u.Email, u.ID, u.SystemRole)
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n(shown once; change it after signing in)\n", *password)
	}
	return nil
}

// cliActor is the audit label of a change made by a command: which one,
// and as which operating-system user, since no account signs in for it.
func cliActor(command string) string {
	label := "contacts " + command
	if u, err := user.Current(); err == nil {
		label += " (as " + u.Username + ")"
	}
	return label
}
