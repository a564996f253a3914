package imports_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestMappingChangeDiscardsDryRun: a dry run's outcomes are those of the
// mapping it ran with. Changing the mapping or the options afterwards
// leaves no dry run behind that claims outcomes the import will not have
// (status, counts and records of the old mapping); the same mapping again
// keeps it.
func TestMappingChangeDiscardsDryRun(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name   string
		change func(m *imports.Mapping)
		keep   bool
	}{
		{"UpdateOnly", func(m *imports.Mapping) { m.Mode = imports.ModeUpdateOnly }, false},
		{"IgnoreColumn", func(m *imports.Mapping) { m.Columns[1] = ""; m.MatchKeys = []string{imports.KeyEmail} }, false},
		{"NoHeader", func(m *imports.Mapping) { m.HasHeader = false }, false},
		{"Unchanged", func(*imports.Mapping) {}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := MustCreateTenant(t, tb.db, "pro")
			w := tb.word + "x" + uuid.NewString()[:6]
			file := fmt.Sprintf("Email,Full Name,Company\nd1@%[1]s.example,Ann Lee,Acme\nd2@%[1]s.example,Bo Ng,Acme\nbad,Cy Li,\n", w) // row 4: a bad email, its only key
			imp := tb.MustUpload(t, tenant, "dry.csv", file)
			dry := tb.MustRun(t, tenant, imp.ID, true)
			if dry.Status != imports.StatusCompleted || dry.Counts != (imports.Counts{Created: 2, Invalid: 1}) {
				t.Fatalf("dry run: %s %+v", dry.Status, dry.Counts)
			}
			m := dry.Mapping
			m.Columns = append([]string(nil), m.Columns...)
			tt.change(&m)
			got, err := tb.svc.SetMapping(tb.ctx, tenant, imp.ID, m)
			if err != nil {
				t.Fatalf("mapping after a dry run: %v", err)
			}
			reread, err := tb.svc.Get(tb.ctx, tenant, imp.ID)
			if err != nil {
				t.Fatal(err)
			}
			recs := tb.records(t, tenant, imp.ID)
			for _, g := range []*imports.Import{got, reread} {
				if tt.keep {
					if g.Status != imports.StatusCompleted || !g.DryRun || g.Counts != dry.Counts || len(recs) != 3 {
						t.Fatalf("unchanged mapping: %s dry=%v %+v, %d records; want the dry run kept", g.Status, g.DryRun, g.Counts, len(recs))
					}
					continue
				}
				if g.Status != imports.StatusUploaded || g.DryRun || g.Counts != (imports.Counts{}) || g.RowsDone != 0 ||
					g.FinishedAt != nil || len(recs) != 0 {
					t.Fatalf("after the change: %s dry=%v %+v, rows done %d, %d records; want an import that has not run",
						g.Status, g.DryRun, g.Counts, g.RowsDone, len(recs))
				}
			}
			// The next dry run reads the file under the new mapping.
			again := tb.MustRun(t, tenant, imp.ID, true)
			if again.Status != imports.StatusCompleted || again.RowsDone != again.RowCount() {
				t.Fatalf("second dry run: %s, %d of %d rows", again.Status, again.RowsDone, again.RowCount())
			}
			if n := len(tb.records(t, tenant, imp.ID)); n != again.RowCount() {
				t.Fatalf("%d records for %d rows", n, again.RowCount())
			}
		})
	}
}

// TestDryRunCountsUpdates: a dry run says which matched rows would change
// their contact, as the real run then does (the wizard shows the dry run's
// "Updated" beside its outcomes), also when two rows of a batch match one
// contact (the second changes it only where the first left something to
// change) and for a platform import's source precedence.
func TestDryRunCountsUpdates(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name      string
		platform  bool
		overwrite bool
		// rows after the header Email,LinkedIn,Title,City; %[1]s is the
		// contact's email local part's domain word
		rows        string
		wantUpdated []int
	}{
		// Row 2 fills the empty city; row 3 (the same contact by LinkedIn) has nothing left to fill.
		{"Fill", false, false, "pia@%[1]s.example,,New Title,Berlin\n,https://www.linkedin.com/in/pia-%[1]s,Other,Berlin\n", []int{2}},
		// With overwrite both replace the title, one after the other.
		{"Overwrite", false, true, "pia@%[1]s.example,,CTO,Berlin\n,https://www.linkedin.com/in/pia-%[1]s,CEO,Berlin\n", []int{2, 3}},
		// Row 3 writes what row 2 already wrote.
		{"OverwriteSame", false, true, "pia@%[1]s.example,,CTO,Berlin\n,https://www.linkedin.com/in/pia-%[1]s,CTO,Berlin\n", []int{2}},
		// Nothing new.
		{"Unchanged", false, true, "pia@%[1]s.example,,Old Title,\n", nil},
		// A platform import (source platform_import) fills a seeded contact's city and overwrites its title.
		{"Platform", true, true, "pia@%[1]s.example,,CTO,Berlin\n", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := tb.word + strings.ToLower(tt.name)
			tenant := imports.Platform
			var owner any
			if !tt.platform {
				tenant = MustCreateTenant(t, tb.db, "pro")
				owner = tenant
			}
			if _, err := tb.db.Pool.Exec(tb.ctx, `INSERT INTO contacts (id, first_name, last_name, email, linkedin_url, title,
				owner_tenant_id, source) VALUES ($1, 'Pia', 'Private', $2, $3, 'Old Title', $4, 'seed')`, uuid.Must(uuid.NewV7()),
				"pia@"+w+".example", "https://www.linkedin.com/in/pia-"+w, owner); err != nil {
				t.Fatal(err)
			}
			imp := tb.MustUpload(t, tenant, "updates.csv", "Email,LinkedIn,Title,City\n"+fmt.Sprintf(tt.rows, w))
			m := imp.Mapping
			m.Overwrite = tt.overwrite
			if _, err := tb.svc.SetMapping(tb.ctx, tenant, imp.ID, m); err != nil {
				t.Fatal(err)
			}
			updatedRows := func() []int {
				var out []int
				for n, r := range tb.records(t, tenant, imp.ID) {
					if r.Updated {
						out = append(out, n)
					}
				}
				slices.Sort(out)
				return out
			}
			dry := tb.MustRun(t, tenant, imp.ID, true)
			dryUpdated := updatedRows()
			var title string
			if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT title FROM contacts WHERE email = $1`, "pia@"+w+".example").Scan(&title); err != nil {
				t.Fatal(err)
			}
			if title != "Old Title" {
				t.Fatalf("the dry run changed the contact: title %q", title)
			}
			real := tb.MustRun(t, tenant, imp.ID, false)
			realUpdated := updatedRows()
			if !slices.Equal(realUpdated, tt.wantUpdated) || real.Counts.Updated != len(tt.wantUpdated) {
				t.Fatalf("real run: updated rows %v (count %d), want %v", realUpdated, real.Counts.Updated, tt.wantUpdated)
			}
			if dry.Counts != real.Counts || !slices.Equal(dryUpdated, realUpdated) {
				t.Fatalf("dry run %+v, updated rows %v; real run %+v, updated rows %v", dry.Counts, dryUpdated, real.Counts, realUpdated)
			}
		})
	}
}
