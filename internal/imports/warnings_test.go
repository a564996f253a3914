package imports_test

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestBadOptionalValuesAreDropped: a row whose only problems are values
// it does not need (a phone that is not a number, a country that is not
// one, a malformed email beside a good LinkedIn URL) imports without
// them, and its record says what was dropped; the dry run says the same.
// A dropped value never writes a contact: a matched contact keeps its
// value even with overwrite. A row whose only key is the bad value stays
// invalid. errors.csv lists both kinds.
func TestBadOptionalValuesAreDropped(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	private := uuid.Must(uuid.NewV7())
	if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO contacts (id, first_name, last_name, email, phone, country, title,
		owner_tenant_id, source) VALUES ($1, 'Pia', 'Private', $2, '+4930111111', 'DE', 'Old Title', $3, 'import')`,
		private, "pia@"+w+".example", tb.tenant); err != nil {
		t.Fatal(err)
	}
	file := strings.Join([]string{
		"Email,Phone,Country,Title,LinkedIn",
		fmt.Sprintf("pia@%s.example,ext. 12 ask for Bob,Narnia,New Title,", w), // 2 matched: title only
		fmt.Sprintf("new@%s.example,call me,Germany,CTO,", w),                  // 3 created without the phone
		fmt.Sprintf("bob@@%[1]s.example,,,,linkedin.com/in/bob-%[1]s", w),      // 4 created by LinkedIn, no email
		"bob@,+49 30 1234567,DE,,",                                             // 5 invalid: the email was its only key
		fmt.Sprintf("new2@%s.example,+49 30 7654321,FR,,", w),                  // 6 created, clean
		fmt.Sprintf("new@%s.example,still not a phone,,,", w),                  // 7 duplicate of 3, with a warning
	}, "\n") + "\n"
	imp := tb.MustUpload(t, tb.tenant, "warnings.csv", file)
	m := imp.Mapping
	m.Overwrite = true
	if _, err := tb.svc.SetMapping(tb.ctx, tb.tenant, imp.ID, m); err != nil {
		t.Fatal(err)
	}
	if p := imp.PreviewRows; len(p) != 6 || !p[0].Usable || len(p[0].Warnings) != 2 || p[0].Values[imports.FieldPhone] != "" ||
		p[3].Usable || len(p[3].Warnings) != 0 || p[3].Errors[0].Code != "invalid_email" {
		t.Fatalf("preview: %+v", p)
	}
	want := imports.Counts{Created: 3, Matched: 1, Updated: 1, Duplicate: 1, Invalid: 1, WithWarnings: 4}
	wantWarnings := map[int][]string{2: {"phone:invalid_phone", "country:invalid_country"}, 3: {"phone:invalid_phone"},
		4: {"email:invalid_email"}, 7: {"phone:invalid_phone"}}
	check := func(t *testing.T, run *imports.Import) {
		t.Helper()
		if run.Status != imports.StatusCompleted || run.Counts != want {
			t.Fatalf("%s: counts %+v, want %+v", run.Status, run.Counts, want)
		}
		recs := tb.records(t, tb.tenant, run.ID)
		for row := 2; row <= 7; row++ {
			var got []string
			for _, x := range recs[row].Warnings {
				got = append(got, x.Field+":"+x.Code)
			}
			if !slices.Equal(got, wantWarnings[row]) {
				t.Errorf("row %d (%s): warnings %v, want %v", row, recs[row].Outcome, got, wantWarnings[row])
			}
			if hasValues := len(recs[row].Values) > 0; hasValues != (wantWarnings[row] != nil || row == 5) {
				t.Errorf("row %d: values %q", row, recs[row].Values)
			}
		}
		if recs[5].Outcome != imports.OutcomeInvalid || recs[5].Errors[0].Code != "invalid_email" {
			t.Errorf("row 5: %+v", recs[5])
		}
		filtered := func(p imports.RecordParams) []int {
			p.Limit = 100
			page, err := tb.svc.Records(tb.ctx, tb.tenant, run.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			var rows []int
			for _, r := range page.Items {
				rows = append(rows, r.Row)
			}
			return rows
		}
		yes, no := true, false
		if got := filtered(imports.RecordParams{HasWarnings: &yes}); !slices.Equal(got, []int{2, 3, 4, 7}) {
			t.Errorf("has_warnings=true: rows %v", got)
		}
		if got := filtered(imports.RecordParams{HasWarnings: &no}); !slices.Equal(got, []int{5, 6}) {
			t.Errorf("has_warnings=false: rows %v", got)
		}
		if got := filtered(imports.RecordParams{HasWarnings: &yes, Outcome: imports.OutcomeCreated}); !slices.Equal(got, []int{3, 4}) {
			t.Errorf("has_warnings=true&outcome=created: rows %v", got)
		}
	}

	dry := tb.MustRun(t, tb.tenant, imp.ID, true)
	check(t, dry)
	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	check(t, done)
	tb.assertConsistent(t, tb.tenant, done, 1)

	var phone, country, title string
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT coalesce(phone, ''), country, title FROM contacts WHERE id = $1`, private).
		Scan(&phone, &country, &title); err != nil {
		t.Fatal(err)
	}
	if phone != "+4930111111" || country != "DE" || title != "New Title" {
		t.Errorf("matched contact with overwrite: phone %q country %q title %q", phone, country, title)
	}
	recs := tb.records(t, tb.tenant, imp.ID)
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT coalesce(phone, ''), country, title FROM contacts WHERE id = $1`,
		*recs[3].ContactID).Scan(&phone, &country, &title); err != nil {
		t.Fatal(err)
	}
	if phone != "" || country != "DE" || title != "CTO" {
		t.Errorf("created contact: phone %q country %q title %q", phone, country, title)
	}
	var email *string
	var linkedin string
	if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT email::text, linkedin_url FROM contacts WHERE id = $1`,
		*recs[4].ContactID).Scan(&email, &linkedin); err != nil {
		t.Fatal(err)
	}
	if email != nil || linkedin != "https://www.linkedin.com/in/bob-"+w {
		t.Errorf("contact by LinkedIn: email %v linkedin %q", email, linkedin)
	}

	var b strings.Builder
	if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatalf("errors.csv: %v\n%s", err, b.String())
	}
	if len(rows) != 6 || strings.Join(rows[0], ",") != "Email,Phone,Country,Title,LinkedIn,error,dropped" {
		t.Fatalf("errors.csv:\n%s", b.String())
	}
	for i, row := range []int{2, 3, 4, 5, 7} {
		r := rows[i+1]
		errCell, dropped := r[5], r[6]
		if row == 5 {
			if !strings.HasPrefix(errCell, "Row 5: ") || !strings.Contains(errCell, `"bob@"`) || dropped != "" {
				t.Errorf("errors.csv row 5: %q", r)
			}
			continue
		}
		if errCell != "" || !strings.HasPrefix(dropped, fmt.Sprintf("Row %d was imported without these values. ", row)) {
			t.Errorf("errors.csv row %d: %q", row, r)
		}
	}
	if d := rows[1][6]; !strings.Contains(d, `Phone: "ext. 12 ask for Bob" is not a valid phone number`) ||
		!strings.Contains(d, `Country: "Narnia" is not a country`) || rows[1][1] != "ext. 12 ask for Bob" {
		t.Errorf("errors.csv row 2: %q", rows[1])
	}
}
