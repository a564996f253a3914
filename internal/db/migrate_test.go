package db_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/emailaddr"
)

func TestMigrationsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := dbtest.Empty(t)
	d, err := db.Open(ctx, dsn, db.OpenOpts{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	assertPending := func(want bool) {
		t.Helper()
		pending, err := m.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pending != want {
			t.Fatalf("Pending() = %v, want %v", pending, want)
		}
	}

	assertPending(true)
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatalf("up: %v", err)
	}
	assertPending(false)
	if err := m.Reset(ctx); err != nil {
		t.Fatalf("down: %v", err)
	}
	assertPending(true)
	var tables int
	if err := d.SQL.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name NOT IN ('goose_db_version')`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("%d tables left after migrating down", tables)
	}
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatalf("up again: %v", err)
	}
	assertPending(false)
	if err := m.Status(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
}

func TestExtensionsAvailable(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	for _, q := range []string{
		`SELECT similarity('enginer', 'engineer') > 0.3`,
		`SELECT unaccent('José Müller') = 'Jose Muller'`,
		`SELECT 'A@B.test'::citext = 'a@b.test'::citext`,
	} {
		var ok bool
		if err := d.SQL.QueryRow(q).Scan(&ok); err != nil || !ok {
			t.Fatalf("%s: ok=%v err=%v", q, ok, err)
		}
	}
}

func TestWithTxRollsBack(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	if err := d.Gorm.Exec(`CREATE TABLE IF NOT EXISTS tx_probe (v int)`).Error; err != nil {
		t.Fatal(err)
	}
	sentinel := io.ErrUnexpectedEOF
	err := d.WithTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO tx_probe VALUES (1)`).Error; err != nil {
			return err
		}
		if _, err := db.SQLTx(tx); err != nil {
			t.Errorf("SQLTx inside a transaction: %v", err)
		}
		return sentinel
	})
	if err != sentinel {
		t.Fatalf("WithTx returned %v", err)
	}
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM tx_probe`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("rolled-back insert is visible: %d rows", n)
	}
}

// TestTimesReadInUTC: timestamps come out of every view of the pool in UTC
// (not the process's Local zone, whatever it is), so the API's RFC 3339
// answers are UTC as DESIGN §5 says.
func TestTimesReadInUTC(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	const q = `SELECT '2026-11-29 12:00:00-05'::timestamptz`
	var viaPool, viaSQL time.Time
	var viaGorm struct{ T time.Time }
	if err := d.Pool.QueryRow(ctx, q).Scan(&viaPool); err != nil {
		t.Fatal(err)
	}
	if err := d.SQL.QueryRowContext(ctx, q).Scan(&viaSQL); err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Raw(q + ` AS t`).Scan(&viaGorm).Error; err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC)
	for name, got := range map[string]time.Time{"pool": viaPool, "database/sql": viaSQL, "gorm": viaGorm.T} {
		if got.Location() != time.UTC || !got.Equal(want) {
			t.Errorf("%s read %s (location %q), want %s in UTC", name, got, got.Location(), want)
		}
	}
}

// migratedDownTo returns a fresh database migrated down to version, the
// migrator that takes it up again, and an exec of SQL that fails the test
// on error: for a data migration's test to fill the tables it rewrites.
func migratedDownTo(t *testing.T, version int64) (*db.DB, *db.Migrator, func(sql string)) {
	t.Helper()
	ctx := context.Background()
	d, _ := dbtest.Fresh(t)
	m, err := db.NewMigrator(d.SQL)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DownTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	return d, m, func(sql string) {
		t.Helper()
		if _, err := d.SQL.ExecContext(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationCountryCodes: 00029 rewrites the withdrawn and reserved
// codes country names were once read as (FX for France) to today's codes,
// and leaves the rest alone.
func TestMigrationCountryCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, m, exec := migratedDownTo(t, 28) // 00029's down restores nothing
	exec(`INSERT INTO tenants (id, name, default_region) VALUES ('00000000-0000-7000-8000-000000000001', 'T', 'US')`)
	exec(`INSERT INTO companies (id, name, country) VALUES ('00000000-0000-7000-8000-000000000002', 'Upper', 'HV')`)
	exec(`INSERT INTO contacts (id, first_name, last_name, country, updated_at) VALUES
		('00000000-0000-7000-8000-000000000003', 'Ann', 'Fx', 'FX', '2020-01-01'),
		('00000000-0000-7000-8000-000000000004', 'Bo', 'Fr', 'FR', '2020-01-01'),
		('00000000-0000-7000-8000-000000000005', 'Cy', 'Su', 'SU', '2020-01-01')`)
	exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value) VALUES
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000006',
		 '00000000-0000-7000-8000-000000000004', 'country', 'FR', 'ZR')`)
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := d.SQL.QueryRowContext(ctx, `SELECT string_agg(country || '/' || to_char(updated_at, 'YYYY'), ',' ORDER BY id) FROM contacts`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "FR/2020,FR/2020,SU/2020" {
		t.Errorf("contacts: %s, want FX read as FR, the rest and every updated_at as they were", got)
	}
	if err := d.SQL.QueryRowContext(ctx, `SELECT (SELECT country FROM companies) || ',' || (SELECT new_value FROM contact_corrections)`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "BF,CD" {
		t.Errorf("company country and correction: %s, want BF,CD", got)
	}
}

// TestMigrationAccountEmailsNFC: 00036 composes the stored addresses of
// accounts and open invitations (Unicode NFC) and leaves one whose
// composed form is taken as it is, for staff to resolve. That includes two
// rows that are both not composed and compose to one address (the marks of
// "ậ" written in either order): composing both broke the unique index and
// failed the migration, and with it the deploy.
func TestMigrationAccountEmailsNFC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, m, exec := migratedDownTo(t, 35) // 00036's down restores nothing
	exec(`INSERT INTO tenants (id, name, default_region) VALUES ('00000000-0000-7000-8000-000000000001', 'T', 'US')`)
	exec(`INSERT INTO users (id, email, password_hash) VALUES
		('00000000-0000-7000-8000-000000000011', U&'zoe\0308@nfc.example', 'h'),
		('00000000-0000-7000-8000-000000000012', U&'ha\0323\0302@nfc.example', 'h'),
		('00000000-0000-7000-8000-000000000013', U&'ha\0302\0323@nfc.example', 'h')`)
	exec(`INSERT INTO invitations (tenant_id, id, email, role, token_hash, expires_at) VALUES
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000021', U&'zoe\0308@nfc.example', 'member', 'a', now() + interval '1 day'),
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000022', U&'ha\0323\0302@nfc.example', 'member', 'b', now() + interval '1 day'),
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000023', U&'ha\0302\0323@nfc.example', 'member', 'c', now() + interval '1 day')`)
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"users", "invitations"} {
		var got string
		if err := d.SQL.QueryRowContext(ctx, `SELECT string_agg(CASE WHEN email::text IS NFC NORMALIZED THEN 'nfc' ELSE 'kept' END, ',' ORDER BY id) FROM `+table).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != "nfc,kept,kept" {
			t.Errorf("%s: %s, want the lone address composed and the two that compose to one kept", table, got)
		}
	}
}

// TestMigrationsConcurrently: replicas starting together each migrate
// (serve --migrate); they take turns, and all of them succeed.
func TestMigrationsConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := dbtest.Empty(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			d, err := db.Open(ctx, dsn, db.OpenOpts{MaxConns: 3})
			if err != nil {
				errs <- err
				return
			}
			defer d.Close()
			m, err := db.NewMigrator(d.SQL)
			if err != nil {
				errs <- err
				return
			}
			errs <- m.Up(ctx, io.Discard)
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("a concurrent migration failed: %v", err)
		}
	}
}

// TestIdleTransactionsEnd: every connection ends a transaction left idle
// for 5 minutes (its locks and snapshot are not held forever).
func TestIdleTransactionsEnd(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	var got string
	if err := d.Pool.QueryRow(context.Background(), `SHOW idle_in_transaction_session_timeout`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "5min" {
		t.Fatalf("idle_in_transaction_session_timeout = %s, want 5min", got)
	}
}

// TestMigrationWithdrawnBeforeSuccessor: 00039 moves a withdrawn correction
// that sorts after the correction that withdrew it (they raced for the
// contact's lock) to just before it, so that the tenant's overlay shows
// the correction left for review; other corrections keep their times.
func TestMigrationWithdrawnBeforeSuccessor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, m, exec := migratedDownTo(t, 38) // 00039's down restores nothing
	exec(`INSERT INTO tenants (id, name, default_region) VALUES ('00000000-0000-7000-8000-000000000001', 'T', 'US')`)
	exec(`INSERT INTO contacts (id, first_name, last_name, title) VALUES
		('00000000-0000-7000-8000-000000000002', 'Ann', 'Raced', 'Engineer'),
		('00000000-0000-7000-8000-000000000003', 'Bo', 'Calm', 'Engineer')`)
	// Raced: "Title 2" went in at :02 and was withdrawn by "Title 1",
	// whose transaction began at :01. Calm: withdrawn after it went in.
	exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value, status, reviewed_at, created_at) VALUES
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000002',
		 'title', 'Engineer', 'Title 1', 'pending', NULL, '2026-01-01 00:00:01+00'),
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000012', '00000000-0000-7000-8000-000000000002',
		 'title', 'Engineer', 'Title 2', 'withdrawn', '2026-01-01 00:00:01+00', '2026-01-01 00:00:02+00'),
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000013', '00000000-0000-7000-8000-000000000003',
		 'title', 'Engineer', 'Title 3', 'withdrawn', '2026-01-01 00:00:05+00', '2026-01-01 00:00:04+00'),
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000014', '00000000-0000-7000-8000-000000000003',
		 'title', 'Engineer', 'Title 4', 'pending', NULL, '2026-01-01 00:00:05+00')`)
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := d.SQL.QueryRowContext(ctx, `SELECT string_agg(x.new_value, ',' ORDER BY x.contact_id) FROM (
		SELECT DISTINCT ON (contact_id) contact_id, new_value FROM contact_corrections
		ORDER BY contact_id, created_at DESC, id DESC) x`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "Title 1,Title 4" {
		t.Errorf("latest corrections %s, want the pending ones: Title 1,Title 4", got)
	}
	if err := d.SQL.QueryRowContext(ctx, `SELECT string_agg(to_char(created_at AT TIME ZONE 'UTC', 'SS.US'), ',' ORDER BY id)
		FROM contact_corrections`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "01.000000,00.999999,04.000000,05.000000" {
		t.Errorf("created_at %s, want only the raced withdrawn one moved, to just before its successor", got)
	}
}

// TestMigrationContactIdentities: 00043 writes stored contact identities
// in the form the normalizers give today, computed in SQL as Go computes
// it: emails composed (NFC) with their domains' punycode labels in
// Unicode, company domains likewise (unless another company has the new
// form), and LinkedIn URLs stored under the old rule (escaped capitals,
// needless escapes) in today's canonical form. Values Go would refuse stay
// as they are; updated_at stays.
func TestMigrationContactIdentities(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, m, exec := migratedDownTo(t, 42) // 00043's down restores nothing
	emails := []string{
		"zoe\u0308@nfc.example",             // decomposed
		"ann@xn--mller-kva.de",              // punycode
		"bo@xn--11b5bs3a9aj6g.xn--11b4c3d",  // punycode with marks
		"cy@xn--abc.example",                // "xn--" but no IDN: stays
		"di@mail.xn--fiqs8s",                // 中国
		"ed@xn--bcher-kva.xn--ls8h.example", // a label Go keeps (an emoji is no letter) beside one it decodes
		"fe@plain.example",                  // unchanged
		"ga@xn--zz-.example",                // invalid punycode: stays
		"ho@xn--www-x9a.xn--mller-kva.de",   // two labels
		"zo\u00eb@xn--caf-dma.example",      // already composed, punycode domain
	}
	linkedins := []string{
		"https://www.linkedin.com/in/j%c3%96rg",                      // escaped capital: jörg
		"https://www.linkedin.com/in/some%2done",                     // needless escape: some-one
		"https://www.linkedin.com/in/ab%41",                          // escaped ASCII capital: aba
		"https://www.linkedin.com/in/%d0%98%d0%b2%d0%b0%d0%bd",       // Иван
		"https://www.linkedin.com/in/%ce%a3%ce%bf%cf%86%ce%b9%ce%b1", // Σοφια
		"https://www.linkedin.com/in/j%c3%b6rg",                      // canonical already
		"https://www.linkedin.com/in/x%ff",                           // not UTF-8: stays
		"https://www.linkedin.com/in/a%7eb",                          // "~", refused today: stays
		"https://www.linkedin.com/in/plain-one",                      // unchanged
	}
	exec(`INSERT INTO tenants (id, name, default_region) VALUES ('00000000-0000-7000-8000-000000000001', 'T', 'US')`)
	exec(`INSERT INTO companies (id, name, domain) VALUES
		('00000000-0000-7000-8000-000000000101', 'Müller', 'xn--mller-kva.de'),
		('00000000-0000-7000-8000-000000000102', 'Café', 'xn--caf-dma.example'),
		('00000000-0000-7000-8000-000000000103', 'Café Unicode', 'café.example')`)
	for i, e := range emails {
		exec(fmt.Sprintf(`INSERT INTO contacts (id, first_name, last_name, email, linkedin_url, company_id, company_name, company_domain, updated_at)
			VALUES ('00000000-0000-7000-8000-%012d', 'N', 'E', %s, '', %s, '', %s, '2020-01-01')`, i+1, quote(e),
			map[bool]string{true: "'00000000-0000-7000-8000-000000000101'", false: "NULL"}[i == 0],
			map[bool]string{true: "'xn--mller-kva.de'", false: "NULL"}[i == 0]))
	}
	for i, l := range linkedins {
		exec(fmt.Sprintf(`INSERT INTO contacts (id, first_name, last_name, linkedin_url, updated_at)
			VALUES ('00000000-0000-7000-8000-%012d', 'N', 'L', %s, '2020-01-01')`, 50+i, quote(l)))
	}
	exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value) VALUES
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000201', '00000000-0000-7000-8000-000000000050',
		 'linkedin_url', 'https://www.linkedin.com/in/some%2done', 'https://www.linkedin.com/in/j%c3%96rg'),
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000202', '00000000-0000-7000-8000-000000000001',
		 'email', 'ann@xn--mller-kva.de', U&'zoe\0308@nfc.example')`)
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	// want is what Go makes of a stored value, or the value itself where
	// Go refuses it.
	want := func(norm func(string) (string, bool), v string) string {
		if out, ok := norm(v); ok {
			return out
		}
		return v
	}
	for i, e := range emails {
		var got, updated string
		if err := d.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT email::text, to_char(updated_at, 'YYYY') FROM contacts
			WHERE id = '00000000-0000-7000-8000-%012d'`, i+1)).Scan(&got, &updated); err != nil {
			t.Fatal(err)
		}
		if w := want(contacts.NormalizeEmail, e); got != w || updated != "2020" {
			t.Errorf("email %q: %q (updated %s), want %q as NormalizeEmail gives it (updated 2020)", e, got, updated, w)
		}
	}
	for i, l := range linkedins {
		var got string
		if err := d.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT linkedin_url FROM contacts
			WHERE id = '00000000-0000-7000-8000-%012d'`, 50+i)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if w := want(contacts.NormalizeLinkedIn, l); got != w {
			t.Errorf("LinkedIn %q: %q, want %q as NormalizeLinkedIn gives it", l, got, w)
		}
	}
	var got string
	if err := d.SQL.QueryRowContext(ctx, `SELECT string_agg(domain::text, ',' ORDER BY id) FROM companies`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "müller.de,xn--caf-dma.example,café.example" {
		t.Errorf("company domains %s, want müller.de decoded and xn--caf-dma.example kept (another company has café.example)", got)
	}
	if err := d.SQL.QueryRowContext(ctx, `SELECT company_domain::text || ' ' || to_char(updated_at, 'YYYY') FROM contacts
		WHERE id = '00000000-0000-7000-8000-000000000001'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "müller.de 2020" {
		t.Errorf("the company's contact: %q, want its domain copied and updated_at kept (müller.de 2020)", got)
	}
	if err := d.SQL.QueryRowContext(ctx, `SELECT string_agg(old_value || ' ' || new_value, ',' ORDER BY id) FROM contact_corrections`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if w := "https://www.linkedin.com/in/some-one https://www.linkedin.com/in/j%c3%b6rg,ann@müller.de zoë@nfc.example"; got != w {
		t.Errorf("corrections %q, want %q", got, w)
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TestMigrationAccountEmailsCanonical: 00047 writes stored account and
// invitation addresses in the canonical form (emailaddr.Canonical: fullwidth
// folded, punycode domains in Unicode, composed), as Go reads what is typed
// now, and leaves an address whose canonical form another account (or open
// invitation of the tenant) has or would have, for staff to resolve.
func TestMigrationAccountEmailsCanonical(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, m, exec := migratedDownTo(t, 46) // 00047's down restores nothing
	exec(`INSERT INTO tenants (id, name, default_region) VALUES ('00000000-0000-7000-8000-000000000001', 'T', 'US')`)
	users := []struct{ id, email, want string }{
		{"00000000-0000-7000-8000-000000000011", "ann@ｅｘａｍｐｌｅ.com", "ann@example.com"},
		{"00000000-0000-7000-8000-000000000012", "zoe@xn--mller-kva.de", "zoe@müller.de"},
		{"00000000-0000-7000-8000-000000000013", "bo@example。org", "bo@example.org"},
		{"00000000-0000-7000-8000-000000000014", "taken@xn--mller-kva.de", "taken@xn--mller-kva.de"}, // its form is 15's
		{"00000000-0000-7000-8000-000000000015", "taken@müller.de", "taken@müller.de"},
		{"00000000-0000-7000-8000-000000000016", "pair@ｅｘａｍｐｌｅ.net", "pair@ｅｘａｍｐｌｅ.net"}, // 16 and 17 meet
		{"00000000-0000-7000-8000-000000000017", "pair@ｅxample.net", "pair@ｅxample.net"},
		{"00000000-0000-7000-8000-000000000018", "plain@example.com", "plain@example.com"},
		{"00000000-0000-7000-8000-000000000019", "fw@xn--mi7ccd.example", "fw@abc.example"}, // punycode of fullwidth letters
	}
	for _, u := range users {
		exec(fmt.Sprintf(`INSERT INTO users (id, email, password_hash) VALUES ('%s', '%s', 'h')`, u.id, u.email))
	}
	invs := []struct{ id, email, state, want string }{
		{"00000000-0000-7000-8000-000000000021", "new@ｅｘａｍｐｌｅ.com", "open", "new@example.com"},
		{"00000000-0000-7000-8000-000000000022", "dup@xn--mller-kva.de", "open", "dup@xn--mller-kva.de"}, // 23 holds the slot
		{"00000000-0000-7000-8000-000000000023", "dup@müller.de", "open", "dup@müller.de"},
		{"00000000-0000-7000-8000-000000000024", "dup@ｍüller.de", "revoked", "dup@müller.de"},
	}
	for i, inv := range invs {
		revoked := "NULL"
		if inv.state == "revoked" {
			revoked = "now()"
		}
		exec(fmt.Sprintf(`INSERT INTO invitations (tenant_id, id, email, role, token_hash, expires_at, revoked_at) VALUES
			('00000000-0000-7000-8000-000000000001', '%s', '%s', 'member', '%d', now() + interval '1 day', %s)`, inv.id, inv.email, i, revoked))
	}
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	check := func(table, id, want string) {
		t.Helper()
		var got string
		if err := d.SQL.QueryRowContext(ctx, `SELECT email FROM `+table+` WHERE id = $1`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s %s: %q, want %q", table, id, got, want)
		}
	}
	for _, u := range users {
		check("users", u.id, u.want)
		if c, ok := emailaddr.Canonical(u.email); !ok || (u.want != u.email && c != u.want) {
			t.Errorf("Go reads %q as %q, %v; the migration wrote %q", u.email, c, ok, u.want)
		}
	}
	for _, inv := range invs {
		check("invitations", inv.id, inv.want)
	}
}

// TestMigrationCompanyKeyAndLinkedInNFC: 00062 writes stored LinkedIn URLs
// whose slug holds an escaped combining mark in the composed form
// NormalizeLinkedIn gives (contacts and corrections, updated_at kept),
// compares companies by contacts_company_key (case, accents, punctuation
// and legal forms aside) and drops the key tables of stopped imports,
// which hold name keys of the old form (a resumed import rebuilds them).
func TestMigrationCompanyKeyAndLinkedInNFC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, m, exec := migratedDownTo(t, 61)
	linkedins := []string{
		"https://www.linkedin.com/in/jo%cc%88rg",        // o and a combining diaeresis: jörg
		"https://www.linkedin.com/in/jos%c3%a9-e%cc%81", // one composed, one not
		"https://www.linkedin.com/in/j%c3%b6rg",         // composed already
		"https://www.linkedin.com/in/%cc%88x",           // a mark alone first: stays as Go gives it
		"https://www.linkedin.com/in/x%cc%ff",           // not UTF-8: stays
	}
	exec(`INSERT INTO tenants (id, name, default_region) VALUES ('00000000-0000-7000-8000-000000000001', 'T', 'US')`)
	for i, l := range linkedins {
		exec(fmt.Sprintf(`INSERT INTO contacts (id, first_name, last_name, linkedin_url, updated_at)
			VALUES ('00000000-0000-7000-8000-%012d', 'N', 'L', %s, '2020-01-01')`, 50+i, quote(l)))
	}
	exec(`INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value) VALUES
		('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000201', '00000000-0000-7000-8000-000000000050',
		 'linkedin_url', 'https://www.linkedin.com/in/jo%cc%88rg', 'https://www.linkedin.com/in/e%cc%81mile')`)
	keys := "import_keys_0190000000007000800000000000abcd"
	exec(`CREATE UNLOGGED TABLE ` + keys + ` (LIKE import_keys INCLUDING ALL)`)
	if err := m.Up(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	for i, l := range linkedins {
		var got, updated string
		if err := d.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT linkedin_url, to_char(updated_at, 'YYYY') FROM contacts
			WHERE id = '00000000-0000-7000-8000-%012d'`, 50+i)).Scan(&got, &updated); err != nil {
			t.Fatal(err)
		}
		w, ok := contacts.NormalizeLinkedIn(l)
		if !ok {
			w = l
		}
		if got != w || updated != "2020" {
			t.Errorf("LinkedIn %q: %q (updated %s), want %q as NormalizeLinkedIn gives it (updated 2020)", l, got, updated, w)
		}
	}
	var got string
	if err := d.SQL.QueryRowContext(ctx, `SELECT old_value || ' ' || new_value FROM contact_corrections`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if w := "https://www.linkedin.com/in/j%c3%b6rg https://www.linkedin.com/in/%c3%a9mile"; got != w {
		t.Errorf("correction %q, want %q", got, w)
	}
	var left bool
	if err := d.SQL.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, keys).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left {
		t.Errorf("the key table %s is left with name keys of the old form", keys)
	}
	tests := []struct{ name, key string }{
		{"Acme", "acme"}, {"ACME Inc.", "acme"}, {"Acme, Inc", "acme"}, {"Acme Incorporated", "acme"},
		{"Acme GmbH & Co. KG", "acme"}, {"Acme Corp", "acme"}, {"Müller AG", "muller"}, {"McDonald’s", "mcdonalds"},
		{"A.C.M.E. L.L.C.", "acme"}, {"Toyota Co., Ltd.", "toyota"}, {"Foo S.A. de C.V.", "foo"},
		{"Foo Sp. z o.o.", "foo"}, {"Acme — Labs", "acme labs"}, {"Inc.", "inc"}, {"The Limited", "the"},
		{"株式会社トヨタ", "株式会社トヨタ"},
	}
	for _, tt := range tests {
		if err := d.SQL.QueryRowContext(ctx, `SELECT contacts_company_key($1)`, tt.name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.key {
			t.Errorf("contacts_company_key(%q) = %q, want %q", tt.name, got, tt.key)
		}
	}
}
