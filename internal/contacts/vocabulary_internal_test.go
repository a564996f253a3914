package contacts

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// A private contact's words are its tenant's vocabulary: they expand that
// tenant's prefixes and typos, never another tenant's.
func TestVocabularyPerTenant(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // refreshSearchTerms rebuilds the whole vocabulary
	ctx := context.Background()
	svc := NewService(d, []byte("test-cursor-key-0123456789"))

	var b [6]byte
	_, _ = rand.Read(b[:])
	w := "v"
	for _, c := range b {
		w += string(rune('a' + c%26))
	}
	tenant := func() uuid.UUID {
		id := uuid.New()
		if _, err := d.Pool.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ($1, 'Vocabulary')`, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, other := tenant(), tenant()
	for _, c := range []struct {
		last  string
		owner *uuid.UUID
	}{{w + "alpha", nil}, {w + "betamax", &a}, {w + "gamma", &other}} {
		if _, err := d.Pool.Exec(ctx, `INSERT INTO contacts (id, first_name, last_name, owner_tenant_id)
			VALUES (gen_random_uuid(), 'Vocab', $1, $2)`, c.last, c.owner); err != nil {
			t.Fatal(err)
		}
	}

	// Typo candidates may include the shared word too (it shares the
	// random prefix), so those cases only say what must and must not be
	// among them.
	tests := []struct {
		name, query  string
		tenant       uuid.UUID
		wantPrefixed []string
		wantSimilar  string // among the typo candidates
		notSimilar   string // never among them
	}{
		{"OKPrefixOwnAndShared", w, a, []string{w + "alpha", w + "betamax"}, "", ""},
		{"OKPrefixOtherTenant", w, other, []string{w + "alpha", w + "gamma"}, "", ""},
		{"OKTypoOwn", w + "betamac", a, nil, w + "betamax", w + "gamma"},
		{"OKTypoNotAnotherTenants", w + "betamac", other, nil, "", w + "betamax"},
		{"OKPrefixNotAnotherTenants", w + "beta", other, nil, "", w + "betamax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lx, _, _, err := svc.analyze(ctx, tt.tenant, tt.query, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(lx) != 1 {
				t.Fatalf("lexemes %+v", lx)
			}
			got := slices.Sorted(slices.Values(lx[0].prefixed))
			if !slices.Equal(got, tt.wantPrefixed) {
				t.Errorf("prefixed %q, want %q", got, tt.wantPrefixed)
			}
			if tt.wantSimilar != "" && !slices.Contains(lx[0].similar, tt.wantSimilar) {
				t.Errorf("similar %q, want %q among them", lx[0].similar, tt.wantSimilar)
			}
			if tt.notSimilar != "" && slices.Contains(lx[0].similar, tt.notSimilar) {
				t.Errorf("similar %q has another tenant's %q", lx[0].similar, tt.notSimilar)
			}
		})
	}

	// A rebuild keeps each word where it belongs.
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if err := refreshSearchTerms(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var owners []string
	if err := d.Pool.QueryRow(ctx, `SELECT array_agg(term || ':' || coalesce(tenant_id::text, 'shared') ORDER BY term)
		FROM search_terms WHERE starts_with(term, $1)`, w).Scan(&owners); err != nil {
		t.Fatal(err)
	}
	want := []string{w + "alpha:shared", w + "betamax:" + a.String(), w + "gamma:" + other.String()}
	if !slices.Equal(owners, want) {
		t.Fatalf("after refresh %q, want %q", owners, want)
	}
}
