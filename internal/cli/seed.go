package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
)

// runSeed loads synthetic contact data: the demo amount (--demo, idempotent)
// or an explicit size (--contacts N --companies M --seed S), which refuses
// to run on a database that already holds shared contacts.
func runSeed(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "seed")
	demo := fs.Bool("demo", false, "load the demo data (100,000 contacts, 10,000 companies) unless present")
	nContacts := fs.Int("contacts", 0, "number of synthetic contacts to load")
	nCompanies := fs.Int("companies", 0, "number of synthetic companies (default: contacts/10, at least 1)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and sizes give the same data")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if !*demo && *nContacts <= 0 {
		fmt.Fprintln(e.stderr, "usage: contacts seed --demo | --contacts N [--companies M] [--seed S]")
		return errUsage
	}
	cfg, _, d, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := requireMigrated(ctx, d); err != nil {
		return err
	}
	if *demo {
		if err := seedDemoAccounts(ctx, cfg, d, e.stderr); err != nil {
			return err
		}
		if err := contacts.SeedDemo(ctx, d, e.stderr); err != nil {
			return err
		}
		printDemoLogins(e.stdout)
		return nil
	}
	if *nCompanies <= 0 {
		*nCompanies = max(*nContacts/10, 1)
	}
	_, err = contacts.Seed(ctx, d, contacts.SeedOpts{Contacts: *nContacts, Companies: *nCompanies, Seed: *seed, Progress: e.stderr})
	return err
}

// requireMigrated refuses to seed a database whose schema is not current,
// saying what to run, instead of failing on the first missing type.
func requireMigrated(ctx context.Context, d *db.DB) error {
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		return err
	}
	pending, err := m.Pending(ctx)
	if err != nil {
		return err
	}
	if pending {
		return errors.New("the database has migrations pending: run `contacts migrate up` first")
	}
	return nil
}
