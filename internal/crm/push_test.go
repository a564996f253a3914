package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
	"github.com/onecloudai/contacts/internal/limits"
)

func wantOutcomes(t *testing.T, it crm.PushItem, want ...string) {
	t.Helper()
	if got := outcomes(it.Attempts); !slices.Equal(got, want) {
		t.Fatalf("contact %s attempts %v, want %v", it.ContactID, got, want)
	}
}

func TestPushRateLimitedThenSuccess(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)

	tb.fake.InjectFault(fakecrm.FaultRateLimit, 1)
	tb.mustRunAll(t, id)

	d := tb.push(t, id)
	if d.Status != "completed" || d.Created != 3 {
		t.Fatalf("push %+v", d.Push)
	}
	for _, it := range d.Items {
		wantOutcomes(t, it, "429:rate_limited", "200:created")
	}
	// The wait was the Retry-After (1 s), not a backoff.
	if s := tb.clock.Sleeps(); !slices.Contains(s, time.Second) {
		t.Fatalf("sleeps %v, want the 1 s of Retry-After", s)
	}
	tb.assertTruth(t, id)
}

func TestPushUnavailableTwiceThenSuccess(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)

	tb.fake.InjectFault(fakecrm.FaultUnavailable, 2)
	tb.mustRunAll(t, id)

	d := tb.push(t, id)
	if d.Status != "completed" || d.Created != 3 {
		t.Fatalf("push %+v", d.Push)
	}
	for _, it := range d.Items {
		wantOutcomes(t, it, "503:unavailable", "503:unavailable", "200:created")
	}
	// Exponential backoff: the second wait is twice the first (fixed jitter).
	s := tb.clock.Sleeps()
	if len(s) != 2 || s[1] != 2*s[0] || s[0] <= 0 {
		t.Fatalf("backoff sleeps %v", s)
	}
	tb.assertTruth(t, id)
}

func TestPushTimeoutAfterCommitThenRetry(t *testing.T) {
	t.Parallel()
	// A short client timeout: the fake holds its answer until we give up.
	tb := setup(t, setupOpts{requestTimeout: time.Second})
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 5)
	id := tb.MustPush(t, ids)

	tb.fake.InjectFault(fakecrm.FaultTimeout, 1)
	tb.mustRunAll(t, id)

	d := tb.push(t, id)
	if d.Status != "completed" || d.Created != 5 {
		t.Fatalf("push %+v", d.Push)
	}
	for _, it := range d.Items {
		// The write committed on the first attempt; the replay updated the
		// same record, and the history says the push created it.
		wantOutcomes(t, it, "0:timeout", "200:updated")
		if it.CRMResult != crm.OutcomeCreated {
			t.Fatalf("item %+v", it)
		}
	}
	if total, live := tb.fake.Count(tb.account); total != 5 || live != 5 {
		t.Fatalf("CRM holds %d (%d live), want exactly 5", total, live)
	}
	tb.assertTruth(t, id)
}

func TestPushTokenExpiresMidBatch(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 150)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)
	if len(jobs) != 2 || len(jobs[0].ContactIDs) != 100 || len(jobs[1].ContactIDs) != 50 {
		t.Fatalf("jobs %d", len(jobs))
	}
	if err := tb.work(context.Background(), tb.svc, jobs[0]); err != nil {
		t.Fatal(err)
	}
	tb.fake.ExpireAccessTokens(tb.account)
	if err := tb.work(context.Background(), tb.svc, jobs[1]); err != nil {
		t.Fatal(err)
	}

	d := tb.push(t, id)
	if d.Status != "completed" || d.Created != 150 {
		t.Fatalf("push %+v", d.Push)
	}
	wantOutcomes(t, tb.item(t, d, jobs[0].ContactIDs[0]), "200:created")
	wantOutcomes(t, tb.item(t, d, jobs[1].ContactIDs[0]), "401:unauthorized", "200:created")
	if st := tb.fake.Stats(); st.TokenRefreshes != 1 {
		t.Fatalf("refreshes %d, want 1", st.TokenRefreshes)
	}
	if s := tb.connectionStatus(t); s != crm.StatusConnected {
		t.Fatalf("status %s", s)
	}
	tb.assertTruth(t, id)
}

// TestPushTokenExpiresTwiceInOneCall: a call that sits out rate limits for
// longer than an access token lives must keep refreshing the token at 80 %
// of its life, as it would between calls. It refreshed only on the first
// 401, and took the second 401 (the refreshed token expired while it
// waited) for a refused fresh token: the connection was marked
// needs_reauth and every queued push paused, though the grant was fine.
func TestPushTokenExpiresTwiceInOneCall(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.fake.SetAccessTokenTTL(5 * time.Second)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)

	// Six 429s (1 s each) now, and six more once the token is refreshed:
	// each refreshed token would expire while the call waits.
	opts := tb.opts
	opts.HTTPClient = &http.Client{Transport: &hookTransport{next: tb.opts.HTTPClient.Transport, prefix: "/oauth/token",
		hook: func() { tb.fake.InjectFault(fakecrm.FaultRateLimit, 6) }}}
	svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
	tb.fake.InjectFault(fakecrm.FaultRateLimit, 6)
	for _, a := range tb.jobsOf(t, id) {
		if err := tb.work(context.Background(), svc, a); err != nil {
			t.Fatalf("job: %v", err)
		}
	}

	if s := tb.connectionStatus(t); s != crm.StatusConnected {
		t.Fatalf("status %s after waiting out rate limits, want connected", s)
	}
	d := tb.push(t, id)
	if d.Status != "completed" || d.Created != 3 {
		t.Fatalf("push %+v", d.Push)
	}
	if st := tb.fake.Stats(); st.Unauthorized != 0 || st.InvalidGrants != 0 {
		t.Fatalf("401s %d, invalid grants %d: the token should have been refreshed before it expired", st.Unauthorized, st.InvalidGrants)
	}
	tb.assertTruth(t, id)
}

// TestPushTokenEndpointDownBeforeExpiry: the token is refreshed at 80 % of
// its life so that a refresh that fails (the CRM's token endpoint down for
// a moment) still leaves a valid token to push with. The push failed
// instead, and waited for River's retry, though its token had minutes left.
func TestPushTokenEndpointDownBeforeExpiry(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)

	var down atomic.Bool
	down.Store(true)
	opts := tb.opts
	opts.HTTPClient = &http.Client{Transport: &failTransport{next: tb.opts.HTTPClient.Transport, prefix: "/oauth/token", fail: &down}}
	svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
	tb.clock.Advance(25 * time.Minute) // past 80 % of the 30 minutes, before the end
	for _, a := range tb.jobsOf(t, id) {
		if err := tb.work(context.Background(), svc, a); err != nil {
			t.Fatalf("job: %v", err)
		}
	}
	d := tb.push(t, id)
	if d.Status != "completed" || d.Created != 3 {
		t.Fatalf("push %+v", d.Push)
	}
	for _, it := range d.Items {
		wantOutcomes(t, it, "200:created")
	}

	// Once the token endpoint answers again, the next push refreshes.
	down.Store(false)
	more := tb.MustApproved(t, 2)
	next := tb.MustPush(t, more)
	for _, a := range tb.jobsOf(t, next) {
		if err := tb.work(context.Background(), svc, a); err != nil {
			t.Fatalf("job: %v", err)
		}
	}
	if st := tb.fake.Stats(); st.TokenRefreshes != 1 || st.Unauthorized != 0 {
		t.Fatalf("refreshes %d, 401s %d; want one refresh once the endpoint is back", st.TokenRefreshes, st.Unauthorized)
	}

	// A token past its end is not used: a refresh that fails then fails the call.
	down.Store(true)
	tb.clock.Advance(31 * time.Minute)
	last := tb.MustPush(t, tb.MustApproved(t, 1))
	err := tb.work(context.Background(), svc, tb.jobsOf(t, last)[0])
	var te *crm.TransientError
	if !errors.As(err, &te) {
		t.Fatalf("push with an expired token and no refresh: %v, want a transient error", err)
	}
	if st := tb.fake.Stats(); st.Unauthorized != 0 {
		t.Fatalf("sent an expired token (%d 401s)", st.Unauthorized)
	}
	tb.assertTruth(t, id, next)
}

// failTransport answers 503 to requests whose path has prefix while fail
// is set, and sends every other request on.
type failTransport struct {
	next   http.RoundTripper
	prefix string
	fail   *atomic.Bool
}

func (f *failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.fail.Load() && strings.HasPrefix(r.URL.Path, f.prefix) {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Proto: "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Content-Type": {"text/plain"}},
			Body: io.NopCloser(strings.NewReader("unavailable")), Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

func TestPushTwoWorkersRefreshAtOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 400)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)
	if len(jobs) != 4 {
		t.Fatalf("jobs %d", len(jobs))
	}
	tb.fake.ExpireAccessTokens(tb.account)

	// Two processes (services that share nothing but the database), two
	// workers each, all hitting the expired token together.
	other := tb.newService()
	var wg sync.WaitGroup
	errs := make([]error, len(jobs))
	for i, a := range jobs {
		svc := tb.svc
		if i%2 == 1 {
			svc = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = tb.work(context.Background(), svc, a)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if st := tb.fake.Stats(); st.TokenRefreshes != 1 || st.InvalidGrants != 0 {
		t.Fatalf("refreshes %d, invalid grants %d; want one refresh", st.TokenRefreshes, st.InvalidGrants)
	}
	// The stored refresh token is the live one: the next expiry refreshes fine.
	more := tb.MustApproved(t, 5)
	next := tb.MustPush(t, more)
	tb.fake.ExpireAccessTokens(tb.account)
	tb.mustRunAll(t, next)
	if st := tb.fake.Stats(); st.TokenRefreshes != 2 || st.InvalidGrants != 0 {
		t.Fatalf("after a second expiry: refreshes %d, invalid grants %d", st.TokenRefreshes, st.InvalidGrants)
	}
	if d := tb.push(t, id); d.Status != "completed" || d.Created != 400 {
		t.Fatalf("push %+v", d.Push)
	}
	tb.assertTruth(t, id, next)
}

func TestPushInvalidGrantPausesUntilReconnect(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 250)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)
	if err := tb.work(context.Background(), tb.svc, jobs[0]); err != nil {
		t.Fatal(err)
	}
	// The grant dies at the CRM and we hear nothing (no webhook URL).
	tb.fake.Uninstall(tb.account)
	for _, a := range jobs[1:] {
		if err := tb.work(context.Background(), tb.svc, a); err != nil {
			t.Fatal(err) // paused, not failed: River must not retry
		}
	}
	if s := tb.connectionStatus(t); s != crm.StatusNeedsReauth {
		t.Fatalf("status %s, want needs_reauth", s)
	}
	d := tb.push(t, id)
	if d.Status != "paused" || d.Created != 100 || d.Paused != 150 {
		t.Fatalf("push %+v", d.Push)
	}
	wantOutcomes(t, tb.item(t, d, jobs[1].ContactIDs[0]), "401:unauthorized")
	if st := tb.fake.Stats(); st.InvalidGrants != 1 {
		t.Fatalf("invalid grants %d", st.InvalidGrants)
	}
	// New pushes wait for the reconnect.
	if _, err := tb.svc.RequestPush(context.Background(), tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids[:1]}); err == nil {
		t.Fatal("push accepted while the connection needs re-authorization")
	}
	tb.assertTruth(t, id)

	// Reconnecting resumes the paused contacts.
	tb.MustConnect(t)
	tb.mustRunAll(t, id)
	d = tb.push(t, id)
	if d.Status != "completed" || d.Created != 250 || d.Paused != 0 {
		t.Fatalf("after reconnect %+v", d.Push)
	}
	wantOutcomes(t, tb.item(t, d, jobs[1].ContactIDs[0]), "401:unauthorized", "200:created")
	tb.assertTruth(t, id)
}

// TestPauseRacingReconnect: a job that found the connection needing
// re-authorization pauses its contacts only if it still does when they
// are paused. An org admin's reconnect in between resumed what was paused
// then; contacts paused after it would wait on a live connection until
// the next reconnect. They stay queued and the job runs again instead.
func TestPauseRacingReconnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		needsReauth bool // the connection's state when the job pauses
		wantErr     bool
		wantPaused  int
	}{
		{name: "ErrReconnectedMeanwhile", wantErr: true, wantPaused: 0},
		{name: "OKStillNeedsReauth", needsReauth: true, wantPaused: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			ctx := context.Background()
			ids := tb.MustApproved(t, 3)
			id := tb.MustPush(t, ids)
			a := tb.jobsOf(t, id)[0]
			if tc.needsReauth {
				tb.mustExec(t, `UPDATE crm_connections SET status = 'needs_reauth' WHERE tenant_id = ?`, tb.tenantID)
			}
			if err := tb.svc.PauseChunk(ctx, a, a.ContactIDs); (err != nil) != tc.wantErr {
				t.Fatalf("pause: %v, want error %v", err, tc.wantErr)
			}
			if d := tb.push(t, id); d.Paused != tc.wantPaused || d.Queued != 3-tc.wantPaused {
				t.Fatalf("push %+v, want %d paused", d.Push, tc.wantPaused)
			}
			if tc.needsReauth {
				tb.MustConnect(t) // resumes the paused contacts
			}
			tb.mustRunAll(t, id)
			if d := tb.push(t, id); d.Status != "completed" || d.Created != 3 {
				t.Fatalf("push after the race %+v", d.Push)
			}
			tb.assertTruth(t, id)
		})
	}
}

func TestPushContactDeletedInCRM(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	if _, err := tb.svc.PutSettings(ctx, tb.tenantID, &tb.adminID, map[string]string{"job_title": crm.OwnOverwrite}); err != nil {
		t.Fatal(err)
	}
	ids := tb.MustApproved(t, 3)
	first := tb.MustPush(t, ids)
	tb.mustRunAll(t, first)

	tb.fake.DeleteContact(tb.account, ids[0].String(), false)
	tb.mustExec(t, `UPDATE contacts SET title = 'CTO', updated_at = now() WHERE id = ANY(?::uuid[])`, uuidArray(ids))
	second := tb.MustPush(t, ids)
	tb.mustRunAll(t, second)

	d := tb.push(t, second)
	if d.Status != "completed_with_errors" || d.Updated != 2 || d.DeletedInCRM != 1 {
		t.Fatalf("push %+v", d.Push)
	}
	gone := tb.item(t, d, ids[0])
	if gone.Status != crm.ItemDeletedInCRM || gone.ErrorCode != "RECORD_DELETED" {
		t.Fatalf("item %+v", gone)
	}
	wantOutcomes(t, gone, "207:error")
	// It is never pushed again, and not resurrected in the CRM.
	res, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids[:1], DryRun: true})
	if err != nil || res.Rejected != 1 || res.Reasons[crm.WhyDeletedInCRM] != 1 {
		t.Fatalf("preview %+v, %v", res, err)
	}
	if total, live := tb.fake.Count(tb.account); total != 3 || live != 2 {
		t.Fatalf("CRM holds %d (%d live)", total, live)
	}
	tb.assertTruth(t, first, second)
}

// TestPushReadsAreInTheHistory: fill_if_empty reads the record before an
// update; the read is an attempt in the contact's history, also when it
// finds the record deleted in the CRM.
func TestPushReadsAreInTheHistory(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 2)
	first := tb.MustPush(t, ids)
	tb.mustRunAll(t, first)

	tb.fake.DeleteContact(tb.account, ids[0].String(), false)
	tb.mustExec(t, `UPDATE contacts SET title = 'CTO', updated_at = now() WHERE id = ANY(?::uuid[])`, uuidArray(ids))
	second := tb.MustPush(t, ids)
	tb.mustRunAll(t, second)

	d := tb.push(t, second)
	if d.Updated != 1 || d.DeletedInCRM != 1 {
		t.Fatalf("push %+v", d.Push)
	}
	wantOutcomes(t, tb.item(t, d, ids[0]), "410:rejected")
	wantOutcomes(t, tb.item(t, d, ids[1]), "200:read", "200:updated")
	if it := tb.item(t, d, ids[1]); it.Attempts[0].Attempt != 1 || it.Attempts[1].Attempt != 2 {
		t.Fatalf("attempts numbered %d, %d", it.Attempts[0].Attempt, it.Attempts[1].Attempt)
	}
	tb.assertTruth(t, first, second)
}

// TestPushHistoryShowsTheEmailSent: the tenant corrected a contact's email,
// so the CRM gets the corrected one; the push history names the contact by
// that address too (the tenant sees its corrections everywhere), not by the
// shared record's, which the CRM never got.
func TestPushHistoryShowsTheEmailSent(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 2)
	corrected := "taken-" + uuid.NewString()[:8] + "@example.test"
	tb.mustExec(t, `INSERT INTO contact_corrections (tenant_id, id, contact_id, field, new_value)
		VALUES (?, ?, ?, 'email', ?)`, tb.tenantID, uuid.Must(uuid.NewV7()), ids[0], corrected)
	tb.fake.AddRecord(tb.account, map[string]string{"email": corrected, "first_name": "Someone"})
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)

	d := tb.push(t, id)
	if it := tb.item(t, d, ids[0]); it.ErrorCode != "EMAIL_CONFLICT" || it.Email != corrected {
		t.Fatalf("item %s refused for %s, shows email %q, want %q", it.ContactID, it.ErrorCode, it.Email, corrected)
	}
	var canonical string
	tb.db.Gorm.Raw(`SELECT email::text FROM contacts WHERE id = ?`, ids[1]).Scan(&canonical)
	if it := tb.item(t, d, ids[1]); it.Status != crm.ItemPushed || it.Email != canonical {
		t.Fatalf("uncorrected item %s (%s) shows email %q, want %q", it.ContactID, it.Status, it.Email, canonical)
	}
	tb.assertTruth(t, id)
}

// TestPushCorrectedCompanyInItsSpelling: a corrected company name that
// names a company shows, in the app, in that company's own spelling (the
// one accepting the correction would link); the CRM gets the same name, not
// the text as typed.
func TestPushCorrectedCompanyInItsSpelling(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 1)
	name := "Globex Holdings " + uuid.NewString()[:8]
	tb.mustExec(t, `INSERT INTO companies (id, name) VALUES (?, ?)`, uuid.Must(uuid.NewV7()), name)
	tb.mustExec(t, `INSERT INTO contact_corrections (tenant_id, id, contact_id, field, new_value)
		VALUES (?, ?, ?, 'company_name', ?)`, tb.tenantID, uuid.Must(uuid.NewV7()), ids[0], strings.ToLower(name))
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)

	recs := tb.fake.Records(tb.account)
	if len(recs) != 1 || recs[0].Properties["company_name"] != name {
		t.Fatalf("the CRM holds %+v, want company_name %q", recs, name)
	}
	tb.assertTruth(t, id)
}

// TestPushCorrectedCompanyAsShared: a corrected company name that is the
// contact's shared one (an undo, or a record that came to agree) moves the
// contact nowhere: the app shows it as it is, and the CRM gets the same
// name, not the spelling of another company of that name.
func TestPushCorrectedCompanyAsShared(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 1)
	name := "initech " + uuid.NewString()[:8]
	tb.mustExec(t, `INSERT INTO companies (id, name, domain) VALUES (?, ?, ?)`, uuid.Must(uuid.NewV7()), strings.ToUpper(name),
		"initech-"+uuid.NewString()[:8]+".example")
	tb.mustExec(t, `UPDATE contacts SET company_name = ? WHERE id = ?`, name, ids[0])
	tb.mustExec(t, `INSERT INTO contact_corrections (tenant_id, id, contact_id, field, new_value)
		VALUES (?, ?, ?, 'company_name', ?)`, tb.tenantID, uuid.Must(uuid.NewV7()), ids[0], name)
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)

	recs := tb.fake.Records(tb.account)
	if len(recs) != 1 || recs[0].Properties["company_name"] != name {
		t.Fatalf("the CRM holds %+v, want company_name %q", recs, name)
	}
	tb.assertTruth(t, id)
}

func TestPushEmailConflictInBatchOf100(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 100)
	var email string
	tb.db.Gorm.Raw(`SELECT email::text FROM contacts WHERE id = ?`, ids[42]).Scan(&email)
	owner := tb.fake.AddRecord(tb.account, map[string]string{"email": email, "first_name": "Someone"})
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)

	d := tb.push(t, id)
	if d.Status != "completed_with_errors" || d.Created != 99 || d.Failed != 1 {
		t.Fatalf("push %+v", d.Push)
	}
	it := tb.item(t, d, ids[42])
	if it.Status != crm.ItemFailed || it.ErrorCode != "EMAIL_CONFLICT" || it.CRMRecordID != "" {
		t.Fatalf("item %+v", it)
	}
	wantOutcomes(t, it, "207:error")
	wantOutcomes(t, tb.item(t, d, ids[41]), "207:created")
	if total, _ := tb.fake.Count(tb.account); total != 99 || len(tb.fake.Records(tb.account)) != 100 {
		t.Fatalf("CRM holds %d of ours (%d with %s)", total, len(tb.fake.Records(tb.account)), owner.ID)
	}
	tb.assertTruth(t, id)
}

func TestPushDisconnectDuringPush(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 250)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "admin@example.test"})
	var once sync.Once
	var writes atomic.Int32
	tb.fake.AfterWrite(func(string) {
		if writes.Add(1) == 2 { // the second batch reached the CRM
			once.Do(func() {
				if err := tb.svc.Disconnect(ctx, tb.tenantID); err != nil {
					t.Errorf("disconnect: %v", err)
				}
			})
		}
	})
	tb.mustRunAll(t, id)

	d := tb.push(t, id)
	// What reached the CRM is recorded as pushed; the rest was cancelled.
	if d.Status != "cancelled" || d.Created != 200 || d.Cancelled != 50 {
		t.Fatalf("push %+v", d.Push)
	}
	if it := tb.item(t, d, jobs[2].ContactIDs[0]); it.Status != crm.ItemCancelled || len(it.Attempts) != 0 {
		t.Fatalf("item %+v", it)
	}
	if s := tb.connectionStatus(t); s != crm.StatusDisconnected {
		t.Fatalf("status %s", s)
	}
	if tb.fake.GrantActive(tb.account) {
		t.Fatal("the grant was not revoked at the CRM")
	}
	if n := tb.scalar(t, `SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'crm.disconnected'`, tb.tenantID); n != 1 {
		t.Fatalf("audit events %d", n)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE tenant_id = ? AND access_token_enc IS NULL
		AND refresh_token_enc IS NULL`, tb.tenantID); n != 1 {
		t.Fatal("tokens kept after disconnect")
	}
	tb.assertTruth(t, id)
}

// TestPushAccountSwitchedDuringPush: an org admin connects another CRM
// account while a chunk is being sent to the old one. The old account's
// answers are no state of the new account: those contacts fail with
// ACCOUNT_CHANGED, count as not pushed, and the next push delivers them to
// the new account. The old account's grant is revoked.
func TestPushAccountSwitchedDuringPush(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	oldAccount := tb.account
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)
	var once sync.Once
	reason := "not run"
	tb.fake.AfterWrite(func(string) {
		once.Do(func() {
			tb.account = "acc_new_" + oldAccount[4:]
			reason = tb.connect(t, true)
		})
	})
	tb.mustRunAll(t, id)
	tb.fake.AfterWrite(nil)
	if reason != "" {
		t.Fatalf("switch: %q", reason)
	}
	d := tb.push(t, id)
	for _, cid := range ids {
		if it := tb.item(t, d, cid); it.Status != crm.ItemFailed || it.ErrorCode != "ACCOUNT_CHANGED" {
			t.Fatalf("item %+v", it)
		}
	}
	if tb.fake.GrantActive(oldAccount) {
		t.Fatal("the old account's grant is still active")
	}
	if n := tb.scalar(t, `SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'crm.connected'
		AND data->>'previous_account_id' = ?`, tb.tenantID, oldAccount); n != 1 {
		t.Fatalf("%d crm.connected events name the previous account", n)
	}
	plan, err := tb.svc.RequestPush(context.Background(), tb.tenantID, &tb.adminID, crm.PushParams{AllApprovedNotPushed: true, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if plan.ToCreate != 3 {
		t.Fatalf("after the switch the plan creates %d, want 3", plan.ToCreate)
	}
	again := tb.MustPush(t, ids)
	tb.mustRunAll(t, again)
	if total, _ := tb.fake.Count(tb.account); total != 3 {
		t.Fatalf("the new account holds %d of ours, want 3", total)
	}
	tb.assertTruth(t, again)
}

// TestPushAllRefusedIsNoSuccess: a push the CRM refused contact by contact
// is not the connection's last successful push.
func TestPushAllRefusedIsNoSuccess(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 2)
	for _, id := range ids {
		var email string
		tb.db.Gorm.Raw(`SELECT email::text FROM contacts WHERE id = ?`, id).Scan(&email)
		tb.fake.AddRecord(tb.account, map[string]string{"email": email})
	}
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)
	if d := tb.push(t, id); d.Failed != 2 {
		t.Fatalf("push %+v", d.Push)
	}
	c, err := tb.svc.GetConnection(context.Background(), tb.tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if c.LastPushAt != nil {
		t.Fatalf("last successful push %v after a push the CRM refused whole", c.LastPushAt)
	}
}

// TestPushRecreatesMissingRecordWhole: the history says a record was
// pushed, but the CRM has none under our id (and no tombstone). The record
// is created again with every field, not only the one that changed.
func TestPushRecreatesMissingRecordWhole(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 1)
	var email string
	tb.db.Gorm.Raw(`SELECT email::text FROM contacts WHERE id = ?`, ids[0]).Scan(&email)
	last, _ := json.Marshal(map[string]string{"email": email, "first_name": "First1", "last_name": "Last",
		"job_title": "Old Title", "company_name": "Acme"})
	tb.mustExec(t, `INSERT INTO crm_pushes (tenant_id, contact_id, status, crm_record_id, content_hash, pushed_properties, attempts)
		VALUES (?, ?, 'pushed', 'c_gone', '\x00', ?::jsonb, 1)`, tb.tenantID, ids[0], string(last))
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)
	recs := tb.fake.Records(tb.account)
	if len(recs) != 1 {
		t.Fatalf("the CRM holds %d records", len(recs))
	}
	want := map[string]string{"email": email, "first_name": "First1", "last_name": "Last", "job_title": "Engineer", "company_name": "Acme"}
	for f, v := range want {
		if recs[0].Properties[f] != v {
			t.Fatalf("recreated record %+v, want %s = %q", recs[0].Properties, f, v)
		}
	}
	tb.assertTruth(t, id)
}

func TestPushWorkerKilledAndRestarted(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 100)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)

	ctx, stop := context.WithCancel(context.Background())
	var once sync.Once
	// The worker dies after the CRM wrote; the fake holds its answer until
	// the client gives up, so the answer cannot beat the stop.
	tb.fake.InjectFault(fakecrm.FaultTimeout, 1)
	tb.fake.AfterWrite(func(string) { once.Do(stop) })
	if err := tb.work(ctx, tb.svc, jobs[0]); !errors.Is(err, context.Canceled) {
		t.Fatalf("killed worker returned %v", err)
	}
	d := tb.push(t, id)
	if d.Queued != 100 || d.Created != 0 {
		t.Fatalf("after the kill %+v", d.Push)
	}
	if total, _ := tb.fake.Count(tb.account); total != 100 {
		t.Fatalf("CRM holds %d", total)
	}
	// River runs the job again.
	tb.fake.AfterWrite(nil)
	if err := tb.work(context.Background(), tb.svc, jobs[0]); err != nil {
		t.Fatal(err)
	}
	d = tb.push(t, id)
	if d.Status != "completed" || d.Created != 100 {
		t.Fatalf("after the restart %+v", d.Push)
	}
	for _, it := range d.Items {
		wantOutcomes(t, it, "0:interrupted", "200:updated")
	}
	// Metered once per contact, however many attempts.
	if n := tb.scalar(t, `SELECT count FROM usage_counters WHERE tenant_id = ? AND metric = 'crm_pushes'`, tb.tenantID); n != 100 {
		t.Fatalf("metered %d", n)
	}
	tb.assertTruth(t, id)
}

// TestPushUpdateReplayedAfterLostAnswer: an update whose answer was lost
// (the worker died after the CRM wrote) is planned again when River reruns
// the job; its fill_if_empty read then finds our new value already in the
// CRM. That value is ours: the replay records it as what we sent. It was
// taken for a value someone entered in the CRM (neither empty nor what we
// sent last), so the field was never updated by any later push.
func TestPushUpdateReplayedAfterLostAnswer(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 1)
	ext := ids[0].String()
	title := func() string {
		for _, r := range tb.fake.Records(tb.account) {
			if r.ExternalID == ext {
				return r.Properties["job_title"]
			}
		}
		t.Fatal("no record")
		return ""
	}
	tb.mustRunAll(t, tb.MustPush(t, ids))

	tb.mustExec(t, `UPDATE contacts SET title = 'CTO', updated_at = now() WHERE id = ?`, ids[0])
	id := tb.MustPush(t, ids)
	ctx, stop := context.WithCancel(context.Background())
	var once sync.Once
	tb.fake.InjectFault(fakecrm.FaultTimeout, 1)
	tb.fake.AfterWrite(func(string) { once.Do(stop) })
	if err := tb.work(ctx, tb.svc, tb.jobsOf(t, id)[0]); !errors.Is(err, context.Canceled) {
		t.Fatalf("killed worker returned %v", err)
	}
	if got := title(); got != "CTO" {
		t.Fatalf("the CRM holds %q after the lost answer", got)
	}
	tb.fake.AfterWrite(nil)
	tb.mustRunAll(t, id)
	if d := tb.push(t, id); d.Status != "completed" || d.Updated != 1 {
		t.Fatalf("replay %+v", d.Push)
	}

	tb.mustExec(t, `UPDATE contacts SET title = 'VP', updated_at = now() WHERE id = ?`, ids[0])
	tb.mustRunAll(t, tb.MustPush(t, ids))
	if got := title(); got != "VP" {
		t.Fatalf("the CRM holds %q, want the title we changed to (VP): the field we wrote is ours", got)
	}
	tb.assertTruth(t, id)
}

func TestPushPlanApprovedOnlyAndDuplicates(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	ids := tb.MustApproved(t, 3)
	others := tb.MustApproved(t, 3)
	tb.mustExec(t, `UPDATE saved_contacts SET status = 'saved' WHERE contact_id = ?`, others[0])
	tb.mustExec(t, `UPDATE saved_contacts SET status = 'rejected' WHERE contact_id = ?`, others[1])
	tb.mustExec(t, `DELETE FROM saved_contacts WHERE contact_id = ?`, others[2])
	all := append(append(slices.Clone(ids), others...), uuid.New())

	tests := []struct {
		name     string
		params   crm.PushParams
		create   int
		rejected map[string]int
	}{
		{"Explicit", crm.PushParams{ContactIDs: all, DryRun: true}, 3,
			map[string]int{crm.WhyNotApproved: 1, crm.WhyRejected: 1, crm.WhyNotSaved: 1, crm.WhyNotFound: 1}},
		{"AllApprovedNotPushed", crm.PushParams{AllApprovedNotPushed: true, DryRun: true}, 3, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if res.ID != nil || res.ToCreate != tt.create || res.Rejected != len(tt.rejected) {
				t.Fatalf("preview %+v", res)
			}
			for why, n := range tt.rejected {
				if res.Reasons[why] != n {
					t.Fatalf("reasons %v, want %v", res.Reasons, tt.rejected)
				}
			}
		})
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_push_batches WHERE tenant_id = ?`, tb.tenantID); n != 0 {
		t.Fatal("a preview stored a push")
	}

	first := tb.MustPush(t, all)
	if d := tb.push(t, first); d.Rejected != 4 || d.ToCreate != 3 || len(tb.jobsOf(t, first)) != 1 {
		t.Fatalf("push %+v", d.Push)
	}
	// Pushing again while queued skips as already_queued.
	res, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids, DryRun: true})
	if err != nil || res.Reasons[crm.WhyAlreadyQueued] != 3 {
		t.Fatalf("preview while queued %+v %v", res, err)
	}
	tb.mustRunAll(t, first)

	// Same content again: skipped as duplicate, nothing queued.
	second := tb.MustPush(t, ids)
	if d := tb.push(t, second); d.Skipped != 3 || d.Status != "completed" || len(tb.jobsOf(t, second)) != 0 {
		t.Fatalf("repeat push %+v", d.Push)
	}
	res, err = tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{AllApprovedNotPushed: true, DryRun: true})
	if err != nil || res.Total != 0 {
		t.Fatalf("all not pushed after pushing %+v %v", res, err)
	}

	// Changed data goes as an update of the same record.
	tb.mustExec(t, `UPDATE contacts SET last_name = 'Changed', updated_at = now() WHERE id = ?`, ids[0])
	third := tb.MustPush(t, ids)
	tb.mustRunAll(t, third)
	d := tb.push(t, third)
	if d.ToUpdate != 1 || d.Skipped != 2 || d.Updated != 1 {
		t.Fatalf("update push %+v", d.Push)
	}
	rec := tb.fake.Records(tb.account)
	found := false
	for _, r := range rec {
		if r.ExternalID == ids[0].String() {
			found = r.Properties["last_name"] == "Changed"
		}
	}
	if !found {
		t.Fatal("the update did not reach the record")
	}
	tb.assertTruth(t, first, second, third)
}

func TestPushFieldOwnership(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	if _, err := tb.svc.PutSettings(ctx, tb.tenantID, &tb.adminID, map[string]string{
		"phone": crm.OwnNever, "company_name": crm.OwnOverwrite}); err != nil {
		t.Fatal(err)
	}
	ids := tb.MustApproved(t, 1)
	tb.mustExec(t, `UPDATE contacts SET phone = '+442071234567' WHERE id = ?`, ids[0])
	ext := ids[0].String()
	record := func() map[string]string {
		for _, r := range tb.fake.Records(tb.account) {
			if r.ExternalID == ext {
				return r.Properties
			}
		}
		t.Fatal("no record")
		return nil
	}
	change := func(title, company string) {
		t.Helper()
		tb.mustExec(t, `UPDATE contacts SET title = ?, company_name = ?, updated_at = now() WHERE id = ?`, title, company, ids[0])
		tb.mustRunAll(t, tb.MustPush(t, ids))
	}

	tb.mustRunAll(t, tb.MustPush(t, ids))
	if p := record(); p["phone"] != "" || p["job_title"] != "Engineer" || p["company_name"] != "Acme" {
		t.Fatalf("created %v", p)
	}
	// Someone in the CRM edits the record; our data changes too.
	tb.fake.EditRecord(tb.account, ext, map[string]string{"job_title": "VP (set in CRM)", "company_name": "CRM Co"})
	change("CTO", "Acme 2")
	if p := record(); p["job_title"] != "VP (set in CRM)" || p["company_name"] != "Acme 2" || p["phone"] != "" {
		t.Fatalf("fill_if_empty kept, overwrite replaced, never untouched: %v", p)
	}
	// An emptied CRM field is filled.
	tb.fake.EditRecord(tb.account, ext, map[string]string{"job_title": ""})
	change("CEO", "Acme 2")
	if p := record(); p["job_title"] != "CEO" {
		t.Fatalf("fill_if_empty into an empty field: %v", p)
	}
	// Values we remove leave the CRM where they are ours: the company
	// (overwrite) and the title (fill_if_empty, still what we sent).
	change("", "")
	if p := record(); p["job_title"] != "" || p["company_name"] != "" {
		t.Fatalf("emptied values stayed in the CRM: %v", p)
	}
	// A value someone entered in the CRM stays when ours is empty too.
	tb.fake.EditRecord(tb.account, ext, map[string]string{"job_title": "Set in CRM"})
	change("", "Acme 3")
	if p := record(); p["job_title"] != "Set in CRM" || p["company_name"] != "Acme 3" {
		t.Fatalf("fill_if_empty must not clear the CRM's own value: %v", p)
	}
	tb.assertTruth(t)
}

// TestPushFieldOwnershipChangeSendsAgain: contacts pushed while a field was
// never sent are not "unchanged since the last push" once an org admin
// lets the field through: pushing them again sends it as the new ownership
// says (overwrite: our value; fill_if_empty: only into an empty CRM field),
// once; after that they are duplicates again.
func TestPushFieldOwnershipChangeSendsAgain(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	setModes := func(modes map[string]string) {
		t.Helper()
		if _, err := tb.svc.PutSettings(ctx, tb.tenantID, &tb.adminID, modes); err != nil {
			t.Fatal(err)
		}
	}
	setModes(map[string]string{"phone": crm.OwnNever, "job_title": crm.OwnNever})
	ids := tb.MustApproved(t, 2)
	tb.mustExec(t, `UPDATE contacts SET phone = '+442071234567' WHERE id = ANY(?::uuid[])`, uuidArray(ids))
	tb.mustRunAll(t, tb.MustPush(t, ids))
	props := func(id uuid.UUID) map[string]string {
		for _, r := range tb.fake.Records(tb.account) {
			if r.ExternalID == id.String() {
				return r.Properties
			}
		}
		t.Fatalf("no record for %s", id)
		return nil
	}
	if p := props(ids[0]); p["phone"] != "" || p["job_title"] != "" {
		t.Fatalf("created %v with phone and title never sent", p)
	}
	// Someone in the CRM gives the second contact a title of their own.
	tb.fake.EditRecord(tb.account, ids[1].String(), map[string]string{"job_title": "Set in CRM"})

	setModes(map[string]string{"phone": crm.OwnOverwrite})
	preview := func() *crm.PushResult {
		t.Helper()
		res, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := preview(); res.ToUpdate != 2 || res.Skipped != 0 {
		t.Fatalf("after the ownership change the plan updates %d and skips %d (%v), want 2 and 0", res.ToUpdate, res.Skipped, res.Reasons)
	}
	again := tb.MustPush(t, ids)
	tb.mustRunAll(t, again)
	if p := props(ids[0]); p["phone"] != "+442071234567" || p["job_title"] != "Engineer" {
		t.Fatalf("phone (overwrite) and title (fill_if_empty into an empty field) not sent: %v", p)
	}
	if p := props(ids[1]); p["phone"] != "+442071234567" || p["job_title"] != "Set in CRM" {
		t.Fatalf("fill_if_empty must keep the CRM's own title: %v", p)
	}
	if res := preview(); res.Skipped != 2 || res.Reasons[crm.WhySkippedDuplicate] != 2 {
		t.Fatalf("pushed with the new ownership, the plan skips %d (%v), want 2 duplicates", res.Skipped, res.Reasons)
	}
	tb.assertTruth(t, again)
}

func TestPushQuotaMeteredPerContactSent(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	tb.mustExec(t, `UPDATE subscriptions SET package_id = '01900000-0000-7000-8000-000000000001' WHERE tenant_id = ?`, tb.tenantID)
	ids := tb.MustApproved(t, 101) // Free: 100 a month
	if _, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids}); err == nil {
		t.Fatal("a push over the quota was accepted")
	}
	id := tb.MustPush(t, ids[:100])
	// Another push uses the quota up before this one runs.
	tb.mustExec(t, `UPDATE usage_counters SET count = 60 WHERE tenant_id = ? AND metric = 'crm_pushes'`, tb.tenantID)
	period, _ := tb.pinnedLimits().Period()
	tb.mustExec(t, `INSERT INTO usage_counters (tenant_id, metric, period_start, count)
		VALUES (?, 'crm_pushes', ?, 60) ON CONFLICT DO NOTHING`, tb.tenantID, period)
	tb.mustRunAll(t, id)
	d := tb.push(t, id)
	if d.Created != 40 || d.Failed != 60 {
		t.Fatalf("push %+v", d.Push)
	}
	if it := tb.item(t, d, ids[99]); it.ErrorCode != "QUOTA_EXCEEDED" ||
		it.ErrorMessage != "The monthly crm_pushes quota is used up (100 of 100); it resets at 2026-12-01T00:00:00Z." {
		t.Fatalf("item %+v", it)
	}
	tb.assertTruth(t, id)
}

// TestPushQuotaSharedWithConcurrentPush: a push that meters while another
// push of the tenant holds the counter takes what that one left (50 of
// 100), instead of refusing all its contacts because its first reading of
// the quota (100 left) no longer held.
func TestPushQuotaSharedWithConcurrentPush(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	tb.mustExec(t, `UPDATE subscriptions SET package_id = '01900000-0000-7000-8000-000000000001' WHERE tenant_id = ?`, tb.tenantID)
	period, _ := tb.pinnedLimits().Period()
	tb.mustExec(t, `INSERT INTO usage_counters (tenant_id, metric, period_start, count)
		VALUES (?, 'crm_pushes', ?, 0)`, tb.tenantID, period)
	ids := tb.MustApproved(t, 60)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)

	other := tb.db.Gorm.Begin() // the other push, metering 50 and holding the counter row
	defer other.Rollback()
	if err := other.Exec(`UPDATE usage_counters SET count = count + 50 WHERE tenant_id = ? AND metric = 'crm_pushes'`, tb.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var err error
		for _, a := range jobs {
			if err = tb.work(ctx, tb.svc, a); err != nil {
				break
			}
		}
		done <- err
	}()
	for deadline := time.Now().Add(30 * time.Second); ; {
		waiting := tb.scalar(t, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%usage_counters%' AND datname = current_database()`)
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the push job never reached the counter")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := other.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	d := tb.push(t, id)
	if d.Created != 50 || d.Failed != 10 {
		t.Fatalf("push %+v, want 50 created and 10 refused", d.Push)
	}
	if n := tb.scalar(t, `SELECT count FROM usage_counters WHERE tenant_id = ? AND metric = 'crm_pushes'`, tb.tenantID); n != 100 {
		t.Fatalf("metered %d, want 100", n)
	}
	tb.assertTruth(t, id)
}

// TestPushWaitsForJobSlot: with every one of the tenant's job slots taken
// (Pro: 4, here by imports), a push job snoozes without sending; once a
// slot is free it sends, and gives the slot back.
func TestPushWaitsForJobSlot(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	id := tb.MustPush(t, tb.MustApproved(t, 2))
	lim := tb.pinnedLimits()
	ctx := context.Background()
	for i := range 4 {
		if ok, err := lim.ClaimJobSlot(ctx, tb.tenantID, fmt.Sprintf("import:%d", i), time.Minute); err != nil || !ok {
			t.Fatalf("claim %d: %v %v", i, ok, err)
		}
	}
	jobs := tb.jobsOf(t, id)
	var snooze *river.JobSnoozeError
	if err := tb.work(ctx, tb.svc, jobs[0]); !errors.As(err, &snooze) {
		t.Fatalf("push with every slot taken: %v, want a snooze", err)
	}
	if total, _ := tb.fake.Count(tb.account); total != 0 {
		t.Fatalf("sent %d records while waiting for a slot", total)
	}
	if d := tb.push(t, id); d.Created != 0 {
		t.Fatalf("sent while waiting for a slot: %+v", d.Push)
	}
	if err := lim.ReleaseJobSlot(ctx, tb.tenantID, "import:0"); err != nil {
		t.Fatal(err)
	}
	tb.mustRunAll(t, id)
	if d := tb.push(t, id); d.Status != "completed" || d.Created != 2 {
		t.Fatalf("push after a slot freed: %+v", d.Push)
	}
	var held int
	if err := tb.db.Gorm.Raw(`SELECT count(*) FROM job_slots WHERE tenant_id = ? AND holder LIKE 'crm:%'`, tb.tenantID).
		Scan(&held).Error; err != nil || held != 0 {
		t.Fatalf("%d push slots still held (%v)", held, err)
	}
}

// TestRefreshOfNewerTokenNotJoinedToOlder: a refresh is single-flight per
// token version, not per tenant. A worker whose token of the current
// version was refused must not join a refresh still running for an older
// version: that one ends with "someone refreshed meanwhile" and answers
// the current token, the very one the CRM refused, and the worker's retry
// with it then marked the connection as needing re-authorization.
func TestRefreshOfNewerTokenNotJoinedToOlder(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	var current int64
	tb.db.Gorm.Raw(`SELECT token_version FROM crm_connections WHERE tenant_id = ?`, tb.tenantID).Scan(&current)

	// Hold the connection row, so the older refresh waits inside its flight.
	hold := tb.db.Gorm.Begin()
	if err := hold.Exec(`SELECT 1 FROM crm_connections WHERE tenant_id = ? FOR UPDATE`, tb.tenantID).Error; err != nil {
		t.Fatal(err)
	}
	var holder int
	hold.Raw(`SELECT pg_backend_pid()`).Scan(&holder)
	waiters := func() (n int64) { // sessions waiting for the row held here
		tb.db.Gorm.Raw(`SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))`, holder).Scan(&n)
		return n
	}
	type result struct {
		version int64
		err     error
	}
	older, newer := make(chan result, 1), make(chan result, 1)
	go func() {
		v, err := tb.svc.Refresh(context.Background(), tb.tenantID, current-1)
		older <- result{v, err}
	}()
	for waiters() < 1 {
		time.Sleep(10 * time.Millisecond)
	}
	go func() {
		v, err := tb.svc.Refresh(context.Background(), tb.tenantID, current)
		newer <- result{v, err}
	}()
	// With a flight of its own the newer refresh queues on the row too;
	// joined to the older flight it never does (give it two seconds).
	for deadline := time.Now().Add(2 * time.Second); waiters() < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if err := hold.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if r := <-older; r.err != nil || r.version != current {
		t.Fatalf("older refresh: version %d, %v; want the current %d", r.version, r.err, current)
	}
	if r := <-newer; r.err != nil || r.version != current+1 {
		t.Fatalf("newer refresh: version %d, %v; want a new token, version %d", r.version, r.err, current+1)
	}
	if st := tb.fake.Stats(); st.TokenRefreshes != 1 {
		t.Fatalf("%d refreshes at the CRM, want 1", st.TokenRefreshes)
	}
}

// unavailableAttempt is how many 503s make one attempt of a push job fail
// (its first try and the default crm.Options.MaxRetries retries).
const unavailableAttempt = 6

// TestPushMeteredOnlyWhenDelivered: a contact counts against
// crm_pushes_per_month once it reached the CRM. It is charged when it is
// sent (so the quota holds while it is on the way, and a retry or resumed
// job does not charge it again), and refunded, in the month it was charged,
// when its push ends without delivering it: refused by the CRM, given up
// after the retries, or sent to an account the connection no longer has.
// Pushing it again then counts it once. Contacts that failed for good used
// to keep their charge, and each push again charged them once more.
func TestPushMeteredOnlyWhenDelivered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// run works the push's jobs so that they end with some contacts
		// not delivered.
		run         func(t *testing.T, tb *testBundle, ids []uuid.UUID, id uuid.UUID)
		wantPushed  int
		wantFailure string
	}{
		{"RefusedByCRM", func(t *testing.T, tb *testBundle, ids []uuid.UUID, id uuid.UUID) {
			var email string
			tb.db.Gorm.Raw(`SELECT email::text FROM contacts WHERE id = ?`, ids[1]).Scan(&email)
			tb.fake.AddRecord(tb.account, map[string]string{"email": email})
			tb.mustRunAll(t, id)
		}, 2, "EMAIL_CONFLICT"},
		{"GaveUpAfterRetries", func(t *testing.T, tb *testBundle, _ []uuid.UUID, id uuid.UUID) {
			for _, attempt := range []int{1, crm.PushMaxAttempts} {
				tb.fake.InjectFault(fakecrm.FaultUnavailable, unavailableAttempt)
				_ = tb.workAttempt(context.Background(), tb.jobsOf(t, id)[0], attempt)
			}
		}, 0, "UNAVAILABLE"},
		{"StoppedOnLastAttempt", func(t *testing.T, tb *testBundle, _ []uuid.UUID, id uuid.UUID) {
			ctx := stopAfterWrite(t, tb)
			_ = tb.workAttempt(ctx, tb.jobsOf(t, id)[0], crm.PushMaxAttempts)
			tb.fake.AfterWrite(nil)
		}, 0, "GAVE_UP"},
		{"AccountChanged", func(t *testing.T, tb *testBundle, _ []uuid.UUID, id uuid.UUID) {
			var once sync.Once
			old := tb.account
			tb.fake.AfterWrite(func(string) {
				once.Do(func() {
					tb.account = "acc_new_" + old[4:]
					tb.connect(t, true)
				})
			})
			tb.mustRunAll(t, id)
			tb.fake.AfterWrite(nil)
		}, 0, "ACCOUNT_CHANGED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			metered := func() int {
				t.Helper()
				return tb.scalar(t, `SELECT COALESCE(sum(count), 0) FROM usage_counters WHERE tenant_id = ? AND metric = 'crm_pushes'`, tb.tenantID)
			}
			ids := tb.MustApproved(t, 3)
			first := tb.MustPush(t, ids)
			tt.run(t, tb, ids, first)
			d := tb.push(t, first)
			if d.Created+d.Updated != tt.wantPushed || d.Queued != 0 {
				t.Fatalf("push %+v, want %d pushed", d.Push, tt.wantPushed)
			}
			var failed []uuid.UUID
			for _, it := range d.Items {
				if it.Status == crm.ItemFailed {
					if it.ErrorCode != tt.wantFailure {
						t.Fatalf("item %+v, want %s", it, tt.wantFailure)
					}
					failed = append(failed, it.ContactID)
				}
			}
			if n := metered(); n != tt.wantPushed {
				t.Fatalf("metered %d after %d of 3 were delivered", n, tt.wantPushed)
			}
			// Pushing the failed ones again counts each once, when it is
			// delivered (a refused contact with its email corrected).
			tb.mustExec(t, `UPDATE contacts SET email = 'fixed-' || email WHERE id = ANY(?::uuid[])`, uuidArray(failed))
			again := tb.MustPush(t, failed)
			tb.mustRunAll(t, again)
			if d := tb.push(t, again); d.Created+d.Updated != len(failed) {
				t.Fatalf("push again %+v", d.Push)
			}
			if n := metered(); n != 3 {
				t.Fatalf("metered %d after the 3 contacts were delivered", n)
			}
		})
	}
}

// TestPushRefundInMonthCharged: a contact charged in one month whose push
// fails for good in the next is refunded to the month that paid for it;
// the new month's quota is not touched.
func TestPushRefundInMonthCharged(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 2)
	id := tb.MustPush(t, ids)
	job := tb.jobsOf(t, id)[0]
	tb.fake.InjectFault(fakecrm.FaultUnavailable, unavailableAttempt)
	if err := tb.workAttempt(context.Background(), job, 1); err == nil {
		t.Fatal("the first attempt succeeded against an unavailable CRM")
	}
	november, _ := tb.pinnedLimits().Period()
	december := november.AddDate(0, 1, 0)
	read := func(period time.Time) int {
		t.Helper()
		return tb.scalar(t, `SELECT COALESCE(sum(count), 0) FROM usage_counters WHERE tenant_id = ? AND metric = 'crm_pushes'
			AND period_start = ?`, tb.tenantID, period)
	}
	if n := read(november); n != 2 {
		t.Fatalf("charged %d in the month the contacts were sent, want 2", n)
	}
	tb.mustExec(t, `INSERT INTO usage_counters (tenant_id, metric, period_start, count) VALUES (?, 'crm_pushes', ?, 5)`,
		tb.tenantID, december)
	// The last attempt runs in December and gives up.
	tb.fake.InjectFault(fakecrm.FaultUnavailable, unavailableAttempt)
	tb.svc = crm.NewService(tb.db, limits.NewService(tb.db.Gorm, 0).WithClock(func() time.Time { return december.Add(time.Hour) }),
		tb.cfg, tb.opts)
	if err := tb.workAttempt(context.Background(), job, crm.PushMaxAttempts); err != nil {
		t.Fatalf("last attempt: %v", err)
	}
	if d := tb.push(t, id); d.Failed != 2 {
		t.Fatalf("push %+v", d.Push)
	}
	if nov, dec := read(november), read(december); nov != 0 || dec != 5 {
		t.Fatalf("after the refund November %d (want 0), December %d (want 5)", nov, dec)
	}
}

// TestPushDisconnectedWhileSendingStillMetered: an org admin disconnects
// while a batch is on its way and the CRM takes it. The disconnect cancels
// the contacts (giving their quota back), then the CRM's answer records
// them as pushed: they reached the CRM, so they count against the month
// they were charged in, as every delivered contact does. They used to stay
// refunded: a disconnect at the right moment pushed contacts for free.
func TestPushDisconnectedWhileSendingStillMetered(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)
	var once sync.Once
	tb.fake.AfterWrite(func(string) {
		once.Do(func() {
			if err := tb.svc.Disconnect(context.Background(), tb.tenantID); err != nil {
				t.Errorf("disconnect: %v", err)
			}
		})
	})
	tb.mustRunAll(t, id)
	d := tb.push(t, id)
	if d.Created != 3 || d.Cancelled != 0 {
		t.Fatalf("push %+v, want the 3 contacts the CRM took recorded as pushed", d.Push)
	}
	if n := tb.scalar(t, `SELECT COALESCE(sum(count), 0) FROM usage_counters WHERE tenant_id = ? AND metric = 'crm_pushes'`,
		tb.tenantID); n != 3 {
		t.Fatalf("metered %d after the CRM took 3 contacts", n)
	}
	tb.assertTruth(t, id)
}

// hookTransport calls hook once, before the first request whose path has
// prefix, then sends every request on.
type hookTransport struct {
	next   http.RoundTripper
	prefix string
	once   sync.Once
	hook   func()
	// answer, when set, is the status the first matching request gets
	// instead of reaching the CRM (a proxy's 503, say).
	answer int
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, h.prefix) {
		first := false
		h.once.Do(func() { first = true; h.hook() })
		if first && h.answer != 0 {
			return &http.Response{StatusCode: h.answer, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
		}
	}
	return h.next.RoundTrip(r)
}

// TestPushResumedJobRacingItsOriginal: the connection needs
// re-authorization, which pauses every queued contact of the tenant,
// including those of push jobs that have not run yet; the reconnect queues
// them again with new jobs. A job that had not run by then still names
// them, so two jobs send the same contacts, and they may run at once. The
// one that finds its contacts settled or charged by the other meanwhile
// must not charge them again (it charged each contact twice against the
// month's crm_pushes) nor send a contact the other already settled.
func TestPushResumedJobRacingItsOriginal(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	ids := tb.MustApproved(t, 150)
	tb.mustRunAll(t, tb.MustPush(t, ids))
	// Changed content: an update, which reads each record first (job_title
	// is fill_if_empty).
	tb.mustExec(t, `UPDATE contacts SET title = 'CTO' WHERE id = ANY(?::uuid[])`, uuidArray(ids))
	id := tb.MustPush(t, ids)
	tb.fake.Uninstall(tb.account) // the grant dies; no webhook URL: we hear nothing
	jobs := tb.jobsOf(t, id)
	if err := tb.work(ctx, tb.svc, jobs[0]); err != nil {
		t.Fatal(err)
	}
	if s := tb.connectionStatus(t); s != crm.StatusNeedsReauth {
		t.Fatalf("status %s, want needs_reauth", s)
	}
	tb.MustConnect(t) // queues the paused contacts again, with new jobs
	jobs = tb.jobsOf(t, id)
	if len(jobs) != 4 || !slices.Equal(jobs[1].ContactIDs, jobs[3].ContactIDs) {
		t.Fatalf("jobs after the reconnect: %d", len(jobs))
	}
	if err := tb.work(ctx, tb.svc, jobs[2]); err != nil {
		t.Fatal(err)
	}
	// The resumed job reads its first record; meanwhile the original job of
	// the same contacts runs whole.
	opts := tb.opts
	ht := &hookTransport{next: tb.opts.HTTPClient.Transport, prefix: "/v1/contacts/by-external-id/"}
	ht.hook = func() {
		if err := tb.work(ctx, tb.svc, jobs[1]); err != nil {
			t.Errorf("original job: %v", err)
		}
	}
	opts.HTTPClient = &http.Client{Transport: ht}
	racer := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
	if err := tb.work(ctx, racer, jobs[3]); err != nil {
		t.Fatal(err)
	}

	d := tb.push(t, id)
	if d.Status != "completed" || d.Created+d.Updated != 150 {
		t.Fatalf("push %+v", d.Push)
	}
	if n := tb.scalar(t, `SELECT COALESCE(sum(count), 0) FROM usage_counters WHERE tenant_id = ? AND metric = 'crm_pushes'`,
		tb.tenantID); n != 300 {
		t.Fatalf("metered %d for 150 contacts pushed twice (created, then updated), want 300", n)
	}
	for _, cid := range jobs[1].ContactIDs {
		sent := 0
		for _, e := range tb.item(t, d, cid).Attempts {
			if e.Outcome == crm.OutcomeCreated || e.Outcome == crm.OutcomeUpdated {
				sent++
			}
		}
		if sent != 1 {
			t.Fatalf("contact %s sent %d times by one push", cid, sent)
		}
	}
	// (Not the push's items: the racing job's reads of records the other
	// job had meanwhile sent are in their history after the upsert.)
	tb.assertTruth(t)
}

// TestPushAccountSwitchedBeforeSend: an org admin connects another CRM
// account after a push job read the connection and before the CRM answered
// its request (a read of a record for fill_if_empty, or the upsert). The
// old account's token is refused (the switch revoked its grant), and the
// refresh finds the new account's token. What was planned for the old
// account must not go to the new one: it went there, leaving records in the
// new account that no push history knows of (their contacts failed
// ACCOUNT_CHANGED). Now nothing is sent there; the contacts fail
// ACCOUNT_CHANGED (one no longer approved stays rejected) and the next push
// creates them. The same holds wherever the call meets the new account's
// token: refreshing a due token before its first request, or renewing the
// token it holds before retrying a request the CRM did not take.
func TestPushAccountSwitchedBeforeSend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		update bool   // the contacts were pushed before and changed since: the job reads their records first
		due    bool   // the token is due for a refresh: the job's first call refreshes it
		path   string // the request during which the switch happens
		// answer: the request gets this status without reaching the CRM,
		// and the token's refresh falls due before the call tries again.
		answer int
	}{
		{name: "DuringUpsert", path: "/v1/contacts/batch/upsert"},
		{name: "DuringRead", update: true, path: "/v1/contacts/by-external-id/"},
		// The refresh finds the old grant revoked and reads the stored
		// tokens: the new account's, which the call must not send with.
		{name: "DuringRefreshBeforeTheFirstCall", due: true, path: "/oauth/token"},
		// The retry renews the token it holds and gets the new account's.
		{name: "BeforeARetry", path: "/v1/contacts/batch/upsert", answer: http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			oldAccount := tb.account
			ids := tb.MustApproved(t, 4)
			if tt.update {
				tb.mustRunAll(t, tb.MustPush(t, ids))
				tb.mustExec(t, `UPDATE contacts SET title = 'CTO' WHERE id = ANY(?::uuid[])`, uuidArray(ids))
			}
			id := tb.MustPush(t, ids)
			// Withdrawn from the CRM after the push was planned.
			tb.mustExec(t, `UPDATE saved_contacts SET status = 'saved' WHERE tenant_id = ? AND contact_id = ?`, tb.tenantID, ids[3])
			if tt.due {
				tb.mustExec(t, `UPDATE crm_connections SET refresh_due_at = now() - interval '1 hour' WHERE tenant_id = ?`, tb.tenantID)
			}
			reason := "not run"
			ht := &hookTransport{next: tb.opts.HTTPClient.Transport, prefix: tt.path, answer: tt.answer}
			ht.hook = func() {
				if tt.answer != 0 {
					tb.clock.Advance(2 * time.Hour)
				}
				tb.account = "acc_new_" + oldAccount[4:]
				reason = tb.connect(t, true)
			}
			opts := tb.opts
			opts.HTTPClient = &http.Client{Transport: ht}
			worker := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
			for _, a := range tb.jobsOf(t, id) {
				if err := tb.work(context.Background(), worker, a); err != nil {
					t.Fatal(err)
				}
			}
			if reason != "" {
				t.Fatalf("switch: %q", reason)
			}
			if total, _ := tb.fake.Count(tb.account); total != 0 {
				t.Fatalf("the new account holds %d records of a push planned for the old one", total)
			}
			d := tb.push(t, id)
			for _, cid := range ids[:3] {
				if it := tb.item(t, d, cid); it.Status != crm.ItemFailed || it.ErrorCode != "ACCOUNT_CHANGED" {
					t.Fatalf("item %+v", it)
				}
			}
			if it := tb.item(t, d, ids[3]); it.Status != crm.ItemRejected || it.ErrorCode != "NOT_APPROVED" {
				t.Fatalf("item no longer approved %+v", it)
			}
			tb.assertTruth(t, id)
			again := tb.MustPush(t, ids[:3])
			tb.mustRunAll(t, again)
			if d := tb.push(t, again); d.Created != 3 {
				t.Fatalf("push again %+v", d.Push)
			}
			tb.assertTruth(t, again)
		})
	}
}

// TestPushRefusedWithoutErrorBody: a 4xx whose body is not the contract's
// error (a proxy's or a moved API's "404 page not found") fails the
// contacts with a reason the user can read. It failed them with no error
// code and the message "The CRM refused the request: ", cut short.
func TestPushRefusedWithoutErrorBody(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 2)
	id := tb.MustPush(t, ids)
	cfg := tb.cfg
	cfg.APIBase = tb.crmURL + "/moved"
	worker := crm.NewService(tb.db, tb.pinnedLimits(), cfg, tb.opts)
	for _, a := range tb.jobsOf(t, id) {
		if err := tb.work(context.Background(), worker, a); err != nil {
			t.Fatal(err)
		}
	}
	d := tb.push(t, id)
	for _, it := range d.Items {
		if it.Status != crm.ItemFailed || it.ErrorCode != "HTTP_404" || !strings.Contains(it.ErrorMessage, "404 Not Found") {
			t.Fatalf("item %+v", it)
		}
		if a := it.Attempts; len(a) != 1 || a[0].HTTPStatus != 404 || a[0].ErrorCode != "HTTP_404" {
			t.Fatalf("attempts %+v", a)
		}
	}
	tb.assertTruth(t, id)
}

// TestPushRefreshAnswerLost: the CRM rotated the refresh token but its
// answer never reached us (a timeout), so we still hold the old refresh
// token, which the CRM honours only for fakecrm.RefreshGrace (60 s). A
// refresh retried then learns the new one; retried only at the next push,
// minutes later, it would get invalid_grant and an org admin would have to
// reconnect.
func TestPushRefreshAnswerLost(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	var lose atomic.Int32
	lose.Store(1)
	opts := tb.opts
	opts.HTTPClient = &http.Client{Transport: &loseAnswerTransport{next: tb.opts.HTTPClient.Transport, prefix: "/oauth/token", lose: &lose}}
	svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)

	tb.clock.Advance(25 * time.Minute) // past 80 % of the token's 30 minutes
	first := tb.MustPush(t, tb.MustApproved(t, 2))
	for _, a := range tb.jobsOf(t, first) {
		if err := tb.work(context.Background(), svc, a); err != nil {
			t.Fatalf("job: %v", err)
		}
	}
	if lose.Load() != 0 {
		t.Fatal("no refresh answer was lost")
	}
	if st := tb.fake.Stats(); st.TokenRefreshes < 1 {
		t.Fatalf("refreshes %d: the CRM never rotated the token", st.TokenRefreshes)
	}

	// Long after the grace of the old refresh token, the token is due again.
	tb.clock.Advance(2 * time.Minute)
	tb.fake.ExpireAccessTokens(tb.account)
	next := tb.MustPush(t, tb.MustApproved(t, 2))
	for _, a := range tb.jobsOf(t, next) {
		if err := tb.work(context.Background(), svc, a); err != nil {
			t.Fatalf("job: %v", err)
		}
	}
	if s := tb.connectionStatus(t); s != crm.StatusConnected {
		t.Fatalf("connection %s after a lost refresh answer, want connected", s)
	}
	if st := tb.fake.Stats(); st.InvalidGrants != 0 {
		t.Fatalf("invalid grants %d: we spent a refresh token the CRM had rotated", st.InvalidGrants)
	}
	for _, id := range []uuid.UUID{first, next} {
		if d := tb.push(t, id); d.Status != "completed" || d.Created != 2 {
			t.Fatalf("push %+v", d.Push)
		}
	}
	tb.assertTruth(t, first, next)
}

// loseAnswerTransport sends a request whose path has prefix on, then
// drops the answer and reports a timeout, lose times: the CRM did the work
// and we never heard.
type loseAnswerTransport struct {
	next   http.RoundTripper
	prefix string
	lose   *atomic.Int32
}

func (l *loseAnswerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err != nil || !strings.HasPrefix(r.URL.Path, l.prefix) {
		return resp, err
	}
	for {
		n := l.lose.Load()
		if n <= 0 {
			return resp, err
		}
		if l.lose.CompareAndSwap(n, n-1) {
			break
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return nil, os.ErrDeadlineExceeded
}

// TestPushDuringDisconnectRevoke: a push job that runs while a disconnect
// is revoking the grant at the CRM finds the connection disconnected and
// cancels its contacts. Were the grant revoked before the connection is
// marked disconnected, the job would meet the dead grant first (401, then
// invalid_grant), take the disconnect for a grant the CRM ended, mark the
// connection needs_reauth and tell the audit log so.
func TestPushDuringDisconnectRevoke(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)
	jobs := tb.jobsOf(t, id)

	opts := tb.opts
	opts.HTTPClient = &http.Client{Transport: &answeredHook{next: tb.opts.HTTPClient.Transport, prefix: "/oauth/revoke",
		hook: func() {
			for _, a := range jobs {
				if err := tb.work(context.Background(), tb.svc, a); err != nil {
					t.Errorf("job: %v", err)
				}
			}
		}}}
	svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
	if err := svc.Disconnect(audit.WithActor(context.Background(), audit.Actor{Label: "admin@example.test"}), tb.tenantID); err != nil {
		t.Fatal(err)
	}

	if tb.fake.GrantActive(tb.account) {
		t.Fatal("the grant was not revoked at the CRM")
	}
	if s := tb.connectionStatus(t); s != crm.StatusDisconnected {
		t.Fatalf("status %s", s)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'crm.needs_reauth'`, tb.tenantID); n != 0 {
		t.Fatal("a disconnect was recorded as the CRM refusing the grant (crm.needs_reauth)")
	}
	d := tb.push(t, id)
	if d.Status != "cancelled" || d.Cancelled != 3 {
		t.Fatalf("push %+v", d.Push)
	}
	for _, it := range d.Items {
		if len(it.Attempts) != 0 {
			t.Fatalf("contact %s was sent with the revoked grant: %+v", it.ContactID, it.Attempts)
		}
	}
	tb.assertTruth(t, id)
}

// answeredHook calls hook once, after the first request whose path has
// prefix was answered and before its caller reads the answer.
type answeredHook struct {
	next   http.RoundTripper
	prefix string
	once   sync.Once
	hook   func()
}

func (h *answeredHook) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(r)
	if err == nil && strings.HasPrefix(r.URL.Path, h.prefix) {
		h.once.Do(h.hook)
	}
	return resp, err
}

// TestPushStoppedDuringRefresh: a job stopped (a deploy) while the token
// endpoint does not answer returns at once and leaves its contacts queued;
// the refresh, shared with other workers, goes on without it.
func TestPushStoppedDuringRefresh(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	id := tb.MustPush(t, tb.MustApproved(t, 2))
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	opts := tb.opts
	opts.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasPrefix(r.URL.Path, "/oauth/token") {
			once.Do(func() { close(arrived) })
			<-release
		}
		return tb.opts.HTTPClient.Transport.RoundTrip(r)
	})}
	svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
	tb.clock.Advance(25 * time.Minute) // the token is due for a refresh

	job := tb.jobsOf(t, id)[0]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tb.work(ctx, svc, job) }()
	<-arrived
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("stopped job: %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second): // a guard against a hang, not a measurement
		t.Error("a stopped job waited for the token endpoint")
	}
	if d := tb.push(t, id); d.Queued != 2 {
		t.Fatalf("push %+v, want its contacts still queued", d.Push)
	}
	// The job runs again once the endpoint answers; it shares the refresh
	// still going on, or uses what that refresh stored.
	close(release)
	if err := tb.work(context.Background(), svc, job); err != nil {
		t.Fatal(err)
	}
	if d := tb.push(t, id); d.Status != "completed" || d.Created != 2 {
		t.Fatalf("push %+v", d.Push)
	}
	if st := tb.fake.Stats(); st.TokenRefreshes != 1 || st.InvalidGrants != 0 {
		t.Fatalf("refreshes %d, invalid grants %d; want one refresh", st.TokenRefreshes, st.InvalidGrants)
	}
	tb.assertTruth(t, id)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
