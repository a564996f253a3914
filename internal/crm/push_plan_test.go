package crm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/crm"
)

// TestPushAllApprovedNotPushedSelection: "all approved, not pushed" takes
// the approved saved contacts the CRM holds no record of and that were
// never deleted there; a contact deleted in the CRM stays out whether or
// not we knew its record id (the webhook names contacts we never pushed).
func TestPushAllApprovedNotPushedSelection(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)

	tests := []struct {
		name string
		prep func(t *testing.T, id uuid.UUID)
		in   bool
	}{
		{"NeverPushed", func(*testing.T, uuid.UUID) {}, true},
		{"FailedBeforeARecord", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `INSERT INTO crm_pushes (tenant_id, contact_id, status, last_error_code) VALUES (?, ?, 'failed', 'EMAIL_CONFLICT')`,
				tb.tenantID, id)
		}, true},
		{"Pushed", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `INSERT INTO crm_pushes (tenant_id, contact_id, status, crm_record_id) VALUES (?, ?, 'pushed', 'rec_1')`,
				tb.tenantID, id)
		}, false},
		{"FailedUpdateOfARecord", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `INSERT INTO crm_pushes (tenant_id, contact_id, status, crm_record_id) VALUES (?, ?, 'failed', 'rec_2')`,
				tb.tenantID, id)
		}, false},
		{"DeletedInCRM", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `INSERT INTO crm_pushes (tenant_id, contact_id, status, crm_record_id) VALUES (?, ?, 'deleted_in_crm', 'rec_3')`,
				tb.tenantID, id)
		}, false},
		{"DeletedInCRMWithoutARecordID", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `INSERT INTO crm_pushes (tenant_id, contact_id, status) VALUES (?, ?, 'deleted_in_crm')`, tb.tenantID, id)
		}, false},
		{"SavedNotApproved", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `UPDATE saved_contacts SET status = 'saved' WHERE tenant_id = ? AND contact_id = ?`, tb.tenantID, id)
		}, false},
		{"RejectedForCRM", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `UPDATE saved_contacts SET status = 'rejected' WHERE tenant_id = ? AND contact_id = ?`, tb.tenantID, id)
		}, false},
	}
	want := map[uuid.UUID]string{}
	// Those a push by id refuses (the others it would update).
	refused := map[string]bool{"DeletedInCRM": true, "DeletedInCRMWithoutARecordID": true, "SavedNotApproved": true,
		"RejectedForCRM": true}
	var left []uuid.UUID
	for _, tt := range tests {
		id := tb.MustApproved(t, 1)[0]
		tt.prep(t, id)
		if tt.in {
			want[id] = tt.name
		}
		if refused[tt.name] {
			left = append(left, id)
		}
	}
	res, err := tb.svc.RequestPush(context.Background(), tb.tenantID, &tb.adminID,
		crm.PushParams{AllApprovedNotPushed: true, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != len(want) || res.ToCreate != len(want) || res.Rejected != 0 || res.Skipped != 0 {
		t.Fatalf("preview %+v, want %d to create and nothing else", res, len(want))
	}

	res, err = tb.svc.RequestPush(context.Background(), tb.tenantID, &tb.adminID, crm.PushParams{AllApprovedNotPushed: true})
	if err != nil {
		t.Fatal(err)
	}
	got := tb.push(t, *res.ID).Items
	if len(got) != len(want) {
		t.Fatalf("the push holds %d contacts, want %d", len(got), len(want))
	}
	for _, it := range got {
		if _, ok := want[it.ContactID]; !ok || it.Action != crm.ActionCreate {
			t.Errorf("pushed %s (%s), not one of %v", it.ContactID, it.Action, want)
		}
	}
	// Named by id, those refused leave nothing to send: the push is
	// finished as it is recorded.
	if d := tb.push(t, tb.MustPush(t, left)); d.Status != "completed" || d.FinishedAt == nil || d.ToCreate+d.ToUpdate != 0 {
		t.Fatalf("a push with nothing to send: %+v", d.Push)
	}
	// So is a push of all approved, not pushed, when there are none: it
	// has no items whose trigger would finish it.
	empty := setup(t)
	empty.MustConnect(t)
	res, err = empty.svc.RequestPush(context.Background(), empty.tenantID, &empty.adminID, crm.PushParams{AllApprovedNotPushed: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := empty.push(t, *res.ID); d.Status != "completed" || d.FinishedAt == nil || d.Total != 0 {
		t.Fatalf("an empty push: %+v", d.Push)
	}
}

// TestContactStatusesFollowThePush: the CRM state the Saved view and search
// show for a contact, in each state a push leaves it in. A contact waiting
// for its job is queued, one waiting for a reconnect (the grant died) is
// paused, not pushed or never pushed; a failed update
// keeps the record it failed to update and when it was last pushed.
func TestContactStatusesFollowThePush(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	ids := tb.MustApproved(t, 7)
	never, queued, paused, pushed, failed, deleted, failedUpdate := ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6]
	emailOf := func(id uuid.UUID) string {
		var email string
		if err := tb.db.Gorm.Raw(`SELECT email::text FROM contacts WHERE id = ?`, id).Scan(&email).Error; err != nil {
			t.Fatal(err)
		}
		return email
	}
	tb.fake.AddRecord(tb.account, map[string]string{"email": emailOf(failed), "first_name": "Someone"})
	first := tb.MustPush(t, []uuid.UUID{pushed, failed, deleted, failedUpdate})
	tb.mustRunAll(t, first)

	// deleted is deleted in the CRM and found so by the next push;
	// failedUpdate's next push is refused (its new email is another record's).
	tb.fake.DeleteContact(tb.account, deleted.String(), false)
	taken := "taken-" + uuid.NewString()[:8] + "@example.test"
	tb.fake.AddRecord(tb.account, map[string]string{"email": taken, "first_name": "Someone else"})
	tb.mustExec(t, `UPDATE contacts SET last_name = 'Changed', updated_at = now() WHERE id = ?`, deleted)
	tb.mustExec(t, `UPDATE contacts SET email = ?, updated_at = now() WHERE id = ?`, taken, failedUpdate)
	second := tb.MustPush(t, []uuid.UUID{deleted, failedUpdate})
	tb.mustRunAll(t, second)

	tb.MustPush(t, []uuid.UUID{queued})
	if early, err := tb.svc.ContactStatuses(ctx, tb.tenantID, []uuid.UUID{queued}); err != nil || early[0].Status != crm.ItemQueued {
		t.Fatalf("a contact waiting for its job: %+v, %v", early, err)
	}
	third := tb.MustPush(t, []uuid.UUID{paused})
	tb.fake.Uninstall(tb.account)
	tb.mustRunAll(t, third)

	tests := []struct {
		name       string
		id         uuid.UUID
		status     string
		code       string
		record     bool
		pushedOnce bool
	}{
		{"NeverPushed", never, "", "", false, false},
		{"QueuedWhenTheGrantDied", queued, crm.ItemPaused, "", false, false},
		{"Paused", paused, crm.ItemPaused, "", false, false},
		{"Pushed", pushed, "pushed", "", true, true},
		{"FailedBeforeARecord", failed, "failed", "EMAIL_CONFLICT", false, false},
		{"DeletedInCRM", deleted, "deleted_in_crm", "RECORD_DELETED", true, true},
		{"FailedUpdate", failedUpdate, "failed", "EMAIL_CONFLICT", true, true},
	}
	got, err := tb.svc.ContactStatuses(ctx, tb.tenantID, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := got[i]
			if s.ContactID != tt.id || s.Status != tt.status || s.LastErrorCode != tt.code ||
				(s.CRMRecordID != "") != tt.record || (s.LastPushedAt != nil) != tt.pushedOnce {
				t.Fatalf("state %+v, want status %q, code %q, a record %v, pushed once %v", s, tt.status, tt.code, tt.record, tt.pushedOnce)
			}
		})
	}
}

// TestPushSendsTheTenantsCorrections: the CRM gets the contact as the
// tenant sees it: its latest correction of a field, pending or accepted,
// unless it was accepted and the shared record changed since (the record
// then speaks for itself, as in the app).
func TestPushSendsTheTenantsCorrections(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	correct := func(t *testing.T, id uuid.UUID, value, status, reviewedAgo, createdAgo string) {
		tb.mustExec(t, `INSERT INTO contact_corrections (tenant_id, id, contact_id, field, new_value, status, reviewed_at, created_at)
			VALUES (?, ?, ?, 'title', ?, ?, now() - NULLIF(?, '')::interval, now() - ?::interval)`,
			tb.tenantID, uuid.Must(uuid.NewV7()), id, value, status, reviewedAgo, createdAgo)
	}
	tests := []struct {
		name string
		prep func(t *testing.T, id uuid.UUID)
		want string
	}{
		{"NoCorrection", func(*testing.T, uuid.UUID) {}, "Engineer"},
		{"Pending", func(t *testing.T, id uuid.UUID) { correct(t, id, "CTO", "pending", "", "1 hour") }, "CTO"},
		{"AcceptedRecordUnchangedSince", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `UPDATE contacts SET updated_at = now() - interval '2 hours' WHERE id = ?`, id)
			correct(t, id, "CFO", "accepted", "1 hour", "3 hours")
		}, "CFO"},
		{"AcceptedRecordChangedSince", func(t *testing.T, id uuid.UUID) {
			tb.mustExec(t, `UPDATE contacts SET updated_at = now() - interval '1 hour' WHERE id = ?`, id)
			correct(t, id, "CFO", "accepted", "2 hours", "3 hours")
		}, "Engineer"},
		{"LatestOfTwo", func(t *testing.T, id uuid.UUID) {
			correct(t, id, "Older", "pending", "", "2 hours")
			correct(t, id, "Newer", "pending", "", "1 hour")
		}, "Newer"},
	}
	ids := tb.MustApproved(t, len(tests))
	for i, tt := range tests {
		tt.prep(t, ids[i])
	}
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)
	got := map[string]string{}
	for _, r := range tb.fake.Records(tb.account) {
		got[r.ExternalID] = r.Properties["job_title"]
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if title := got[ids[i].String()]; title != tt.want {
				t.Fatalf("the CRM holds job title %q, want %q", title, tt.want)
			}
		})
	}
	tb.assertTruth(t, id)
}

// TestPushRemembersWhatItSent: what the CRM holds of ours is what we sent
// over every push, not the last push's fields alone (an update sends only
// what changed), and a push that failed sent nothing. So a value removed
// after an update that did not send it still leaves the CRM, and content
// back to what the CRM holds after a failed push is a duplicate.
func TestPushRemembersWhatItSent(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	taken := "taken-" + uuid.NewString()[:8] + "@example.test"
	tb.fake.AddRecord(tb.account, map[string]string{"email": taken, "first_name": "Someone"})
	tests := []struct {
		name  string
		edits []string // each edit is followed by a push
		phone string   // the phone the CRM holds at the end
		last  string   // the action of the last push's plan
	}{
		{"RemovedAfterAnotherFieldsUpdate", []string{
			`UPDATE contacts SET last_name = 'Changed', updated_at = now() WHERE id = ?`,
			`UPDATE contacts SET phone = NULL, updated_at = now() WHERE id = ?`,
		}, "", crm.ActionUpdate},
		{"BackToWhatTheCRMHoldsAfterAFailedPush", []string{
			`UPDATE contacts SET email = '` + taken + `', updated_at = now() WHERE id = ?`,
			`UPDATE contacts SET email = 'first-' || id || '@example.test', updated_at = now() WHERE id = ?`,
		}, "+15550100", crm.ActionSkip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tb.MustApproved(t, 1)[0]
			tb.mustExec(t, `UPDATE contacts SET phone = '+15550100', email = 'first-' || id || '@example.test' WHERE id = ?`, id)
			tb.mustRunAll(t, tb.MustPush(t, []uuid.UUID{id}))
			var last string
			for _, edit := range tt.edits {
				tb.mustExec(t, edit, id)
				res, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: []uuid.UUID{id}})
				if err != nil {
					t.Fatal(err)
				}
				last = crm.ActionCreate
				switch {
				case res.ToUpdate == 1:
					last = crm.ActionUpdate
				case res.Skipped == 1:
					last = crm.ActionSkip
				}
				tb.mustRunAll(t, *res.ID)
			}
			var phone string
			for _, r := range tb.fake.Records(tb.account) {
				if r.ExternalID == id.String() {
					phone = r.Properties["phone"]
				}
			}
			if phone != tt.phone || last != tt.last {
				t.Fatalf("the CRM holds phone %q after a last push planned as %s, want %q and %s", phone, last, tt.phone, tt.last)
			}
		})
	}
}

// TestAccountChangedKeepsRejections: when the connection moved to another
// account while a chunk was settled, what the old account decided fails
// ACCOUNT_CHANGED, but a contact rejected for its own sake (gone, no longer
// approved) was decided without the CRM and stays rejected with its code.
func TestAccountChangedKeepsRejections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status, want string
	}{
		{crm.ItemRejected, "rejected/OWN_CODE"},
		{crm.ItemPushed, "failed/ACCOUNT_CHANGED"},
		{crm.ItemFailed, "failed/ACCOUNT_CHANGED"},
		{crm.ItemDeletedInCRM, "failed/ACCOUNT_CHANGED"},
		{crm.ItemSkipped, "failed/ACCOUNT_CHANGED"},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			if got := crm.AccountChangedCodes([]string{tt.status})[0]; got != tt.want {
				t.Fatalf("%s became %s, want %s", tt.status, got, tt.want)
			}
		})
	}
}

// TestPushUpdatesAnEmailTheCRMLowercased: the CRM keeps emails in lower case
// (CRM_API.md), so the record's email differs from the one we sent only in
// case; it is still ours, and a changed email (fill_if_empty) goes over it.
func TestPushUpdatesAnEmailTheCRMLowercased(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	tests := []struct {
		name, first string
	}{
		{"LowerCase", "first-%s@example.test"},
		{"MixedCase", "First-%s@Example.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tb.MustApproved(t, 1)[0]
			tb.mustExec(t, `UPDATE contacts SET email = ? WHERE id = ?`, fmt.Sprintf(tt.first, id), id)
			tb.mustRunAll(t, tb.MustPush(t, []uuid.UUID{id}))
			second := "second-" + id.String() + "@example.test"
			tb.mustExec(t, `UPDATE contacts SET email = ?, updated_at = now() WHERE id = ?`, second, id)
			tb.mustRunAll(t, tb.MustPush(t, []uuid.UUID{id}))
			email := "no record"
			for _, r := range tb.fake.Records(tb.account) {
				if r.ExternalID == id.String() {
					email = r.Properties["email"]
				}
			}
			if email != second {
				t.Fatalf("the CRM holds email %q, want %q", email, second)
			}
		})
	}
}
