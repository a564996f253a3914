package imports_test

import (
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestFullNameSplit reads a Full Name column as the preview (and the run)
// does: "First Last" or "Last, First", without honorifics and without
// suffixes, also when a suffix or a degree comes after a comma of its own.
func TestFullNameSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		full, first, last string
	}{
		{"Ann Lee", "Ann", "Lee"},
		{"Lee, Ann", "Ann", "Lee"},
		{"Dr. Ann Lee", "Ann", "Lee"},
		{"Ludwig van Beethoven", "Ludwig", "van Beethoven"},
		{"Ann Lee, PhD", "Ann", "Lee"},
		{"Ann Lee, Jr.", "Ann", "Lee"},
		{"Ann Lee, PhD, MBA", "Ann", "Lee"},
		{"Ann Lee, Jr., CPA", "Ann", "Lee"},
		{"Lee, Ann, Jr.", "Ann", "Lee"},
		{"Lee, Ann PhD", "Ann", "Lee"},
		{"Lee, Dr. Ann", "Ann", "Lee"},
		{"Lee, Ann, MBA, PhD", "Ann", "Lee"},
		{"Madonna", "Madonna", ""},
		// Middle initials are neither the first nor the last name: a last
		// name "A. Smith" matches no Smith by name and company.
		{"Dr. Jane A. Smith Jr.", "Jane", "Smith"},
		{"Jane A Smith", "Jane", "Smith"},
		{"Jane Q. R. Public", "Jane", "Public"},
		{"Smith, Jane A.", "Jane", "Smith"},
		{"Smith, Dr. Jane A., PhD", "Jane", "Smith"},
		{"García Márquez, Gabriel", "Gabriel", "García Márquez"},
		{"José Ortega y Gasset", "José", "Ortega y Gasset"},
		{"Mary Ann Smith", "Mary", "Ann Smith"},
		// A surname written first in capitals, as French, Chinese and
		// official usage write it: three capitals or more before a word
		// that is not all capitals. Two capitals are as often initials or
		// a given name, and a name all in capitals says nothing.
		{"DUPONT Jean", "Jean", "DUPONT"},
		{"DUPONT Jean-Pierre", "Jean-Pierre", "DUPONT"},
		{"DE LA CRUZ María José", "María José", "DE LA CRUZ"},
		{"WANG Wei", "Wei", "WANG"},
		{"O'BRIEN Seán", "Seán", "O'BRIEN"},
		{"Mr. DUPONT Jean P.", "Jean", "DUPONT"},
		{"Jean DUPONT", "Jean", "DUPONT"},
		{"JEAN DUPONT", "JEAN", "DUPONT"},
		{"JR Smith", "JR", "Smith"},
		{"LI Wei", "LI", "Wei"},
		{"ANN", "ANN", ""},
		// A word after the capitals without a small letter (a number, a
		// script without case) says nothing either.
		{"ANN LEE 2", "ANN", "LEE 2"},
		{"WANG 伟", "WANG", "伟"},
		// An honorific says the one name left is the last name.
		{"Mr. Smith", "", "Smith"},
		{"Smith, Mr.", "", "Smith"},
	}
	for _, tt := range tests {
		t.Run(tt.full, func(t *testing.T) {
			t.Parallel()
			imp := &imports.Import{
				Header:  []string{"Full Name", "Company"},
				Sample:  []imports.SampleRecord{{Num: 1, Fields: []string{"Full Name", "Company"}}, {Num: 2, Fields: []string{tt.full, "Acme"}}},
				Records: 2,
				Mapping: imports.Mapping{HasHeader: true, Columns: []string{imports.FieldFullName, imports.FieldCompanyName}},
			}
			rows := imp.Preview("US")
			if len(rows) != 1 {
				t.Fatalf("%d preview rows", len(rows))
			}
			v := rows[0].Values
			if v[imports.FieldFirstName] != tt.first || v[imports.FieldLastName] != tt.last {
				t.Fatalf("%q: first %q, last %q; want %q, %q", tt.full, v[imports.FieldFirstName], v[imports.FieldLastName], tt.first, tt.last)
			}
		})
	}
}

// TestNameCells reads first- and last-name columns as a full name is
// read: without honorifics, middle initials, suffixes and degrees, unless
// nothing else is left.
func TestNameCells(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, first, last, wantFirst, wantLast string
	}{
		{"OKPlain", "Jane", "Smith", "Jane", "Smith"},
		{"OKHonorific", "Dr. Jane", "Smith", "Jane", "Smith"},
		{"OKMiddleInitial", "Jane A.", "Smith", "Jane", "Smith"},
		{"OKTwoGivenNames", "Mary Ann", "Smith", "Mary Ann", "Smith"},
		{"OKDegreeAfterComma", "Jane", "Smith, PhD", "Jane", "Smith"},
		{"OKDegrees", "Jane", "Smith MBA, CPA", "Jane", "Smith"},
		{"OKGeneration", "John", "Smith Jr.", "John", "Smith"},
		{"OKInitialsOnly", "J. R.", "Smith", "J. R.", "Smith"},
		{"OKHonorificOnly", "Dr.", "Smith", "Dr.", "Smith"},
		{"OKSuffixOnly", "Jane", "II", "Jane", "II"},
		{"OKCommaName", "Jane", "Smith, Jones", "Jane", "Smith, Jones"},
		{"OKTrailingComma", "Jane", "Smith,", "Jane", "Smith"},
		{"OKDegreeAndTrailingComma", "Jane", "Smith, PhD,", "Jane", "Smith"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := &imports.Import{
				Header: []string{"First Name", "Last Name", "Company"},
				Sample: []imports.SampleRecord{{Num: 1, Fields: []string{"First Name", "Last Name", "Company"}},
					{Num: 2, Fields: []string{tt.first, tt.last, "Acme"}}},
				Records: 2,
				Mapping: imports.Mapping{HasHeader: true, Columns: []string{imports.FieldFirstName, imports.FieldLastName, imports.FieldCompanyName}},
			}
			rows := imp.Preview("US")
			if len(rows) != 1 {
				t.Fatalf("%d preview rows", len(rows))
			}
			v := rows[0].Values
			if v[imports.FieldFirstName] != tt.wantFirst || v[imports.FieldLastName] != tt.wantLast {
				t.Fatalf("%q %q: first %q, last %q; want %q, %q", tt.first, tt.last, v[imports.FieldFirstName], v[imports.FieldLastName], tt.wantFirst, tt.wantLast)
			}
		})
	}
}
