package identity

import (
	"context"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestRefreshReuseReportsAFailedRevocation: a refresh token replayed past
// its grace window ends its session (the family of a leaked token). When
// that revocation fails, the refresh must fail as an error, logged with
// the request, not answer a plain 401 while the leaked family lives on.
// Fresh: the test adds a trigger that fails the revocation.
func TestRefreshReuseReportsAFailedRevocation(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	now := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	svc := testService(d).
		WithClock(func() time.Time { return now })
	g, err := svc.Signup(ctx, SignupParams{Email: "reuse-" + dbtest.UniqueWord() + "@example.test", Password: "a long enough passphrase 1",
		Name: "Reuse", TenantName: "Reuse Inc"}, ClientInfo{IP: "192.0.2.10"})
	if err != nil {
		t.Fatal(err)
	}
	next, err := svc.Refresh(ctx, g.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Exec(`CREATE FUNCTION fail_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'revocation fails'; END $$;
		CREATE TRIGGER fail_revoke BEFORE UPDATE OF revoked_at ON sessions FOR EACH ROW EXECUTE FUNCTION fail_revoke()`).Error; err != nil {
		t.Fatal(err)
	}
	now = now.Add(RefreshReuseGrace + time.Second)
	if _, err := svc.Refresh(ctx, g.RefreshToken); err == nil || apperr.Is(err, apperr.EUNAUTHORIZED) {
		t.Fatalf("replay with a failed revocation: %v, want an error that is not a 401", err)
	}
	// The session is still there: the replayed token's holder is refused,
	// and the refresh is still refused as reuse once the revocation works.
	if err := d.Gorm.Exec(`DROP TRIGGER fail_revoke ON sessions`).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refresh(ctx, g.RefreshToken); !apperr.Is(err, apperr.EUNAUTHORIZED) {
		t.Fatalf("replay: %v, want a 401", err)
	}
	if _, err := svc.Refresh(ctx, next.RefreshToken); !apperr.Is(err, apperr.EUNAUTHORIZED) {
		t.Fatalf("the family's newest token after the revocation: %v, want a 401", err)
	}
}
