package contacts_test

import (
	"context"
	"fmt"
	"math/rand/v2"
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
