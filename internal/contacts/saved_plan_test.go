package contacts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestSavedViewReadsOnlySavedContacts: the saved view's first page with no
// condition on the contact (no filter, a status, a list) counts and lists
// the tenant's saved contacts without reading contacts, and a status is
// read from its own index. The count joined every saved contact to its
// contact to check that the tenant may see it, so a rare status read all of
// a tenant's saved contacts and as many contacts (120-190 ms at 200,000
// saved); every saved contact is visible to its tenant
// (TestSavedContactsStayVisible), so the join checked nothing. A filter on
// the contact's fields still reads the contacts.
func TestSavedViewReadsOnlySavedContacts(t *testing.T) {
	t.Parallel()
	// A database of its own: its statistics are this test's.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	tenant := uuid.Must(uuid.NewV7())
	list := uuid.Must(uuid.NewV7())
	other := uuid.Must(uuid.NewV7())
	ten := "'" + tenant.String() + "'"
	for _, stmt := range []string{
		`INSERT INTO tenants (id, name) VALUES (` + ten + `, 'Big Co')`,
		`INSERT INTO contacts (id, first_name, last_name, country) SELECT gen_random_uuid(), 'Ann', 'Lee ' || n,
			CASE WHEN n % 50 = 0 THEN 'DE' ELSE 'US' END FROM generate_series(1, 30000) n`,
		// 20,000 saved, 70 % saved, 25 % approved, 5 % rejected.
		`INSERT INTO saved_contacts (tenant_id, contact_id, status, created_at)
			SELECT ` + ten + `, id, CASE WHEN rn % 20 = 0 THEN 'rejected' WHEN rn % 4 = 1 THEN 'approved' ELSE 'saved' END,
				now() - rn * interval '1 minute'
			FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM contacts) c WHERE rn <= 20000`,
		`INSERT INTO lists (tenant_id, id, name) VALUES (` + ten + `, '` + list.String() + `', 'Fair')`,
		`INSERT INTO list_members (tenant_id, list_id, contact_id)
			SELECT tenant_id, '` + list.String() + `', contact_id FROM saved_contacts WHERE status = 'saved' AND contact_id::text < '4'`,
		// Another tenant saved every contact.
		`INSERT INTO tenants (id, name) VALUES ('` + other.String() + `', 'Other Co')`,
		`INSERT INTO saved_contacts (tenant_id, contact_id) SELECT '` + other.String() + `', id FROM contacts`,
		`VACUUM ANALYZE contacts`, `VACUUM ANALYZE saved_contacts`, `VACUUM ANALYZE list_members`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, tc := range []struct {
		name string
		p    contacts.SavedParams
		// index is the one the count reads saved contacts by ("": any).
		index string
		// contacts: a condition reads the contact.
		contacts bool
	}{
		{"Everything", contacts.SavedParams{}, "", false},
		{"Rejected", contacts.SavedParams{Statuses: []string{contacts.SavedStatusRejected}}, "saved_contacts_status", false},
		{"Approved", contacts.SavedParams{Statuses: []string{contacts.SavedStatusApproved}}, "saved_contacts_status", false},
		{"List", contacts.SavedParams{ListID: &list}, "", false},
		{"Country", contacts.SavedParams{Filters: contacts.Filters{Countries: []string{"DE"}}}, "", true},
		{"Text", contacts.SavedParams{Query: "lee"}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			p.PageSize, p.MaxPageSize, p.NoCorrections = 25, 1000, true
			count, page, countArgs, pageArgs, err := svc.SavedSQL(ctx, tenant, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range []struct {
				sql   string
				args  []any
				count bool
			}{{count, countArgs, true}, {page, pageArgs, false}} {
				var raw string
				if err := d.Pool.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+st.sql,
					append([]any{pgx.QueryExecModeExec}, st.args...)...).Scan(&raw); err != nil {
					t.Fatalf("%s: %v", st.sql, err)
				}
				readsContacts := false
				dbtest.ParsePlan(t, []byte(raw)).Walk(func(n dbtest.PlanNode) {
					if n.Relation == "contacts" {
						readsContacts = true
					}
					// A bitmap heap scan reads by its bitmap's index.
					index := n.IndexName
					if n.NodeType == "Bitmap Heap Scan" && len(n.Plans) == 1 {
						index = n.Plans[0].IndexName
					}
					if st.count && tc.index != "" && n.Relation == "saved_contacts" && index != tc.index {
						t.Errorf("the count reads saved_contacts by a %s %q, not by %s:\n%s", n.NodeType, index, tc.index, raw)
					}
				})
				if readsContacts != tc.contacts {
					t.Errorf("reads contacts: %v, want %v:\n%s\n%s", readsContacts, tc.contacts, st.sql, raw)
				}
			}
			// The figures are the matches'.
			got, err := svc.ListSaved(ctx, tenant, p)
			if err != nil {
				t.Fatal(err)
			}
			var want int
			if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM saved_contacts s JOIN contacts c ON c.id = s.contact_id
				WHERE s.tenant_id = $1 AND (cardinality($2::text[]) = 0 OR s.status = ANY($2))
				AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM list_members lm WHERE lm.tenant_id = $1 AND lm.list_id = $3 AND lm.contact_id = s.contact_id))
				AND (cardinality($4::text[]) = 0 OR c.country = ANY($4))`,
				tenant, append([]string{}, p.Statuses...), p.ListID, append([]string{}, p.Filters.Countries...)).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if tc.name != "Text" && (got.Total != min(want, 10000) || got.TotalIsCapped != (want > 10000)) {
				t.Errorf("total %d (capped %v), want %d", got.Total, got.TotalIsCapped, want)
			}
			if len(got.Items) != min(want, 25) {
				t.Errorf("%d items, want %d", len(got.Items), min(want, 25))
			}
		})
	}
}

// TestSavedContactsStayVisible: a saved contact is visible to its tenant
// (shared, or the tenant's own), whatever writes it: the saved view with no
// condition on the contact does not check (TestSavedViewReadsOnlySavedContacts).
// Saving another tenant's private contact, moving a saved contact to it, or
// giving a contact another owner is refused by the database.
func TestSavedContactsStayVisible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.ctx
	var shared, own, foreign uuid.UUID
	for _, c := range []struct {
		id    *uuid.UUID
		owner *uuid.UUID
	}{{&shared, nil}, {&own, &b.tenant}, {&foreign, &b.other}} {
		*c.id = uuid.Must(uuid.NewV7())
		if _, err := b.db.Pool.Exec(ctx, `INSERT INTO contacts (id, first_name, last_name, company_name, owner_tenant_id)
			VALUES ($1, 'Ann', 'Lee', $2, $3)`, *c.id, b.word, c.owner); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.db.Pool.Exec(ctx, `INSERT INTO saved_contacts (tenant_id, contact_id) VALUES ($1, $2), ($1, $3)`,
		b.tenant, shared, own); err != nil {
		t.Fatalf("saving a shared and an own contact: %v", err)
	}
	refused := func(what, sql string, args ...any) {
		t.Helper()
		_, err := b.db.Pool.Exec(ctx, sql, args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
			t.Errorf("%s: %v, want a check violation", what, err)
		}
	}
	refused("saving another tenant's private contact",
		`INSERT INTO saved_contacts (tenant_id, contact_id) VALUES ($1, $2)`, b.tenant, foreign)
	refused("saving it among others",
		`INSERT INTO saved_contacts (tenant_id, contact_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
		b.tenant, []uuid.UUID{shared, foreign})
	refused("moving a saved contact to it",
		`UPDATE saved_contacts SET contact_id = $2 WHERE tenant_id = $1 AND contact_id = $3`, b.tenant, foreign, shared)
	refused("moving a saved contact to another tenant",
		`UPDATE saved_contacts SET tenant_id = $2 WHERE tenant_id = $1 AND contact_id = $3`, b.tenant, b.other, own)
	refused("giving the saved private contact another owner",
		`UPDATE contacts SET owner_tenant_id = $2 WHERE id = $1`, own, b.other)
	refused("making a saved shared contact private",
		`UPDATE contacts SET owner_tenant_id = $2 WHERE id = $1`, shared, b.other)
	if _, err := b.db.Pool.Exec(ctx, `UPDATE contacts SET owner_tenant_id = owner_tenant_id, title = 'CTO' WHERE id = ANY($1)`,
		[]uuid.UUID{shared, own}); err != nil {
		t.Errorf("an update that keeps the owner: %v", err)
	}
	page, err := b.svc.ListSaved(ctx, b.tenant, contacts.SavedParams{PageSize: 25, MaxPageSize: 100, Query: b.word})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 2 || len(page.Items) != 2 {
		t.Errorf("saved view: total %d, %d items, want the 2 saved", page.Total, len(page.Items))
	}
}

// TestSavedViewEstimatesLargeTotals: the saved view's first page counts
// its matches when that is cheap (no condition on the contact, or a
// condition the planner expects at most 3,000 saved contacts to meet) and
// reports the planner's estimate, flagged, when a condition on the contact
// is expected to match more: counting read the contacts of the tenant's
// saved contacts until 10,001 matched, all of them for a filter rare among
// them (100-300 ms at 200,000 saved). Later pages carry the first page's
// figures; a first page that is also the last counts exactly.
func TestSavedViewEstimatesLargeTotals(t *testing.T) {
	t.Parallel()
	// A database of its own: its statistics are this test's.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	tenant := uuid.Must(uuid.NewV7())
	ten := "'" + tenant.String() + "'"
	for _, stmt := range []string{
		`INSERT INTO tenants (id, name) VALUES (` + ten + `, 'Big Co')`,
		// 20,000 contacts in the US, one in 50 in Germany; 8,005 in Paris,
		// 5 of them among the first 10,005.
		`INSERT INTO contacts (id, first_name, last_name, country, city, created_at) SELECT gen_random_uuid(), 'Ann', 'Lee ' || n,
			CASE WHEN n % 50 = 0 THEN 'DE' ELSE 'US' END, CASE WHEN n <= 5 OR n > 12000 THEN 'Paris' ELSE 'Boston' END,
			now() - n * interval '1 second'
			FROM generate_series(1, 20000) n`,
		// The tenant saved the first 10,005.
		`INSERT INTO saved_contacts (tenant_id, contact_id, created_at)
			SELECT ` + ten + `, id, now() - rn * interval '1 minute'
			FROM (SELECT id, row_number() OVER (ORDER BY created_at DESC) rn FROM contacts) c WHERE rn <= 10005`,
		// It rejected 5 of them (in Boston): 10,000 left saved, exactly
		// as many as a total counts.
		`UPDATE saved_contacts SET status = 'rejected' WHERE tenant_id = ` + ten + ` AND contact_id IN
			(SELECT id FROM contacts WHERE last_name IN ('Lee 100', 'Lee 101', 'Lee 102', 'Lee 103', 'Lee 104'))`,
		`VACUUM ANALYZE contacts`, `VACUUM ANALYZE saved_contacts`,
	} {
		if err := d.Gorm.WithContext(ctx).Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, tc := range []struct {
		name     string
		filters  contacts.Filters
		statuses []string
		want     int  // the matches
		estimate bool // the first page's total is an estimate
	}{
		{"Everything", contacts.Filters{}, nil, 10005, false},
		{"ExactlyTheCap", contacts.Filters{}, []string{"saved"}, 10000, false},
		{"RareCountedExactly", contacts.Filters{Countries: []string{"DE"}}, nil, 200, false},
		{"CommonEstimated", contacts.Filters{Countries: []string{"US"}}, nil, 9805, true},
		// The planner expects 4,000 of the saved contacts in Paris: the
		// first page, also the last, has counted them.
		{"LastPageCounted", contacts.Filters{Cities: []string{"Paris"}}, nil, 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := contacts.SavedParams{Filters: tc.filters, Statuses: tc.statuses, PageSize: 25, MaxPageSize: 1000, NoCorrections: true}
			first, err := svc.ListSaved(ctx, tenant, p)
			if err != nil {
				t.Fatal(err)
			}
			if first.TotalIsEstimate != tc.estimate || first.TotalIsCapped != (tc.want > 10000 && !tc.estimate) {
				t.Fatalf("total %d, capped %v, estimate %v; want %d, estimate %v", first.Total, first.TotalIsCapped,
					first.TotalIsEstimate, tc.want, tc.estimate)
			}
			switch {
			case !tc.estimate && first.Total != min(tc.want, 10000):
				t.Errorf("total %d, want %d counted", first.Total, tc.want)
			case tc.estimate && (first.Total < tc.want*2/3 || first.Total > min(tc.want*3/2, 10000)):
				// The planner's figure is near the truth for a filter as
				// common among saved contacts as among contacts.
				t.Errorf("estimated total %d, far from %d", first.Total, tc.want)
			}
			if len(first.Items) != min(tc.want, 25) {
				t.Errorf("%d items, want %d", len(first.Items), min(tc.want, 25))
			}
			if tc.want <= 25 {
				if first.NextCursor != "" {
					t.Errorf("a next page after the last")
				}
				return
			}
			p.Cursor = first.NextCursor
			next, err := svc.ListSaved(ctx, tenant, p)
			if err != nil {
				t.Fatal(err)
			}
			if next.Total != first.Total || next.TotalIsCapped != first.TotalIsCapped || next.TotalIsEstimate != first.TotalIsEstimate {
				t.Errorf("the second page's total %d (capped %v, estimate %v), want the first's %d (%v, %v)", next.Total,
					next.TotalIsCapped, next.TotalIsEstimate, first.Total, first.TotalIsCapped, first.TotalIsEstimate)
			}
		})
	}
}
