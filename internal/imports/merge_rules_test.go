package imports_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/imports"
)

// seedContact is a contact that exists before a merge case's import.
// seedCompany is a company that exists before a merge case's import; a
// seeded contact's company_id names it as "company:<ref>".
type seedCompany struct {
	ref, name, domain string // %[1]s is the case's word
}

type seedContact struct {
	ref   string // how the case names it
	owner string // "" shared, "own" the importing tenant's, "other" another tenant's
	// columns of contacts (%[1]s is the case's word); linkedin_url is
	// stored as the importer normalizes it, source is 'seed' unless given
	cols map[string]string
}

// fieldCheck is what a column of a contact holds after the import: a
// seeded one by its ref, or the one a row created ("row:N").
type fieldCheck struct {
	ref, col, want string
}

// mergeCase is one import, its mapping's merge options and contacts that
// exist before it, and what a user sees after it: each row's outcome,
// the contact it names, a record's errors and warnings, and contacts'
// values.
type mergeCase struct {
	name      string
	companies []seedCompany
	contacts  []seedContact
	keys      []string // the mapping's match keys; nil keeps the upload's
	mode      string   // "" keeps create_and_update
	overwrite bool
	source    string // a platform import's source; "" for a tenant's import
	file      string // CSV; %[1]s is the case's word
	outcomes  map[int]string
	contact   map[int]string // row → the seeded contact it names, "row:N" the one row N names, "-" none
	dupOf     map[int]int
	errCode   map[int]string // row → the code of its record's first error
	warnings  map[int]int    // row → how many warnings its record has
	fields    []fieldCheck
	counts    *imports.Counts
}

// TestMergeRules runs imports against contacts that exist before them
// and checks what a user sees of each row and contact: the rules of
// docs/API.md "What counts as the same person" and the mapping's mode,
// overwrite and source, one case a rule (each kills a hand-made mutant
// of the statements in process_store.go that the older tests let
// through).
func TestMergeRules(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []mergeCase{
		{
			// A LinkedIn URL tells two namesakes at one company apart: the
			// row is not the shared contact with another profile.
			name: "OtherLinkedInIsOtherPerson",
			contacts: []seedContact{{ref: "jane", cols: map[string]string{"first_name": "Jane", "last_name": "Smith",
				"company_name": "Acme %[1]s", "linkedin_url": "linkedin.com/in/jane-a-%[1]s"}}},
			file:     "First Name,Last Name,Company,LinkedIn\nJane,Smith,Acme %[1]s,linkedin.com/in/jane-b-%[1]s\n",
			outcomes: map[int]string{2: "created"},
			contact:  map[int]string{2: "row:2"},
		},
		{
			// With name and company first, a namesake at another company, or
			// another name at the company, is another person even where the
			// email that follows agrees.
			name: "NameAtOtherCompanyIsOtherPerson",
			contacts: []seedContact{{ref: "jane", cols: map[string]string{"first_name": "Jane", "last_name": "Smith",
				"company_name": "Acme %[1]s", "email": "jane@%[1]s.example"}}},
			keys:     []string{imports.KeyNameCompany, imports.KeyEmail},
			file:     "First Name,Last Name,Company,Email\nJane,Smith,Beta %[1]s,jane@%[1]s.example\nJoe,Smith,Acme %[1]s,jane@%[1]s.example\n",
			outcomes: map[int]string{2: "created", 3: "created"},
			contact:  map[int]string{2: "row:2", 3: "row:3"},
		},
		{
			// A row that repeats a row of an earlier batch points at it
			// (the lowest row it repeats), also when it repeats a later
			// row of its own batch by another key.
			name:     "PriorBatchRowBeforeOwnBatch",
			file:     "Email,LinkedIn,First Name\na@%[1]s.example,,Ann\nfill@%[1]s.example,,Fill\n,linkedin.com/in/a-%[1]s,Ann\na@%[1]s.example,linkedin.com/in/a-%[1]s,Ann\n",
			outcomes: map[int]string{2: "created", 3: "created", 4: "created", 5: "duplicate"},
			dupOf:    map[int]int{5: 2},
			contact:  map[int]string{5: "row:2"},
		},
		{
			// A duplicate points at the first row of its chain, and names
			// its contact, however many rows lead there: 5 repeats 4 by
			// name and company, 4 repeats 3 by LinkedIn URL, 3 repeats 2 by
			// email.
			name: "ChainOfThree",
			file: "Email,LinkedIn,First Name,Last Name,Company\n" +
				"a@%[1]s.example,,Ann,One,X %[1]s\n" +
				"a@%[1]s.example,linkedin.com/in/b-%[1]s,Bob,Two,X %[1]s\n" +
				",linkedin.com/in/b-%[1]s,Cat,Three,X %[1]s\n" +
				",,Cat,Three,X %[1]s\n",
			outcomes: map[int]string{2: "created", 3: "duplicate", 4: "duplicate", 5: "duplicate"},
			dupOf:    map[int]int{3: 2, 4: 2, 5: 2},
			contact:  map[int]string{3: "row:2", 4: "row:2", 5: "row:2"},
		},
		{
			// Of several contacts a key finds, the tenant's own private one,
			// then the oldest; another tenant's private contact is not
			// seen.
			name: "OwnThenOldest",
			contacts: []seedContact{
				{ref: "oldShared", cols: map[string]string{"email": "a@%[1]s.example"}},
				{ref: "newShared", cols: map[string]string{"email": "a@%[1]s.example"}},
				{ref: "shared", cols: map[string]string{"email": "b@%[1]s.example"}},
				{ref: "own", owner: "own", cols: map[string]string{"email": "b@%[1]s.example"}},
				{ref: "others", owner: "other", cols: map[string]string{"email": "c@%[1]s.example"}},
			},
			file:     "Email,First Name\na@%[1]s.example,Ann\nb@%[1]s.example,Bea\nc@%[1]s.example,Cy\n",
			outcomes: map[int]string{2: "matched", 3: "matched", 4: "created"},
			contact:  map[int]string{2: "oldShared", 3: "own", 4: "row:4"},
			fields:   []fieldCheck{{"others", "first_name", ""}},
		},
		{
			// Without overwrite a row fills what its contact lacks (email
			// and phone too) and keeps what it has.
			name: "FillIfEmpty",
			contacts: []seedContact{{ref: "own", owner: "own", cols: map[string]string{"first_name": "Ann",
				"linkedin_url": "linkedin.com/in/a-%[1]s", "title": "Old Title"}}},
			file:     "LinkedIn,Email,Phone,Title,City\nlinkedin.com/in/a-%[1]s,ann@%[1]s.example,+4930123456,New Title,Berlin\n",
			outcomes: map[int]string{2: "matched"},
			contact:  map[int]string{2: "own"},
			fields: []fieldCheck{{"own", "title", "Old Title"}, {"own", "city", "Berlin"}, {"own", "phone", "+4930123456"},
				{"own", "email", "ann@%[1]s.example"}},
			counts: &imports.Counts{Matched: 1, Updated: 1},
		},
		{
			// With overwrite a row replaces what it has a value for and
			// keeps what it leaves empty.
			name: "OverwriteWhereRowHasValue",
			contacts: []seedContact{{ref: "own", owner: "own", cols: map[string]string{"email": "ann@%[1]s.example",
				"title": "Old Title", "city": "Rome", "phone": "+4930111111"}}},
			overwrite: true,
			file:      "Email,Phone,Title,City\nann@%[1]s.example,,New Title,\n",
			outcomes:  map[int]string{2: "matched"},
			fields:    []fieldCheck{{"own", "title", "New Title"}, {"own", "city", "Rome"}, {"own", "phone", "+4930111111"}},
			counts:    &imports.Counts{Matched: 1, Updated: 1},
		},
		{
			// A platform import replaces a shared contact's values where
			// its source ranks at least as high (the same source too), and
			// neither matches nor changes a tenant's private contact.
			name: "PlatformSameSource",
			contacts: []seedContact{
				{ref: "vendor", cols: map[string]string{"email": "v@%[1]s.example", "title": "Old Title", "source": "vendor"}},
				{ref: "private", owner: "own", cols: map[string]string{"email": "p@%[1]s.example", "title": "Old Title"}},
			},
			source:    "vendor",
			overwrite: true,
			file:      "Email,Title\nv@%[1]s.example,New Title\np@%[1]s.example,New Title\n",
			outcomes:  map[int]string{2: "matched", 3: "created"},
			contact:   map[int]string{2: "vendor", 3: "row:3"},
			fields: []fieldCheck{{"vendor", "title", "New Title"}, {"vendor", "source", "vendor"},
				{"private", "title", "Old Title"}, {"row:3", "owner_tenant_id", ""}, {"row:3", "source", "vendor"}},
		},
		{
			// update_only: a row that matches nothing is invalid
			// (not_matched) and creates nothing, and so is a row that
			// repeats it; a repeat of a matched row is its duplicate.
			name:     "UpdateOnly",
			contacts: []seedContact{{ref: "own", owner: "own", cols: map[string]string{"email": "a@%[1]s.example"}}},
			mode:     imports.ModeUpdateOnly,
			file: "Email,LinkedIn,Title,Phone\na@%[1]s.example,,New Title,\nb@%[1]s.example,,CTO,not a phone\nb@%[1]s.example,,CTO,\n" +
				"a@%[1]s.example,linkedin.com/in/a-%[1]s,,\n",
			outcomes: map[int]string{2: "matched", 3: "invalid", 4: "invalid", 5: "duplicate"},
			contact:  map[int]string{2: "own", 3: "-", 4: "-", 5: "own"},
			errCode:  map[int]string{3: "not_matched", 4: "not_matched"},
			warnings: map[int]int{3: 0}, // an invalid row has errors, not warnings
			fields:   []fieldCheck{{"own", "title", "New Title"}},
			counts:   &imports.Counts{Matched: 1, Updated: 1, Invalid: 2, Duplicate: 1},
		},
		{
			// The first key in the mapping's order that finds a contact
			// wins over a later key that finds another.
			name: "FirstKeyWins",
			contacts: []seedContact{
				{ref: "byEmail", cols: map[string]string{"email": "a@%[1]s.example"}},
				{ref: "byLinkedIn", cols: map[string]string{"linkedin_url": "linkedin.com/in/a-%[1]s"}},
			},
			file:     "Email,LinkedIn\na@%[1]s.example,linkedin.com/in/a-%[1]s\n",
			outcomes: map[int]string{2: "matched"},
			contact:  map[int]string{2: "byEmail"},
		},
		{
			// A contact linked to a company keeps the company's name, also
			// with overwrite (companies_propagate names it); one without
			// takes the row's.
			name:      "LinkedCompanyKeepsItsName",
			companies: []seedCompany{{ref: "acme", name: "Acme %[1]s", domain: "acme-%[1]s.example"}},
			contacts: []seedContact{
				{ref: "linked", owner: "own", cols: map[string]string{"email": "a@%[1]s.example", "company_name": "Acme %[1]s",
					"company_id": "company:acme"}},
				{ref: "free", owner: "own", cols: map[string]string{"email": "b@%[1]s.example", "company_name": "Old %[1]s"}},
			},
			overwrite: true,
			file:      "Email,Company\na@%[1]s.example,Other %[1]s\nb@%[1]s.example,Other %[1]s\n",
			outcomes:  map[int]string{2: "matched", 3: "matched"},
			fields:    []fieldCheck{{"linked", "company_name", "Acme %[1]s"}, {"free", "company_name", "Other %[1]s"}},
		},
		{
			// Two rows of a batch that match one contact by different keys
			// write it one after the other in row order: with overwrite the
			// later row's values win, and each row that changes it counts.
			name: "TwoRowsOneContact",
			contacts: []seedContact{
				{ref: "own", owner: "own", cols: map[string]string{"email": "a@%[1]s.example",
					"linkedin_url": "linkedin.com/in/a-%[1]s", "title": "Old Title"}},
				{ref: "single", owner: "own", cols: map[string]string{"email": "b@%[1]s.example"}},
			},
			overwrite: true,
			file: "Email,LinkedIn,Title,City\na@%[1]s.example,,Second Title,Oslo\n,linkedin.com/in/a-%[1]s,Third Title,\n" +
				"b@%[1]s.example,,Single Title,\n",
			outcomes: map[int]string{2: "matched", 3: "matched", 4: "matched"},
			contact:  map[int]string{2: "own", 3: "own", 4: "single"},
			fields:   []fieldCheck{{"own", "title", "Third Title"}, {"own", "city", "Oslo"}, {"single", "title", "Single Title"}},
			counts:   &imports.Counts{Matched: 3, Updated: 3},
		},
		{
			// A new contact linked to a company by its email's domain
			// (the company names agreeing) takes the company's canonical
			// name.
			name:      "NewContactTakesCanonicalName",
			companies: []seedCompany{{ref: "acme", name: "Acme %[1]s", domain: "acme-%[1]s.example"}},
			file:      "Email,First Name,Company\nann@acme-%[1]s.example,Ann,ACME %[1]s Inc.\n",
			outcomes:  map[int]string{2: "created"},
			fields:    []fieldCheck{{"row:2", "company_name", "Acme %[1]s"}, {"row:2", "company_domain", "acme-%[1]s.example"}},
		},
	}
	for _, tt := range tests {
		// The outcome does not depend on where batches split, nor on a
		// crash that lost the key table: each case runs in one batch, in
		// batches of two rows, and in batches of two rows where the run
		// stops after row 3 and PostgreSQL empties the key table (unlogged)
		// before the next run rebuilds it.
		for _, split := range []struct {
			name  string
			o     imports.Options
			crash bool
		}{{"OneBatch", imports.Options{}, false}, {"TwoRowBatches", twoRowBatches, false}, {"KeysLostAfterRow3", twoRowBatches, true}} {
			t.Run(tt.name+"/"+split.name, func(t *testing.T) {
				t.Parallel()
				o := split.o
				var crashed atomic.Bool
				if split.crash {
					o = imports.WithAfterBatch(o, func(_ uuid.UUID, merged int) error {
						if merged > 3 && crashed.CompareAndSwap(false, true) {
							return errors.New("simulated crash")
						}
						return nil
					})
				}
				run := &testBundle{ctx: tb.ctx, db: tb.db, svc: imports.NewService(tb.db, tb.lim, o), user: tb.user,
					word: tb.word + strings.ToLower(tt.name+split.name)}
				run.runMergeCase(t, tt, split.crash)
			})
		}
	}
}

var twoRowBatches = imports.Options{BatchRows: 2, MinBatchRows: 2, MaxBatchRows: 2}

// runMergeCase runs tt; with crash, a first run that fails (the batch
// hook's simulated crash) is followed by an emptied key table and a
// second run.
func (tb *testBundle) runMergeCase(t *testing.T, tt mergeCase, crash bool) {
	t.Helper()
	w := tb.word
	tenant := MustCreateTenant(t, tb.db, "pro")
	other := MustCreateTenant(t, tb.db, "pro")
	ids := map[string]uuid.UUID{}
	for _, co := range tt.companies {
		id := uuid.Must(uuid.NewV7())
		if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO companies (id, name, domain) VALUES ($1, $2, $3)`, id,
			strings.ReplaceAll(co.name, "%[1]s", w), strings.ReplaceAll(co.domain, "%[1]s", w)); err != nil {
			t.Fatal(err)
		}
		ids["company:"+co.ref] = id
	}
	for _, c := range tt.contacts {
		id := uuid.Must(uuid.NewV7())
		var owner any
		switch c.owner {
		case "own":
			owner = tenant
		case "other":
			owner = other
		}
		cols, args := []string{"id", "owner_tenant_id", "source"}, []any{id, owner, "seed"}
		for col, v := range c.cols {
			v = strings.ReplaceAll(v, "%[1]s", w)
			if col == "linkedin_url" {
				l, ok := contacts.NormalizeLinkedIn(v)
				if !ok {
					t.Fatalf("%s: not a LinkedIn URL", v)
				}
				v = l
			}
			if strings.HasPrefix(v, "company:") {
				cols, args = append(cols, col), append(args, ids[v])
				continue
			}
			if col == "source" {
				args[2] = v
				continue
			}
			cols, args = append(cols, col), append(args, v)
		}
		ph := make([]string, len(cols))
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO contacts (`+strings.Join(cols, ", ")+`) VALUES (`+
			strings.Join(ph, ", ")+`)`, args...); err != nil {
			t.Fatal(err)
		}
		ids[c.ref] = id
	}
	var imp *imports.Import
	var err error
	var scope uuid.UUID // tenant for a tenant's import, uuid.Nil (imports.Platform) for a platform import
	if tt.source == "" {
		scope = tenant
		imp = tb.MustUpload(t, tenant, "merge.csv", fmt.Sprintf(tt.file, w))
	} else {
		scope = imports.Platform
		imp = tb.MustUpload(t, scope, "merge.csv", fmt.Sprintf(tt.file, w))
	}
	m := imp.Mapping
	if tt.keys != nil {
		m.MatchKeys = tt.keys
	}
	if tt.mode != "" {
		m.Mode = tt.mode
	}
	m.Overwrite = tt.overwrite
	if tt.source != "" {
		m.Source = tt.source
	}
	if _, err = tb.svc.SetMapping(tb.ctx, scope, imp.ID, m); err != nil {
		t.Fatal(err)
	}
	var done *imports.Import
	if crash {
		if _, err := tb.svc.Start(tb.ctx, scope, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
			t.Fatal(err)
		}
		if err := tb.workOnce(t, imp.ID); err != nil {
			if !strings.Contains(err.Error(), "simulated crash") {
				t.Fatalf("first run: %v", err)
			}
			if _, err := tb.db.Pool.Exec(tb.ctx, `TRUNCATE `+imports.KeysTable(imp.ID)); err != nil {
				t.Fatal(err)
			}
		}
		done = tb.MustWork(t, scope, imp.ID)
	} else {
		done = tb.MustRun(t, scope, imp.ID, false)
	}
	if done.Status != imports.StatusCompleted {
		t.Fatalf("import %s: %s", done.Status, done.Error)
	}
	recs := tb.records(t, scope, imp.ID)
	for row, o := range tt.outcomes {
		if recs[row].Outcome != o {
			t.Errorf("row %d: %s %s, want %s", row, recs[row].Outcome, recs[row].Errors, o)
		}
	}
	contactOf := func(ref string) uuid.UUID {
		var n int
		if _, err := fmt.Sscanf(ref, "row:%d", &n); err == nil {
			if recs[n].ContactID == nil {
				t.Fatalf("row %d names no contact", n)
			}
			return *recs[n].ContactID
		}
		id, ok := ids[ref]
		if !ok {
			t.Fatalf("no contact %s", ref)
		}
		return id
	}
	for row, ref := range tt.contact {
		if ref == "-" {
			if got := recs[row].ContactID; got != nil {
				t.Errorf("row %d: contact %s, want none", row, got)
			}
			continue
		}
		want := contactOf(ref)
		if got := recs[row].ContactID; got == nil || *got != want {
			t.Errorf("row %d: contact %v, want %s (%s)", row, got, ref, want)
		}
	}
	for row, n := range tt.dupOf {
		if got := recs[row].DuplicateOf; got == nil || *got != n {
			t.Errorf("row %d: duplicate of %v, want %d", row, got, n)
		}
	}
	for row, code := range tt.errCode {
		if got := recs[row].Errors; len(got) == 0 || got[0].Code != code {
			t.Errorf("row %d: errors %v, want %s", row, got, code)
		}
	}
	for row, n := range tt.warnings {
		if got := recs[row].Warnings; len(got) != n {
			t.Errorf("row %d: warnings %v, want %d", row, got, n)
		}
	}
	for _, f := range tt.fields {
		var got string
		if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT coalesce(`+f.col+`::text, '') FROM contacts WHERE id = $1`,
			contactOf(f.ref)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(f.want, "%[1]s", w); got != want {
			t.Errorf("%s's %s: %q, want %q", f.ref, f.col, got, want)
		}
	}
	if tt.counts != nil && done.Counts != *tt.counts {
		t.Errorf("counts %+v, want %+v", done.Counts, *tt.counts)
	}
}
