package imports

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/safecsv"
)

// RowError is one reason a row is invalid, or (a warning) one value a
// usable row was imported without and why.
type RowError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// CodeAmbiguousPhone is the warning of a row whose phone came from a
// workbook's number cell and reads as a valid number both as it stands
// (national, in the region) and with a "+" in front: the first reading was
// imported, and the warning names the other. Unlike the other warnings,
// the value was imported.
const CodeAmbiguousPhone = "ambiguous_phone"

// Lengths of free-text fields, in characters.
const (
	maxNameLen    = 100
	maxTitleLen   = contacts.MaxTitleLen
	maxCompanyLen = contacts.MaxCompanyNameLen
	maxPlaceLen   = contacts.MaxCityLen
	maxRawField   = 2000 // of an original field kept for errors.csv
)

// row is one input row, normalized: what the batch table receives.
type row struct {
	Num    int
	Usable bool
	Errors []RowError
	// Warnings are the values a usable row was imported without: they
	// failed normalization in a field the row does not need.
	Warnings []RowError
	Raw      string // original fields as a CSV line, when kept

	FirstName, LastName, Email, Phone, Title, Seniority, Department string
	CompanyName, CompanyDomain, EmailDomain, LinkedIn, City, Region string
	Country                                                         string
}

// normalizer turns records into rows under a mapping.
type normalizer struct {
	m       Mapping
	region  string // for phone numbers without a country code
	columns int    // the file's columns; more non-empty fields make a row ragged
	keepRaw bool   // keep every row's original fields (update_only: any row may end invalid)
	// phoneNumeric: the phone column holds cells a workbook stores as
	// numbers (withNumeric), whose "+" or leading 0 Excel dropped.
	phoneNumeric bool
}

// withNumeric tells n the columns that hold number cells of a workbook
// (Format.NumericColumns), and returns n.
func (n *normalizer) withNumeric(cols []int) *normalizer {
	i := n.m.field(FieldPhone)
	n.phoneNumeric = i >= 0 && slices.Contains(cols, i)
	return n
}

// phone normalizes the phone value v (contacts.NormalizePhone, national
// numbers read in n.region). In a column of number cells, where Excel
// reads "+4917012345678" as the number 4917012345678, a value of digits
// only is also read with a "+" in front: when only that reading is a
// valid number it is the phone; when both are valid and differ, the
// national reading stays and other is the international one, for a
// warning. A CSV file's values are only ever read the first way. ext is
// the extension v named, which the phone leaves out.
func (n *normalizer) phone(v string) (p string, ok bool, other, ext string) {
	p, ext, ok = contacts.NormalizePhoneExt(v, n.region)
	if !n.phoneNumeric || !allDigits(v) {
		return p, ok, "", ext
	}
	intl, intlOK := contacts.NormalizePhone("+"+v, n.region)
	switch {
	case !intlOK:
		return p, ok, "", ""
	case !ok:
		return intl, true, "", ""
	case intl != p:
		return p, true, intl, ""
	}
	return p, ok, "", ""
}

// CodeExtraEmails and CodePhoneExtension are the warnings of a row imported
// with part of a value: the first address of a cell that held several
// ("a@x.com; b@y.com"; a contact has one email), a phone without its
// extension ("x123"; E.164 has none). The message names what was left out.
const (
	CodeExtraEmails    = "extra_emails"
	CodePhoneExtension = "phone_extension"
)

// CodeScientificPhone is the reason a phone is refused that a spreadsheet
// wrote in scientific notation ("4.41234E+11", Excel's General format for
// a long number saved as CSV): its last digits are gone.
const CodeScientificPhone = "phone_scientific_notation"

// scientificNumber is a number as spreadsheets write one in scientific
// notation, with a decimal point or comma.
var scientificNumber = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+$`)

// maxCellEmails is the most addresses severalEmails reads in a cell: a
// cell of more is a list, not one person's addresses.
const maxCellEmails = 10

// severalEmails reads a cell that holds two to maxCellEmails addresses separated by
// semicolons, commas, line breaks, spaces, slashes or bars ("a@x.com;
// b@y.com", "a@x.com / b@y.com"), each of
// which NormalizeEmail takes (in any form it takes: "Ann <a@x.com>"
// between semicolons), as the first address and the others' original
// text; ok is false for anything else.
func severalEmails(v string) (first string, others []string, ok bool) {
	split := []func(string) []string{
		func(s string) []string { return strings.Split(s, ";") },
		func(s string) []string { return strings.Split(s, ",") },
		strings.Fields,
		func(s string) []string { // "a@x.com / b@y.com", "a@x.com | b@y.com"
			return strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(";,/|", r) })
		},
	}
	for _, f := range split {
		var parts []string
		for _, p := range f(v) {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) < 2 || len(parts) > maxCellEmails {
			continue
		}
		var seen []string
		all := true
		for _, p := range parts {
			e, good := contacts.NormalizeEmail(p)
			if !good {
				all = false
				break
			}
			if first == "" {
				first = e
			} else if e != first && !slices.Contains(seen, e) {
				seen = append(seen, e)
				others = append(others, p)
			}
		}
		if all {
			return first, others, true
		}
		first, others = "", nil
	}
	return "", nil, false
}

// allDigits reports whether v is ASCII digits only (and not empty).
func allDigits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v != ""
}

func newNormalizer(m Mapping, columns int, tenantRegion string) *normalizer {
	region := m.DefaultRegion
	if region == "" {
		region = tenantRegion
	}
	if region == "" {
		region = "US"
	}
	return &normalizer{m: m, region: region, columns: columns, keepRaw: m.Mode == ModeUpdateOnly}
}

func problemError(p string) RowError {
	msg := map[string]string{
		ProblemTooLong:       fmt.Sprintf("The row is longer than %d bytes; it was not read.", MaxRecordBytes),
		ProblemTooManyFields: fmt.Sprintf("The row has more than %d fields.", MaxColumns),
		ProblemInvalidUTF8:   "The row holds bytes that are not valid in the file's encoding (UTF-8).",
		ProblemBinary:        "The row holds binary data (NUL bytes).",
		ProblemUnterminated:  "A quoted field is not closed before the end of the file.",
	}[p]
	return RowError{Field: "", Code: p, Message: msg}
}

func shorten(v string, n int) string {
	if utf8.RuneCountInString(v) <= n {
		return v
	}
	return string([]rune(v)[:n]) + "…"
}

// placeholders are what spreadsheets and database exports write for "no
// value" (upper case): SQL's NULL (MySQL's \N), "not applicable", dashes,
// and the error values of Excel (English, German, French, Spanish,
// Italian, Portuguese, Dutch) and LibreOffice, which a failed lookup
// leaves in a cell. A field holding one is empty. ("NA" is Namibia.)
var placeholders = func() map[string]bool {
	m := map[string]bool{}
	for _, v := range []string{"NULL", `\N`, "N/A", "-", "--", "–", "—",
		"#N/A", "#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
		"#NV", "#WERT!", "#BEZUG!", "#ZAHL!", "#ÜBERLAUF!",
		"#VALEUR!", "#NOM?", "#NOMBRE!", "#NUL!",
		"#N/D", "#¡VALOR!", "#¡REF!", "#¿NOMBRE?", "#¡DIV/0!", "#¡NUM!", "#¡NULO!",
		"#VALORE!", "#RIF!", "#NOME?", "#NULLO!", "#VALOR!", "#NÚM!", "#NULO!",
		"#N/B", "#WAARDE!", "#VERW!", "#NAAM?", "#DEEL/0!", "#GETAL!", "#LEEG!",
		"ERR:502", "ERR:504", "ERR:522"} {
		m[v] = true
	}
	return m
}()

// row normalizes one record.
func (n *normalizer) row(rec Record) row {
	r := row{Num: rec.Num}
	// bad collects the fields whose values fail normalization; the end
	// decides whether they are the row's errors or its warnings.
	var bad []RowError
	fail := func(field, code, format string, args ...any) {
		bad = append(bad, RowError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if rec.Problem != "" {
		r.Errors = append(r.Errors, problemError(rec.Problem))
	}
	for i := n.columns; i < len(rec.Fields); i++ {
		if strings.TrimSpace(rec.Fields[i]) != "" {
			r.Errors = append(r.Errors, RowError{Field: "", Code: "ragged_row",
				Message: fmt.Sprintf("The row has %d fields; the file has %d columns.", len(rec.Fields), n.columns)})
			break
		}
	}
	get := func(f string) string {
		i := n.m.field(f)
		if i < 0 || i >= len(rec.Fields) || rec.Problem != "" {
			return ""
		}
		// A cell our CSV downloads guarded against formula injection
		// ("'=SUM(1)" in an errors.csv fixed and uploaded again) reads as
		// it was first uploaded.
		if v := strings.TrimSpace(safecsv.Original(rec.Fields[i])); !placeholders[strings.ToUpper(v)] {
			return v
		}
		return ""
	}
	text := func(f, v string, maxLen int) string {
		if v == "" {
			return ""
		}
		out, ok := contacts.NormalizeText(v, maxLen)
		if !ok {
			if utf8.RuneCountInString(v) > maxLen {
				fail(f, "too_long", "%s is longer than %d characters.", label(f), maxLen)
			} else {
				fail(f, "invalid_text", "%s holds control characters or nothing visible.", label(f))
			}
			return ""
		}
		return out
	}

	// partial are the warnings of values imported in part (a usable
	// row's only).
	var partial []RowError
	if v := get(FieldEmail); v != "" {
		e, ok := contacts.NormalizeEmail(v)
		if !ok {
			var others []string
			if e, others, ok = severalEmails(v); ok && len(others) > 0 {
				partial = append(partial, RowError{Field: FieldEmail, Code: CodeExtraEmails, Message: fmt.Sprintf(
					"The cell holds more than one address: %s was imported, %s not (a contact has one email).",
					e, shorten(strings.Join(others, ", "), 200))})
			}
		}
		if ok {
			r.Email = e
			r.EmailDomain = e[strings.LastIndexByte(e, '@')+1:]
		} else {
			fail(FieldEmail, "invalid_email", "%q is not a valid email address.", shorten(v, 100))
		}
	}
	r.FirstName = firstNameCell(text(FieldFirstName, get(FieldFirstName), maxNameLen))
	r.LastName = lastNameCell(text(FieldLastName, get(FieldLastName), maxNameLen))
	if full := text(FieldFullName, get(FieldFullName), 2*maxNameLen); full != "" && (r.FirstName == "" || r.LastName == "") {
		first, last := splitName(full)
		if r.FirstName == "" {
			r.FirstName = shorten(first, maxNameLen)
		}
		if r.LastName == "" {
			r.LastName = shorten(last, maxNameLen)
		}
	}
	r.Title = text(FieldTitle, get(FieldTitle), maxTitleLen)
	if v := get(FieldSeniority); v != "" {
		if s, ok := seniorityOf(v); ok {
			r.Seniority = s
		} else {
			fail(FieldSeniority, "invalid_seniority", "%q is not a seniority; use one of %s.", shorten(v, 60),
				strings.Join(contacts.Seniorities, ", "))
		}
	}
	if v := get(FieldDepartment); v != "" {
		if d, ok := departmentOf(v); ok {
			r.Department = d
		} else {
			fail(FieldDepartment, "invalid_department", "%q is not a department; use one of %s.", shorten(v, 60),
				strings.Join(contacts.Departments, ", "))
		}
	}
	r.CompanyName = text(FieldCompanyName, get(FieldCompanyName), maxCompanyLen)
	if v := get(FieldCompanyDomain); v != "" {
		if d, ok := normalizeDomain(v); ok {
			r.CompanyDomain = d
		} else {
			fail(FieldCompanyDomain, "invalid_domain", "%q is not a domain name.", shorten(v, 100))
		}
	}
	var ambiguous *RowError // a phone read one of two valid ways
	if v := get(FieldPhone); v != "" {
		// Scientific notation first: its "E" would read as a vanity
		// number's 3.
		if scientificNumber.MatchString(v) {
			fail(FieldPhone, CodeScientificPhone, "%q is a number in scientific notation, as Excel saves a long number in a General column: its last digits are lost. Format the column as Number without decimals (or as Text) and save the file again.", shorten(v, 60))
		} else if p, ok, other, ext := n.phone(v); ok {
			r.Phone = p
			if ext != "" {
				partial = append(partial, RowError{Field: FieldPhone, Code: CodePhoneExtension, Message: fmt.Sprintf(
					"The extension %s was left out: %s was imported (a contact's phone is the line's number).", shorten(ext, 20), p)})
			}
			if other != "" {
				ambiguous = &RowError{Field: FieldPhone, Code: CodeAmbiguousPhone, Message: fmt.Sprintf(
					"%s was a number cell in the workbook, which drops a leading + or 0: it was imported as %s (read in region %s); with a + in front it would be %s. Check the number.",
					shorten(v, 60), p, n.region, other)}
			}
		} else {
			fail(FieldPhone, "invalid_phone", "%q is not a valid phone number (read in region %s).", shorten(v, 60), n.region)
		}
	}
	if v := get(FieldLinkedIn); v != "" {
		if l, ok := contacts.NormalizeLinkedIn(v); ok {
			r.LinkedIn = l
		} else {
			fail(FieldLinkedIn, "invalid_linkedin_url", "%q is not a LinkedIn profile URL (linkedin.com/in/…).", shorten(v, 100))
		}
	}
	r.City = text(FieldCity, get(FieldCity), maxPlaceLen)
	r.Region = text(FieldRegion, get(FieldRegion), maxPlaceLen)
	if v := get(FieldCountry); v != "" {
		if c, ok := contacts.NormalizeCountry(v); ok {
			r.Country = c
		} else {
			fail(FieldCountry, "invalid_country", "%q is not a country (a name or an ISO 3166 code).", shorten(v, 60))
		}
	}
	// A row is usable with an email, a LinkedIn URL, or first name, last
	// name and company, and no problem of its own (a record the reader
	// could not read whole, more fields than columns). A usable row is
	// imported without the values that failed (warnings). An unusable row
	// is invalid with every failed value as an error: the one that would
	// have made it usable is the reason (a malformed email and nothing
	// else to know the person by), and otherwise not_usable says what it
	// lacks.
	usable := r.Email != "" || r.LinkedIn != "" || (r.FirstName != "" && r.LastName != "" && r.CompanyName != "")
	switch {
	case len(r.Errors) > 0:
		r.Errors = append(r.Errors, bad...)
	case usable:
		r.Usable, r.Warnings = true, bad
	default:
		r.Errors = bad
		if !slices.ContainsFunc(bad, func(e RowError) bool { return keyFields[e.Field] }) {
			r.Errors = append(r.Errors, RowError{Field: "", Code: "not_usable",
				Message: "The row needs an email, a LinkedIn URL, or first name, last name and company."})
		}
	}
	if ambiguous != nil && r.Usable {
		r.Warnings = append(r.Warnings, *ambiguous)
	}
	if r.Usable {
		r.Warnings = append(r.Warnings, partial...)
	}
	if !r.Usable || n.keepRaw || len(r.Warnings) > 0 {
		fields := make([]string, len(rec.Fields))
		for i, f := range rec.Fields {
			fields[i] = shorten(f, maxRawField)
		}
		r.Raw = RecordLine(fields)
	}
	return r
}

// keyFields are the fields that make a row usable: a bad value in one of
// them can be why a row is invalid.
var keyFields = map[string]bool{FieldEmail: true, FieldLinkedIn: true, FieldFirstName: true, FieldLastName: true,
	FieldFullName: true, FieldCompanyName: true}

// values returns the mapped, normalized values of a row by field name.
func (r row) values() map[string]string {
	out := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	set(FieldEmail, r.Email)
	set(FieldFirstName, r.FirstName)
	set(FieldLastName, r.LastName)
	set(FieldTitle, r.Title)
	set(FieldSeniority, r.Seniority)
	set(FieldDepartment, r.Department)
	set(FieldCompanyName, r.CompanyName)
	set(FieldCompanyDomain, r.CompanyDomain)
	set(FieldPhone, r.Phone)
	set(FieldLinkedIn, r.LinkedIn)
	set(FieldCity, r.City)
	set(FieldRegion, r.Region)
	set(FieldCountry, r.Country)
	return out
}

func label(f string) string {
	s := strings.ReplaceAll(f, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// normalizeDomain reads "https://www.Acme.com/about" as "acme.com"
// (contacts.NormalizeSite: the form an email's domain takes too, so the
// contact links to the company of its address). A page on a social
// network or directory ("facebook.com/joespizza", a LinkedIn company page)
// is the network's website, not the company's: it reads as no domain
// ("", true), since its domain would link the contact to the network's
// company, whose name would replace the row's.
func normalizeDomain(v string) (string, bool) {
	d, page, ok := contacts.NormalizeSite(v)
	if !ok {
		return "", false
	}
	if page && pageHost(d) {
		return "", true
	}
	return d, true
}

// pageSites are social networks and directories whose pages companies
// give as their website.
var pageSites = []string{"linkedin.com", "facebook.com", "fb.com", "instagram.com", "twitter.com", "x.com",
	"youtube.com", "tiktok.com", "xing.com", "github.com", "crunchbase.com", "linktr.ee", "yelp.com",
	"pinterest.com", "threads.net", "t.me", "wa.me", "google.com"}

// pageHost says whether host is one of the pageSites or under one.
func pageHost(host string) bool {
	for _, s := range pageSites {
		if host == s || strings.HasSuffix(host, "."+s) {
			return true
		}
	}
	return false
}

var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true,
	"sir": true, "herr": true, "frau": true, "m": true, "mme": true, "sr": false}

var suffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true, "md": true,
	"mba": true, "esq": true, "cpa": true}

// splitName splits a full name: "Last, First" by the comma, a surname
// written first in capitals by its capitals ("DUPONT Jean" → Jean /
// DUPONT: surnameFirst), otherwise the first word is the first name and
// the rest the last name ("Ludwig van Beethoven" → Ludwig / van
// Beethoven); titles, suffixes and middle
// initials are dropped ("Dr. Jane A. Smith Jr." → Jane / Smith, "Smith,
// Jane A." → Jane / Smith), also suffixes and degrees after commas of
// their own ("Ann Lee, PhD, MBA", "Lee, Ann, Jr."). A title before a
// single name makes it the last name ("Mr. Smith").
func splitName(full string) (first, last string) {
	var parts []string
	for _, p := range strings.Split(full, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	for len(parts) > 1 && onlySuffixes(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	switch len(parts) {
	case 0:
		return "", ""
	case 1:
		words, titled := nameWords(parts[0])
		switch {
		case len(words) == 0:
			return "", ""
		case len(words) == 1 && titled:
			return "", words[0]
		case len(words) == 1:
			return words[0], ""
		}
		if n := surnameFirst(words); n > 0 {
			return strings.Join(append(words[n:n+1], withoutInitials(words[n+1:])...), " "), strings.Join(words[:n], " ")
		}
		rest := append(withoutInitials(words[1:len(words)-1]), words[len(words)-1])
		return words[0], strings.Join(rest, " ")
	}
	lastWords, _ := nameWords(parts[0])
	firstWords, _ := nameWords(strings.Join(parts[1:], " "))
	if len(firstWords) > 1 {
		firstWords = append(firstWords[:1], withoutInitials(firstWords[1:])...)
	}
	return strings.Join(firstWords, " "), strings.Join(lastWords, " ")
}

// surnameFirst returns how many leading words of a name are its surname
// written first in capitals ("DUPONT Jean", "DE LA CRUZ María", "WANG
// Wei"), as French, Chinese and much official usage write it; 0 when the
// name does not read so. The words are in capitals, three letters or more
// in all (two capitals are as often initials or a given name: "JR Smith",
// "AJ Lee"), and a word after them is not (a name all in capitals says
// nothing: "JEAN DUPONT" is first name Jean).
func surnameFirst(words []string) int {
	n, letters := 0, 0
	for n < len(words) {
		l, ok := capitals(words[n])
		if !ok {
			break
		}
		n, letters = n+1, letters+l
	}
	if n == 0 || n == len(words) || letters < 3 {
		return 0
	}
	for _, r := range words[n] {
		if unicode.IsLower(r) {
			return n
		}
	}
	return 0
}

// capitals says whether w has letters and every one is a capital, and
// how many it has.
func capitals(w string) (letters int, ok bool) {
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return 0, false
			}
			letters++
		}
	}
	return letters, letters > 0
}

// firstNameCell reads a first-name column's cell as the first name a full
// name gives: without honorifics before it and without middle initials
// after it ("Dr. Jane A." is Jane), so that a row matches by name and
// company the contact a full name would. A cell of nothing else, or of
// initials only ("J. R."), stays.
func firstNameCell(v string) string {
	words := strings.Fields(v)
	for len(words) > 1 && honorifics[headerKey(words[0])] {
		words = words[1:]
	}
	// A first name of initials ("J. R.") keeps them all.
	if len(words) > 1 && len(withoutInitials(words[:1])) == 1 {
		words = append(words[:1], withoutInitials(words[1:])...)
	}
	if out := strings.Join(words, " "); out != strings.Join(strings.Fields(v), " ") {
		return out
	}
	return v
}

// lastNameCell reads a last-name column's cell without the suffixes and
// degrees a full name leaves out ("Smith, PhD", "Smith Jr.", "Smith MBA"
// are Smith). A cell of nothing else stays.
func lastNameCell(v string) string {
	parts := strings.Split(v, ",")
	for len(parts) > 1 && (strings.TrimSpace(parts[len(parts)-1]) == "" || onlySuffixes(parts[len(parts)-1])) {
		parts = parts[:len(parts)-1]
	}
	words := strings.Fields(strings.Join(parts, ","))
	for len(words) > 1 && suffixes[headerKey(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	if out := strings.Join(words, " "); out != "" && out != strings.Join(strings.Fields(v), " ") {
		return out
	}
	return v
}

// nameWords splits a name into words without leading titles and trailing
// suffixes (the last word stays, whatever it is); titled says titles were
// dropped. A name of titles alone has no words.
func nameWords(s string) (words []string, titled bool) {
	words = strings.Fields(s)
	for len(words) > 0 && honorifics[headerKey(words[0])] {
		words, titled = words[1:], true
	}
	for len(words) > 1 && suffixes[headerKey(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	return words, titled
}

// withoutInitials drops the initials from words: a letter with a period
// ("A.") or a capital letter alone ("A"); a small letter alone is a word
// of the name ("Ortega y Gasset").
func withoutInitials(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) && (w[n:] == "." || (w[n:] == "" && unicode.IsUpper(r))) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// onlySuffixes reports whether every word of s is a suffix or a degree
// ("Jr.", "PhD MBA").
func onlySuffixes(s string) bool {
	words := strings.Fields(s)
	for _, w := range words {
		if !suffixes[headerKey(w)] {
			return false
		}
	}
	return len(words) > 0
}

var seniorityNames = map[string]string{
	"owner": "owner", "founder": "owner", "cofounder": "owner", "partner": "owner", "proprietor": "owner",
	"csuite": "c_suite", "clevel": "c_suite", "cxo": "c_suite", "chief": "c_suite", "executive": "c_suite",
	"vp": "vp", "vicepresident": "vp", "svp": "vp", "evp": "vp", "avp": "vp",
	"head": "head", "director": "director", "manager": "manager", "senior": "senior",
	"entry": "entry", "junior": "entry", "intern": "entry", "associate": "entry", "entrylevel": "entry", "trainee": "entry",
}

func seniorityOf(v string) (string, bool) {
	s, ok := seniorityNames[headerKey(v)]
	return s, ok
}

var departmentNames = func() map[string]string {
	m := map[string]string{
		"hr": "human_resources", "people": "human_resources", "peopleops": "human_resources", "recruiting": "human_resources",
		"talent": "human_resources", "support": "customer_success", "customerservice": "customer_success",
		"customersupport": "customer_success", "cs": "customer_success", "rd": "engineering", "development": "engineering",
		"software": "engineering", "informationtechnology": "it", "accounting": "finance", "ops": "operations",
		"management": "executive", "leadership": "executive", "analytics": "data", "datascience": "data",
		"ux": "design", "creative": "design", "businessdevelopment": "sales", "bizdev": "sales",
	}
	for _, d := range contacts.Departments {
		m[headerKey(d)] = d
	}
	return m
}()

func departmentOf(v string) (string, bool) {
	d, ok := departmentNames[headerKey(v)]
	return d, ok
}
