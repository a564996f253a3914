package identity_test

import (
	"context"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/identity"
)

// TestLogoutByRefreshReportsFailure: signing out with a refresh token that
// cannot be read (the database failed, here a cancelled request) must not
// be reported as done, or the sign-out answers 204 and the session lives
// on. A token that is no one's ends nothing, and that is no error.
func TestLogoutByRefreshReportsFailure(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := identity.NewService(d.Gorm, identity.NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef")), nil)
	tests := []struct {
		name    string
		ctx     func() context.Context
		wantErr bool
	}{
		{"UnknownToken", context.Background, false},
		{"DatabaseFails", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := svc.LogoutByRefresh(tt.ctx(), "no-such-token")
			if (err != nil) != tt.wantErr {
				t.Fatalf("LogoutByRefresh = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
