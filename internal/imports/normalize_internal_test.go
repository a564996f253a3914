package imports

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestNormalizerBadOptionalField: a row is invalid only when it is not
// usable (no email, LinkedIn URL, or first name, last name and company)
// or has a problem of its own (a record the reader could not read whole,
// more fields than columns). A value that fails normalization in a field
// the row does not need is dropped with a warning; a bad value in the
// field that would have made it usable keeps it invalid with that reason.
func TestNormalizerBadOptionalField(t *testing.T) {
	t.Parallel()
	cols := []string{FieldEmail, FieldFirstName, FieldLastName, FieldCompanyName, FieldPhone, FieldCountry,
		FieldLinkedIn, FieldCompanyDomain, FieldTitle, FieldSeniority, FieldDepartment}
	rec := func(v map[string]string) Record {
		f := make([]string, len(cols))
		for i, c := range cols {
			f[i] = v[c]
		}
		return Record{Num: 7, Fields: f}
	}
	n := newNormalizer(Mapping{HasHeader: true, Columns: cols}, len(cols), "US")
	tests := []struct {
		name     string
		rec      Record
		usable   bool
		errors   []string // codes
		warnings []string // field:code
		check    func(t *testing.T, r row)
	}{
		{"BadPhoneGoodEmail", rec(map[string]string{FieldEmail: "ann@acme.example", FieldPhone: "ext. 12 ask for Bob"}),
			true, nil, []string{"phone:invalid_phone"}, func(t *testing.T, r row) {
				if r.Email != "ann@acme.example" || r.Phone != "" {
					t.Errorf("email %q phone %q", r.Email, r.Phone)
				}
				if r.Raw == "" {
					t.Errorf("a row with warnings keeps its original fields for errors.csv")
				}
			}},
		{"EveryOptionalFieldBad", rec(map[string]string{FieldEmail: "ann@acme.example", FieldPhone: "call me",
			FieldCountry: "Narnia", FieldLinkedIn: "https://example.com/ann", FieldCompanyDomain: "not a domain",
			FieldTitle: strings.Repeat("x", maxTitleLen+1), FieldSeniority: "galactic", FieldDepartment: "catering"}),
			true, nil, []string{"title:too_long", "seniority:invalid_seniority", "department:invalid_department",
				"company_domain:invalid_domain", "phone:invalid_phone", "linkedin_url:invalid_linkedin_url",
				"country:invalid_country"}, func(t *testing.T, r row) {
				for f, v := range r.values() {
					if f != FieldEmail {
						t.Errorf("%s kept %q", f, v)
					}
				}
			}},
		// A value of the longest length is refused for what it holds,
		// not for its length.
		{"ControlCharacterAtMaxLength", rec(map[string]string{FieldEmail: "ann@acme.example",
			FieldTitle: strings.Repeat("x", maxTitleLen-1) + "\x00"}), true, nil, []string{"title:invalid_text"}, nil},
		{"BadEmailOnlyKey", rec(map[string]string{FieldEmail: "bob@", FieldFirstName: "Bob", FieldPhone: "+1 415 555 0100"}),
			false, []string{"invalid_email"}, nil, nil},
		{"BadEmailOnlyKeyAndBadPhone", rec(map[string]string{FieldEmail: "bob@", FieldPhone: "call me"}),
			false, []string{"invalid_email", "invalid_phone"}, nil, nil},
		{"BadEmailGoodLinkedIn", rec(map[string]string{FieldEmail: "bob@@acme.example", FieldLinkedIn: "linkedin.com/in/bob-lee"}),
			true, nil, []string{"email:invalid_email"}, func(t *testing.T, r row) {
				if r.Email != "" || r.EmailDomain != "" || r.LinkedIn != "https://www.linkedin.com/in/bob-lee" {
					t.Errorf("email %q domain %q linkedin %q", r.Email, r.EmailDomain, r.LinkedIn)
				}
			}},
		{"BadEmailGoodNameAndCompany", rec(map[string]string{FieldEmail: "bob@@acme.example", FieldFirstName: "Bob",
			FieldLastName: "Lee", FieldCompanyName: "Acme"}), true, nil, []string{"email:invalid_email"}, nil},
		{"BadLinkedInOnlyKey", rec(map[string]string{FieldLinkedIn: "https://example.com/bob", FieldCountry: "DE"}),
			false, []string{"invalid_linkedin_url"}, nil, nil},
		{"TooLongLastNameNeededForKey", rec(map[string]string{FieldFirstName: "Bob",
			FieldLastName: strings.Repeat("L", maxNameLen+1), FieldCompanyName: "Acme"}), false, []string{"too_long"}, nil, nil},
		{"TooLongLastNameNotNeeded", rec(map[string]string{FieldEmail: "bob@acme.example", FieldFirstName: "Bob",
			FieldLastName: strings.Repeat("L", maxNameLen+1)}), true, nil, []string{"last_name:too_long"}, nil},
		{"BadPhoneNoKey", rec(map[string]string{FieldFirstName: "Bob", FieldPhone: "call me"}),
			false, []string{"invalid_phone", "not_usable"}, nil, nil},
		{"NoKey", rec(map[string]string{FieldFirstName: "Bob", FieldLastName: "Lee"}), false, []string{"not_usable"}, nil, nil},
		{"Clean", rec(map[string]string{FieldEmail: "ann@acme.example", FieldPhone: "+1 415 555 0100", FieldCountry: "Germany"}),
			true, nil, nil, func(t *testing.T, r row) {
				if r.Raw != "" {
					t.Errorf("a clean usable row keeps its fields: %q", r.Raw)
				}
			}},
		{"RaggedRowStaysInvalid", Record{Num: 7, Fields: append(rec(map[string]string{FieldEmail: "ann@acme.example",
			FieldPhone: "call me"}).Fields, "extra")}, false, []string{"ragged_row", "invalid_phone"}, nil, nil},
		{"UnterminatedStaysInvalid", Record{Num: 7, Fields: rec(map[string]string{FieldEmail: "ann@acme.example"}).Fields,
			Problem: ProblemUnterminated}, false, []string{ProblemUnterminated}, nil, nil},
		// A record the reader could not read whole has no values: not
		// the ones it seems to hold, nor errors of them.
		{"UnterminatedReadsNoValues", Record{Num: 7, Fields: rec(map[string]string{FieldEmail: "ann@acme.example",
			FieldPhone: "call me"}).Fields, Problem: ProblemUnterminated}, false, []string{ProblemUnterminated}, nil,
			func(t *testing.T, r row) {
				if v := r.values(); len(v) > 0 {
					t.Errorf("values %q", v)
				}
			}},
		{"BinaryStaysInvalid", Record{Num: 7, Fields: rec(map[string]string{FieldEmail: "ann@acme.example"}).Fields,
			Problem: ProblemBinary}, false, []string{ProblemBinary}, nil, nil},
		{"TooLongRecordStaysInvalid", Record{Num: 7, Fields: rec(map[string]string{FieldEmail: "ann@acme.example"}).Fields,
			Problem: ProblemTooLong}, false, []string{ProblemTooLong}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := n.row(tt.rec)
			var errs, warns []string
			for _, e := range r.Errors {
				errs = append(errs, e.Code)
			}
			for _, w := range r.Warnings {
				warns = append(warns, w.Field+":"+w.Code)
				if w.Message == "" {
					t.Errorf("warning %s has no message", w.Code)
				}
			}
			if r.Usable != tt.usable || !slices.Equal(errs, tt.errors) || !slices.Equal(warns, tt.warnings) {
				t.Fatalf("usable %v errors %v warnings %v, want %v %v %v", r.Usable, errs, warns, tt.usable, tt.errors, tt.warnings)
			}
			if !r.Usable && r.Raw == "" {
				t.Errorf("an invalid row keeps its original fields")
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// TestSeveralEmails reads a cell of two to maxCellEmails addresses as the
// first and the others' text, each other address once: more is a list,
// not one person's addresses, and a cell naming one address twice has no
// other to warn about.
func TestSeveralEmails(t *testing.T) {
	t.Parallel()
	addrs := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("p%d@acme.example", i))
		}
		return out
	}
	tests := []struct {
		name   string
		in     string
		first  string
		others []string
		ok     bool
	}{
		{"OKTwo", "ann@acme.example; bob@foo.example", "ann@acme.example", []string{"bob@foo.example"}, true},
		{"OKSlash", "ann@acme.example / Bob@Foo.example", "ann@acme.example", []string{"Bob@Foo.example"}, true},
		{"OKTen", strings.Join(addrs(maxCellEmails), "; "), "p0@acme.example", addrs(maxCellEmails)[1:], true},
		{"ErrEleven", strings.Join(addrs(maxCellEmails+1), "; "), "", nil, false},
		{"OKSameTwice", "ann@acme.example; ANN@acme.example", "ann@acme.example", nil, true},
		{"OKOtherTwiceListedOnce", "ann@acme.example, bob@foo.example, Bob@foo.example", "ann@acme.example",
			[]string{"bob@foo.example"}, true},
		// A split that fails part-way leaves nothing behind for the next.
		{"OKMixedSeparators", "ann@acme.example; bob@foo.example; carl@bar.example / dan@baz.example", "ann@acme.example",
			[]string{"bob@foo.example", "carl@bar.example", "dan@baz.example"}, true},
		{"ErrOne", "ann@acme.example", "", nil, false},
		{"ErrNotAllAddresses", "ann@acme.example; call me", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first, others, ok := severalEmails(tt.in)
			if ok != tt.ok || first != tt.first || !slices.Equal(others, tt.others) {
				t.Fatalf("severalEmails(%q) = %q, %q, %v; want %q, %q, %v", tt.in, first, others, ok, tt.first, tt.others, tt.ok)
			}
		})
	}
}

// TestNormalizerRegion: a phone written without its country code is read
// in the mapping's default region, else the tenant's, else the US.
func TestNormalizerRegion(t *testing.T) {
	t.Parallel()
	cols := []string{FieldEmail, FieldPhone}
	tests := []struct {
		name, mappingRegion, tenantRegion, phone, want string
	}{
		{"OKMappingRegionFirst", "GB", "DE", "020 7946 0958", "+442079460958"},
		{"OKTenantRegion", "", "DE", "030 1234567", "+49301234567"},
		{"OKUSWithoutEither", "", "", "(415) 555-2671", "+14155552671"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := newNormalizer(Mapping{HasHeader: true, Columns: cols, DefaultRegion: tt.mappingRegion}, len(cols), tt.tenantRegion)
			r := n.row(Record{Num: 2, Fields: []string{"ann@acme.example", tt.phone}})
			if r.Phone != tt.want || len(r.Warnings) > 0 {
				t.Fatalf("phone %q, warnings %v; want %q", r.Phone, r.Warnings, tt.want)
			}
		})
	}
}

// TestNormalizerFullNameFillsGaps: a full-name column fills the first or
// last name that its own column left empty, and never replaces one it
// gave; a full name may be twice as long as a name, and a part of it
// longer than a name is cut to one.
func TestNormalizerFullNameFillsGaps(t *testing.T) {
	t.Parallel()
	cols := []string{FieldEmail, FieldFirstName, FieldLastName, FieldFullName}
	n := newNormalizer(Mapping{HasHeader: true, Columns: cols}, len(cols), "US")
	long := "A" + strings.Repeat("n", maxNameLen+20)
	tests := []struct {
		name, first, last, full, wantFirst, wantLast string
	}{
		{"OKLastFromFull", "Ann", "", "Ann Lee", "Ann", "Lee"},
		{"OKFirstFromFull", "", "Lee", "Ann Lee", "Ann", "Lee"},
		{"OKBothFromFull", "", "", "Lee, Ann", "Ann", "Lee"},
		{"OKColumnsWin", "Annie", "Li", "Ann Lee", "Annie", "Li"},
		{"OKFirstColumnWins", "Annie", "", "Ann Lee", "Annie", "Lee"},
		{"OKFullTwiceANameLong", "", "", strings.Repeat("A", 90) + " " + strings.Repeat("B", 90),
			strings.Repeat("A", 90), strings.Repeat("B", 90)},
		{"OKLongPartCut", "", "", long + " Lee", shorten(long, maxNameLen), "Lee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := n.row(Record{Num: 2, Fields: []string{"ann@acme.example", tt.first, tt.last, tt.full}})
			if r.FirstName != tt.wantFirst || r.LastName != tt.wantLast || len(r.Warnings) > 0 {
				t.Fatalf("first %q, last %q, warnings %v; want %q, %q", r.FirstName, r.LastName, r.Warnings, tt.wantFirst, tt.wantLast)
			}
		})
	}
}

// TestNormalizerWarningsOnlyOnUsableRows: a value imported one of two
// ways or in part is a warning of a usable row only; an invalid row
// imports nothing and has its errors alone.
func TestNormalizerWarningsOnlyOnUsableRows(t *testing.T) {
	t.Parallel()
	cols := []string{FieldEmail, FieldFirstName, FieldPhone}
	n := newNormalizer(Mapping{HasHeader: true, Columns: cols}, len(cols), "DE").withNumeric([]int{2})
	tests := []struct {
		name, email, phone string
		usable             bool
		warnings           []string
	}{
		{"OKAmbiguousPhone", "ann@acme.example", "4917012345678", true, []string{"phone:" + CodeAmbiguousPhone}},
		{"ErrAmbiguousPhoneNoKey", "", "4917012345678", false, nil},
		{"OKExtension", "ann@acme.example", "+1 415 555 2671 x12", true, []string{"phone:" + CodePhoneExtension}},
		{"ErrExtensionNoKey", "", "+1 415 555 2671 x12", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := n.row(Record{Num: 2, Fields: []string{tt.email, "Ann", tt.phone}})
			var warns []string
			for _, w := range r.Warnings {
				warns = append(warns, w.Field+":"+w.Code)
			}
			if r.Usable != tt.usable || !slices.Equal(warns, tt.warnings) {
				t.Fatalf("usable %v, warnings %v, errors %v; want %v, %v", r.Usable, warns, r.Errors, tt.usable, tt.warnings)
			}
		})
	}
}

// TestSeniorityAndDepartment reads the names files write for a seniority
// or a department, in any case and with any spacing or punctuation, as
// the stored value; another word is none.
func TestSeniorityAndDepartment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(string) (string, bool)
		in   string
		want string
	}{
		{"OKSeniorityVicePresident", seniorityOf, "Vice President", "vp"},
		{"OKSeniorityCLevel", seniorityOf, "C-Level", "c_suite"},
		{"OKSeniorityEntryLevel", seniorityOf, "entry level", "entry"},
		{"OKSeniorityStoredForm", seniorityOf, "c_suite", "c_suite"},
		{"ErrSeniority", seniorityOf, "galactic", ""},
		{"OKDepartmentStoredForm", departmentOf, "Engineering", "engineering"},
		{"OKDepartmentStoredFormUnderscore", departmentOf, "Human Resources", "human_resources"},
		{"OKDepartmentSynonym", departmentOf, "R&D", "engineering"},
		{"ErrDepartment", departmentOf, "catering", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, ok := tt.fn(tt.in); got != tt.want || ok != (tt.want != "") {
				t.Fatalf("(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}
