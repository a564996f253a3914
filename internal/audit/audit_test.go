package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestAppendOnly holds the Privacy Policy's promise that audit entries
// "cannot be edited": once written, no statement changes or removes one,
// whether row by row (UPDATE, DELETE) or the whole table at once (TRUNCATE).
func TestAppendOnly(t *testing.T) {
	t.Parallel()
	// A database of its own: were TRUNCATE let through, it would empty the
	// log under the other tests.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	tenant := uuid.Must(uuid.NewV7())
	if err := audit.Write(ctx, d.Gorm, audit.Event{TenantID: &tenant, Action: "member.removed", TargetType: "user", TargetID: "u1"}); err != nil {
		t.Fatalf("write: %v", err)
	}
	for _, tc := range []struct{ name, sql string }{
		{"ErrUpdate", `UPDATE audit_events SET action = 'member.added' WHERE tenant_id = '` + tenant.String() + `'`},
		{"ErrDelete", `DELETE FROM audit_events WHERE tenant_id = '` + tenant.String() + `'`},
		{"ErrTruncate", `TRUNCATE audit_events`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := d.Gorm.WithContext(ctx).Exec(tc.sql).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", tc.sql, err)
			}
		})
	}
	events, _, err := audit.NewService(d.Gorm).List(ctx, audit.ListParams{TenantID: &tenant})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(events) != 1 || events[0].Action != "member.removed" {
		t.Fatalf("events = %+v, want the one member.removed as written", events)
	}
}
