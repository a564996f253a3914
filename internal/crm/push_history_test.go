package crm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestPushHistoryAppendOnly holds the Privacy Policy's "a history of every
// attempt" of a CRM push: once written, an attempt is neither changed nor
// removed, row by row (UPDATE, DELETE) or all at once (TRUNCATE).
func TestPushHistoryAppendOnly(t *testing.T) {
	t.Parallel()
	// A database of its own: were TRUNCATE let through, it would empty the
	// history under the other tests.
	d, _ := dbtest.Fresh(t)
	ctx := context.Background()
	tenant := uuid.Must(uuid.NewV7())
	if err := d.Gorm.WithContext(ctx).Exec(`INSERT INTO crm_push_events
		(tenant_id, id, batch_id, contact_id, attempt, request_id, occurred_at, http_status, outcome)
		VALUES (?, ?, ?, ?, 1, ?, ?, 201, 'pushed')`,
		tenant, uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.New(), time.Now()).Error; err != nil {
		t.Fatalf("insert: %v", err)
	}
	for _, tc := range []struct{ name, sql string }{
		{"ErrUpdate", `UPDATE crm_push_events SET outcome = 'failed' WHERE tenant_id = '` + tenant.String() + `'`},
		{"ErrDelete", `DELETE FROM crm_push_events WHERE tenant_id = '` + tenant.String() + `'`},
		{"ErrTruncate", `TRUNCATE crm_push_events`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := d.Gorm.WithContext(ctx).Exec(tc.sql).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", tc.sql, err)
			}
		})
	}
	var outcomes []string
	if err := d.Gorm.WithContext(ctx).Raw(`SELECT outcome FROM crm_push_events WHERE tenant_id = ?`, tenant).Scan(&outcomes).Error; err != nil {
		t.Fatalf("read: %v", err)
	}
	if len(outcomes) != 1 || outcomes[0] != "pushed" {
		t.Fatalf("attempts = %v, want the one pushed attempt as written", outcomes)
	}
}
