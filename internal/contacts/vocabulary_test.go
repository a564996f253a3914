package contacts_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// Writers that bring the same new words to the search vocabulary at once,
// each in its own order and over several statements of one transaction,
// must all commit: the vocabulary trigger inserts its words in one global
// order, so no two writers can wait on each other's words.
func TestVocabularyConcurrentWriters(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	prefix := dbtest.UniqueWord()
	words := make([]string, 60)
	for i := range words {
		words[i] = fmt.Sprintf("%s%03d", prefix, i)
	}

	const writers = 8
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			tx, err := d.SQL.BeginTx(ctx, nil)
			if err != nil {
				errs[w] = err
				return
			}
			defer func() { _ = tx.Rollback() }()
			for stmt := range 3 {
				order := r.Perm(len(words))
				names := make([]string, 0, 20)
				for _, i := range order[:20] {
					names = append(names, words[i])
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (id, first_name, last_name, company_name)
					SELECT gen_random_uuid(), n, 'Vocab', $1 FROM unnest($2::text[]) n`,
					fmt.Sprintf("%s w%d s%d", prefix, w, stmt), names); err != nil {
					errs[w] = err
					return
				}
			}
			errs[w] = tx.Commit()
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
	}
	count := func() (rows, distinct int) {
		t.Helper()
		if err := d.SQL.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT term) FROM search_terms WHERE term = ANY($1)`,
			words).Scan(&rows, &distinct); err != nil {
			t.Fatal(err)
		}
		return rows, distinct
	}
	if _, n := count(); n != len(words) {
		t.Fatalf("%d of %d words in the vocabulary", n, len(words))
	}

	// The race leaves some words more than once; compaction keeps one each.
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	if _, err := svc.CompactSearchTerms(ctx); err != nil {
		t.Fatal(err)
	}
	if rows, n := count(); rows != len(words) || n != len(words) {
		t.Fatalf("after compaction %d rows for %d words, want %d", rows, n, len(words))
	}

	// A search finds the new words by prefix (the expansion is distinct).
	tenant := MustCreateTenant(t, d, "DE")
	res, err := svc.Search(ctx, tenant, contacts.SearchParams{Query: prefix[:6], PageSize: 5, MaxPageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) == 0 {
		t.Fatal("a prefix of the new words finds nothing")
	}
}

// One statement's new contacts add each word once per owner, counting the
// rows that hold it: a shared contact's new words go to the shared
// vocabulary, a private contact's to its tenant's unless the shared one or
// the tenant's already has them (as of the statement's start). The trigger
// filters the counted words, not every row's (migration 00045); the rows
// it adds are the same.
func TestVocabularyTriggerRows(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	p := dbtest.UniqueWord()
	a, b := MustCreateTenant(t, d, "DE"), MustCreateTenant(t, d, "DE")
	if _, err := d.SQL.ExecContext(ctx, `INSERT INTO search_terms (term, ndoc, tenant_id)
		VALUES ($1 || 'shared', 5, NULL), ($1 || 'own', 3, $2)`, p, a); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SQL.ExecContext(ctx, `INSERT INTO contacts (id, last_name, title, owner_tenant_id)
		SELECT gen_random_uuid(), $1 || v.last, coalesce($1 || v.title, ''), v.owner
		FROM (VALUES ('alpha', NULL, NULL::uuid), ('alpha', 'beta', NULL), ('alpha', NULL, $2::uuid),
			('gamma', 'own', $2), ('gamma', 'shared', $2), ('gamma', 'own', $3::uuid)) v (last, title, owner)`,
		p, a, b); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := d.Pool.QueryRow(ctx, `SELECT array_agg(w ORDER BY w) FROM (SELECT substr(term, length($1) + 1) || ':' ||
			CASE WHEN tenant_id IS NULL THEN 'shared' WHEN tenant_id = $2 THEN 'a' WHEN tenant_id = $3 THEN 'b' END || ':' || ndoc AS w
		FROM search_terms WHERE starts_with(term, $1)) t`, p, a, b).Scan(&got); err != nil {
		t.Fatal(err)
	}
	want := []string{"alpha:a:1", "alpha:shared:2", "beta:shared:1", "gamma:a:2", "gamma:b:1", "own:a:3", "own:b:1", "shared:shared:5"}
	if !slices.Equal(got, want) {
		t.Fatalf("vocabulary %q, want %q", got, want)
	}
}
