package imports_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestXLSXMergedCells: a cell merged down over several rows shows its
// value beside each of them, and each row reads it ("Acme" merged beside
// its three people is each one's company, so people known by name and
// company import). A title merged across the table above the header stays
// one value (the preamble), and a row below a merge reads its own value.
func TestXLSXMergedCells(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	f := excelize.NewFile()
	rows := [][]any{
		{"Contacts of " + w},
		{"Company", "First Name", "Last Name", "Email"},
		{"Acme " + w, "Ann", "Lee", ""},
		{nil, "Bo", "Roe", ""},
		{nil, "Cy", "Poe", ""},
		{"Foo " + w, "Di", "Ray", ""},
		{nil, "Ed", "Fox", "ed@" + w + ".example"},
		{nil, "Flo", "Gee", ""},
	}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A1", "D1"}, {"A3", "A5"}, {"A6", "A7"}} {
		if err := f.MergeCell("Sheet1", m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	imp := tb.MustUpload(t, tb.tenant, "merged.xlsx", b.String())
	if imp.Format.SkipRecords != 1 || imp.Mapping.Columns[0] != imports.FieldCompanyName {
		t.Fatalf("format %+v, mapping %q", imp.Format, imp.Mapping.Columns)
	}
	want := map[int]string{3: "Acme " + w, 4: "Acme " + w, 5: "Acme " + w, 6: "Foo " + w, 7: "Foo " + w, 8: ""}
	for _, p := range imp.Preview("DE") {
		if p.Values[imports.FieldCompanyName] != want[p.Row] || p.Usable != (want[p.Row] != "") {
			t.Errorf("row %d: %+v, want company %q", p.Row, p, want[p.Row])
		}
	}
	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	if done.Counts.Created != 5 || done.Counts.Invalid != 1 {
		t.Fatalf("counts %+v (%s)", done.Counts, done.Error)
	}
	recs := tb.records(t, tb.tenant, imp.ID)
	for row, company := range want {
		if company == "" {
			if recs[row].Outcome != imports.OutcomeInvalid {
				t.Errorf("row %d: %+v", row, recs[row])
			}
			continue
		}
		if recs[row].Contact == nil || recs[row].Contact.CompanyName != company {
			t.Errorf("row %d: %+v, want company %q", row, recs[row], company)
		}
	}
}
