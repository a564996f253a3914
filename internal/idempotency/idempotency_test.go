package idempotency

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

type testBundle struct {
	d      *db.DB
	svc    *Service
	tenant uuid.UUID
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	d := dbtest.Shared(t)
	tenant := uuid.Must(uuid.NewV7())
	if _, err := d.Pool.Exec(context.Background(), `INSERT INTO tenants (id, name) VALUES ($1, $2)`,
		tenant, "Idempotency "+tenant.String()[:8]); err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return &testBundle{d: d, svc: NewService(d.Gorm), tenant: tenant}
}

// age moves key's claim and creation back by d, as time passing would.
func (tb *testBundle) age(t *testing.T, key string, d time.Duration) {
	t.Helper()
	if _, err := tb.d.Pool.Exec(context.Background(), `UPDATE idempotency_keys
		SET locked_until = locked_until - make_interval(secs => $3), created_at = created_at - make_interval(secs => $3)
		WHERE tenant_id = $1 AND key = $2`, tb.tenant, key, d.Seconds()); err != nil {
		t.Fatal(err)
	}
}

var (
	fpA = []byte("request A")
	fpB = []byte("request B")
	ok  = Answer{Status: 201, ContentType: "application/json", Body: []byte(`{"id":1}`)}
)

// TestBegin: what a request under a key is told, by what happened to the
// key before it.
func TestBegin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		// before runs the first request's side with key (claimed with fpA).
		before   func(t *testing.T, tb *testBundle, key string)
		fp       []byte
		wantCode string // "" when the request should run or replay
		want     *Answer
	}{
		{"OKRunningNew", nil, fpA, "", nil},
		{"ErrConflictWhileRunning", func(*testing.T, *testBundle, string) {}, fpA, apperr.ECONFLICT, nil},
		{"ErrInvalidOtherRequestWhileRunning", func(*testing.T, *testBundle, string) {}, fpB, apperr.EINVALID, nil},
		{"OKReplayFinished", func(t *testing.T, tb *testBundle, key string) {
			if err := tb.svc.Finish(ctx, tb.tenant, key, ok); err != nil {
				t.Fatal(err)
			}
		}, fpA, "", &ok},
		{"ErrInvalidOtherRequestFinished", func(t *testing.T, tb *testBundle, key string) {
			if err := tb.svc.Finish(ctx, tb.tenant, key, ok); err != nil {
				t.Fatal(err)
			}
		}, fpB, apperr.EINVALID, nil},
		{"OKRunningAfterAbandon", func(t *testing.T, tb *testBundle, key string) {
			if err := tb.svc.Abandon(ctx, tb.tenant, key); err != nil {
				t.Fatal(err)
			}
		}, fpB, "", nil},
		{"OKTakeOverDeadClaim", func(t *testing.T, tb *testBundle, key string) {
			tb.age(t, key, LockFor+time.Second)
		}, fpA, "", nil},
		{"ErrInvalidDeadClaimOtherRequest", func(t *testing.T, tb *testBundle, key string) {
			tb.age(t, key, LockFor+time.Second)
		}, fpB, apperr.EINVALID, nil},
		{"ErrConflictClaimNotYetDead", func(t *testing.T, tb *testBundle, key string) {
			tb.age(t, key, LockFor-10*time.Second)
		}, fpA, apperr.ECONFLICT, nil},
		{"OKRunningAfterRetention", func(t *testing.T, tb *testBundle, key string) {
			if err := tb.svc.Finish(ctx, tb.tenant, key, ok); err != nil {
				t.Fatal(err)
			}
			tb.age(t, key, Retention+time.Second)
		}, fpB, "", nil},
		// An answer outlives the claim's lock: a retry minutes later is
		// replayed, not run again.
		{"OKReplayFinishedAfterLock", func(t *testing.T, tb *testBundle, key string) {
			if err := tb.svc.Finish(ctx, tb.tenant, key, ok); err != nil {
				t.Fatal(err)
			}
			tb.age(t, key, LockFor+time.Minute)
		}, fpA, "", &ok},
		// A key reused after Retention starts a new day: its new answer is
		// replayed, not run again as if it were old too.
		{"OKReplayKeyReusedAfterRetention", func(t *testing.T, tb *testBundle, key string) {
			if err := tb.svc.Finish(ctx, tb.tenant, key, ok); err != nil {
				t.Fatal(err)
			}
			tb.age(t, key, Retention+time.Second)
			if a, err := tb.svc.Begin(ctx, tb.tenant, key, fpB); err != nil || a != nil {
				t.Fatalf("Begin after Retention = %v, %v; want it to run", a, err)
			}
			if err := tb.svc.Finish(ctx, tb.tenant, key, ok); err != nil {
				t.Fatal(err)
			}
		}, fpB, "", &ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			key := uuid.NewString()
			if tt.before != nil {
				if a, err := tb.svc.Begin(ctx, tb.tenant, key, fpA); err != nil || a != nil {
					t.Fatalf("first Begin = %v, %v; want it to run", a, err)
				}
				tt.before(t, tb, key)
			}
			got, err := tb.svc.Begin(ctx, tb.tenant, key, tt.fp)
			if code := apperr.Code(err); tt.wantCode != "" && code != tt.wantCode {
				t.Fatalf("Begin error %v (code %q), want code %q", err, code, tt.wantCode)
			}
			if tt.wantCode == "" && err != nil {
				t.Fatalf("Begin: %v", err)
			}
			switch {
			case tt.want == nil && got != nil:
				t.Fatalf("Begin replayed %+v, want the request to run", got)
			case tt.want != nil && (got == nil || got.Status != tt.want.Status ||
				got.ContentType != tt.want.ContentType || string(got.Body) != string(tt.want.Body)):
				t.Fatalf("Begin = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestKeysAreTheTenants: another tenant's key of the same name is its
// own: it runs beside the first tenant's, and what becomes of either
// (finished, abandoned) leaves the other as it was.
func TestKeysAreTheTenants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	other := Answer{Status: 201, ContentType: "application/json", Body: []byte(`{"other":"tenant"}`)}
	tests := []struct {
		name string
		// then runs after both tenants claimed the key (a with fpA, b with fpB).
		then     func(t *testing.T, a, b *testBundle, key string)
		wantCode string // of a's next Begin with fpA; "" when it replays want
		want     *Answer
	}{
		{"ErrConflictWhenTheOtherFinished", func(t *testing.T, a, b *testBundle, key string) {
			if err := b.svc.Finish(ctx, b.tenant, key, other); err != nil {
				t.Fatal(err)
			}
		}, apperr.ECONFLICT, nil},
		{"ErrConflictWhenTheOtherAbandoned", func(t *testing.T, a, b *testBundle, key string) {
			if err := b.svc.Abandon(ctx, b.tenant, key); err != nil {
				t.Fatal(err)
			}
		}, apperr.ECONFLICT, nil},
		{"OKReplayOwnWhileTheOtherRuns", func(t *testing.T, a, b *testBundle, key string) {
			if err := a.svc.Finish(ctx, a.tenant, key, ok); err != nil {
				t.Fatal(err)
			}
		}, "", &ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := setup(t), setup(t)
			key := uuid.NewString()
			if got, err := a.svc.Begin(ctx, a.tenant, key, fpA); err != nil || got != nil {
				t.Fatalf("Begin = %v, %v; want it to run", got, err)
			}
			if got, err := b.svc.Begin(ctx, b.tenant, key, fpB); err != nil || got != nil {
				t.Fatalf("another tenant's Begin = %v, %v; want it to run", got, err)
			}
			tt.then(t, a, b, key)
			got, err := a.svc.Begin(ctx, a.tenant, key, fpA)
			if code := apperr.Code(err); code != tt.wantCode {
				t.Fatalf("Begin = %+v, %v (code %q); want code %q", got, err, code, tt.wantCode)
			}
			if (got == nil) != (tt.want == nil) || got != nil && string(got.Body) != string(tt.want.Body) {
				t.Fatalf("Begin = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestFinishKeepsTheFirstAnswer: a second Finish (a request that took over
// a claim its first owner still finished) does not replace the answer.
func TestFinishKeepsTheFirstAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tb := setup(t)
	key := uuid.NewString()
	if _, err := tb.svc.Begin(ctx, tb.tenant, key, fpA); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Finish(ctx, tb.tenant, key, ok); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Finish(ctx, tb.tenant, key, Answer{Status: 202, Body: []byte("later")}); err != nil {
		t.Fatal(err)
	}
	// Nor does Abandon free an answered key.
	if err := tb.svc.Abandon(ctx, tb.tenant, key); err != nil {
		t.Fatal(err)
	}
	got, err := tb.svc.Begin(ctx, tb.tenant, key, fpA)
	if err != nil || got == nil || got.Status != ok.Status || string(got.Body) != string(ok.Body) {
		t.Fatalf("Begin = %+v, %v; want the first answer %+v", got, err, ok)
	}
}

// TestWithRequestTimeout: a claim lasts the request's timeout and half a
// minute more when that is longer than LockFor, and never less than LockFor.
func TestWithRequestTimeout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		timeout time.Duration
		want    time.Duration
	}{
		{"ShortTimeout", 30 * time.Second, LockFor},
		{"LongTimeout", 5 * time.Minute, 5*time.Minute + 30*time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NewService(nil).WithRequestTimeout(tt.timeout).lockFor; got != tt.want {
				t.Fatalf("lockFor = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPrune deletes the keys past Retention and only those: a key a
// minute short of it is still replayed.
func TestPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tb := setup(t)
	old, nearly, fresh := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, k := range []string{old, nearly, fresh} {
		if _, err := tb.svc.Begin(ctx, tb.tenant, k, fpA); err != nil {
			t.Fatal(err)
		}
	}
	tb.age(t, old, Retention+time.Minute)
	tb.age(t, nearly, Retention-time.Minute)
	if _, err := tb.svc.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	var left []string
	if err := tb.d.Gorm.Raw(`SELECT key FROM idempotency_keys WHERE tenant_id = ? ORDER BY key`, tb.tenant).
		Scan(&left).Error; err != nil {
		t.Fatal(err)
	}
	want := []string{nearly, fresh}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("keys left %v, want %v", left, want)
	}
}
