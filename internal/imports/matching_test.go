package imports_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
)

// TestSamePersonWrittenOtherwise: an imported row is matched to an
// existing contact by email, LinkedIn URL, or first name, last name and
// company (docs/API.md "What counts as the same person"). Each case is a
// shared contact and a row naming it another way: "matched" where a user
// would call it the same person, "created" where it is another person (or
// where the spelling cannot be told apart from another person's). "{k}"
// is a word unique to the case, so that cases (and parallel tests) meet
// no other contact.
func TestSamePersonWrittenOtherwise(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	type person struct{ email, first, last, full, company, linkedin string }
	tests := []struct {
		name   string
		stored person
		row    person
		want   string
	}{
		// Company names: case, accents, punctuation and the legal form
		// (whichever: a file writes the company as people say it) aside.
		{"OKCompanyCase", person{first: "Ann", last: "Lee", company: "Acme {k}"}, person{first: "Ann", last: "Lee", company: "ACME {K}"}, "matched"},
		{"OKCompanyInc", person{first: "Ann", last: "Lee", company: "Acme {k}"}, person{first: "Ann", last: "Lee", company: "ACME {K} Inc."}, "matched"},
		{"OKCompanyCommaInc", person{first: "Ann", last: "Lee", company: "Acme {k}"}, person{first: "Ann", last: "Lee", company: "Acme {k}, Inc"}, "matched"},
		{"OKCompanyIncorporated", person{first: "Ann", last: "Lee", company: "Acme {k} Inc."}, person{first: "Ann", last: "Lee", company: "Acme {k} Incorporated"}, "matched"},
		{"OKCompanyOtherLegalForm", person{first: "Ann", last: "Lee", company: "Acme {k} GmbH"}, person{first: "Ann", last: "Lee", company: "Acme {k} Corp"}, "matched"},
		{"OKCompanyGmbHCoKG", person{first: "Ann", last: "Lee", company: "Acme {k} GmbH & Co. KG"}, person{first: "Ann", last: "Lee", company: "Acme {k}"}, "matched"},
		{"OKCompanyAccentsAndForm", person{first: "Ann", last: "Lee", company: "Müller {k} AG"}, person{first: "Ann", last: "Lee", company: "Muller {k}"}, "matched"},
		{"OKCompanyApostrophe", person{first: "Ann", last: "Lee", company: "McDonald's {k}"}, person{first: "Ann", last: "Lee", company: "McDonalds {k}"}, "matched"},
		{"OKCompanyPeriods", person{first: "Ann", last: "Lee", company: "A.C.M.E. {k} L.L.C."}, person{first: "Ann", last: "Lee", company: "ACME {k}"}, "matched"},
		{"NewOtherCompany", person{first: "Ann", last: "Lee", company: "Acme {k}"}, person{first: "Ann", last: "Lee", company: "Acme {k} Labs"}, "created"},
		{"NewFormOnly", person{first: "Ann", last: "Lee", company: "Acme {k}"}, person{first: "Ann", last: "Lee", company: "{k} Inc."}, "created"},

		// People's names: case and accents aside.
		{"OKNameCase", person{first: "Zoë", last: "Müller", company: "Firm {k}"}, person{first: "ZOË", last: "MÜLLER", company: "Firm {k}"}, "matched"},
		{"OKNameAccents", person{first: "Zoë", last: "Müller", company: "Firm {k}"}, person{first: "Zoe", last: "Muller", company: "Firm {k}"}, "matched"},
		{"OKNameDecomposed", person{first: "Zoë", last: "Müller", company: "Firm {k}"}, person{first: "Zoe\u0308", last: "Mu\u0308ller", company: "Firm {k}"}, "matched"},
		// ue for ü cannot be told from a name's own ue (Manuel, Samuel):
		// another spelling, another contact unless an email or a LinkedIn
		// URL says otherwise.
		{"NewNameTransliterated", person{first: "Zoë", last: "Müller", company: "Firm {k}"}, person{first: "Zoe", last: "Mueller", company: "Firm {k}"}, "created"},
		{"OKFullNameMiddleInitial", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{full: "Jane A. Smith", company: "Firm {k}"}, "matched"},
		{"OKFirstNameMiddleInitial", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{first: "Jane A.", last: "Smith", company: "Firm {k}"}, "matched"},
		{"OKFullNameTitles", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{full: "Dr. Jane Smith, PhD, MBA", company: "Firm {k}"}, "matched"},
		{"OKFirstNameHonorific", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{first: "Dr. Jane", last: "Smith", company: "Firm {k}"}, "matched"},
		{"OKLastNameDegree", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{first: "Jane", last: "Smith, PhD", company: "Firm {k}"}, "matched"},
		{"OKLastNameDegrees", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{first: "Jane", last: "Smith MBA", company: "Firm {k}"}, "matched"},
		{"OKFullNameSurnameCapitals", person{first: "Jean", last: "Dupont", company: "Firm {k}"}, person{full: "DUPONT Jean", company: "Firm {k}"}, "matched"},
		{"OKFullNameSurnamesCapitals", person{first: "María", last: "de la Cruz", company: "Firm {k}"}, person{full: "DE LA CRUZ María", company: "Firm {k}"}, "matched"},
		{"OKFullNameGivenFirst", person{first: "Jean", last: "Dupont", company: "Firm {k}"}, person{full: "Jean DUPONT", company: "Firm {k}"}, "matched"},
		{"NewOtherFirstName", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{first: "John", last: "Smith", company: "Firm {k}"}, "created"},
		{"NewFirstNameOnly", person{first: "Jane", last: "Smith", company: "Firm {k}"}, person{first: "Jane", last: "Smithson", company: "Firm {k}"}, "created"},
		{"NewOtherEmail", person{first: "Jane", last: "Smith", email: "jane@{k}.example", company: "Firm {k}"},
			person{first: "Jane", last: "Smith", email: "jane.smith@{k}.example", company: "Firm {k}"}, "created"},

		// LinkedIn URLs: one profile whatever the link's form.
		{"OKLinkedInSlash", person{first: "Ann", last: "Lee", linkedin: "https://www.linkedin.com/in/ann-lee-{k}"}, person{linkedin: "linkedin.com/in/Ann-Lee-{K}/"}, "matched"},
		{"OKLinkedInQuery", person{first: "Ann", last: "Lee", linkedin: "https://www.linkedin.com/in/ann-lee-{k}"}, person{linkedin: "https://de.linkedin.com/in/ann-lee-{k}?trk=people&originalSubdomain=de"}, "matched"},
		{"OKLinkedInLocale", person{first: "Ann", last: "Lee", linkedin: "https://www.linkedin.com/in/ann-lee-{k}"}, person{linkedin: "https://www.linkedin.com/in/ann-lee-{k}/de"}, "matched"},
		{"OKLinkedInRawUnicode", person{first: "Jörg", last: "Lee", linkedin: "https://www.linkedin.com/in/j%c3%b6rg-{k}"}, person{linkedin: "https://www.linkedin.com/in/jörg-{k}/"}, "matched"},
		{"OKLinkedInEscapedCapital", person{first: "Jörg", last: "Lee", linkedin: "https://www.linkedin.com/in/j%c3%b6rg-{k}"}, person{linkedin: "linkedin.com/in/J%C3%96RG-{k}"}, "matched"},
		{"OKLinkedInDecomposed", person{first: "Jörg", last: "Lee", linkedin: "https://www.linkedin.com/in/j%c3%b6rg-{k}"}, person{linkedin: "linkedin.com/in/jo\u0308rg-{k}"}, "matched"},
		{"NewLinkedInOther", person{first: "Ann", last: "Lee", linkedin: "https://www.linkedin.com/in/ann-lee-{k}"}, person{linkedin: "linkedin.com/in/ann-lee-{k}-2"}, "created"},

		// Emails: case and Unicode form aside; another address is another
		// person (plus addressing and Gmail's dots are not folded).
		{"OKEmailCase", person{first: "Ann", last: "Lee", email: "ann.lee@{k}.example"}, person{email: "Ann.Lee@{K}.EXAMPLE"}, "matched"},
		{"OKEmailUnicodeCase", person{first: "Zoë", last: "Lee", email: "zoë@{k}.example"}, person{email: "ZOË@{k}.example"}, "matched"},
		{"NewEmailPlus", person{first: "Ann", last: "Lee", email: "ann@{k}.example"}, person{email: "ann+news@{k}.example"}, "created"},
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"Email", "First Name", "Last Name", "Full Name", "Company", "LinkedIn"})
	stored := make([]string, len(tests))
	for i, tt := range tests {
		k := fmt.Sprintf("%sk%d", tb.word, i)
		fill := func(s string) string {
			return strings.NewReplacer("{k}", k, "{K}", strings.ToUpper(k)).Replace(s)
		}
		s := tt.stored
		stored[i] = MustSharedContact(t, tb.db, fill(s.first), fill(s.last), fill(s.email), fill(s.company)).String()
		if s.linkedin != "" {
			if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE contacts SET linkedin_url = $1 WHERE id = $2`, fill(s.linkedin), stored[i]); err != nil {
				t.Fatal(err)
			}
		}
		r := tt.row
		_ = w.Write([]string{fill(r.email), fill(r.first), fill(r.last), fill(r.full), fill(r.company), fill(r.linkedin)})
	}
	w.Flush()
	imp := tb.MustUpload(t, tb.tenant, "variants.csv", b.String())
	tb.MustRun(t, tb.tenant, imp.ID, false)
	recs := tb.records(t, tb.tenant, imp.ID)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := recs[i+2]
			if rec.Outcome != tt.want {
				t.Fatalf("row %+v: %s %v, want %s", tt.row, rec.Outcome, rec.Errors, tt.want)
			}
			if tt.want == "matched" && rec.ContactID.String() != stored[i] {
				t.Errorf("matched %v, want the contact %s", rec.ContactID, stored[i])
			}
		})
	}
}

// Rows of one file that name one person's company another way are one
// person: the later rows repeat the first (within a batch and across
// batches, which compare the same name key).
func TestSamePersonTwiceInAFile(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	file := "First Name,Last Name,Full Name,Company\n" +
		"Ann,Lee,,Acme " + w + "\n" +
		"ANN,LEE,,\"ACME " + w + ", Inc.\"\n" +
		",,LEE Ann,Acme " + w + " GmbH\n" +
		"Ann,\"Lee, PhD\",,Acme " + w + " Corporation\n" +
		"Ann,Lee,,Acme " + w + " Labs\n"
	imp := tb.MustUpload(t, tb.tenant, "twice.csv", file)
	tb.MustRun(t, tb.tenant, imp.ID, false)
	recs := tb.records(t, tb.tenant, imp.ID)
	want := map[int]string{2: "created", 3: "duplicate", 4: "duplicate", 5: "duplicate", 6: "created"}
	for row, o := range want {
		if recs[row].Outcome != o {
			t.Errorf("row %d: %s %v, want %s", row, recs[row].Outcome, recs[row].Errors, o)
		} else if o == "duplicate" && (recs[row].DuplicateOf == nil || *recs[row].DuplicateOf != 2) {
			t.Errorf("row %d repeats row %v, want 2", row, recs[row].DuplicateOf)
		}
	}
}
