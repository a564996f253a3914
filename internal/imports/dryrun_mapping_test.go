package imports_test

import (
	"fmt"
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
			file := fmt.Sprintf("Email,Full Name,Company\nd1@%[1]s.example,Ann Lee,Acme\nd2@%[1]s.example,Bo Ng,Acme\nbad,Cy Li,Acme\n", w)
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
