package tenancy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestTenantNameBounds: a tenant name is 2 to 200 characters after
// trimming, counted in characters, not bytes.
func TestTenantNameBounds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"OKShortest", " ab ", "ab", false},
		{"ErrOneChar", " a ", "", true},
		{"OKLongest", strings.Repeat("é", 200), strings.Repeat("é", 200), false},
		{"ErrOneCharTooLong", strings.Repeat("é", 201), "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tenancy.NormalizeTenantName("name", tt.in)
			if tt.wantErr {
				if e, ok := apperr.As(err); !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
					t.Fatalf("NormalizeTenantName(%d characters) = %q, %v, want EINVALID on name", len([]rune(tt.in)), got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeTenantName(%d characters) = %q, %v, want %q", len([]rune(tt.in)), got, err, tt.want)
			}
		})
	}
}

// TestTenantNotFound: what names a tenant that does not exist answers
// ENOTFOUND, not a driver's "record not found" (a 500).
func TestTenantNotFound(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	ctx, nobody := context.Background(), uuid.Must(uuid.NewV7())
	name := "Renamed"
	for _, tt := range []struct {
		name string
		call func(tenantID uuid.UUID) error
	}{
		{"Get", func(id uuid.UUID) error { _, err := svc.Get(ctx, id); return err }},
		{"Update", func(id uuid.UUID) error { _, err := svc.Update(ctx, id, tenancy.UpdateParams{Name: &name}); return err }},
		{"ChangeRole", func(id uuid.UUID) error {
			_, err := svc.ChangeRole(ctx, id, nobody, nobody, tenancy.RoleMember)
			return err
		}},
		{"RemoveMember", func(id uuid.UUID) error { return svc.RemoveMember(ctx, id, nobody, nobody) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(uuid.Must(uuid.NewV7()))
			if e, ok := apperr.As(err); !ok || e.Code != apperr.ENOTFOUND {
				t.Fatalf("%s of no tenant = %v, want ENOTFOUND", tt.name, err)
			}
		})
	}
}
