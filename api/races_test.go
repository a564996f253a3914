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

// TestCorrectionWaitingBehindImport: a correction applied to a contact
// after waiting for the contact's row, behind an import that wrote the
// contact meanwhile, stamps the contact with the time of its own write, so
// the contact's updated_at never moves backwards. (It stamped now(), the
// time its transaction began, before the import's write.) What a tenant
// saw: another tenant's correction accepted in that gap (here an undo, back
// to the shared title, accepted at once) showed again over the import's
// newer title, against the rule that an accepted correction stops showing
// once the record changes again. Both ways a correction is applied to the
// record: staff accepting a tenant's correction of a shared contact, and a
// tenant correcting its own private contact.
func TestCorrectionWaitingBehindImport(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "system_admin")
	for _, tc := range []struct {
		name    string
		private bool
	}{{"StaffAccept", false}, {"PrivateCorrection", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			a := tb.MustSignup(t, "wait-a")
			tb.MustSetPackage(t, a.tenantID, "pro")
			w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
			email := "wait@" + w + ".example"
			id := uuid.Must(uuid.NewV7()).String()
			var owner any
			if tc.private {
				owner = a.tenantID
			}
			if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, email, title, city, owner_tenant_id, source)
				VALUES (?, 'Wait', 'Behind', ?, 'Engineer', 'Berlin', ?, 'seed')`, id, email, owner).Error; err != nil {
				t.Fatal(err)
			}
			// The import overwrites the title.
			var impID string
			if tc.private {
				imp := tb.MustImport(t, a, "email,title\n"+email+",Imported Title\n")
				impID = imp.ID
				path := "/api/v1/imports/" + imp.ID
				wantStatus(t, tb.req(t, http.MethodPut, path+"/mapping", a.token, map[string]any{"has_header": true,
					"columns": []string{"email", "title"}, "mode": "create_and_update", "overwrite": true}), http.StatusOK)
				wantStatus(t, tb.req(t, http.MethodPost, path+"/start", a.token, nil), http.StatusAccepted)
			} else {
				rec := tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "vendor.csv",
					[]byte("email,title\n"+email+",Imported Title\n"))
				wantStatus(t, rec, http.StatusCreated)
				impID = decode[ImportResponse](t, rec).ID
				path := "/api/v1/admin/imports/" + impID
				wantStatus(t, tb.req(t, http.MethodPut, path+"/mapping", staff.token, map[string]any{"has_header": true,
					"columns": []string{"email", "title"}, "source": "vendor", "overwrite": true}), http.StatusOK)
				wantStatus(t, tb.req(t, http.MethodPost, path+"/start", staff.token, nil), http.StatusAccepted)
			}
			// The correction of the city that waits: staff accept tenant
			// a's pending one, or tenant a corrects its own contact. Tenant
			// b has a pending correction of the title.
			var pending string
			var b session
			if !tc.private {
				rec := tb.req(t, http.MethodPost, "/api/v1/contacts/"+id+"/corrections", a.token, map[string]string{"field": "city", "value": "Hamburg"})
				wantStatus(t, rec, http.StatusCreated)
				pending = decode[CorrectionResponse](t, rec).ID
				b = tb.MustSignup(t, "wait-b")
				wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/contacts/"+id+"/corrections", b.token,
					map[string]string{"field": "title", "value": "Lead Engineer"}), http.StatusCreated)
			}

			// holder holds the contact's row as a correction does (FOR NO
			// KEY UPDATE): the import's batch queues for it first, then the
			// correction.
			holder, err := tb.db.Pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = holder.Rollback(context.Background()) }()
			if _, err := holder.Exec(ctx, `SELECT 1 FROM contacts WHERE id = $1 FOR NO KEY UPDATE`, id); err != nil {
				t.Fatal(err)
			}
			hpid := int(holder.Conn().PgConn().PID())
			worked := make(chan error, 1)
			go func() { // the job as the queue would run it
				for {
					err := tb.srv.svc.Imports.Work(context.Background(), uuid.MustParse(impID))
					var wait *imports.WaitError
					if !errors.As(err, &wait) {
						worked <- err
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
			importPID := waitBlocked(t, tb, []int{hpid}, nil)
			corrected := make(chan error, 1)
			go func() {
				var err error
				if tc.private {
					_, err = tb.srv.svc.Contacts.SubmitCorrection(context.Background(), uuid.MustParse(a.tenantID), uuid.MustParse(a.userID),
						uuid.MustParse(id), "city", "Hamburg")
				} else {
					_, err = tb.srv.svc.Contacts.AcceptCorrection(context.Background(), uuid.MustParse(staff.userID), uuid.MustParse(pending))
				}
				corrected <- err
			}()
			waitBlocked(t, tb, []int{hpid, importPID}, []int{importPID})
			// The gap: after the correction's transaction began, before the
			// import writes. The holder writes there what tenant b's undo of
			// its title correction writes (accepted at once, reviewed when
			// its transaction began, the record left as it is) for an undo
			// that began in the gap and got the row first: a transaction
			// takes a moment between its start and asking for the row.
			var gap time.Time
			if err := holder.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&gap); err != nil {
				t.Fatal(err)
			}
			if !tc.private {
				if _, err := holder.Exec(ctx, `UPDATE contact_corrections SET status = 'withdrawn', reviewed_at = clock_timestamp()
					WHERE tenant_id = $1 AND contact_id = $2 AND status = 'pending'`, b.tenantID, id); err != nil {
					t.Fatal(err)
				}
				if _, err := holder.Exec(ctx, `INSERT INTO contact_corrections (tenant_id, id, contact_id, field, old_value, new_value,
						status, submitted_by, reviewed_by, reviewed_at, created_at)
					VALUES ($1, $2, $3, 'title', 'Engineer', 'Engineer', 'accepted', $4, $4, clock_timestamp(), clock_timestamp())`,
					b.tenantID, uuid.Must(uuid.NewV7()), id, b.userID); err != nil {
					t.Fatal(err)
				}
			}
			if err := holder.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-worked; err != nil {
				t.Fatalf("work: %v", err)
			}
			if err := <-corrected; err != nil {
				t.Fatalf("correction: %v", err)
			}

			sessions := []session{a}
			if !tc.private {
				sessions = append(sessions, b)
			}
			for _, s := range sessions {
				c := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+id, s.token, nil))
				if c.Title != "Imported Title" || c.City != "Hamburg" {
					t.Fatalf("tenant %s sees title %q, city %q (corrections %+v); want the import's title, written last, and the corrected city",
						s.tenantID, c.Title, c.City, c.Corrections)
				}
				// Tenant a's correction, applied last, shows as its accepted
				// correction (its reviewed_at is the record's updated_at).
				if s.tenantID == a.tenantID && (len(c.Corrections) != 1 || c.Corrections[0].Field != "city" || c.Corrections[0].Status != "accepted") {
					t.Fatalf("tenant a's corrections %+v: want its accepted correction of the city", c.Corrections)
				}
			}
			var record struct {
				Title, City string
				UpdatedAt   time.Time
			}
			if err := tb.db.Gorm.Raw(`SELECT title, city, updated_at FROM contacts WHERE id = ?`, id).Scan(&record).Error; err != nil {
				t.Fatal(err)
			}
			if record.Title != "Imported Title" || record.City != "Hamburg" || !record.UpdatedAt.After(gap) {
				t.Fatalf("record %+v: want the import's title and the corrected city, stamped after %s (the gap)", record, gap)
			}
		})
	}
}

// waitBlocked waits until a backend not in except waits for a lock one of
// the backends of by holds (or waits for ahead of it), and returns its pid.
func waitBlocked(t *testing.T, tb *testBundle, by, except []int) int {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var pids []int32
		if err := tb.db.Pool.QueryRow(t.Context(), `SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity
			WHERE pg_blocking_pids(pid) && $1::int[] AND NOT pid = ANY ($2::int[])`, by, append(except, 0)).Scan(&pids); err != nil {
			t.Fatal(err)
		}
		if len(pids) > 0 {
			return int(pids[0])
		}
	}
	t.Fatal("nothing waited for the lock")
	return 0
}

// TestListDeletedWhileContactsAreAdded: a list deleted while contacts are
// being added to it (POST /lists/{id}/members and POST /saved-contacts
// onto it) ends one way or the other: each add is 200 (it went first and
// its members went with the list) or 404 (the list was gone), never a 500
// from the members' foreign key, and no member of the deleted list stays.
func TestListDeletedWhileContactsAreAdded(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "list-del-race")
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = tb.MustPrivateContact(t, admin.tenantID, fmt.Sprintf("Del%d", i), "Race")
	}
	for round := range 10 {
		rec := tb.req(t, http.MethodPost, "/api/v1/lists", admin.token, map[string]string{"name": fmt.Sprintf("Doomed %d", round)})
		wantStatus(t, rec, http.StatusCreated)
		list := decode[ListResponse](t, rec).ID
		got := tb.race(t, 5, func(i int) int {
			switch i {
			case 0:
				return tb.req(t, http.MethodDelete, "/api/v1/lists/"+list, admin.token, nil).Code
			case 1, 2:
				return tb.req(t, http.MethodPost, "/api/v1/lists/"+list+"/members", admin.token,
					map[string]any{"contact_ids": ids[i*5 : i*5+5]}).Code
			default:
				return tb.req(t, http.MethodPost, "/api/v1/saved-contacts", admin.token,
					map[string]any{"contact_ids": ids[i*5-5 : i*5], "list_id": list}).Code
			}
		})
		if got[http.StatusNoContent] != 1 || got[http.StatusOK]+got[http.StatusNotFound] != 4 {
			t.Fatalf("round %d: statuses %v, want the delete's 204 and each add 200 or 404", round, got)
		}
		var n int
		if err := tb.db.Gorm.Raw(`SELECT count(*) FROM list_members WHERE tenant_id = ? AND list_id = ?`, admin.tenantID, list).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("round %d: %d members of the deleted list", round, n)
		}
	}
}
