package imports_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// Batch sizes adapt to timing, so an import's result must not depend on
// where the batch boundaries fall. These tests run one file as one batch
// and as batches of one row and require the same outcome for every row.

// oneRowBatches makes every row a batch of its own.
var oneRowBatches = imports.Options{BatchRows: 1, MinBatchRows: 1, MaxBatchRows: 1}

// rowResult is what a row's record says, without contact ids (each run
// has a tenant, and so private contacts, of its own).
type rowResult struct {
	outcome string
	dupOf   int
	updated bool
}

// runSplit uploads file for a new tenant and runs it on a service with
// options o. prepare (optional) runs for the tenant before the upload;
// edit (optional) changes the suggested mapping.
func (tb *testBundle) runSplit(t *testing.T, o imports.Options, file string, prepare func(tenant uuid.UUID),
	edit func(*imports.Mapping)) (*imports.Import, map[int]rowResult, uuid.UUID) {
	t.Helper()
	svc := imports.NewService(tb.db, pinnedLimits(tb.db), o)
	run := &testBundle{ctx: tb.ctx, db: tb.db, svc: svc, user: tb.user, word: tb.word}
	tenant := MustCreateTenant(t, tb.db, "pro")
	if prepare != nil {
		prepare(tenant)
	}
	imp := run.MustUpload(t, tenant, "split.csv", file)
	if edit != nil {
		m := imp.Mapping
		edit(&m)
		if _, err := svc.SetMapping(tb.ctx, tenant, imp.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	done := run.MustRun(t, tenant, imp.ID, false)
	if done.Status != imports.StatusCompleted {
		t.Fatalf("status %s: %s", done.Status, done.Error)
	}
	out := map[int]rowResult{}
	for n, r := range run.records(t, tenant, imp.ID) {
		res := rowResult{outcome: r.Outcome, updated: r.Updated}
		if r.DuplicateOf != nil {
			res.dupOf = *r.DuplicateOf
		}
		out[n] = res
	}
	return done, out, tenant
}

// sameResults fails unless two runs of one file agree row by row and in
// their counts.
func sameResults(t *testing.T, whole, split *imports.Import, wholeRecs, splitRecs map[int]rowResult) {
	t.Helper()
	for n, w := range wholeRecs {
		if splitRecs[n] != w {
			t.Errorf("row %d: one batch %+v, one-row batches %+v", n, w, splitRecs[n])
		}
	}
	if len(wholeRecs) != len(splitRecs) {
		t.Errorf("%d records in one batch, %d in one-row batches", len(wholeRecs), len(splitRecs))
	}
	if whole.Counts != split.Counts {
		t.Errorf("counts: one batch %+v, one-row batches %+v", whole.Counts, split.Counts)
	}
}

// TestNameKeyFoldsLikeContacts: the in-file duplicate check folds names
// as matching against stored contacts does (unaccent), so letters that
// do not decompose (Ł, ß, ø) make duplicates in one batch as across
// batches.
func TestNameKeyFoldsLikeContacts(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	file := strings.Join([]string{
		"First Name,Last Name,Company",
		"Łukasz,Nowak,Acme " + w, // 2 created
		"Lukasz,Nowak,acme " + w, // 3 duplicate of 2
		"Jens,Strauß,Acme " + w,  // 4 created
		"Jens,Strauss,Acme " + w, // 5 duplicate of 4
		"Søren,Kø,Acme " + w,     // 6 created
		"Soren,Ko,Acme " + w,     // 7 duplicate of 6
	}, "\n") + "\n"
	whole, wholeRecs, _ := tb.runSplit(t, imports.Options{}, file, nil, nil)
	split, splitRecs, _ := tb.runSplit(t, oneRowBatches, file, nil, nil)
	sameResults(t, whole, split, wholeRecs, splitRecs)
	want := map[int]rowResult{2: {outcome: "created"}, 3: {outcome: "duplicate", dupOf: 2}, 4: {outcome: "created"},
		5: {outcome: "duplicate", dupOf: 4}, 6: {outcome: "created"}, 7: {outcome: "duplicate", dupOf: 6}}
	for n, o := range want {
		if wholeRecs[n] != o {
			t.Errorf("row %d: %+v, want %+v", n, wholeRecs[n], o)
		}
	}
}

// TestMatchedRowsUpdateInRowOrder: several rows of one batch that match
// one private contact update it in row order, as they would in batches of
// their own: with overwrite the last row's values win, without it each
// row fills what is still empty; every row that changes something counts.
func TestMatchedRowsUpdateInRowOrder(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name        string
		overwrite   bool
		title, city string
	}{
		{"Overwrite", true, "CEO", "Rome"},
		{"Fill", false, "Old Title", "Rome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := tb.word + strings.ToLower(tt.name)
			email, linkedIn := "a@"+w+".example", "https://www.linkedin.com/in/a-"+w
			file := fmt.Sprintf("Email,LinkedIn,Title,City\n%s,,CTO,\n,%s,CEO,Rome\n", email, linkedIn)
			contacts := map[uuid.UUID]uuid.UUID{}
			prepare := func(tenant uuid.UUID) {
				id := uuid.Must(uuid.NewV7())
				if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO contacts (id, first_name, last_name, email, linkedin_url, title,
					owner_tenant_id, source) VALUES ($1, 'Ann', 'Lee', $2, $3, 'Old Title', $4, 'import')`,
					id, email, linkedIn, tenant); err != nil {
					t.Fatal(err)
				}
				contacts[tenant] = id
			}
			edit := func(m *imports.Mapping) { m.Overwrite = tt.overwrite }
			whole, wholeRecs, wholeTenant := tb.runSplit(t, imports.Options{}, file, prepare, edit)
			split, splitRecs, splitTenant := tb.runSplit(t, oneRowBatches, file, prepare, edit)
			sameResults(t, whole, split, wholeRecs, splitRecs)
			for _, tenant := range []uuid.UUID{wholeTenant, splitTenant} {
				var title, city string
				if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT title, city FROM contacts WHERE id = $1`, contacts[tenant]).
					Scan(&title, &city); err != nil {
					t.Fatal(err)
				}
				if title != tt.title || city != tt.city {
					t.Errorf("contact: %q %q, want %q %q", title, city, tt.title, tt.city)
				}
			}
			if wholeRecs[2].outcome != "matched" || wholeRecs[3].outcome != "matched" {
				t.Fatalf("rows %+v, want both matched", wholeRecs)
			}
		})
	}
}

// TestResumeInterruptedRebuild: a rebuild of the key table that stops
// part-way (here a failure in its second transaction) is done again in
// full by the next run, so rows repeating rows whose keys the first
// attempt did not put back are still duplicates.
func TestResumeInterruptedRebuild(t *testing.T) {
	t.Parallel()
	var target atomic.Value
	target.Store(uuid.Nil)
	var crashed atomic.Bool
	hook := func(id uuid.UUID, merged int) error {
		if id == target.Load().(uuid.UUID) && merged > 1300 && !crashed.Swap(true) {
			return errors.New("simulated crash")
		}
		return nil
	}
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 250, MinBatchRows: 250, MaxBatchRows: 250}, hook))
	// 1,300 people, then 100 rows repeating people 1,101 to 1,200 (records
	// 1,102 to 1,201): their keys come back in the rebuild's second
	// transaction, after the first 1,000 rows.
	var b strings.Builder
	b.WriteString("Email\n")
	for i := 1; i <= 1400; i++ {
		n := i
		if i > 1300 {
			n = i - 200
		}
		fmt.Fprintf(&b, "u%d@%s.example\n", n, tb.word)
	}
	file := b.String()

	ref := MustCreateTenant(t, tb.db, "pro")
	refImp := tb.MustUpload(t, ref, "ref.csv", file)
	refDone := tb.MustRun(t, ref, refImp.ID, false)

	imp := tb.MustUpload(t, tb.tenant, "rebuild.csv", file)
	target.Store(imp.ID)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil || !strings.Contains(err.Error(), "simulated crash") {
		t.Fatalf("first run: %v", err)
	}
	if mid, _ := tb.svc.Get(tb.ctx, tb.tenant, imp.ID); mid.RowsDone != 1250 {
		t.Fatalf("after the crash: %d rows done, want 1250", mid.RowsDone)
	}
	// PostgreSQL crashed (the UNLOGGED key table is empty), and the
	// rebuild fails once it has committed its first 1,000 rows.
	keys := imports.KeysTable(imp.ID)
	fn := "fail_rebuild_" + tb.word
	for _, q := range []string{
		`TRUNCATE ` + keys,
		`CREATE FUNCTION ` + fn + `() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.root_row > 1001 THEN RAISE EXCEPTION 'simulated rebuild failure'; END IF; RETURN NEW; END $$`,
		`CREATE TRIGGER fail_rebuild BEFORE INSERT ON ` + keys + ` FOR EACH ROW EXECUTE FUNCTION ` + fn + `()`,
	} {
		if _, err := tb.db.Pool.Exec(tb.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil || !strings.Contains(err.Error(), "simulated rebuild failure") {
		t.Fatalf("rebuilding run: %v", err)
	}
	if n := tb.count(t, `SELECT count(*) FROM `+keys); n == 0 {
		t.Fatal("the failed rebuild committed nothing; the test needs a partial key table")
	}
	for _, q := range []string{`DROP TRIGGER fail_rebuild ON ` + keys, `DROP FUNCTION ` + fn + `()`} {
		if _, err := tb.db.Pool.Exec(tb.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	done := tb.MustWork(t, tb.tenant, imp.ID)
	if done.Status != imports.StatusCompleted {
		t.Fatalf("status %s: %s", done.Status, done.Error)
	}
	if done.Counts != refDone.Counts || done.RowsDone != 1400 {
		t.Errorf("counts %+v, want %+v", done.Counts, refDone.Counts)
	}
	got, want := summarize(tb.records(t, tb.tenant, imp.ID)), summarize(tb.records(t, ref, refImp.ID))
	differ := 0
	for n := 2; n <= 1401; n++ {
		if got[n] != want[n] {
			if differ++; differ <= 5 {
				t.Errorf("row %d: %+v, uninterrupted %+v", n, got[n], want[n])
			}
		}
	}
	if differ > 0 {
		t.Fatalf("%d rows differ from the uninterrupted run", differ)
	}
	tb.assertConsistent(t, tb.tenant, done)
}

// TestLaterRowsCompareWithEveryEarlierRow: a row is a duplicate of the
// first earlier row it shares a key with and no earlier key tells apart,
// whether that row is in its batch or an earlier one; the key table keeps
// every distinct set of values a key was seen with, not just the first.
func TestLaterRowsCompareWithEveryEarlierRow(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	file := strings.Join([]string{
		"Email,LinkedIn,First Name,Last Name,Company",
		// 2: created
		fmt.Sprintf("a@%[1]s.example,linkedin.com/in/l2-%[1]s,Ann,Lee,Acme %[1]s", w),
		// 3: another Ann Lee (another LinkedIn URL): created
		fmt.Sprintf(",linkedin.com/in/l3-%[1]s,Ann,Lee,Acme %[1]s", w),
		// 4: told apart from row 2 by the email, not from row 3: row 3
		fmt.Sprintf("c@%[1]s.example,,Ann,Lee,Acme %[1]s", w),
		// 5: created
		fmt.Sprintf("b5@%[1]s.example,linkedin.com/in/b5-%[1]s,Bo,Kim,Acme %[1]s", w),
		// 6: another Bo Kim (another email): created
		fmt.Sprintf("b6@%[1]s.example,linkedin.com/in/b6-%[1]s,Bo,Kim,Acme %[1]s", w),
		// 7: row 5 by the email
		fmt.Sprintf("b5@%[1]s.example,,Bo,Kim,Acme %[1]s", w),
		// 8: row 6 by the LinkedIn URL, row 7 by the name: the lower row
		// wins, not the lower first row (row 7 repeats row 5)
		fmt.Sprintf(",linkedin.com/in/b6-%[1]s,Bo,Kim,Acme %[1]s", w),
	}, "\n") + "\n"
	whole, wholeRecs, _ := tb.runSplit(t, imports.Options{}, file, nil, nil)
	split, splitRecs, _ := tb.runSplit(t, oneRowBatches, file, nil, nil)
	sameResults(t, whole, split, wholeRecs, splitRecs)
	want := map[int]rowResult{2: {outcome: "created"}, 3: {outcome: "created"}, 4: {outcome: "duplicate", dupOf: 3},
		5: {outcome: "created"}, 6: {outcome: "created"}, 7: {outcome: "duplicate", dupOf: 5}, 8: {outcome: "duplicate", dupOf: 6}}
	for n, o := range want {
		if wholeRecs[n] != o {
			t.Errorf("row %d: %+v, want %+v", n, wholeRecs[n], o)
		}
	}
}

// TestResumeWithOldKeyTable: an import that was running when migration
// 00023 changed the key table's layout resumes with a key table of the
// new layout, rebuilt, and ends like an uninterrupted run.
func TestResumeWithOldKeyTable(t *testing.T) {
	t.Parallel()
	var target atomic.Value
	target.Store(uuid.Nil)
	var crashed atomic.Bool
	hook := func(id uuid.UUID, merged int) error {
		if id == target.Load().(uuid.UUID) && merged > 80 && !crashed.Swap(true) {
			return errors.New("simulated crash")
		}
		return nil
	}
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 40, MinBatchRows: 40, MaxBatchRows: 40}, hook))
	file := genFile(t, tb.db, tb.word, 200)
	ref := MustCreateTenant(t, tb.db, "pro")
	refImp := tb.MustUpload(t, ref, "ref.csv", file)
	refDone := tb.MustRun(t, ref, refImp.ID, false)

	imp := tb.MustUpload(t, tb.tenant, "old.csv", file)
	target.Store(imp.ID)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil || !strings.Contains(err.Error(), "simulated crash") {
		t.Fatalf("first run: %v", err)
	}
	keys := imports.KeysTable(imp.ID)
	for _, q := range []string{
		`DROP TABLE ` + keys,
		`CREATE UNLOGGED TABLE ` + keys + ` (kind "char" NOT NULL, key text COLLATE "C" NOT NULL, root_row integer NOT NULL,
			contact_id uuid, email text COLLATE "C", linkedin_url text COLLATE "C", name_key text COLLATE "C", PRIMARY KEY (kind, key))`,
		`INSERT INTO ` + keys + ` (kind, key, root_row) VALUES ('e', 'x@example.com', 2)`,
	} {
		if _, err := tb.db.Pool.Exec(tb.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	done := tb.MustWork(t, tb.tenant, imp.ID)
	if done.Status != imports.StatusCompleted || done.Counts != refDone.Counts {
		t.Fatalf("status %s, counts %+v, want %+v (%s)", done.Status, done.Counts, refDone.Counts, done.Error)
	}
	got, want := summarize(tb.records(t, tb.tenant, imp.ID)), summarize(tb.records(t, ref, refImp.ID))
	for n, w := range want {
		if got[n].outcome != w.outcome || got[n].dupOf != w.dupOf {
			t.Errorf("row %d: %+v, uninterrupted %+v", n, got[n], w)
		}
	}
}

// TestCanonicalCompanyDoesNotJoinLaterRows: a new contact takes the name
// of the company its email's domain links it to, a name its row did not
// have. A later row with that name and the same person's name is not a
// repeat of the first (no match key says so) and must not match the
// contact the first created when the two fall in different batches, as
// it does not when they share one; a dry run (which creates nothing) has
// the same outcomes.
func TestCanonicalCompanyDoesNotJoinLaterRows(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	dom := "canon" + tb.word + ".example"
	if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO companies (id, name, domain) VALUES ($1, $2, $3)`,
		uuid.Must(uuid.NewV7()), "Canon "+tb.word, dom); err != nil {
		t.Fatal(err)
	}
	file := fmt.Sprintf("Email,First Name,Last Name,Company\nwei@%[1]s,Wei,Wang,\n,Wei,Wang,Canon %[2]s\n", dom, tb.word)
	whole, wholeRecs, _ := tb.runSplit(t, imports.Options{}, file, nil, nil)
	split, splitRecs, _ := tb.runSplit(t, oneRowBatches, file, nil, nil)
	sameResults(t, whole, split, wholeRecs, splitRecs)

	svc := imports.NewService(tb.db, pinnedLimits(tb.db), oneRowBatches)
	run := &testBundle{ctx: tb.ctx, db: tb.db, svc: svc, user: tb.user, word: tb.word}
	tenant := MustCreateTenant(t, tb.db, "pro")
	imp := run.MustUpload(t, tenant, "canon.csv", file)
	if dry := run.MustRun(t, tenant, imp.ID, true); dry.Counts != split.Counts {
		t.Errorf("dry run %+v, real run %+v", dry.Counts, split.Counts)
	}
}
