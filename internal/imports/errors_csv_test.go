package imports_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestErrorsCSVKeepsOriginalHeader: errors.csv is the uploaded file's
// invalid rows to fix and upload again, so it carries the file's own
// header cells (repeated and blank names as they were, not "Email (2)" or
// "Column N"), and no header row when the file had none; the error column
// comes last.
func TestErrorsCSVKeepsOriginalHeader(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	tests := []struct {
		name string
		body string
		// noHeader maps the file as headerless: email, first and last name.
		noHeader bool
		want     [][]string // without the error cell
	}{
		{"RepeatedAndBlankNames", "Email,Email,,Name\nnot-an-email,x@" + w + ".example,,Ann\n", false,
			[][]string{{"Email", "Email", "", "Name"}, {"not-an-email", "x@" + w + ".example", "", "Ann"}}},
		{"RowWiderThanHeader", "Email,Name\nann@" + w + ".example,Ann,extra\n", false,
			[][]string{{"Email", "Name", ""}, {"ann@" + w + ".example", "Ann", "extra"}}},
		{"NoHeader", "ann@" + w + ".example,Ann,Lee\nnot-an-email,Bob,Ray\n", true,
			[][]string{{"not-an-email", "Bob", "Ray"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, "errors.csv", tt.body)
			if tt.noHeader {
				m := imp.Mapping
				m.HasHeader = false
				m.Columns = []string{imports.FieldEmail, imports.FieldFirstName, imports.FieldLastName}
				m.MatchKeys = nil
				if _, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, m); err != nil {
					t.Fatal(err)
				}
			}
			tb.MustRun(t, tb.tenant, imp.ID, false)
			var b strings.Builder
			if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &b); err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(strings.NewReader(b.String()))
			r.FieldsPerRecord = -1
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatalf("errors.csv does not parse: %v\n%s", err, b.String())
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("errors.csv has %d rows, want %d:\n%s", len(rows), len(tt.want), b.String())
			}
			for i, want := range tt.want {
				got := rows[i]
				if len(got) != len(want)+1 || strings.Join(got[:len(want)], "|") != strings.Join(want, "|") {
					t.Errorf("row %d: %q, want %q and the error cell", i+1, got, want)
				}
			}
			if !tt.noHeader && rows[0][len(rows[0])-1] != "error" {
				t.Errorf("header %q does not end with the error column", rows[0])
			}
			if last := rows[len(rows)-1]; !strings.HasPrefix(last[len(last)-1], "Row ") {
				t.Errorf("last row %q does not end with its error", last)
			}
		})
	}
}

// TestErrorsCSVRoundTrip: errors.csv guards cells against formula
// injection with an apostrophe ("'=SUM(1)", "'+49 30 …"); fixed and uploaded
// again, the file imports the values as they were first uploaded, not
// with the apostrophe. A value whose apostrophe is the author's own
// ("'Til") keeps it.
func TestErrorsCSVRoundTrip(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	imp := tb.MustUpload(t, tb.tenant, "people.csv",
		"Email,First name,Last name,Title\nnot-an-email,'Til,Dawn,=SUM(1)\n")
	tb.MustRun(t, tb.tenant, imp.ID, false)
	var b strings.Builder
	if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &b); err != nil {
		t.Fatal(err)
	}
	// Plain UTF-8 in, plain UTF-8 out: no byte order mark.
	if strings.HasPrefix(b.String(), "\uFEFF") {
		t.Fatalf("errors.csv of a UTF-8 file starts with a byte order mark: %q", b.String())
	}
	r := csv.NewReader(strings.NewReader(b.String()))
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 2 || rows[1][3] != "'=SUM(1)" || !strings.HasPrefix(rows[1][4], "Row 2:") {
		t.Fatalf("errors.csv %q, %v", rows, err)
	}
	// The user fixes the email and uploads the file again, error column and all.
	rows[1][0] = "ann@" + w + ".example"
	var fixed strings.Builder
	cw := csv.NewWriter(&fixed)
	if err := cw.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	again := tb.MustUpload(t, tb.tenant, "people-fixed.csv", fixed.String())
	if done := tb.MustRun(t, tb.tenant, again.ID, false); done.Status != imports.StatusCompleted {
		t.Fatalf("re-upload: %s", done.Status)
	}
	rec := tb.records(t, tb.tenant, again.ID)[2]
	if rec.Contact == nil || rec.Contact.Title != "=SUM(1)" || rec.Contact.FirstName != "'Til" {
		t.Fatalf("re-uploaded row: %+v (contact %+v)", rec, rec.Contact)
	}
}
