package crm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
)

const (
	testClientID     = "contacts-test"
	testClientSecret = "contacts-test-secret"
	testPublicURL    = "http://app.test"
	proPackageID     = "01900000-0000-7000-8000-000000000003"
)

// clock is the test's time: it moves only when someone sleeps, so waits
// (Retry-After, backoff) take no wall-clock time and are recorded.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// testBundle is a tenant with an org admin on the Pro package, a fake CRM
// and the CRM service, on the package's database.
type testBundle struct {
	db       *db.DB
	fake     *fakecrm.Server
	crmURL   string
	clock    *clock
	svc      *crm.Service
	cfg      crm.Config
	opts     crm.Options
	tenantID uuid.UUID
	adminID  uuid.UUID
	account  string
}

type setupOpts struct {
	requestTimeout time.Duration
	slotTTL        time.Duration // a push job's job slot TTL (default crm.PushSlotTTL)
	realTime       bool          // wall clock and real sleeps (benchmarks)
	retryAfter     time.Duration // the Retry-After of the fake's injected 429s (default 1 s)
}

func setup(t testing.TB, o ...setupOpts) *testBundle {
	t.Helper()
	d := dbtest.Shared(t)
	return setupOn(t, d, o...)
}

func setupOn(t testing.TB, d *db.DB, o ...setupOpts) *testBundle {
	t.Helper()
	clk := newClock()
	var o0 setupOpts
	if len(o) > 0 {
		o0 = o[0]
	}
	now := clk.Now
	if o0.realTime {
		now = time.Now
	}
	fake := fakecrm.New(fakecrm.Options{ClientID: testClientID, ClientSecret: testClientSecret,
		RedirectURIs: []string{testPublicURL + crm.CallbackPath}, Now: now, TimeoutHold: 30 * time.Second,
		FaultRetryAfter: o0.retryAfter})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	tb := &testBundle{db: d, fake: fake, crmURL: srv.URL, clock: clk, tenantID: uuid.Must(uuid.NewV7()),
		adminID: uuid.Must(uuid.NewV7()), account: "acc_" + uuid.NewString()[:8]}
	tb.cfg = crm.Config{AuthBase: srv.URL, APIBase: srv.URL, ClientID: testClientID, ClientSecret: testClientSecret,
		WebhookSecret: testClientSecret, PublicURL: testPublicURL, EncryptionKey: []byte("0123456789abcdef0123456789abcdef")}
	tb.opts = crm.Options{HTTPClient: srv.Client(), Now: clk.Now, Sleep: clk.Sleep, Jitter: func() float64 { return 0.5 },
		RequestTimeout: o0.requestTimeout, PushSlotTTL: o0.slotTTL}
	if o0.realTime {
		tb.opts.Now, tb.opts.Sleep, tb.opts.Jitter = nil, nil, nil
	}
	tb.svc = tb.newService()
	tb.mustExec(t, `INSERT INTO users (id, email, password_hash) VALUES (?, ?, 'x')`, tb.adminID, "admin-"+tb.adminID.String()+"@example.test")
	tb.mustExec(t, `INSERT INTO tenants (id, name) VALUES (?, 'CRM test')`, tb.tenantID)
	tb.mustExec(t, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin')`, tb.tenantID, tb.adminID)
	tb.mustExec(t, `INSERT INTO subscriptions (tenant_id, package_id, status, source) VALUES (?, ?, 'active', 'manual')`,
		tb.tenantID, proPackageID)
	return tb
}

// quotaTime is where the tests' limits clock stands: mid-month, so that a
// run crossing a month boundary on the wall clock cannot meter one test's
// pushes into two months.
var quotaTime = time.Date(2026, time.November, 15, 12, 0, 0, 0, time.UTC)

// pinnedLimits is a limits service whose clock stands at quotaTime.
func (tb *testBundle) pinnedLimits() *limits.Service {
	return limits.NewService(tb.db.Gorm, 0).WithClock(func() time.Time { return quotaTime })
}

// newService is another process's view of the same database and CRM.
func (tb *testBundle) newService() *crm.Service {
	return crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, tb.opts)
}

func (tb *testBundle) mustExec(t testing.TB, sql string, args ...any) {
	t.Helper()
	if err := tb.db.Gorm.Exec(sql, args...).Error; err != nil {
		t.Fatalf("exec %s: %v", sql, err)
	}
}

func (tb *testBundle) scalar(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := tb.db.Gorm.Raw(sql, args...).Scan(&n).Error; err != nil {
		t.Fatalf("query %s: %v", sql, err)
	}
	return n
}

// MustConnect runs Connect, the consent page (Allow) and the callback.
func (tb *testBundle) MustConnect(t testing.TB) {
	t.Helper()
	if reason := tb.connect(t, true); reason != "" {
		t.Fatalf("connect: %s", reason)
	}
}

func (tb *testBundle) connect(t testing.TB, allow bool) string {
	t.Helper()
	ctx := context.Background()
	start, err := tb.svc.Connect(ctx, tb.tenantID, tb.adminID)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := fakecrm.Consent(ctx, fakecrm.NoRedirects(), start.AuthorizeURL, tb.account, allow)
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	reason, err := tb.svc.Callback(ctx, crm.CallbackParams{Code: q.Get("code"), State: q.Get("state"), Error: q.Get("error"),
		Browser: start.Browser})
	if err != nil && reason == crm.ReasonInternal {
		t.Fatal(err)
	}
	return reason
}

// MustApproved creates n contacts, saved and approved by the tenant.
func (tb *testBundle) MustApproved(t testing.TB, n int) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	tag := uuid.NewString()[:8]
	tb.mustExec(t, `INSERT INTO contacts (id, first_name, last_name, email, title, company_name)
		SELECT id, 'First' || ord, 'Last', 'p' || ord || '-' || ? || '@example.test', 'Engineer', 'Acme'
		  FROM unnest(?::uuid[]) WITH ORDINALITY AS u(id, ord)`, tag, uuidArray(ids))
	tb.mustExec(t, `INSERT INTO saved_contacts (tenant_id, contact_id, status, approved_by, approved_at)
		SELECT ?, id, 'approved', ?, now() FROM unnest(?::uuid[]) AS id`, tb.tenantID, tb.adminID, uuidArray(ids))
	return ids
}

func uuidArray(ids []uuid.UUID) string {
	b := []byte{'{'}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, id.String()...)
	}
	return string(append(b, '}'))
}

// MustPush requests a push of ids and returns its id.
func (tb *testBundle) MustPush(t testing.TB, ids []uuid.UUID) uuid.UUID {
	t.Helper()
	res, err := tb.svc.RequestPush(context.Background(), tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID == nil {
		t.Fatalf("push has no id: %+v", res)
	}
	return *res.ID
}

// jobsOf returns the push jobs River holds for a push, in order.
func (tb *testBundle) jobsOf(t testing.TB, batchID uuid.UUID) []crm.PushArgs {
	t.Helper()
	var raw []string
	if err := tb.db.Gorm.Raw(`SELECT args::text FROM river_job WHERE kind = 'crm_push' AND args->>'batch_id' = ?
		ORDER BY id`, batchID.String()).Scan(&raw).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]crm.PushArgs, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal([]byte(r), &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// work runs one job as River would (first attempt).
func (tb *testBundle) work(ctx context.Context, svc *crm.Service, a crm.PushArgs) error {
	w := workerOf(svc)
	return w.Work(ctx, &river.Job[crm.PushArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: crm.PushMaxAttempts}, Args: a})
}

func workerOf(svc *crm.Service) river.Worker[crm.PushArgs] { return crm.NewPushWorker(svc) }

// mustRunAll works every job of a push, failing the test on an error.
func (tb *testBundle) mustRunAll(t testing.TB, batchID uuid.UUID) {
	t.Helper()
	for _, a := range tb.jobsOf(t, batchID) {
		if err := tb.work(context.Background(), tb.svc, a); err != nil {
			t.Fatalf("job: %v", err)
		}
	}
}

func (tb *testBundle) push(t testing.TB, id uuid.UUID) *crm.PushDetail {
	t.Helper()
	d, err := tb.svc.GetPush(context.Background(), tb.tenantID, id, crm.ItemParams{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// assertTruth checks the invariants every test ends with: the CRM holds
// exactly one record per distinct contact we pushed (no duplicates), each
// is the record our history names, and the push's counts match its items.
func (tb *testBundle) assertTruth(t testing.TB, pushes ...uuid.UUID) {
	t.Helper()
	records := tb.fake.Records(tb.account)
	byExternal := map[string]fakecrm.Record{}
	for _, r := range records {
		if r.ExternalID == "" {
			continue
		}
		if _, dup := byExternal[r.ExternalID]; dup {
			t.Fatalf("the CRM holds two records for %s", r.ExternalID)
		}
		byExternal[r.ExternalID] = r
	}
	var rows []struct {
		ContactID   uuid.UUID
		CRMRecordID *string
	}
	if err := tb.db.Gorm.Raw(`SELECT contact_id, crm_record_id FROM crm_pushes WHERE tenant_id = ? AND crm_record_id IS NOT NULL`,
		tb.tenantID).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if total, _ := tb.fake.Count(tb.account); total != len(rows) {
		t.Fatalf("the CRM holds %d of our records, the push history knows %d", total, len(rows))
	}
	for _, r := range rows {
		rec, ok := byExternal[r.ContactID.String()]
		if !ok || rec.ID != *r.CRMRecordID {
			t.Fatalf("contact %s: history says record %s, CRM has %+v", r.ContactID, *r.CRMRecordID, rec)
		}
	}
	for _, id := range pushes {
		d := tb.push(t, id)
		counts := map[string]int{}
		for _, it := range d.Items {
			counts[it.Status]++
			if it.Status == crm.ItemPushed {
				rec, ok := byExternal[it.ContactID.String()]
				if !ok || rec.ID != it.CRMRecordID {
					t.Fatalf("item %s says pushed to %s; CRM has %+v", it.ContactID, it.CRMRecordID, rec)
				}
				last := crm.PushEvent{}
				if len(it.Attempts) > 0 {
					last = it.Attempts[len(it.Attempts)-1]
				}
				if (last.Outcome != crm.OutcomeCreated && last.Outcome != crm.OutcomeUpdated) || last.CRMRecordID != rec.ID {
					t.Fatalf("item %s: last attempt does not show the CRM's answer: %+v", it.ContactID, it.Attempts)
				}
			}
		}
		if d.Queued != counts[crm.ItemQueued] || d.Created+d.Updated != counts[crm.ItemPushed] || d.Failed != counts[crm.ItemFailed] ||
			d.Cancelled != counts[crm.ItemCancelled] || d.Paused != counts[crm.ItemPaused] || d.DeletedInCRM != counts[crm.ItemDeletedInCRM] {
			t.Fatalf("push counts %+v do not match its items %v", d.Push, counts)
		}
	}
}

func (tb *testBundle) item(t testing.TB, d *crm.PushDetail, contactID uuid.UUID) crm.PushItem {
	t.Helper()
	for _, it := range d.Items {
		if it.ContactID == contactID {
			return it
		}
	}
	t.Fatalf("no item for %s", contactID)
	return crm.PushItem{}
}

func (tb *testBundle) connectionStatus(t testing.TB) string {
	t.Helper()
	c, err := tb.svc.GetConnection(context.Background(), tb.tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

func outcomes(evs []crm.PushEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmt.Sprintf("%d:%s", e.HTTPStatus, e.Outcome)
	}
	return out
}

// startWorkers starts a River client on d that works svc's CRM jobs with
// maxWorkers workers (0: the default), polling; it stops when tb ends.
func startWorkers(tb testing.TB, d *db.DB, svc *crm.Service, maxWorkers int) {
	tb.Helper()
	workers := river.NewWorkers()
	crm.RegisterWorkers(workers, svc)
	client, err := jobs.New(d, workers, jobs.Opts{Work: true, PollOnly: true, MaxWorkers: maxWorkers})
	if err != nil {
		tb.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = client.Stop(context.Background()) })
}
