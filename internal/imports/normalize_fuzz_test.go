package imports

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/contacts"
)

// TestNormalizeDomain: a company domain is read once into its stored
// form, and the stored form reads as itself: one written with a stray
// second trailing dot was stored with a dot ("acme.com."), a domain no
// company has, where it should be refused as "acme..com" is; one whose
// host was percent-escaped ("https://%C3%84rzte.de") kept its capital
// ("Ärzte.de", no match for "ärzte.de").
func TestNormalizeDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		page     bool // a social network's page: no domain, and no error
	}{
		{"https://www.Acme.com/about", "acme.com", false},
		{"acme.com.", "acme.com", false},
		{"acme.com:8080/x", "acme.com", false},
		{"www.www.acme.com", "acme.com", false},
		{"müller.de", "müller.de", false},
		{"https://%C3%84rzte.de/", "ärzte.de", false},
		{"https://www.%EF%BD%81cme.com", "acme.com", false},
		{"acme.com..", "", false},
		{"acme..com", "", false},
		{"http://acme.com../", "", false},
		{"localhost", "", false},
		{"https://www.facebook.com/joespizza", "", true},
		{"de.linkedin.com/company/acme", "", true},
		{"facebook.com", "facebook.com", false},             // the network's own site
		{"https://dropbox.com/about", "dropbox.com", false}, // not x.com's
	}
	for _, tt := range tests {
		got, ok := normalizeDomain(tt.in)
		if got != tt.want || ok != (tt.want != "" || tt.page) {
			t.Errorf("normalizeDomain(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// FuzzNormalizeRow reads a record under a mapping given as JSON, as the
// worker does once the mapping validated: no panic, and every value of a
// usable row is valid UTF-8 and in its stored form (normalizing it again
// gives it back), so a contact exported and imported again matches itself.
// Seeds are in testdata/fuzz/FuzzNormalizeRow; run with
// go test ./internal/imports -run '^$' -fuzz FuzzNormalizeRow -fuzztime 1m.
func FuzzNormalizeRow(f *testing.F) {
	all := `{"has_header":true,"columns":["email","first_name","last_name","full_name","title","seniority","department",` +
		`"company_name","company_domain","phone","linkedin_url","city","region","country"],"default_region":"de"}`
	f.Add(all, "ZOE@Example.com,Zoë,Müller,,CTO,C-Level,R&D,Ärzte GmbH,https://www.aerzte.de/,030 901820,"+
		"linkedin.com/in/Zoe-M,Berlin,BE,Deutschland")
	f.Add(all, ",,,\"Dr. Lee, Ann, PhD\",,vp,hr,Acme,acme.com..,+1 415 555 0132,uk.linkedin.com/in/ann%41,,,uk")
	f.Add(`{"columns":["full_name","company_name"],"match_keys":["name_company"]}`, "Ludwig van Beethoven,Acme")
	f.Fuzz(func(t *testing.T, mapping, line string) {
		var m Mapping
		if json.Unmarshal([]byte(mapping), &m) != nil {
			return
		}
		fields := ParseRecordLine(line)
		if m.validate(len(m.Columns), false) != nil {
			return
		}
		r := newNormalizer(m, len(m.Columns), "US").row(Record{Num: 1, Fields: fields})
		if !r.Usable {
			return
		}
		fixed := map[string]func(string) (string, bool){
			FieldEmail:         contacts.NormalizeEmail,
			FieldCompanyDomain: normalizeDomain,
			FieldPhone:         func(v string) (string, bool) { return contacts.NormalizePhone(v, "US") },
			FieldLinkedIn:      contacts.NormalizeLinkedIn,
			FieldCountry:       contacts.NormalizeCountry,
			FieldFirstName:     func(v string) (string, bool) { return contacts.NormalizeText(v, maxNameLen+1) },
			FieldLastName:      func(v string) (string, bool) { return contacts.NormalizeText(v, maxNameLen+1) },
			FieldTitle:         func(v string) (string, bool) { return contacts.NormalizeText(v, maxTitleLen) },
			FieldCompanyName:   func(v string) (string, bool) { return contacts.NormalizeText(v, maxCompanyLen) },
			FieldCity:          func(v string) (string, bool) { return contacts.NormalizeText(v, maxPlaceLen) },
			FieldRegion:        func(v string) (string, bool) { return contacts.NormalizeText(v, maxPlaceLen) },
			FieldSeniority:     seniorityOf,
			FieldDepartment:    departmentOf,
		}
		for field, v := range r.values() {
			if !utf8.ValidString(v) {
				t.Fatalf("%s = %q: not UTF-8", field, v)
			}
			norm, ok := fixed[field]
			if !ok {
				t.Fatalf("no normalizer for %s", field)
			}
			if again, ok := norm(v); !ok || again != v {
				t.Fatalf("%s = %q (from %q), which normalizes to %q, %v", field, v, fields, again, ok)
			}
		}
	})
}

// BenchmarkNormalizeRow: the normalizer's cost per row of a typical file
// (docs/PERFORMANCE.md has the figures).
func BenchmarkNormalizeRow(b *testing.B) {
	m := Mapping{HasHeader: true, Columns: []string{"email", "first_name", "last_name", "title", "company_name",
		"company_domain", "phone", "linkedin_url", "city", "country"}, DefaultRegion: "de"}
	n := newNormalizer(m, len(m.Columns), "US")
	rec := Record{Num: 1, Fields: []string{"ZOE.Mueller@Example.com", "Zoë", "Müller", "Head of Sales", "Ärzte GmbH",
		"https://www.aerzte.de/", "030 901820", "linkedin.com/in/Zoe-M", "Berlin", "Deutschland"}}
	for b.Loop() {
		n.row(rec)
	}
}

// BenchmarkNormalizeNumberPhone: the phone rule's cost per row when the
// phone column holds a workbook's number cells (digits without their +:
// read twice) and when it does not (CSV, or text cells).
func BenchmarkNormalizeNumberPhone(b *testing.B) {
	m := Mapping{HasHeader: true, Columns: []string{"email", "phone"}}
	rec := Record{Num: 1, Fields: []string{"zoe@example.com", "4917012345678"}}
	for _, bc := range []struct {
		name    string
		numeric []int
	}{{"TextColumn", nil}, {"NumberColumn", []int{1}}} {
		b.Run(bc.name, func(b *testing.B) {
			n := newNormalizer(m, len(m.Columns), "US").withNumeric(bc.numeric)
			b.ReportAllocs()
			for b.Loop() {
				n.row(rec)
			}
		})
	}
}
