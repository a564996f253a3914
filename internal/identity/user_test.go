package identity

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestNewAccountsPasswordTime: a new account's password was set when it
// was made: password_changed_at starts at its creation, by the service's
// clock, as every later set of the password moves it (setPassword).
func TestNewAccountsPasswordTime(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	at := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	svc := testService(d).WithClock(func() time.Time { return at })
	u, err := svc.createUser(t.Context(), d.Gorm, "pw-time-"+uuid.NewString()[:8]+"@example.test", "", "x", tenancy.SystemUser)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ PasswordChangedAt, CreatedAt time.Time }
	if err := d.Gorm.Raw(`SELECT password_changed_at, created_at FROM users WHERE id = ?`, u.ID).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if !got.PasswordChangedAt.Equal(at) || !got.CreatedAt.Equal(at) {
		t.Fatalf("password changed at %s, created at %s; want both %s", got.PasswordChangedAt, got.CreatedAt, at)
	}
}
