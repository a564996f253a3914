package imports

import (
	"slices"
	"testing"
)

// TestErrorsRow builds errors.csv rows in the order WriteErrorsCSV does,
// with one buffer: a row wider than the width measured by the first query
// (an import committed it in between) keeps all its fields and its last
// cells, and the rows after it are back to the header's width. An invalid
// row fills the error cell; a row imported without some values fills the
// dropped cell, or the error cell when the file has no dropped column (its
// first such row was committed after the header was written).
func TestErrorsRow(t *testing.T) {
	t.Parallel()
	const width = 2 // the header: Name, Email, error[, dropped]
	errs := []byte(`[{"field":"email","code":"invalid_email","message":"Bad email."},{"code":"x","message":"Second."}]`)
	warns := []byte(`[{"field":"phone","code":"invalid_phone","message":"Bad phone."},{"field":"country","code":"invalid_country","message":"Bad country."}]`)
	none := []byte(`[]`)
	dropped := "Row 7 was imported without these values. Phone: Bad phone. Country: Bad country."
	tests := []struct {
		name        string
		dropped     bool
		row         int
		raw         string
		errs, warns []byte
		want        []string
	}{
		{"Narrower", false, 2, "Ann", errs, nil, []string{"Ann", "", "Row 2: Bad email. Second."}},
		{"AsWide", false, 3, "Bo,=bad", errs, nil, []string{"Bo", "=bad", "Row 3: Bad email. Second."}}, // the writer neutralizes
		{"WiderThanHeader", false, 4, "Cy,c@,+x,\"multi\nline\"", errs, nil, []string{"Cy", "c@", "+x", "multi\nline", "Row 4: Bad email. Second."}},
		{"NarrowerAfterWider", false, 5, "Di", errs, nil, []string{"Di", "", "Row 5: Bad email. Second."}},
		{"Empty", false, 6, "", errs, nil, []string{"", "", "Row 6: Bad email. Second."}},
		{"WarningsWithoutDroppedColumn", false, 7, "Ed,ext. 12", none, warns, []string{"Ed", "ext. 12", dropped}},
		{"DroppedColumnInvalid", true, 2, "Ann", errs, nil, []string{"Ann", "", "Row 2: Bad email. Second.", ""}},
		{"DroppedColumnWarnings", true, 7, "Ed,ext. 12", none, warns, []string{"Ed", "ext. 12", "", dropped}},
		{"DroppedColumnWarningsWider", true, 7, "Ed,ext. 12,x", none, warns, []string{"Ed", "ext. 12", "x", "", dropped}},
		{"DroppedColumnInvalidAfterWarnings", true, 8, "Fay", errs, nil, []string{"Fay", "", "Row 8: Bad email. Second.", ""}},
	}
	rec := make([]string, width+1)
	for _, tt := range tests {
		rec = errorsRow(rec, width, tt.dropped, tt.row, tt.raw, tt.errs, tt.warns)
		if !slices.Equal(rec, tt.want) {
			t.Fatalf("%s: row %q, want %q", tt.name, rec, tt.want)
		}
	}
}
