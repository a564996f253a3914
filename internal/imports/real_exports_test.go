package imports_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestRealExportValues: what real spreadsheets and CRMs write in a cell
// becomes a correct value or a warning that says what was left out, never
// a silent loss. A phone Excel saved in scientific notation
// ("4.41234E+11": its last digits are gone) is refused with its own code
// and what to do; a phone with an extension is imported without it, and
// the warning names it; a cell of several addresses imports the first and
// names the others; "Name <a@b.c>" and mailto: read as the address;
// LinkedIn links with tracking queries, the mobile or a country host, or
// an escaped Unicode slug read as the profile; "UK", "U.S.A.",
// "Deutschland", "England" read as countries. The preview, the run, the
// records and errors.csv agree.
func TestRealExportValues(t *testing.T) {
	t.Parallel()
	tb := setup(t) // the tenant's region is DE
	w := tb.word
	type want struct {
		values   map[string]string
		warnings []string // field:code
		errors   []string // field:code, for an unusable row
		message  string   // in the first warning's or error's message
	}
	cases := []struct {
		name   string
		fields []string // Email, Phone, LinkedIn, Country, First, Last, Company
		want   want
	}{
		{"ScientificPhone", []string{"sci@" + w + ".example", "4.41234E+11", "", "", "", "", ""},
			want{values: map[string]string{"email": "sci@" + w + ".example"}, warnings: []string{"phone:phone_scientific_notation"},
				message: "scientific notation"}},
		{"ScientificPhoneComma", []string{"sci2@" + w + ".example", "4,91701E+12", "", "", "", "", ""},
			want{values: map[string]string{"email": "sci2@" + w + ".example"}, warnings: []string{"phone:phone_scientific_notation"}}},
		{"ScientificPhoneOnlyKeyless", []string{"", "4.41234E+11", "", "", "Ann", "Lee", ""},
			want{errors: []string{"phone:phone_scientific_notation", ":not_usable"}}},
		{"PhoneExtensionX", []string{"ext1@" + w + ".example", "+1 415 555 2671 x123", "", "", "", "", ""},
			want{values: map[string]string{"email": "ext1@" + w + ".example", "phone": "+14155552671"},
				warnings: []string{"phone:phone_extension"}, message: "extension 123"}},
		{"PhoneExtensionExt", []string{"ext2@" + w + ".example", "030 1234567 ext. 5", "", "", "", "", ""},
			want{values: map[string]string{"email": "ext2@" + w + ".example", "phone": "+49301234567"},
				warnings: []string{"phone:phone_extension"}, message: "extension 5"}},
		{"PhoneWithoutExtension", []string{"ext3@" + w + ".example", "+49 30 1234567", "", "", "", "", ""},
			want{values: map[string]string{"email": "ext3@" + w + ".example", "phone": "+49301234567"}}},
		{"EmailNameForm", []string{"Ann Lee <Ann.Named@" + strings.ToUpper(w) + ".example>", "", "", "", "", "", ""},
			want{values: map[string]string{"email": "ann.named@" + w + ".example"}}},
		{"EmailMailto", []string{"mailto:mt@" + w + ".example?subject=Hi", "", "", "", "", "", ""},
			want{values: map[string]string{"email": "mt@" + w + ".example"}}},
		{"SeveralEmailsSemicolon", []string{"a1@" + w + ".example; b1@" + w + ".example", "", "", "", "", "", ""},
			want{values: map[string]string{"email": "a1@" + w + ".example"}, warnings: []string{"email:extra_emails"},
				message: "b1@" + w + ".example not"}},
		{"SeveralEmailsComma", []string{"Ann <a2@" + w + ".example>, Bo <b2@" + w + ".example>", "", "", "", "", "", ""},
			want{values: map[string]string{"email": "a2@" + w + ".example"}, warnings: []string{"email:extra_emails"}}},
		{"SeveralEmailsLines", []string{"a3@" + w + ".example\nb3@" + w + ".example", "", "", "", "", "", ""},
			want{values: map[string]string{"email": "a3@" + w + ".example"}, warnings: []string{"email:extra_emails"}}},
		{"SeveralEmailsSlash", []string{"a6@" + w + ".example / b6@" + w + ".example", "", "", "", "", "", ""},
			want{values: map[string]string{"email": "a6@" + w + ".example"}, warnings: []string{"email:extra_emails"}}},
		{"SameEmailTwice", []string{"a4@" + w + ".example; A4@" + w + ".example", "", "", "", "", "", ""},
			want{values: map[string]string{"email": "a4@" + w + ".example"}}},
		{"ElevenEmails", []string{strings.Repeat("many@"+w+".example; ", 10) + "last@" + w + ".example", "", "", "", "", "", ""},
			want{errors: []string{"email:invalid_email"}}},
		{"EmailAndJunk", []string{"a5@" + w + ".example; call me", "", "", "", "", "", ""},
			want{errors: []string{"email:invalid_email"}}},
		{"LinkedInTracking", []string{"", "", "https://www.linkedin.com/in/li1-" + w + "?trk=public_profile&originalSubdomain=uk", "", "", "", ""},
			want{values: map[string]string{"linkedin_url": "https://www.linkedin.com/in/li1-" + w}}},
		{"LinkedInMobile", []string{"", "", "https://m.linkedin.com/in/li2-" + w + "/", "", "", "", ""},
			want{values: map[string]string{"linkedin_url": "https://www.linkedin.com/in/li2-" + w}}},
		{"LinkedInCountry", []string{"", "", "de.linkedin.com/in/li3-" + w, "", "", "", ""},
			want{values: map[string]string{"linkedin_url": "https://www.linkedin.com/in/li3-" + w}}},
		{"LinkedInEscapedUnicode", []string{"", "", "https://www.linkedin.com/in/j%C3%B6rg-" + w + "/", "", "", "", ""},
			want{values: map[string]string{"linkedin_url": "https://www.linkedin.com/in/j%c3%b6rg-" + w}}},
		{"CountryUK", []string{"c1@" + w + ".example", "", "", "UK", "", "", ""},
			want{values: map[string]string{"email": "c1@" + w + ".example", "country": "GB"}}},
		{"CountryUSA", []string{"c2@" + w + ".example", "", "", "U.S.A.", "", "", ""},
			want{values: map[string]string{"email": "c2@" + w + ".example", "country": "US"}}},
		{"CountryDeutschland", []string{"c3@" + w + ".example", "", "", "Deutschland", "", "", ""},
			want{values: map[string]string{"email": "c3@" + w + ".example", "country": "DE"}}},
		{"CountryEngland", []string{"c4@" + w + ".example", "", "", "England", "", "", ""},
			want{values: map[string]string{"email": "c4@" + w + ".example", "country": "GB"}}},
	}
	var b strings.Builder
	b.WriteString("Email,Phone,LinkedIn,Country,First Name,Last Name,Company\r\n")
	for _, c := range cases {
		b.WriteString(imports.RecordLine(c.fields) + "\r\n")
	}
	imp := tb.MustUpload(t, tb.tenant, "export.csv", b.String())
	if want := []string{"email", "phone", "linkedin_url", "country", "first_name", "last_name", "company_name"}; !slices.Equal(imp.Mapping.Columns, want) {
		t.Fatalf("mapping %q, want %q", imp.Mapping.Columns, want)
	}
	codes := func(es []imports.RowError) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Field+":"+e.Code)
		}
		return out
	}
	check := func(t *testing.T, c int, usable bool, values map[string]string, errs, warns []imports.RowError) {
		t.Helper()
		tt := cases[c]
		if usable != (tt.want.errors == nil) {
			t.Errorf("%s: usable %v, errors %+v", tt.name, usable, errs)
		}
		if got := codes(warns); !slices.Equal(got, tt.want.warnings) {
			t.Errorf("%s: warnings %v, want %v (%+v)", tt.name, got, tt.want.warnings, warns)
		}
		if got := codes(errs); !slices.Equal(got, tt.want.errors) {
			t.Errorf("%s: errors %v, want %v (%+v)", tt.name, got, tt.want.errors, errs)
		}
		for k, v := range tt.want.values {
			if values != nil && values[k] != v {
				t.Errorf("%s: %s %q, want %q", tt.name, k, values[k], v)
			}
		}
		if msgs := append(slices.Clone(warns), errs...); tt.want.message != "" && (len(msgs) == 0 || !strings.Contains(msgs[0].Message, tt.want.message)) {
			t.Errorf("%s: messages %+v, want one saying %q", tt.name, msgs, tt.want.message)
		}
	}
	prev := imp.Preview("DE") // the first 20 rows
	if len(prev) != min(len(cases), 20) {
		t.Fatalf("preview of %d rows, want %d", len(prev), min(len(cases), 20))
	}
	for i, p := range prev {
		check(t, i, p.Usable, p.Values, p.Errors, p.Warnings)
	}

	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	if done.Status != imports.StatusCompleted {
		t.Fatalf("%s (%s)", done.Status, done.Error)
	}
	recs := tb.records(t, tb.tenant, imp.ID)
	for i, c := range cases {
		rec := recs[i+2]
		check(t, i, rec.Outcome != imports.OutcomeInvalid, nil, rec.Errors, rec.Warnings)
		if c.want.errors != nil {
			continue
		}
		got := map[string]string{}
		var email, phone, linkedIn, country string
		if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT coalesce(email, ''), coalesce(phone, ''), coalesce(linkedin_url, ''),
			coalesce(country, '') FROM contacts WHERE id = $1`, rec.ContactID).Scan(&email, &phone, &linkedIn, &country); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got["email"], got["phone"], got["linkedin_url"], got["country"] = email, phone, linkedIn, country
		for k, v := range c.want.values {
			if got[k] != v {
				t.Errorf("%s: the contact's %s is %q, want %q", c.name, k, got[k], v)
			}
		}
	}

	// errors.csv says what each partly imported row was imported without.
	var out bytes.Buffer
	if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &out); err != nil {
		t.Fatal(err)
	}
	csvText := out.String()
	for _, s := range []string{"The extension 123 was left out", "b1@" + w + ".example not", "scientific notation"} {
		if !strings.Contains(csvText, s) {
			t.Errorf("errors.csv lacks %q:\n%s", s, csvText)
		}
	}
}
