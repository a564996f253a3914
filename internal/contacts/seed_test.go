package contacts_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	var out bytes.Buffer
	stats, err := contacts.Seed(ctx, d, contacts.SeedOpts{Contacts: 3000, Companies: 300, Seed: 5, Progress: &out})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Contacts != 3000 || !strings.Contains(out.String(), "seeded 300 companies and 3000 contacts") {
		t.Fatalf("stats %+v, output %q", stats, out.String())
	}
	var n, indexes, terms int
	if err := d.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM pg_indexes WHERE tablename = 'contacts'),
		(SELECT count(*) FROM search_terms)`).Scan(&n, &indexes, &terms); err != nil {
		t.Fatal(err)
	}
	if n != 3000 || indexes < 7 || terms < 100 {
		t.Fatalf("contacts %d, indexes %d, vocabulary %d", n, indexes, terms)
	}

	t.Run("ErrConflictWhenDataExists", func(t *testing.T) {
		_, err := contacts.Seed(ctx, d, contacts.SeedOpts{Contacts: 10, Companies: 1, Seed: 5})
		wantCode(t, err, apperr.ECONFLICT)
	})
	t.Run("OKDemoIsIdempotent", func(t *testing.T) {
		var out bytes.Buffer
		if err := contacts.SeedDemo(ctx, d, &out); err != nil || !strings.Contains(out.String(), "nothing to do") {
			t.Fatalf("SeedDemo: %v, %q", err, out.String())
		}
	})
	t.Run("OKSearchSeededData", func(t *testing.T) {
		tenant := MustCreateTenant(t, d, "US")
		svc := contacts.NewService(d, []byte("seed-test-key-0123456789"))
		res, err := svc.Search(ctx, tenant, contacts.SearchParams{Query: "enginer", PageSize: 10, MaxPageSize: 10, Facets: true})
		if err != nil || len(res.Items) == 0 || res.Total == 0 || len(res.Facets.Department) == 0 {
			t.Fatalf("search = %+v, %v", res, err)
		}
	})
	t.Run("ErrInvalidSize", func(t *testing.T) {
		_, err := contacts.Seed(ctx, d, contacts.SeedOpts{Contacts: 10, Companies: 0})
		wantCode(t, err, apperr.EINVALID)
	})
}
