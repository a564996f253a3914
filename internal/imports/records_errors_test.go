package imports

import (
	"slices"
	"testing"
)

// TestErrorsRow builds errors.csv rows in the order WriteErrorsCSV does,
// with one buffer: a row wider than the width measured by the first query
// (an import committed it in between) keeps all its fields and its error,
// and the rows after it are back to the header's width.
func TestErrorsRow(t *testing.T) {
	t.Parallel()
	const width = 2 // the header: Name, Email, error
	errs := []byte(`[{"field":"email","code":"invalid_email","message":"Bad email."},{"code":"x","message":"Second."}]`)
	tests := []struct {
		name string
		row  int
		raw  string
		want []string
	}{
		{"Narrower", 2, "Ann", []string{"Ann", "", "Row 2: Bad email. Second."}},
		{"AsWide", 3, "Bo,=bad", []string{"Bo", "=bad", "Row 3: Bad email. Second."}}, // the writer neutralizes
		{"WiderThanHeader", 4, "Cy,c@,+x,\"multi\nline\"", []string{"Cy", "c@", "+x", "multi\nline", "Row 4: Bad email. Second."}},
		{"NarrowerAfterWider", 5, "Di", []string{"Di", "", "Row 5: Bad email. Second."}},
		{"Empty", 6, "", []string{"", "", "Row 6: Bad email. Second."}},
	}
	rec := make([]string, width+1)
	for _, tt := range tests {
		rec = errorsRow(rec, width, tt.row, tt.raw, errs)
		if !slices.Equal(rec, tt.want) {
			t.Fatalf("%s: row %q, want %q", tt.name, rec, tt.want)
		}
	}
}
