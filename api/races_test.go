package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/imports"
)

// race sends n requests through the real router at once (they wait on one
// barrier) and counts their statuses.
func (tb *testBundle) race(t *testing.T, n int, send func(i int) int) map[int]int {
	t.Helper()
	start := make(chan struct{})
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i] = send(i)
		}()
	}
	close(start)
	wg.Wait()
	got := map[int]int{}
	for _, c := range codes {
		got[c]++
	}
	return got
}

// TestListCapRace: lists created at once near the cap count each other:
// exactly the room left is taken, the rest get 409, and the tenant never
// holds more than contacts.MaxLists lists.
func TestListCapRace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "list-race")
	const room, racers = 2, 8
	if err := tb.db.Gorm.Exec(`INSERT INTO lists (tenant_id, id, name) SELECT ?, gen_random_uuid(), 'bulk ' || g FROM generate_series(1, ?) g`,
		admin.tenantID, contacts.MaxLists-room).Error; err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		got := tb.race(t, racers, func(i int) int {
			return tb.req(t, http.MethodPost, "/api/v1/lists", admin.token, map[string]string{"name": fmt.Sprintf("race %d %d", round, i)}).Code
		})
		var n int
		if err := tb.db.Gorm.Raw(`SELECT count(*) FROM lists WHERE tenant_id = ?`, admin.tenantID).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if got[http.StatusCreated] != room || got[http.StatusConflict] != racers-room || n != contacts.MaxLists {
			t.Fatalf("round %d: statuses %v and %d lists, want %d created, %d refused and %d lists", round, got, n, room, racers-room, contacts.MaxLists)
		}
		if err := tb.db.Gorm.Exec(`DELETE FROM lists WHERE tenant_id = ? AND name LIKE 'race %'`, admin.tenantID).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// TestSystemAdminsDemoteEachOtherAtOnce: two system admins who take each
// other's role away at the same moment do not both succeed; one of them
// stays a system admin, and the other's demotion, made on the authority
// it lost meanwhile, is refused (403).
func TestSystemAdminsDemoteEachOtherAtOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for round := range 5 {
		admins := []session{tb.MustSystemUser(t, "system_admin"), tb.MustSystemUser(t, "system_admin")}
		got := tb.race(t, 2, func(i int) int {
			return tb.req(t, http.MethodPatch, "/api/v1/admin/users/"+admins[1-i].userID, admins[i].token,
				map[string]string{"system_role": "user"}).Code
		})
		var left int
		if err := tb.db.Gorm.Raw(`SELECT count(*) FROM users WHERE id IN (?, ?) AND system_role = 'system_admin'`,
			admins[0].userID, admins[1].userID).Scan(&left).Error; err != nil {
			t.Fatal(err)
		}
		if got[http.StatusOK] != 1 || got[http.StatusForbidden] != 1 || left != 1 {
			t.Fatalf("round %d: statuses %v and %d of the two still system admins, want one 200, one 403 and one admin", round, got, left)
		}
	}
}

// TestCRMSettingsSavedAtOnce: field ownership saved by several requests at
// once (a double click, two admins) is saved by each in turn; none ends in
// a deadlock (500), and the settings are those of one of the requests.
func TestCRMSettingsSavedAtOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "crm-settings-race")
	modes := []string{"fill_if_empty", "overwrite", "never"}
	for round := range 10 {
		const racers = 6
		got := tb.race(t, racers, func(i int) int {
			m := modes[(round+i)%len(modes)]
			return tb.req(t, http.MethodPut, "/api/v1/crm/settings", admin.token, map[string]any{"field_ownership": map[string]string{
				"email": m, "first_name": m, "last_name": m, "phone": m, "job_title": m, "company_name": m}}).Code
		})
		if got[http.StatusOK] != racers {
			t.Fatalf("round %d: statuses %v, want %d 200", round, got, racers)
		}
		var distinct int
		if err := tb.db.Gorm.Raw(`SELECT count(DISTINCT mode) FROM crm_field_ownership WHERE tenant_id = ?`, admin.tenantID).Scan(&distinct).Error; err != nil {
			t.Fatal(err)
		}
		if distinct != 1 {
			t.Fatalf("round %d: the settings mix %d requests' modes", round, distinct)
		}
	}
}

// TestCorrectionsOfOneFieldAtOnce: teammates correcting the same field of a
// shared contact at the same moment each get their correction recorded;
// the one made last (under the contact's lock) is the tenant's word on the
// field: the one the tenant sees and the only one left for review. The
// others are withdrawn and never shown. (Ordered by when each transaction
// began, a correction that waited for the lock sorted before the one it
// withdrew: the tenant saw a withdrawn value, not the one staff review.)
func TestCorrectionsOfOneFieldAtOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "corr-race")
	member := tb.MustJoin(t, admin, "member")
	tokens := []string{admin.token, member.token, admin.token, member.token}
	for round := range 100 {
		id := uuid.Must(uuid.NewV7()).String()
		if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, title, source) VALUES (?, 'Race', 'Field', 'Engineer', 'seed')`,
			id).Error; err != nil {
			t.Fatal(err)
		}
		got := tb.race(t, len(tokens), func(i int) int {
			return tb.req(t, http.MethodPost, "/api/v1/contacts/"+id+"/corrections", tokens[i],
				map[string]string{"field": "title", "value": fmt.Sprintf("Title %d", i)}).Code
		})
		if got[http.StatusCreated] != len(tokens) {
			t.Fatalf("round %d: statuses %v", round, got)
		}
		pending := decode[CorrectionList](t, tb.req(t, http.MethodGet, "/api/v1/corrections?status=pending&contact_id="+id, admin.token, nil))
		seen := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+id, member.token, nil))
		if len(pending.Items) != 1 || len(seen.Corrections) != 1 || seen.Corrections[0].ID != pending.Items[0].ID ||
			seen.Corrections[0].Status != "pending" || seen.Title != pending.Items[0].NewValue {
			t.Fatalf("round %d: the tenant sees %q (%+v); pending for review: %+v", round, seen.Title, seen.Corrections, pending.Items)
		}
	}
}

// TestImportAfterCorrectionOfPrivateContact: a tenant corrects its own
// private contact while its import with overwrite is on the way to the
// same contact. The import writes the contact last, so its value is the
// record's and the one the tenant sees: an accepted correction stops
// showing once the record changes again. (The import's batch stamped
// updated_at with the time its transaction began, before the correction:
// the correction, applied earlier, went on hiding the newer value.)
func TestImportAfterCorrectionOfPrivateContact(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "imp-corr")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	email := "pat@" + w + ".example"
	id := uuid.Must(uuid.NewV7()).String()
	if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, email, title, owner_tenant_id, source)
		VALUES (?, 'Pat', 'Private', ?, 'Engineer', ?, 'import')`, id, email, admin.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	imp := tb.MustImport(t, admin, "email,title\n"+email+",Imported Title\n")
	path := "/api/v1/imports/" + imp.ID
	wantStatus(t, tb.req(t, http.MethodPut, path+"/mapping", admin.token, map[string]any{"has_header": true,
		"columns": []string{"email", "title"}, "mode": "create_and_update", "overwrite": true}), http.StatusOK)
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start", admin.token, nil), http.StatusAccepted)

	// The tenant's merge lock holds the import's batch after its
	// transaction began and before it matches and updates the contact.
	hold, err := tb.db.Pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(t.Context()) }()
	if _, err := hold.Exec(t.Context(), `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "import-merge:"+admin.tenantID); err != nil {
		t.Fatal(err)
	}
	worked := make(chan error, 1)
	go func() { // the job as the queue would run it (workImport, off the test's goroutine)
		for {
			err := tb.srv.svc.Imports.Work(context.Background(), uuid.MustParse(imp.ID))
			var wait *imports.WaitError
			if !errors.As(err, &wait) {
				worked <- err
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	waited := false
	for range 500 {
		var n int
		if err := tb.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND wait_event = 'advisory'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if waited = n > 0; waited {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !waited {
		t.Fatal("the import's batch never waited for the merge lock")
	}
	rec := tb.req(t, http.MethodPost, "/api/v1/contacts/"+id+"/corrections", admin.token, map[string]string{"field": "title", "value": "Corrected Title"})
	wantStatus(t, rec, http.StatusCreated)
	if k := decode[CorrectionResponse](t, rec); k.Status != "accepted" {
		t.Fatalf("a private contact's correction is %s", k.Status)
	}
	if err := hold.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-worked; err != nil {
		t.Fatalf("work: %v", err)
	}

	got := decode[ImportResponse](t, tb.req(t, http.MethodGet, path, admin.token, nil))
	if got.Status != "completed" || got.Counts.Matched != 1 {
		t.Fatalf("import %s %+v", got.Status, got.Counts)
	}
	c := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+id, admin.token, nil))
	var record string
	if err := tb.db.Gorm.Raw(`SELECT title FROM contacts WHERE id = ?`, id).Scan(&record).Error; err != nil {
		t.Fatal(err)
	}
	if record != "Imported Title" || c.Title != record {
		t.Fatalf("the record says %q and the tenant sees %q (corrections %+v); want the import's value, written last", record, c.Title, c.Corrections)
	}
}
