package imports_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/text/encoding/charmap"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestOutcomes runs one file through the whole pipeline and checks each
// row's outcome, the contacts and saved contacts it made, and the counts.
func TestOutcomes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	shared := MustSharedContact(t, tb.db, "Ana", "Shared", "ana@"+w+".example", "Shared Co "+w)
	sharedByName := MustSharedContact(t, tb.db, "José", "Núñez", "", "Acme "+w)
	csv := strings.Join([]string{
		"E-mail;First Name;Last Name;Company;Job Title;Phone;Country",
		fmt.Sprintf("NEW1@%s.example;Zoë;Müller;Neu %s;CTO;030 1234567;Germany", w, w), // 2 created
		fmt.Sprintf("ana@%s.example;Ana;Shared;Shared Co %s;VP Sales;;DE", w, w),       // 3 matched by email
		fmt.Sprintf(" new1@%s.example ;Zoe;Muller;Neu %s;;;", w, w),                    // 4 duplicate of 2
		"not-an-email;X;Y;;;;",                   // 5 invalid email (its only key)
		fmt.Sprintf(";Jose;Nunez;acme %s;;;", w), // 6 matched by name + company (accents folded)
		";Only;Name;;;;",                         // 7 not usable
		fmt.Sprintf("new2@%s.example;\"Quoted;\"\"Name\"\"\";Two;Neu %s;;;", w, w), // 8 created
		fmt.Sprintf("new3@%s.example;A;B;C;;not a phone;", w),                      // 9 created without the phone
		fmt.Sprintf("new4@%s.example;A;B;C;;;Narnia", w),                           // 10 created without the country
	}, "\r\n") + "\r\n"
	imp := tb.MustUpload(t, tb.tenant, "contacts.csv", csv)
	if imp.Format.Delimiter != ";" || imp.Format.LineEnding != imports.LineCRLF || imp.Format.Encoding != imports.EncodingUTF8 {
		t.Fatalf("format = %+v", imp.Format)
	}
	if imp.RowCount() != 9 || !imp.Mapping.HasHeader {
		t.Fatalf("rows %d, header %v", imp.RowCount(), imp.Mapping.HasHeader)
	}
	want := []string{"email", "first_name", "last_name", "company_name", "title", "phone", "country"}
	for i, f := range want {
		if imp.Mapping.Columns[i] != f {
			t.Fatalf("suggested mapping = %v, want %v", imp.Mapping.Columns, want)
		}
	}
	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	if done.Status != imports.StatusCompleted {
		t.Fatalf("status %s: %s", done.Status, done.Error)
	}
	recs := tb.records(t, tb.tenant, imp.ID)
	outcomes := map[int]string{2: "created", 3: "matched", 4: "duplicate", 5: "invalid", 6: "matched", 7: "invalid",
		8: "created", 9: "created", 10: "created"}
	for row, o := range outcomes {
		if recs[row].Outcome != o {
			t.Errorf("row %d: outcome %s (%v), want %s", row, recs[row].Outcome, recs[row].Errors, o)
		}
	}
	if len(recs) != 9 {
		t.Fatalf("%d records, want 9", len(recs))
	}
	if *recs[3].ContactID != shared || *recs[6].ContactID != sharedByName {
		t.Fatalf("matched %v and %v, want %v and %v", recs[3].ContactID, recs[6].ContactID, shared, sharedByName)
	}
	if recs[4].DuplicateOf == nil || *recs[4].DuplicateOf != 2 || *recs[4].ContactID != *recs[2].ContactID {
		t.Fatalf("duplicate row 4: %+v", recs[4])
	}
	if len(recs[9].Warnings) != 1 || recs[9].Warnings[0].Code != "invalid_phone" ||
		len(recs[10].Warnings) != 1 || recs[10].Warnings[0].Code != "invalid_country" {
		t.Fatalf("warnings of rows 9 and 10: %+v %+v", recs[9].Warnings, recs[10].Warnings)
	}
	if done.Counts != (imports.Counts{Created: 4, Matched: 2, Duplicate: 1, Invalid: 2, WithWarnings: 2}) || done.RowsDone != 9 {
		t.Fatalf("counts %+v, rows done %d", done.Counts, done.RowsDone)
	}
	// The created contact is private to the tenant, normalized, and saved.
	var first, email, phone, country string
	var owner uuid.UUID
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT first_name, email::text, phone, country, owner_tenant_id FROM contacts WHERE id = $1`,
		*recs[2].ContactID).Scan(&first, &email, &phone, &country, &owner); err != nil {
		t.Fatal(err)
	}
	if first != "Zoë" || email != "new1@"+w+".example" || phone != "+49301234567" || country != "DE" || owner != tb.tenant {
		t.Fatalf("created contact: %s %s %s %s %s", first, email, phone, country, owner)
	}
	var saved int
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT count(*) FROM saved_contacts WHERE tenant_id = $1`, tb.tenant).Scan(&saved); err != nil {
		t.Fatal(err)
	}
	if saved != 6 { // 4 created + 2 matched; the duplicate shares row 2's
		t.Fatalf("%d saved contacts, want 6", saved)
	}
	// New contacts are findable: the vocabulary has their words.
	var n int
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT count(*) FROM search_terms WHERE term = $1`, w).Scan(&n); err != nil || n != 1 {
		t.Fatalf("search term %s: %d, %v", w, n, err)
	}
	if strings.Contains(recs[5].Errors[0].Message, "not-an-email") == false || recs[5].Values[0] != "not-an-email" {
		t.Fatalf("invalid row 5: %+v", recs[5])
	}
}

// TestDryRun computes outcomes without writing contacts, meters nothing,
// leaves the mapping editable, and a real start afterwards starts over
// (and meters its rows but the invalid one).
func TestDryRun(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	file := fmt.Sprintf("Email,Name\nd1@%[1]s.example,Ann\nd2@%[1]s.example,Bo\nd1@%[1]s.example,Ann again\nbad,Cy\n", tb.word)
	imp := tb.MustUpload(t, tb.tenant, "dry.csv", file)
	dry := tb.MustRun(t, tb.tenant, imp.ID, true)
	want := imports.Counts{Created: 2, Duplicate: 1, Invalid: 1}
	if dry.Status != imports.StatusCompleted || !dry.DryRun || dry.Counts != want {
		t.Fatalf("dry run: %s dry=%v %+v", dry.Status, dry.DryRun, dry.Counts)
	}
	if n := tb.count(t, `SELECT count(*) FROM contacts WHERE owner_tenant_id = $1`, tb.tenant); n != 0 {
		t.Fatalf("a dry run created %d contacts", n)
	}
	if n := tb.count(t, `SELECT coalesce(sum(count), 0) FROM usage_counters WHERE tenant_id = $1 AND metric = 'import_rows'`, tb.tenant); n != 0 {
		t.Fatalf("a dry run metered %d rows", n)
	}
	m := dry.Mapping
	m.Mode = imports.ModeCreateOnly
	if _, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, m); err != nil {
		t.Fatalf("mapping after a dry run: %v", err)
	}
	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	if done.DryRun || done.Counts != want || done.RowsDone != 4 {
		t.Fatalf("real run: dry=%v %+v", done.DryRun, done.Counts)
	}
	tb.assertConsistent(t, tb.tenant, done)
	if n := tb.count(t, `SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = 'import_rows'`, tb.tenant); n != 3 {
		t.Fatalf("metered %d rows, want the 3 that were not invalid", n)
	}
	if _, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, m); err == nil {
		t.Fatal("the mapping changed after a real run")
	}
}

// TestModes checks create_only, update_only, overwrite and the target
// list against a private contact of the tenant and a shared one.
func TestModes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name      string
		mode      string
		overwrite bool
		withList  bool
		// what the private contact's title and city become, and outcomes
		// of the rows (private, shared, new)
		title, city string
		outcomes    [3]string
	}{
		{"CreateAndUpdate", imports.ModeCreateAndUpdate, false, true, "Old Title", "Berlin", [3]string{"matched", "matched", "created"}},
		{"Overwrite", imports.ModeCreateAndUpdate, true, false, "New Title", "Berlin", [3]string{"matched", "matched", "created"}},
		{"CreateOnly", imports.ModeCreateOnly, true, false, "Old Title", "", [3]string{"matched", "matched", "created"}},
		{"UpdateOnly", imports.ModeUpdateOnly, true, false, "New Title", "Berlin", [3]string{"matched", "matched", "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := MustCreateTenant(t, tb.db, "pro")
			w := tb.word + strings.ToLower(tt.name)
			private := uuid.Must(uuid.NewV7())
			if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO contacts (id, first_name, last_name, email, title, owner_tenant_id, source)
				VALUES ($1, 'Pia', 'Private', $2, 'Old Title', $3, 'import')`, private, "pia@"+w+".example", tenant); err != nil {
				t.Fatal(err)
			}
			shared := MustSharedContact(t, tb.db, "Sam", "Shared", "sam@"+w+".example", "")
			file := fmt.Sprintf("Email,Title,City\npia@%[1]s.example,New Title,Berlin\nsam@%[1]s.example,New Title,Berlin\nnew@%[1]s.example,CTO,Rome\n", w)
			imp := tb.MustUpload(t, tenant, "modes.csv", file)
			m := imp.Mapping
			m.Mode, m.Overwrite = tt.mode, tt.overwrite
			var listID uuid.UUID
			if tt.withList {
				listID = uuid.Must(uuid.NewV7())
				if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO lists (tenant_id, id, name) VALUES ($1, $2, 'Imported')`, tenant, listID); err != nil {
					t.Fatal(err)
				}
				m.ListID = &listID
			}
			if _, err := tb.svc.SetMapping(tb.ctx, tenant, imp.ID, m); err != nil {
				t.Fatal(err)
			}
			done := tb.MustRun(t, tenant, imp.ID, false)
			recs := tb.records(t, tenant, imp.ID)
			for i, o := range tt.outcomes {
				if recs[i+2].Outcome != o {
					t.Fatalf("row %d: %s %v, want %s", i+2, recs[i+2].Outcome, recs[i+2].Errors, o)
				}
			}
			var title, city string
			if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT title, city FROM contacts WHERE id = $1`, private).Scan(&title, &city); err != nil {
				t.Fatal(err)
			}
			if title != tt.title || city != tt.city {
				t.Fatalf("private contact: %q %q, want %q %q", title, city, tt.title, tt.city)
			}
			if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT title, city FROM contacts WHERE id = $1`, shared).Scan(&title, &city); err != nil {
				t.Fatal(err)
			}
			if title != "Engineer" || city != "" {
				t.Fatalf("a tenant import changed the shared contact: %q %q", title, city)
			}
			if wantUpdated := tt.city != ""; recs[2].Updated != wantUpdated || (done.Counts.Updated == 1) != wantUpdated {
				t.Fatalf("updated flag %v, count %d", recs[2].Updated, done.Counts.Updated)
			}
			if tt.mode == imports.ModeUpdateOnly && recs[4].Errors[0].Code != "not_matched" {
				t.Fatalf("update_only new row: %+v", recs[4])
			}
			if tt.withList {
				if n := tb.count(t, `SELECT count(*) FROM list_members WHERE tenant_id = $1 AND list_id = $2`, tenant, listID); n != 3 {
					t.Fatalf("%d list members, want 3", n)
				}
			}
			tb.assertConsistent(t, tenant, done, 1)
		})
	}
}

// TestPlatformImport writes the shared database: new contacts have no
// owner, existing ones change by source precedence, no tenant sees the
// import.
func TestPlatformImport(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	seeded := MustSharedContact(t, tb.db, "Sid", "Seeded", "sid@"+w+".example", "")
	manual := MustSharedContact(t, tb.db, "Mia", "Manual", "mia@"+w+".example", "")
	if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE contacts SET source = 'manual' WHERE id = $1`, manual); err != nil {
		t.Fatal(err)
	}
	file := fmt.Sprintf("Email,Title,City\nsid@%[1]s.example,Vendor Title,Oslo\nmia@%[1]s.example,Vendor Title,Oslo\nnew@%[1]s.example,CTO,Rome\n", w)
	imp := tb.MustUpload(t, imports.Platform, "vendor.csv", file)
	m := imp.Mapping
	m.Source, m.Overwrite = "vendor", true
	if _, err := tb.svc.SetMapping(tb.ctx, imports.Platform, imp.ID, m); err != nil {
		t.Fatal(err)
	}
	done := tb.MustRun(t, imports.Platform, imp.ID, false)
	if done.Counts != (imports.Counts{Created: 1, Matched: 2, Updated: 2}) {
		t.Fatalf("counts %+v (%s)", done.Counts, done.Error)
	}
	check := func(id uuid.UUID, title, city, source string) {
		t.Helper()
		var gt, gc, gs string
		if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT title, city, source FROM contacts WHERE id = $1`, id).Scan(&gt, &gc, &gs); err != nil {
			t.Fatal(err)
		}
		if gt != title || gc != city || gs != source {
			t.Fatalf("contact: %q %q %q, want %q %q %q", gt, gc, gs, title, city, source)
		}
	}
	check(seeded, "Vendor Title", "Oslo", "vendor") // vendor outranks seed
	check(manual, "Engineer", "Oslo", "manual")     // manual outranks vendor: only the empty city is filled
	recs := tb.records(t, imports.Platform, imp.ID)
	var owner *uuid.UUID
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT owner_tenant_id FROM contacts WHERE id = $1`, *recs[4].ContactID).Scan(&owner); err != nil || owner != nil {
		t.Fatalf("new contact's owner %v (%v), want none", owner, err)
	}
	check(*recs[4].ContactID, "CTO", "Rome", "vendor")
	if _, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID); err == nil {
		t.Fatal("a tenant sees a platform import")
	}
	if n := tb.count(t, `SELECT count(*) FROM saved_contacts s JOIN contacts c ON c.id = s.contact_id WHERE c.email = $1`, "new@"+w+".example"); n != 0 {
		t.Fatal("a platform import saved contacts")
	}
}

// TestQuota: import_rows_per_month is checked before start (429 naming
// what remains) and metered per batch; a quota used up mid-run fails the
// import after the rows it could pay for. The file's rows are all valid
// (TestQuotaChargesDeliveredRows has invalid ones).
func TestQuota(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, imports.Options{BatchRows: 10, MinBatchRows: 10, MaxBatchRows: 10})
	tenant := MustCreateTenant(t, tb.db, "") // Free: 1,000 rows a month
	var big strings.Builder
	big.WriteString("Email\n")
	for i := range 1001 {
		fmt.Fprintf(&big, "q%d@%s.example\n", i, tb.word)
	}
	imp := tb.MustUpload(t, tenant, "big.csv", big.String())
	_, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{})
	wantCode(t, err, apperr.ERATELIMIT, "only 1,000 of this month's 1,000 import rows remain; the quota resets at 2026-12-01T00:00:00Z")
	if e, _ := apperr.As(err); e.RetryAfter != (15*24+12)*time.Hour {
		t.Fatalf("Retry-After %s, want the 15.5 days until the month ends", e.RetryAfter)
	}
	if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{DryRun: true}); err != nil {
		t.Fatalf("a dry run needs no quota: %v", err)
	}

	small := tb.MustUpload(t, tenant, "small.csv", strings.Join(strings.Split(big.String(), "\n")[:31], "\n")+"\n")
	if _, err := tb.svc.Start(tb.ctx, tenant, small.ID, imports.StartParams{}); err != nil {
		t.Fatal(err)
	}
	// Another import uses the quota up meanwhile: 15 rows remain.
	period, _ := tb.lim.Period()
	if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO usage_counters (tenant_id, metric, period_start, count)
		VALUES ($1, 'import_rows', $2, 985)`, tenant, period); err != nil {
		t.Fatal(err)
	}
	done := tb.MustWork(t, tenant, small.ID)
	if done.Status != imports.StatusFailed || done.RowsDone != 10 ||
		!strings.Contains(done.Error, "quota ran out after 10 rows (5 of 1,000 left, fewer than the next batch's 10 valid rows); it resets at 2026-12-01T00:00:00Z") {
		t.Fatalf("status %s, %d rows: %s", done.Status, done.RowsDone, done.Error)
	}
	if n := tb.count(t, `SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = 'import_rows'`, tenant); n != 995 {
		t.Fatalf("metered %d, want 995", n)
	}
	tb.assertConsistent(t, tenant, done)
	// A resume needs the 20 rows not merged yet; the refusal says so,
	// not that the 30-row file has 20 rows.
	_, err = tb.svc.Start(tb.ctx, tenant, small.ID, imports.StartParams{})
	wantCode(t, err, apperr.ERATELIMIT, "Resuming needs 20 more of the file's 30 rows, but only 5 of this month's 1,000 import rows remain")
}

// TestStartQuotaFits: a start is refused only when the file's rows exceed
// what remains of import_rows_per_month; a file of exactly the rows left
// starts (and a resume needs only the rows not merged yet, at the same
// bound).
func TestStartQuotaFits(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	period, _ := tb.lim.Period()
	body := "Email\n"
	for i := range 10 {
		body += fmt.Sprintf("fit%d@%s.example\n", i, tb.word)
	}
	for _, tc := range []struct {
		name string
		used int // of the Free package's 1,000 rows
		msg  string
	}{
		{"OKExactlyWhatRemains", 990, ""},
		{"OKRoomToSpare", 989, ""},
		{"ErrRateLimitOneRowShort", 991, "The file has 10 rows, but only 9 of this month's 1,000 import rows remain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tenant := MustCreateTenant(t, tb.db, "") // Free: 1,000 rows a month
			if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO usage_counters (tenant_id, metric, period_start, count)
				VALUES ($1, 'import_rows', $2, $3)`, tenant, period, tc.used); err != nil {
				t.Fatal(err)
			}
			imp := tb.MustUpload(t, tenant, "fit.csv", body)
			_, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{})
			if tc.msg != "" {
				wantCode(t, err, apperr.ERATELIMIT, tc.msg)
				return
			}
			if err != nil {
				t.Fatalf("start with %d of 1,000 rows used: %v", tc.used, err)
			}
		})
	}
}

// TestQuotaRollover: import rows used up in one month are whole again on
// the first of the next: a start refused on the month's last second (429
// naming the reset) goes through a second later, and its rows count in
// the new month.
func TestQuotaRollover(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tenant := MustCreateTenant(t, tb.db, "") // Free: 1,000 rows a month
	tb.clock.Set(time.Date(2026, time.November, 30, 23, 59, 59, 0, time.UTC))
	november, _ := tb.lim.Period()
	if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO usage_counters (tenant_id, metric, period_start, count)
		VALUES ($1, 'import_rows', $2, 1000)`, tenant, november); err != nil {
		t.Fatal(err)
	}
	imp := tb.MustUpload(t, tenant, "rollover.csv", "Email\nr1@"+tb.word+".example\nr2@"+tb.word+".example\n")
	_, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{})
	wantCode(t, err, apperr.ERATELIMIT, "only 0 of this month's 1,000 import rows remain; the quota resets at 2026-12-01T00:00:00Z")
	if e, _ := apperr.As(err); e.RetryAfter != time.Second {
		t.Fatalf("Retry-After %s, want 1s", e.RetryAfter)
	}

	tb.clock.Set(time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC))
	if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{}); err != nil {
		t.Fatalf("start in the new month: %v", err)
	}
	if done := tb.MustWork(t, tenant, imp.ID); done.Status != imports.StatusCompleted || done.RowsDone != 2 {
		t.Fatalf("status %s, %d rows: %s", done.Status, done.RowsDone, done.Error)
	}
	rows, err := tb.db.Pool.Query(tb.ctx, `SELECT to_char(period_start, 'YYYY-MM-DD') || '=' || count FROM usage_counters
		WHERE tenant_id = $1 AND metric = 'import_rows' ORDER BY period_start`, tenant)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2026-11-01=1000", "2026-12-01=2"}; !slices.Equal(got, want) {
		t.Fatalf("counters %v, want %v", got, want)
	}
}

// TestQuotaAfterDowngrade: a subscription that ends mid-import limits the
// rest of the run by the package now in force (Free: 1,000 rows), not the
// one the run started under.
func TestQuotaAfterDowngrade(t *testing.T) {
	t.Parallel()
	var (
		tb     *testBundle
		tenant uuid.UUID
		ended  atomic.Bool
	)
	tb = setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 100, MinBatchRows: 100, MaxBatchRows: 100},
		func(uuid.UUID, int) error {
			if !ended.CompareAndSwap(false, true) {
				return nil
			}
			_, err := tb.db.Pool.Exec(tb.ctx, `UPDATE subscriptions SET status = 'canceled' WHERE tenant_id = $1`, tenant)
			return err
		}))
	tenant = MustCreateTenant(t, tb.db, "starter") // 50,000 rows a month
	var b strings.Builder
	b.WriteString("Email\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "dg%d@%s.example\n", i, tb.word)
	}
	imp := tb.MustUpload(t, tenant, "downgrade.csv", b.String())
	done := tb.MustRun(t, tenant, imp.ID, false)
	if done.Status != imports.StatusFailed || done.RowsDone != 1000 || !strings.Contains(done.Error, "quota ran out after 1,000 rows") {
		t.Fatalf("status %s, %d rows: %s", done.Status, done.RowsDone, done.Error)
	}
	if n := tb.count(t, `SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = 'import_rows'`, tenant); n != 1000 {
		t.Fatalf("metered %d, want 1000", n)
	}
	tb.assertConsistent(t, tenant, done)
}

// TestErrorsCSV lists invalid rows with their original fields, an error
// column, and formulas neutralized.
func TestErrorsCSV(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	file := "Name,Email,Note\n=HYPERLINK(\"http://evil\"),not-an-email,+1\nAnn,a@" + tb.word + ".example,ok\n@SUM(A1),,\"multi\nline\"\n"
	imp := tb.MustUpload(t, tb.tenant, "errors.csv", file)
	tb.MustRun(t, tb.tenant, imp.ID, false)
	var b strings.Builder
	if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatalf("errors.csv does not parse: %v\n%s", err, b.String())
	}
	if len(rows) != 3 || strings.Join(rows[0], "|") != "Name|Email|Note|error" {
		t.Fatalf("errors.csv:\n%s", b.String())
	}
	if rows[1][0] != `'=HYPERLINK("http://evil")` || rows[1][2] != "'+1" || !strings.HasPrefix(rows[1][3], "Row 2: ") ||
		!strings.Contains(rows[1][3], "not a valid email") {
		t.Fatalf("row 2: %q", rows[1])
	}
	if rows[2][0] != "'@SUM(A1)" || rows[2][2] != "multi\nline" || !strings.HasPrefix(rows[2][3], "Row 4: ") {
		t.Fatalf("row 4: %q", rows[2])
	}
	if err := tb.svc.WriteErrorsCSV(tb.ctx, MustCreateTenant(t, tb.db, ""), imp.ID, &b); !apperr.Is(err, apperr.ENOTFOUND) {
		t.Fatalf("another tenant: %v", err)
	}
}

// TestErrorsCSVDialect: errors.csv comes back in the dialect of the file
// it reports on, to be opened where that file was made, fixed and
// uploaded again: its delimiter, and a UTF-8 byte order mark unless the
// upload was plain UTF-8. Excel writes semicolons in much of Europe and a
// BOM (or a legacy code page); a comma-separated file without a BOM opened
// there as one column of mangled accents.
func TestErrorsCSVDialect(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	rows := "Vorname;Nachname;E-Mail\nJürgen;Müller;nicht-gültig\n"
	tests := []struct {
		name    string
		body    string
		comma   rune
		wantBOM bool
	}{
		{"OKPlainUTF8Comma", strings.ReplaceAll(rows, ";", ","), ',', false},
		{"OKUTF8BOMSemicolon", "\ufeff" + rows, ';', true},
		{"OKWindows1252Semicolon", string(must1252(t, rows)), ';', true},
		{"OKTabs", strings.ReplaceAll(rows, ";", "\t"), '\t', false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "dialect.csv", tt.body)
			tb.MustRun(t, tb.tenant, imp.ID, false)
			var b strings.Builder
			if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &b); err != nil {
				t.Fatal(err)
			}
			out, hasBOM := strings.CutPrefix(b.String(), "\ufeff")
			if hasBOM != tt.wantBOM {
				t.Fatalf("byte order mark %v, want %v:\n%q", hasBOM, tt.wantBOM, b.String())
			}
			r := csv.NewReader(strings.NewReader(out))
			r.Comma = tt.comma
			got, err := r.ReadAll()
			if err != nil || len(got) != 2 || len(got[0]) != 4 || got[0][3] != "error" || got[1][0] != "Jürgen" || got[1][1] != "Müller" {
				t.Fatalf("errors.csv (%v): %q", err, got)
			}
		})
	}
}

// must1252 encodes s as Windows-1252.
func must1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMatchKeyPrecedence: match keys are tried in order, and a later key
// joins two records only when no earlier key tells them apart.
func TestMatchKeyPrecedence(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	MustSharedContact(t, tb.db, "Wei", "Wang", "wei@"+w+".example", "Twin Co "+w)
	lin := MustSharedContact(t, tb.db, "Lin", "Chen", "lin@"+w+".example", "Twin Co "+w)
	file := strings.Join([]string{
		"Email,First Name,Last Name,Company,LinkedIn",
		// 2: another Wei Wang than the shared one (other email): created
		fmt.Sprintf("other.wei@%s.example,Wei,Wang,Twin Co %s,", w, w),
		// 3: no email: the file's first Wei Wang
		fmt.Sprintf(",Wei,Wang,Twin Co %s,", w),
		// 4: no email: the shared Lin Chen, by name and company
		fmt.Sprintf(",Lin,Chen,twin co %s,", w),
		// 5: created
		fmt.Sprintf("ann@%s.example,Ann,Lee,Solo %s,linkedin.com/in/ann-%s", w, w, w),
		// 6: same LinkedIn URL, other email: someone else
		fmt.Sprintf("ann2@%s.example,Ann,Lee,Solo %s,linkedin.com/in/ann-%s", w, w, w),
		// 7: no email, same URL: row 5
		fmt.Sprintf(",Ann,Lee,Solo %s,https://www.linkedin.com/in/ann-%s/", w, w),
		// 8: same email: row 5, whatever the name
		fmt.Sprintf("ann@%s.example,Annie,Lee-Smith,Elsewhere,", w),
	}, "\n") + "\n"
	imp := tb.MustUpload(t, tb.tenant, "precedence.csv", file)
	tb.MustRun(t, tb.tenant, imp.ID, false)
	recs := tb.records(t, tb.tenant, imp.ID)
	want := map[int]string{2: "created", 3: "duplicate", 4: "matched", 5: "created", 6: "created", 7: "duplicate", 8: "duplicate"}
	for row, o := range want {
		if recs[row].Outcome != o {
			t.Errorf("row %d: %s, want %s", row, recs[row].Outcome, o)
		}
	}
	if *recs[3].DuplicateOf != 2 || *recs[4].ContactID != lin || *recs[7].DuplicateOf != 5 || *recs[8].DuplicateOf != 5 {
		t.Fatalf("row 3 → %v, row 4 → %v, row 7 → %v, row 8 → %v", *recs[3].DuplicateOf, recs[4].ContactID, *recs[7].DuplicateOf, *recs[8].DuplicateOf)
	}
}

// quotaFile has 30 rows of which 20 are delivered: every third is invalid
// (no valid email, and nothing else that would do), row 6 repeats row 5
// (a duplicate) and row 9 matches the shared contact it creates. In
// batches of 10 the valid rows are 7, 7 and 6.
func quotaFile(t *testing.T, tb *testBundle) string {
	t.Helper()
	MustSharedContact(t, tb.db, "Quota", "Shared", "qs7@"+tb.word+".example", "Shared "+tb.word)
	word := tb.word
	var b strings.Builder
	b.WriteString("Email\n")
	for i := 1; i <= 30; i++ {
		switch {
		case i%3 == 0:
			fmt.Fprintf(&b, "not-an-email-%d\n", i)
		case i == 5:
			fmt.Fprintf(&b, "qs3@%s.example\n", word)
		default:
			fmt.Fprintf(&b, "qs%d@%s.example\n", i-1, word)
		}
	}
	return b.String()
}

// quotaFileCounts are quotaFile's outcomes.
var quotaFileCounts = imports.Counts{Created: 18, Matched: 1, Duplicate: 1, Invalid: 10}

// importRowsUsed is the tenant's import_rows used this month, as
// GET /tenant/usage reads it.
func (tb *testBundle) importRowsUsed(t *testing.T, tenant uuid.UUID) int64 {
	t.Helper()
	q, err := tb.lim.Peek(tb.ctx, tenant, limits.ImportRows)
	if err != nil {
		t.Fatal(err)
	}
	return q.Used
}

// TestQuotaChargesDeliveredRows: an import charges the rows it delivered
// (created, matched and duplicate ones), never its invalid rows. The start
// asks for room for every row of the file, as it cannot know which are
// invalid; the run then takes only the valid ones, so a quota lowered
// after the start to exactly those lets the import complete, one valid
// row less stops it where the quota ran out, and rows that are all
// invalid go through a month whose count a downgrade left over the limit.
func TestQuotaChargesDeliveredRows(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, imports.Options{BatchRows: 10, MinBatchRows: 10, MaxBatchRows: 10})
	file := quotaFile(t, tb)
	invalidOnly := "Email\n" + strings.Repeat("not-an-email\n", 10)
	for _, tc := range []struct {
		name       string
		body       string
		usedBefore int64 // set after the start, as another import's rows would
		status     string
		counts     imports.Counts
		rowsDone   int
		used       int64
		error      string
	}{
		{name: "OK", body: file, status: imports.StatusCompleted, counts: quotaFileCounts, rowsDone: 30, used: 20},
		{name: "ValidRowsFitExactly", body: file, usedBefore: 980, status: imports.StatusCompleted, counts: quotaFileCounts, rowsDone: 30, used: 1000},
		{name: "OneValidRowShort", body: file, usedBefore: 981, status: imports.StatusFailed,
			counts: imports.Counts{Created: 12, Matched: 1, Duplicate: 1, Invalid: 6}, rowsDone: 20, used: 995,
			error: "quota ran out after 20 rows (5 of 1,000 left, fewer than the next batch's 6 valid rows)"},
		{name: "InvalidOnlyOverLimit", body: invalidOnly, usedBefore: 1005, status: imports.StatusCompleted,
			counts: imports.Counts{Invalid: 10}, rowsDone: 10, used: 1005},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tenant := MustCreateTenant(t, tb.db, "") // Free: 1,000 rows a month
			imp := tb.MustUpload(t, tenant, "quota.csv", tc.body)
			if _, err := tb.svc.Start(tb.ctx, tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
				t.Fatal(err)
			}
			if tc.usedBefore > 0 {
				period, _ := tb.lim.Period()
				if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO usage_counters (tenant_id, metric, period_start, count)
					VALUES ($1, 'import_rows', $2, $3)`, tenant, period, tc.usedBefore); err != nil {
					t.Fatal(err)
				}
			}
			done := tb.MustWork(t, tenant, imp.ID)
			if done.Status != tc.status || done.Counts != tc.counts || done.RowsDone != tc.rowsDone ||
				!strings.Contains(done.Error, tc.error) {
				t.Fatalf("%s, %d rows, %+v: %q; want %s, %d rows, %+v: %q", done.Status, done.RowsDone, done.Counts, done.Error,
					tc.status, tc.rowsDone, tc.counts, tc.error)
			}
			if used := tb.importRowsUsed(t, tenant); used != tc.used {
				t.Fatalf("import rows used %d, want %d", used, tc.used)
			}
			tb.assertConsistent(t, tenant, done)
		})
	}
}

// TestQuotaResumeChargesOnce: a batch that dies before its commit takes
// its charge with it, so the resumed import charges each valid row once.
func TestQuotaResumeChargesOnce(t *testing.T) {
	t.Parallel()
	var target atomic.Value
	target.Store(uuid.Nil)
	var crashed atomic.Bool
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 10, MinBatchRows: 10, MaxBatchRows: 10},
		func(id uuid.UUID, merged int) error {
			if id == target.Load().(uuid.UUID) && merged > 21 && crashed.CompareAndSwap(false, true) {
				return errors.New("simulated crash") // the third batch rolls back
			}
			return nil
		}))
	imp := tb.MustUpload(t, tb.tenant, "resume.csv", quotaFile(t, tb))
	target.Store(imp.ID)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil || !strings.Contains(err.Error(), "simulated crash") {
		t.Fatalf("first run: %v", err)
	}
	if used := tb.importRowsUsed(t, tb.tenant); used != 14 {
		t.Fatalf("after the crash %d import rows used, want the first two batches' 14 valid rows", used)
	}
	done := tb.MustWork(t, tb.tenant, imp.ID)
	if done.Status != imports.StatusCompleted || done.Counts != quotaFileCounts || done.RowsDone != 30 {
		t.Fatalf("%s, %d rows, %+v: %s", done.Status, done.RowsDone, done.Counts, done.Error)
	}
	if used := tb.importRowsUsed(t, tb.tenant); used != 20 {
		t.Fatalf("%d import rows used, want the 20 valid rows once", used)
	}
}
