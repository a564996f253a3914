package crm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
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

// tokenAnswers answers the CRM's token endpoint itself while it has
// answers left (an HTTP status and body each), then sends requests on; it
// counts the requests that reached the endpoint either way.
type tokenAnswers struct {
	next    http.RoundTripper
	mu      sync.Mutex
	answers []tokenAnswer
	calls   int
}

type tokenAnswer struct {
	status int
	body   string
}

var (
	tokenUnavailable = tokenAnswer{http.StatusServiceUnavailable, "unavailable"}
	tokenRefused     = tokenAnswer{http.StatusBadRequest, `{"error":"invalid_grant","error_description":"The refresh token is invalid."}`}
)

func (a *tokenAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, "/oauth/token") {
		return a.next.RoundTrip(r)
	}
	a.mu.Lock()
	a.calls++
	if len(a.answers) == 0 {
		a.mu.Unlock()
		return a.next.RoundTrip(r)
	}
	ans := a.answers[0]
	a.answers = a.answers[1:]
	a.mu.Unlock()
	if r.Body != nil {
		_ = r.Body.Close()
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return &http.Response{StatusCode: ans.status, Status: http.StatusText(ans.status), Proto: "HTTP/1.1", ProtoMajor: 1,
		ProtoMinor: 1, Header: h, Body: io.NopCloser(strings.NewReader(ans.body)), Request: r}, nil
}

func (a *tokenAnswers) Calls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls
}

// TestRefreshTriesAgain: a refresh that fails for a passing reason (the
// token endpoint's 5xx) is tried twice more at once, after the backoff of
// a first and a second retry (375 ms and 750 ms with the tests' jitter),
// within the CRM's 60 s grace of a refresh token it may have rotated; the
// third failure is returned. invalid_grant is no passing reason: it is not
// tried again, and the connection needs an org admin.
func TestRefreshTriesAgain(t *testing.T) {
	t.Parallel()
	backoffs := []time.Duration{375 * time.Millisecond, 750 * time.Millisecond}
	tests := []struct {
		name       string
		answers    []tokenAnswer
		wantCalls  int
		wantSleeps []time.Duration
		wantErr    string // "": refreshed; "transient"; "reauth"
	}{
		{"OKFirstTry", nil, 1, nil, ""},
		{"OKThirdTry", []tokenAnswer{tokenUnavailable, tokenUnavailable}, 3, backoffs, ""},
		{"ErrThirdTryFails", []tokenAnswer{tokenUnavailable, tokenUnavailable, tokenUnavailable, tokenUnavailable}, 3, backoffs,
			"transient"},
		{"ErrInvalidGrantNotTriedAgain", []tokenAnswer{tokenRefused, tokenRefused}, 1, nil, "reauth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			answers := &tokenAnswers{next: tb.opts.HTTPClient.Transport, answers: tt.answers}
			opts := tb.opts
			opts.HTTPClient = &http.Client{Transport: answers}
			svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
			current := tb.tokenVersion(t)

			v, err := svc.Refresh(context.Background(), tb.tenantID, current)
			var te *crm.TransientError
			switch tt.wantErr {
			case "":
				if err != nil || v != current+1 {
					t.Fatalf("refresh: version %d, %v; want %d", v, err, current+1)
				}
			case "transient":
				if !errors.As(err, &te) {
					t.Fatalf("refresh: %v, want a transient error", err)
				}
			case "reauth":
				if err == nil || errors.As(err, &te) {
					t.Fatalf("refresh: %v, want the connection's re-authorization", err)
				}
			}
			if n := answers.Calls(); n != tt.wantCalls {
				t.Fatalf("%d calls to the token endpoint, want %d", n, tt.wantCalls)
			}
			if s := tb.clock.Sleeps(); !slices.Equal(s, tt.wantSleeps) {
				t.Fatalf("waits %v between tries, want %v", s, tt.wantSleeps)
			}
			wantStatus := crm.StatusConnected
			if tt.wantErr == "reauth" {
				wantStatus = crm.StatusNeedsReauth
			}
			if s := tb.connectionStatus(t); s != wantStatus {
				t.Fatalf("connection %s, want %s", s, wantStatus)
			}
		})
	}
}

// TestRefreshLeaseEndsWithinTheGrace: a refresh's lease lasts 45 s (with
// the default 30 s request timeout: a try of 40 s and 5 s to store), so a
// worker that takes over the lease of a holder that died after the CRM
// rotated the refresh token still presents the old one within the CRM's
// 60 s grace and gets the same successor.
func TestRefreshLeaseEndsWithinTheGrace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	gate := newTokenGate(t, tb.opts.HTTPClient.Transport)
	svc := serviceOn(tb, tb.db, gate)
	current := tb.tokenVersion(t)
	dbNow := func() time.Time {
		var now time.Time
		if err := tb.db.Gorm.Raw(`SELECT clock_timestamp()`).Scan(&now).Error; err != nil {
			t.Fatal(err)
		}
		return now
	}

	before := dbNow()
	refreshed := refreshAsync(svc, tb, current)
	<-gate.arrived // the lease is taken
	after := dbNow()
	var until time.Time
	if err := tb.db.Gorm.Raw(`SELECT refresh_lease_until FROM crm_connections WHERE tenant_id = ?`, tb.tenantID).
		Scan(&until).Error; err != nil {
		t.Fatal(err)
	}
	const ttl = 45 * time.Second
	if until.Before(before.Add(ttl)) || until.After(after.Add(ttl)) {
		t.Fatalf("lease until %s, taken between %s and %s: want %s after", until, before, after, ttl)
	}
	if ttl >= fakecrm.RefreshGrace {
		t.Fatalf("lease %s, not under the grace %s", ttl, fakecrm.RefreshGrace)
	}
	gate.open()
	if r := <-refreshed; r.err != nil || r.version != current+1 {
		t.Fatalf("refresh: version %d, %v; want %d", r.version, r.err, current+1)
	}
}

// accessTap records the access tokens the CRM's token endpoint answers.
type accessTap struct {
	next http.RoundTripper
	mu   sync.Mutex
	got  []string
}

func (a *accessTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := a.next.RoundTrip(r)
	if err != nil || !strings.HasPrefix(r.URL.Path, "/oauth/token") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(body, &tok)
	a.mu.Lock()
	a.got = append(a.got, tok.AccessToken)
	a.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (a *accessTap) Got() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.got)
}

// TestRefreshLeaseLostStoresNothing: a refresh whose lease was lost while
// the token endpoint answered stores nothing of that answer. "TakenOver":
// the lease expired and another process's refresh took it over; the tokens
// stored are those the new holder got, and the first refresh waits for them
// and answers them. "GivenBack": the lease was given back (a holder that
// took it over failed); the refresh takes the lease itself and asks the
// CRM again, which answers the old refresh token within its grace.
func TestRefreshLeaseLostStoresNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		takenOver bool
	}{
		{"TakenOver", true},
		{"GivenBack", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			ctx := context.Background()
			current := tb.tokenVersion(t)
			tapA := &accessTap{next: tb.opts.HTTPClient.Transport}
			gateA := newTokenGate(t, tapA)
			app := "crm-lost-lease-" + tb.tenantID.String()[:8]
			first := serviceOn(tb, openPool(t, tb, 2, app), gateA)
			type result struct {
				access string
				err    error
			}
			firstDone := make(chan result, 1)
			go func() {
				access, err := first.RefreshAccess(ctx, tb.tenantID, current)
				firstDone <- result{access, err}
			}()
			<-gateA.arrived // the first refresh holds the lease and waits for the CRM

			if !tt.takenOver {
				tb.mustExec(t, `UPDATE crm_connections SET refresh_lease_id = NULL, refresh_lease_until = NULL WHERE tenant_id = ?`,
					tb.tenantID)
				gateA.open()
				r := <-firstDone
				if r.err != nil {
					t.Fatalf("refresh after its lease was given back: %v", r.err)
				}
				if got := tapA.Got(); len(got) != 2 || r.access != got[1] {
					t.Fatalf("token answers %v, refresh answered %q; want the second answer, got under a lease of its own", got, r.access)
				}
				if stored, err := tb.svc.StoredAccess(ctx, tb.tenantID); err != nil || stored != r.access {
					t.Fatalf("stored %q (%v), want %q", stored, err, r.access)
				}
				return
			}

			tb.mustExec(t, `UPDATE crm_connections SET refresh_lease_until = clock_timestamp() - interval '1 second' WHERE tenant_id = ?`,
				tb.tenantID)
			tapB := &accessTap{next: tb.opts.HTTPClient.Transport}
			gateB := newTokenGate(t, tapB)
			second := serviceOn(tb, tb.db, gateB)
			secondDone := make(chan result, 1)
			go func() {
				access, err := second.RefreshAccess(ctx, tb.tenantID, current)
				secondDone <- result{access, err}
			}()
			<-gateB.arrived // the second refresh took the lease over

			// The first answer arrives; the first refresh then either waits
			// for the second one's lease (its poll is the last statement of
			// its pool's sessions) or, storing its answer, ends.
			gateA.open()
			var firstRes *result
			for deadline := time.Now().Add(20 * time.Second); firstRes == nil; time.Sleep(10 * time.Millisecond) { // a guard against a hang
				select {
				case r := <-firstDone:
					firstRes = &r
					continue
				default:
				}
				if tb.scalar(t, `SELECT count(*) FROM pg_stat_activity WHERE application_name = ?
					AND query LIKE '%refresh_lease_until > clock_timestamp()%'`, app) > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the first refresh neither ended nor waited for the second one's lease")
				}
			}
			gateB.open()
			second2 := <-secondDone
			if firstRes == nil {
				r := <-firstDone
				firstRes = &r
			}
			if firstRes.err != nil || second2.err != nil {
				t.Fatalf("refreshes: %v, %v", firstRes.err, second2.err)
			}
			gotB := tapB.Got()
			if len(gotB) != 1 || len(tapA.Got()) != 1 {
				t.Fatalf("token answers %v and %v, want one each", tapA.Got(), gotB)
			}
			if firstRes.access != gotB[0] || second2.access != gotB[0] {
				t.Fatalf("refreshes answered %q and %q, want the lease holder's %q", firstRes.access, second2.access, gotB[0])
			}
			if stored, err := tb.svc.StoredAccess(ctx, tb.tenantID); err != nil || stored != gotB[0] {
				t.Fatalf("stored %q (%v), want the lease holder's %q", stored, err, gotB[0])
			}
			if v := tb.tokenVersion(t); v != current+1 {
				t.Fatalf("token version %d, want %d", v, current+1)
			}
		})
	}
}

// TestPushRenewsTheDueToken: a call refreshes the token first once 80 %
// of its life has passed (24 of the CRM's 30 minutes), to the second. A
// refresh that fails for a passing reason leaves the token in use until it
// expires, and not at its expiry: a token is never sent expired. A refresh
// the CRM refuses (invalid_grant) stops the push before it is sent, though
// the token has minutes left: the connection needs an org admin, and its
// contacts wait paused.
func TestPushRenewsTheDueToken(t *testing.T) {
	t.Parallel()
	down := []tokenAnswer{tokenUnavailable, tokenUnavailable, tokenUnavailable}
	tests := []struct {
		name          string
		answers       []tokenAnswer
		after         time.Duration // since the tokens were stored
		wantRefreshes int           // at the CRM
		wantErr       bool
		wantStatus    string // the push's
	}{
		{"OKRefreshedWhenDue", nil, 24 * time.Minute, 1, false, "completed"},
		{"OKNotRefreshedBeforeDue", nil, 24*time.Minute - time.Second, 0, false, "completed"},
		// The three tries wait 1.125 s between them: they end 0.875 s
		// before the token expires, and at its expiry.
		{"OKEndpointDownBeforeExpiry", down, 30*time.Minute - 2*time.Second, 0, false, "completed"},
		{"ErrEndpointDownAtExpiry", down, 30*time.Minute - 1125*time.Millisecond, 0, true, "queued"},
		{"ErrRefusedBeforeExpiry", []tokenAnswer{tokenRefused}, 25 * time.Minute, 0, false, "paused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			id := tb.MustPush(t, tb.MustApproved(t, 2))
			answers := &tokenAnswers{next: tb.opts.HTTPClient.Transport, answers: tt.answers}
			opts := tb.opts
			opts.HTTPClient = &http.Client{Transport: answers}
			svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
			tb.clock.Advance(tt.after)

			err := tb.work(context.Background(), svc, tb.jobsOf(t, id)[0])
			var te *crm.TransientError
			if tt.wantErr != errors.As(err, &te) || (!tt.wantErr && err != nil) {
				t.Fatalf("job: %v, want a transient error: %v", err, tt.wantErr)
			}
			if d := tb.push(t, id); d.Status != tt.wantStatus {
				t.Fatalf("push %+v, want %s", d.Push, tt.wantStatus)
			}
			st := tb.fake.Stats()
			if st.TokenRefreshes != tt.wantRefreshes || st.Unauthorized != 0 {
				t.Fatalf("refreshes %d, 401s %d; want %d refreshes and no token sent expired", st.TokenRefreshes, st.Unauthorized,
					tt.wantRefreshes)
			}
			if tt.wantStatus != "completed" {
				if total, _ := tb.fake.Count(tb.account); total != 0 {
					t.Fatalf("the CRM holds %d records, want none sent", total)
				}
			}
		})
	}
}
