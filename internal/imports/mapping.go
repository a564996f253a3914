package imports

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Fields a column can be mapped to. FieldFullName is split into first and
// last name.
const (
	FieldEmail         = "email"
	FieldFirstName     = "first_name"
	FieldLastName      = "last_name"
	FieldFullName      = "full_name"
	FieldTitle         = "title"
	FieldSeniority     = "seniority"
	FieldDepartment    = "department"
	FieldCompanyName   = "company_name"
	FieldCompanyDomain = "company_domain"
	FieldPhone         = "phone"
	FieldLinkedIn      = "linkedin_url"
	FieldCity          = "city"
	FieldRegion        = "region"
	FieldCountry       = "country"
)

// Fields lists every mappable field in display order.
var Fields = []string{FieldEmail, FieldFirstName, FieldLastName, FieldFullName, FieldTitle, FieldSeniority,
	FieldDepartment, FieldCompanyName, FieldCompanyDomain, FieldPhone, FieldLinkedIn, FieldCity, FieldRegion, FieldCountry}

// Match keys, in the default order.
const (
	KeyEmail       = "email"
	KeyLinkedIn    = "linkedin_url"
	KeyNameCompany = "name_company"
)

// MatchKeys lists the match keys in their default order.
var MatchKeys = []string{KeyEmail, KeyLinkedIn, KeyNameCompany}

// Modes say what an import may do with contacts.
const (
	ModeCreateAndUpdate = "create_and_update"
	ModeCreateOnly      = "create_only"
	ModeUpdateOnly      = "update_only"
)

// Sources of platform imports, in rising precedence (sourceRankSQL).
var sourceRanks = map[string]int{"seed": 10, "import": 20, "vendor": 30, "platform_import": 40, "verified": 60, "manual": 80}

// PlatformSources lists the sources a platform import may write with.
var PlatformSources = []string{"vendor", "platform_import", "verified"}

// Mapping says how the columns of a file become contact fields and what
// the import does with them.
type Mapping struct {
	HasHeader bool `json:"has_header"`
	// Columns holds one field name per column of the file ("" ignores it).
	Columns   []string `json:"columns"`
	MatchKeys []string `json:"match_keys"`
	Mode      string   `json:"mode"`
	// Overwrite replaces non-empty fields of matched contacts the import
	// may change; otherwise only empty fields are filled.
	Overwrite bool `json:"overwrite"`
	// ListID is the tenant's list every usable row joins (tenant imports).
	ListID *uuid.UUID `json:"list_id,omitempty"`
	// DefaultRegion reads phone numbers written without a country code
	// (ISO 3166-1 alpha-2); empty means the tenant's default region.
	DefaultRegion string `json:"default_region,omitempty"`
	// Source is written on contacts a platform import creates or
	// overwrites; it decides precedence over existing values.
	Source string `json:"source,omitempty"`
}

// field returns the column index mapped to f, or -1.
func (m Mapping) field(f string) int {
	return slices.Index(m.Columns, f)
}

func (m Mapping) has(f string) bool { return m.field(f) >= 0 }

// synonyms are header names (folded: lower case, no accents, letters and
// digits only) that suggest a field: common names in several languages, and
// the columns of the exports of Salesforce (reports and the API names of its
// data export), HubSpot, Outlook, Google Contacts and Dynamics 365.
var synonyms = map[string][]string{
	FieldEmail: {"email", "emailaddress", "mail", "workemail", "businessemail", "emailwork", "primaryemail",
		"contactemail", "email1", "emailadresse", "correo", "correoelectronico", "courriel", "adressemail",
		"email1value", "emailaddress1"},
	FieldFirstName: {"firstname", "first", "givenname", "forename", "prenom", "vorname", "nombre", "fname"},
	FieldLastName:  {"lastname", "last", "surname", "familyname", "nachname", "nom", "apellido", "apellidos", "lname"},
	FieldFullName:  {"fullname", "name", "contactname", "contact", "person", "personname", "nombrecompleto", "nomcomplet"},
	FieldTitle: {"title", "jobtitle", "position", "role", "job", "designation", "jobposition", "titel", "jobrole",
		"cargo", "poste", "positiontitle", "organizationtitle", "organization1title"},
	FieldSeniority:  {"seniority", "senioritylevel", "level", "managementlevel"},
	FieldDepartment: {"department", "dept", "function", "jobfunction", "abteilung", "departamento", "team"},
	FieldCompanyName: {"company", "companyname", "organization", "organisation", "accountname", "account", "employer",
		"firma", "unternehmen", "empresa", "entreprise", "businessname", "org", "orgname", "organizationname",
		"companyaccount", "associatedcompany", "organization1name"},
	FieldCompanyDomain: {"companydomain", "domain", "website", "companywebsite", "web", "homepage", "url", "companyurl",
		"websiteurl", "webseite"},
	FieldPhone: {"phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell", "cellphone",
		"workphone", "directphone", "directdial", "telefon", "telefono", "telephonenumber", "phone1", "mobilenumber",
		"mobilephonenumber", "businessphone", "corporatephone", "workdirectphone", "officephone", "phone1value"},
	FieldLinkedIn: {"linkedin", "linkedinurl", "linkedinprofile", "profileurl", "linkedinlink", "personlinkedinurl",
		"liurl", "linkedinprofileurl"},
	FieldCity: {"city", "town", "ort", "stadt", "ciudad", "ville", "locality", "mailingcity", "businesscity",
		"address1city"},
	FieldRegion: {"state", "region", "province", "county", "stateprovince", "stateregion", "bundesland", "provincia",
		"mailingstate", "mailingstateprovince", "businessstate", "address1stateprovince"},
	FieldCountry: {"country", "countrycode", "nation", "land", "pays", "pais", "countryname", "countryregion",
		"mailingcountry", "businesscountry", "businesscountryregion", "address1countryregion"},
}

// genericHeaders are header synonyms that another column's more specific
// one beats: Outlook's contacts export has "Title" (Mr., Dr.) before "Job
// Title", the job title.
var genericHeaders = map[string]bool{"title": true}

var synonymField = func() map[string]string {
	m := map[string]string{}
	for f, names := range synonyms {
		for _, n := range names {
			m[n] = f
		}
	}
	return m
}()

// foldTransformers hold accent strippers: a transformer keeps state, so
// each goroutine needs its own.
var foldTransformers = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// fold lower-cases s and strips accents: "Zoë" → "zoe".
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	t := foldTransformers.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	foldTransformers.Put(t)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// headerKey folds a header name to letters and digits: "E-mail Address" →
// "emailaddress".
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// columnNames labels columns: the header's names, made unique ("Email",
// "Email (2)") and filled in where empty, or "Column N" without a header.
func columnNames(header []string, n int, hasHeader bool) []string {
	names := make([]string, n)
	seen := map[string]int{}
	for i := range n {
		name := ""
		if hasHeader && i < len(header) {
			name = strings.Join(strings.Fields(header[i]), " ")
			if len([]rune(name)) > 200 {
				name = string([]rune(name)[:200]) + "…"
			}
		}
		if name == "" {
			name = fmt.Sprintf("Column %d", i+1)
		}
		key := strings.ToLower(name)
		if seen[key]++; seen[key] > 1 {
			name = fmt.Sprintf("%s (%d)", name, seen[key])
		}
		names[i] = name
	}
	return names
}

// guessHeader says whether the first record is a header: some name is a
// known synonym, or none of its values looks like data while a later
// record's values do.
func guessHeader(records [][]string) bool {
	if len(records) == 0 {
		return true
	}
	first := records[0]
	for _, v := range first {
		if _, ok := synonymField[headerKey(v)]; ok {
			return true
		}
	}
	for _, v := range first {
		if looksLikeData(v) {
			return false
		}
	}
	return true
}

func looksLikeData(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	if _, ok := contacts.NormalizeEmail(v); ok {
		return true
	}
	if _, ok := contacts.NormalizeLinkedIn(v); ok && strings.Contains(strings.ToLower(v), "linkedin") {
		return true
	}
	digits := 0
	for _, r := range v {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	return digits >= 7 && digits*2 >= len(v)
}

// suggest maps columns by header synonyms, then unmapped columns by what
// their sample values look like (emails, LinkedIn URLs, phone numbers). A
// column of LinkedIn profile URLs is the LinkedIn URL whatever its header
// says: LinkedIn's own export calls it "URL", which names a website.
func suggest(names []string, hasHeader bool, rows [][]string) Mapping {
	m := Mapping{HasHeader: hasHeader, Columns: make([]string, len(names)), MatchKeys: slices.Clone(MatchKeys),
		Mode: ModeCreateAndUpdate}
	taken := map[string]bool{}
	if hasHeader {
		// A generic header yields to a specific one of its field, wherever
		// that stands (genericHeaders).
		for _, generic := range []bool{false, true} {
			for i, n := range names {
				k := headerKey(n)
				if f, ok := synonymField[k]; ok && !taken[f] && genericHeaders[k] == generic {
					m.Columns[i], taken[f] = f, true
				}
			}
		}
	}
	// mostly says whether at least 80% of column i's sample values are ok.
	mostly := func(i int, ok func(string) bool) bool {
		var hits, values int
		for _, row := range rows {
			if i < len(row) && strings.TrimSpace(row[i]) != "" {
				values++
				if ok(row[i]) {
					hits++
				}
			}
		}
		return values > 0 && hits*10 >= values*8
	}
	isLinkedIn := func(v string) bool {
		_, ok := contacts.NormalizeLinkedIn(v)
		return ok && strings.Contains(strings.ToLower(v), "linkedin")
	}
	if !taken[FieldLinkedIn] {
		for i, f := range m.Columns {
			if f != "" && mostly(i, isLinkedIn) {
				m.Columns[i], taken[f], taken[FieldLinkedIn] = FieldLinkedIn, false, true
				break
			}
		}
	}
	byContent := []struct {
		field string
		ok    func(string) bool
	}{
		{FieldEmail, func(v string) bool { _, ok := contacts.NormalizeEmail(v); return ok }},
		{FieldLinkedIn, isLinkedIn},
		{FieldPhone, func(v string) bool { return looksLikeData(v) && !strings.Contains(v, "@") }},
	}
	for _, bc := range byContent {
		if taken[bc.field] {
			continue
		}
		for i := range names {
			if m.Columns[i] == "" && !(hasHeader && idColumn(names[i])) && mostly(i, bc.ok) {
				m.Columns[i], taken[bc.field] = bc.field, true
				break
			}
		}
	}
	// Keep only the keys whose fields are mapped, in the default order.
	m.MatchKeys = slices.DeleteFunc(m.MatchKeys, func(k string) bool { return !m.keyMapped(k) })
	if len(m.MatchKeys) == 0 {
		m.MatchKeys = []string{KeyEmail}
	}
	return m
}

// idColumn says whether a header names a record identifier ("Id",
// "Record ID", "AccountId", "contact_id"; not "Paid"), whose digits are no
// phone number: HubSpot's record ids have eleven of them.
func idColumn(name string) bool {
	name = strings.TrimSpace(name)
	n := len(name)
	if n < 2 || !strings.EqualFold(name[n-2:], "id") {
		return false
	}
	if n == 2 || name[n-2] == 'I' {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(name[:n-2])
	return !unicode.IsLetter(r)
}

func (m Mapping) keyMapped(k string) bool {
	switch k {
	case KeyEmail:
		return m.has(FieldEmail)
	case KeyLinkedIn:
		return m.has(FieldLinkedIn)
	case KeyNameCompany:
		return (m.has(FieldFullName) || (m.has(FieldFirstName) && m.has(FieldLastName))) && m.has(FieldCompanyName)
	}
	return false
}

// fitColumns fits columns given for a file of old columns to one of n.
// Whether the first row is a header decides how many columns the file has
// when the header is narrower or wider than the data rows, and a client
// switching it sends the columns it showed: those past n are dropped (and
// match keys they alone mapped), new ones are ignored (""). Columns of
// any other length are left for validate to refuse.
func (m *Mapping) fitColumns(old, n int) {
	if old == n || len(m.Columns) != old {
		return
	}
	was := map[string]bool{}
	for _, k := range MatchKeys {
		was[k] = m.keyMapped(k)
	}
	cols := make([]string, n)
	copy(cols, m.Columns)
	m.Columns = cols
	m.MatchKeys = slices.DeleteFunc(m.MatchKeys, func(k string) bool { return was[k] && !m.keyMapped(k) })
}

// validate checks a mapping for a file of n columns; platform says it is a
// platform import. Returns EINVALID naming each bad field.
func (m *Mapping) validate(n int, platform bool) error {
	var errs []apperr.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if len(m.Columns) != n {
		add("columns", "must list one field per column of the file (%d), with \"\" for columns to ignore", n)
	} else {
		first := map[string]int{}
		for i, f := range m.Columns {
			if f == "" {
				continue
			}
			if !slices.Contains(Fields, f) {
				add(fmt.Sprintf("columns[%d]", i), "must be one of: %s, or \"\"", strings.Join(Fields, ", "))
				continue
			}
			if j, dup := first[f]; dup {
				add(fmt.Sprintf("columns[%d]", i), "%s is already mapped from column %d", f, j+1)
				continue
			}
			first[f] = i
		}
		if len(errs) == 0 && !m.has(FieldEmail) && !m.has(FieldLinkedIn) && !m.keyMapped(KeyNameCompany) {
			add("columns", "map an email, a LinkedIn URL, or first and last name (or full name) with company name: a row needs one of them to be usable")
		}
	}
	if len(m.MatchKeys) == 0 && len(m.Columns) == n {
		for _, k := range MatchKeys { // default: every mapped key, in the default order
			if m.keyMapped(k) {
				m.MatchKeys = append(m.MatchKeys, k)
			}
		}
	}
	if len(m.MatchKeys) == 0 {
		add("match_keys", "must name at least one of: %s", strings.Join(MatchKeys, ", "))
	}
	seen := map[string]bool{}
	for i, k := range m.MatchKeys {
		switch {
		case !slices.Contains(MatchKeys, k):
			add(fmt.Sprintf("match_keys[%d]", i), "must be one of: %s", strings.Join(MatchKeys, ", "))
		case seen[k]:
			add(fmt.Sprintf("match_keys[%d]", i), "is listed twice")
		case len(m.Columns) == n && !m.keyMapped(k):
			add(fmt.Sprintf("match_keys[%d]", i), "%s is not mapped to any column", k)
		}
		seen[k] = true
	}
	errs = append(errs, m.checkOptions(platform)...)
	if len(errs) > 0 {
		return apperr.Invalid("The mapping has invalid fields.", errs...)
	}
	return nil
}

// checkOptions checks (and fills in the defaults of) what a mapping says
// besides its columns and match keys: mode, default region, list, source.
func (m *Mapping) checkOptions(platform bool) []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if m.Mode == "" {
		m.Mode = ModeCreateAndUpdate
	}
	if !slices.Contains([]string{ModeCreateAndUpdate, ModeCreateOnly, ModeUpdateOnly}, m.Mode) {
		add("mode", "must be one of: %s, %s, %s", ModeCreateAndUpdate, ModeCreateOnly, ModeUpdateOnly)
	}
	if m.DefaultRegion != "" {
		code, ok := contacts.NormalizeCountry(m.DefaultRegion)
		if !ok {
			add("default_region", "must be an ISO 3166-1 alpha-2 country code")
		}
		m.DefaultRegion = code
	}
	switch {
	case platform && m.ListID != nil:
		add("list_id", "platform imports do not add to lists")
	case platform && m.Source == "":
		m.Source = "platform_import"
	case platform && !slices.Contains(PlatformSources, m.Source):
		add("source", "must be one of: %s", strings.Join(PlatformSources, ", "))
	case !platform && m.Source != "":
		add("source", "is for platform imports only")
	}
	return errs
}

// sourceRankSQL is a SQL expression ranking the source column col.
func sourceRankSQL(col string) string {
	var b strings.Builder
	b.WriteString("(CASE " + col)
	keys := make([]string, 0, len(sourceRanks))
	for k := range sourceRanks {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", k, sourceRanks[k])
	}
	b.WriteString(" ELSE 0 END)")
	return b.String()
}
