package imports_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestUpdateOnlyRepeatOfUnmatchedRow: in update_only mode a row that
// repeats a row matching no contact is reported as that row is: invalid
// (not_matched), listed in errors.csv, nothing saved for it; in one batch
// as in one-row batches, in a dry run as in a real run. A repeat of a
// matched row stays a duplicate.
func TestUpdateOnlyRepeatOfUnmatchedRow(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	file := fmt.Sprintf(strings.Join([]string{
		"Email,Title",
		"pia@%[1]s.example,CTO", // 2 matched
		"new@%[1]s.example,CEO", // 3 invalid: matches nothing
		"NEW@%[1]s.example,CFO", // 4 repeats 3: invalid as 3 is
		"pia@%[1]s.example,CIO", // 5 duplicate of 2
		"new@%[1]s.example,COO", // 6 repeats 3 again
		"oops,CTO",              // 7 invalid email
	}, "\n")+"\n", w)
	prepare := func(tenant uuid.UUID) {
		if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO contacts (id, first_name, last_name, email, owner_tenant_id, source)
			VALUES ($1, 'Pia', 'Private', $2, $3, 'import')`, uuid.Must(uuid.NewV7()), "pia@"+w+".example", tenant); err != nil {
			t.Fatal(err)
		}
	}
	updateOnly := func(m *imports.Mapping) { m.Mode = imports.ModeUpdateOnly }
	whole, wholeRecs, wholeTenant := tb.runSplit(t, imports.Options{}, file, prepare, updateOnly)
	split, splitRecs, _ := tb.runSplit(t, oneRowBatches, file, prepare, updateOnly)
	sameResults(t, whole, split, wholeRecs, splitRecs)
	want := map[int]rowResult{2: {outcome: "matched", updated: true}, 3: {outcome: "invalid"}, 4: {outcome: "invalid", dupOf: 3},
		5: {outcome: "duplicate", dupOf: 2}, 6: {outcome: "invalid", dupOf: 3}, 7: {outcome: "invalid"}}
	for n, o := range want {
		if wholeRecs[n] != o {
			t.Errorf("row %d: %+v, want %+v", n, wholeRecs[n], o)
		}
	}
	if c := whole.Counts; c.Matched != 1 || c.Duplicate != 1 || c.Invalid != 4 {
		t.Errorf("counts %+v, want 1 matched, 1 duplicate, 4 invalid", c)
	}
	recs := tb.records(t, wholeTenant, whole.ID)
	for _, n := range []int{4, 6} {
		if r := recs[n]; len(r.Errors) != 1 || r.Errors[0].Code != "not_matched" || r.ContactID != nil {
			t.Errorf("row %d: %+v, want a not_matched error and no contact", n, r)
		}
	}
	tb.assertConsistent(t, wholeTenant, whole, 1)

	var b strings.Builder
	if err := tb.svc.WriteErrorsCSV(tb.ctx, wholeTenant, whole.ID, &b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, r := range rows[1:] {
		listed = append(listed, r[0])
	}
	if wantListed := fmt.Sprintf("new@%[1]s.example|NEW@%[1]s.example|new@%[1]s.example|oops", w); strings.Join(listed, "|") != wantListed {
		t.Errorf("errors.csv lists %q, want %q", listed, wantListed)
	}

	// A dry run says the same.
	tenant := MustCreateTenant(t, tb.db, "pro")
	prepare(tenant)
	imp := tb.MustUpload(t, tenant, "dry.csv", file)
	m := imp.Mapping
	updateOnly(&m)
	if _, err := tb.svc.SetMapping(tb.ctx, tenant, imp.ID, m); err != nil {
		t.Fatal(err)
	}
	dry := tb.MustRun(t, tenant, imp.ID, true)
	if dry.Counts != whole.Counts {
		t.Errorf("dry run counts %+v, real run %+v", dry.Counts, whole.Counts)
	}
	for n, r := range tb.records(t, tenant, imp.ID) {
		if r.Outcome != wholeRecs[n].outcome {
			t.Errorf("dry run row %d: %s, real run %s", n, r.Outcome, wholeRecs[n].outcome)
		}
	}
}
