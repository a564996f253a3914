package crm_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/limits"
)

// tokenGate holds the CRM's token endpoint: each call waits until open,
// and the calls are counted and timed.
type tokenGate struct {
	next    http.RoundTripper
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
	shut    sync.Once
	mu      sync.Mutex
	calls   []time.Time
}

func newTokenGate(t *testing.T, next http.RoundTripper) *tokenGate {
	g := &tokenGate{next: next, arrived: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(g.open)
	return g
}

func (g *tokenGate) open() { g.shut.Do(func() { close(g.release) }) }

func (g *tokenGate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/oauth/token") {
		g.mu.Lock()
		g.calls = append(g.calls, time.Now())
		g.mu.Unlock()
		g.once.Do(func() { close(g.arrived) })
		<-g.release
	}
	return g.next.RoundTrip(r)
}

func (g *tokenGate) Calls() []time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]time.Time(nil), g.calls...)
}

// openPool is another process's pool of the test database, of max
// connections, named app in pg_stat_activity.
func openPool(t *testing.T, tb *testBundle, max int32, app string) *db.DB {
	t.Helper()
	url := tb.db.Pool.Config().ConnString()
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	d, err := db.Open(context.Background(), url+sep+"application_name="+app, db.OpenOpts{MaxConns: max})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

// serviceOn is a CRM service of another process on d whose token
// endpoint calls go through g.
func serviceOn(tb *testBundle, d *db.DB, g *tokenGate) *crm.Service {
	opts := tb.opts
	opts.HTTPClient = &http.Client{Transport: g}
	lim := limits.NewService(d.Gorm, 0).WithClock(func() time.Time { return quotaTime })
	return crm.NewService(d, lim, tb.cfg, opts)
}

func (tb *testBundle) tokenVersion(t *testing.T) int64 {
	t.Helper()
	var v int64
	if err := tb.db.Gorm.Raw(`SELECT token_version FROM crm_connections WHERE tenant_id = ?`, tb.tenantID).Scan(&v).Error; err != nil {
		t.Fatal(err)
	}
	return v
}

type refreshResult struct {
	version int64
	err     error
}

func refreshAsync(svc *crm.Service, tb *testBundle, stale int64) chan refreshResult {
	ch := make(chan refreshResult, 1)
	go func() {
		v, err := svc.Refresh(context.Background(), tb.tenantID, stale)
		ch <- refreshResult{v, err}
	}()
	return ch
}

// TestRefreshHoldsNothingWhileTokenEndpointAnswers: a refresh kept the
// connection row locked, in a transaction on a pooled connection, while
// the CRM's token endpoint answered (up to 40 s a try). The tenant's push
// requests (they lock the row) waited for it, and so did every request of
// the process for a connection once a few refreshes held the pool. Now,
// while the endpoint does not answer, a push request of another process
// answers, and so does one of the refresher's own process whose pool has
// a single connection.
func TestRefreshHoldsNothingWhileTokenEndpointAnswers(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 2)
	gate := newTokenGate(t, tb.opts.HTTPClient.Transport)
	svc := serviceOn(tb, openPool(t, tb, 1, "crm-refresher"), gate)
	current := tb.tokenVersion(t)

	refreshed := refreshAsync(svc, tb, current)
	<-gate.arrived
	// Guards against a hang, not measurements.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids, DryRun: true}); err != nil {
		t.Fatalf("dry run of another process during a refresh: %v", err)
	}
	res, err := svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{ContactIDs: ids})
	if err != nil {
		t.Fatalf("push on the refresher's one connection during its refresh: %v", err)
	}
	if res.ToCreate != 2 {
		t.Fatalf("push %+v", res)
	}

	gate.open()
	if r := <-refreshed; r.err != nil || r.version != current+1 {
		t.Fatalf("refresh: version %d, %v; want %d", r.version, r.err, current+1)
	}
	if st := tb.fake.Stats(); st.TokenRefreshes != 1 {
		t.Fatalf("%d refreshes at the CRM, want 1", st.TokenRefreshes)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE tenant_id = ? AND refresh_lease_id IS NULL
		AND refresh_lease_until IS NULL`, tb.tenantID); n != 1 {
		t.Fatal("the refresh left its lease behind")
	}
	tb.mustRunAll(t, *res.ID)
	if d := tb.push(t, *res.ID); d.Status != "completed" || d.Created != 2 {
		t.Fatalf("push %+v", d.Push)
	}
}

// TestRefreshOtherProcessWaitsForLease: a process that needs a refresh
// while another's is at the token endpoint waits for its result instead
// of spending the refresh token a second time.
func TestRefreshOtherProcessWaitsForLease(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	gate := newTokenGate(t, tb.opts.HTTPClient.Transport)
	first := serviceOn(tb, tb.db, gate)
	app := "crm-waiter-" + tb.tenantID.String()[:8]
	second := serviceOn(tb, openPool(t, tb, 2, app), gate)
	current := tb.tokenVersion(t)

	a := refreshAsync(first, tb, current)
	<-gate.arrived
	b := refreshAsync(second, tb, current)
	// The second process looks for the end of the lease (its poll is the
	// last statement of its session).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) { // a guard against a hang
		n := tb.scalar(t, `SELECT count(*) FROM pg_stat_activity WHERE application_name = ?
			AND query LIKE '%refresh_lease_until > clock_timestamp()%'`, app)
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			gate.open()
			t.Fatal("the second process never waited for the first one's lease")
		}
	}
	gate.open()
	for _, ch := range []chan refreshResult{a, b} {
		if r := <-ch; r.err != nil || r.version != current+1 {
			t.Fatalf("refresh: version %d, %v; want %d", r.version, r.err, current+1)
		}
	}
	if n := len(gate.Calls()); n != 1 {
		t.Fatalf("%d calls to the token endpoint, want 1", n)
	}
	if st := tb.fake.Stats(); st.TokenRefreshes != 1 || st.InvalidGrants != 0 {
		t.Fatalf("refreshes %d, invalid grants %d; want one refresh", st.TokenRefreshes, st.InvalidGrants)
	}
}

// TestRefreshLeaseOfCrashedHolderExpires: a refresher that died (a crash,
// a lost database) leaves its lease; it expires, and the next refresh
// takes it over then, not before.
func TestRefreshLeaseOfCrashedHolderExpires(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	var until time.Time
	if err := tb.db.Gorm.Raw(`UPDATE crm_connections SET refresh_lease_id = gen_random_uuid(),
		refresh_lease_until = clock_timestamp() + interval '1 second' WHERE tenant_id = ? RETURNING refresh_lease_until`,
		tb.tenantID).Scan(&until).Error; err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	var called time.Time
	opts := tb.opts
	opts.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasPrefix(r.URL.Path, "/oauth/token") && calls.Add(1) == 1 {
			called = time.Now()
		}
		return tb.opts.HTTPClient.Transport.RoundTrip(r)
	})}
	svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
	current := tb.tokenVersion(t)
	if v, err := svc.Refresh(context.Background(), tb.tenantID, current); err != nil || v != current+1 {
		t.Fatalf("refresh: version %d, %v; want %d", v, err, current+1)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d calls to the token endpoint, want 1", n)
	}
	if called.Before(until) {
		t.Fatalf("the token endpoint was called at %s, before the dead holder's lease ended at %s", called, until)
	}
}

// TestDisconnectDuringRefresh: an org admin who disconnects while a
// refresh is at the token endpoint is answered at once (the disconnect
// waited on the connection row for the whole refresh), and the refresh
// that ends after it stores nothing: the connection stays disconnected,
// without tokens, and the grant is ended at the CRM.
func TestDisconnectDuringRefresh(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	gate := newTokenGate(t, tb.opts.HTTPClient.Transport)
	svc := serviceOn(tb, tb.db, gate)
	current := tb.tokenVersion(t)

	refreshed := refreshAsync(svc, tb, current)
	<-gate.arrived
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a guard against a hang
	defer cancel()
	if err := tb.svc.Disconnect(ctx, tb.tenantID); err != nil {
		t.Fatalf("disconnect during a refresh: %v", err)
	}
	gate.open()
	if r := <-refreshed; r.err == nil {
		t.Fatalf("refresh after a disconnect answered version %d, want an error", r.version)
	}
	if s := tb.connectionStatus(t); s != crm.StatusDisconnected {
		t.Fatalf("connection %s, want disconnected", s)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE tenant_id = ? AND refresh_token_enc IS NULL
		AND refresh_lease_id IS NULL`, tb.tenantID); n != 1 {
		t.Fatal("the refresh stored tokens (or left its lease) after the disconnect")
	}
	if tb.fake.GrantActive(tb.account) {
		t.Fatal("the grant is still active at the CRM after the disconnect")
	}
}

// TestNeedsReauthOnlyForTheRefusedTokens: the CRM refusing a token marks
// the connection needs_reauth (pausing its queued pushes) only while it
// still holds the tokens of that version: a worker refused with tokens
// that a reconnect meanwhile replaced leaves the new connection alone.
func TestNeedsReauthOnlyForTheRefusedTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		reconnect  bool // an org admin reconnects between the token's use and its refusal
		wantStatus string
		wantPaused int
	}{
		{"RefusedCurrentTokens", false, crm.StatusNeedsReauth, 2},
		{"RefusedReplacedTokens", true, crm.StatusConnected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			ctx := context.Background()
			version := int64(tb.scalar(t, `SELECT token_version FROM crm_connections WHERE tenant_id = ?`, tb.tenantID))
			if tt.reconnect {
				tb.MustConnect(t)
			}
			push := tb.MustPush(t, tb.MustApproved(t, 2))
			tb.svc.MarkNeedsReauth(ctx, tb.tenantID, version)
			if s := tb.connectionStatus(t); s != tt.wantStatus {
				t.Fatalf("status %s, want %s", s, tt.wantStatus)
			}
			if d := tb.push(t, push); d.Paused != tt.wantPaused {
				t.Fatalf("push %+v, want %d paused", d.Push, tt.wantPaused)
			}
		})
	}
}

// TestTokensBoundToTheirTenant: sealed tokens open only in the row they
// were sealed for (associated data): tokens copied from another
// tenant's row (a restore gone wrong, or someone with write access to the
// table) do not open, so one tenant never pushes with another's grant.
func TestTokensBoundToTheirTenant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		copied  string // the columns copied from the other tenant's row, "" for none
		wantErr bool
	}{
		{"OwnTokens", "", false},
		{"ErrTokensOfAnotherTenant", "key_id = o.key_id, access_token_enc = o.access_token_enc, refresh_token_enc = o.refresh_token_enc", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			other := tb.otherTenant(t)
			other.account = "acc_" + uuid.NewString()[:8]
			other.MustConnect(t)
			if tt.copied != "" {
				tb.mustExec(t, `UPDATE crm_connections c SET `+tt.copied+` FROM crm_connections o
					WHERE c.tenant_id = ? AND o.tenant_id = ?`, tb.tenantID, other.tenantID)
			}
			version := int64(tb.scalar(t, `SELECT token_version FROM crm_connections WHERE tenant_id = ?`, tb.tenantID))
			_, err := tb.svc.Refresh(context.Background(), tb.tenantID, version)
			if (err != nil) != tt.wantErr {
				t.Fatalf("refresh: %v, want an error: %v", err, tt.wantErr)
			}
		})
	}
}
