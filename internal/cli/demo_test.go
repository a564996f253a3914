package cli

import (
	"io"
	"testing"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestDemoAccountsNeverInProduction: DESIGN.md §9 keeps the demo data out
// of production; its accounts share one published password and put Acme on
// Pro without checkout, webhook or staff, which the terms rule out there.
func TestDemoAccountsNeverInProduction(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	tests := []struct {
		name      string
		env       string
		wantErr   bool
		wantUsers int64
	}{
		{name: "ErrProduction", env: config.EnvProduction, wantErr: true, wantUsers: 0},
		{name: "OKDevelopment", env: config.EnvDevelopment, wantUsers: int64(len(demoUsers))},
	}
	for _, tt := range tests { // in order: the second run loads what the first refused
		t.Run(tt.name, func(t *testing.T) {
			err := seedDemoAccounts(t.Context(), config.Config{AppEnv: tt.env, JWTSecret: []byte("0123456789abcdef0123456789abcdef-strong")}, d, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("seedDemoAccounts: %v, want error %v", err, tt.wantErr)
			}
			var users int64
			if err := d.Gorm.Table("users").Where("email LIKE ?", "%.test").Count(&users).Error; err != nil {
				t.Fatal(err)
			}
			if users != tt.wantUsers {
				t.Fatalf("%d demo users, want %d", users, tt.wantUsers)
			}
		})
	}
}
