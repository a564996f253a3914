package crm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

func TestKeyring(t *testing.T) {
	t.Parallel()
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	old, err := crm.NewKeyring(k1)
	if err != nil {
		t.Fatal(err)
	}
	id, sealed := old.Seal([]byte("rt_secret"), []byte("tenant-a:refresh"))
	if id != crm.KeyID(k1) || bytes.Contains(sealed, []byte("rt_secret")) {
		t.Fatalf("sealed %q with %s", sealed, id)
	}
	rotated, _ := crm.NewKeyring(k2, k1)
	tests := []struct {
		name    string
		ring    *crm.Keyring
		aad     string
		wantErr bool
	}{
		{"OK", old, "tenant-a:refresh", false},
		{"OldKeyAfterRotation", rotated, "tenant-a:refresh", false},
		{"ErrOtherRow", old, "tenant-b:refresh", true},
		{"ErrOtherColumn", old, "tenant-a:access", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ring.Open(id, sealed, []byte(tt.aad))
			if (err != nil) != tt.wantErr || (!tt.wantErr && string(got) != "rt_secret") {
				t.Fatalf("open: %q, %v", got, err)
			}
		})
	}
	newer, _ := crm.NewKeyring(k2)
	_, err = newer.Open(id, sealed, []byte("tenant-a:refresh"))
	if !errors.Is(err, crm.ErrUnknownKey) {
		t.Fatalf("retired key: %v", err)
	}
	// An operator who restored a backup under another key reads which key
	// sealed the token and which one the process has.
	if msg := err.Error(); !strings.Contains(msg, id) || !strings.Contains(msg, crm.KeyID(k2)) {
		t.Fatalf("retired key: %q names neither the sealing key %s nor the current one %s", msg, id, crm.KeyID(k2))
	}
	if _, err := crm.NewKeyring([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestTokensEncryptedAndKeyRotation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	var row struct {
		KeyID           string
		AccessTokenEnc  []byte
		RefreshTokenEnc []byte
	}
	read := func() {
		t.Helper()
		if err := tb.db.Gorm.Raw(`SELECT key_id, access_token_enc, refresh_token_enc FROM crm_connections WHERE tenant_id = ?`,
			tb.tenantID).Scan(&row).Error; err != nil {
			t.Fatal(err)
		}
	}
	read()
	if row.KeyID != crm.KeyID(tb.cfg.EncryptionKey) || bytes.Contains(row.AccessTokenEnc, []byte("at_")) ||
		bytes.Contains(row.RefreshTokenEnc, []byte("rt_")) {
		t.Fatalf("tokens not sealed with the current key: %+v", row)
	}
	// A new key takes over; the old one still opens the stored tokens, and
	// the next refresh re-seals them with the new key.
	newKey := bytes.Repeat([]byte{7}, 32)
	tb.cfg.PreviousKeys = [][]byte{tb.cfg.EncryptionKey}
	tb.cfg.EncryptionKey = newKey
	tb.svc = tb.newService()
	tb.fake.ExpireAccessTokens(tb.account)
	id := tb.MustPush(t, tb.MustApproved(t, 2))
	tb.mustRunAll(t, id)
	read()
	if row.KeyID != crm.KeyID(newKey) {
		t.Fatalf("key id %s after refresh, want the new key's", row.KeyID)
	}
	tb.assertTruth(t, id)
}

func TestConnectCallbackRefusals(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	browsers := map[string]string{} // state → the nonce its browser keeps
	consent := func(allow bool) (code, state string) {
		t.Helper()
		start, err := tb.svc.Connect(ctx, tb.tenantID, tb.adminID)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := fakecrm.Consent(ctx, fakecrm.NoRedirects(), start.AuthorizeURL, tb.account, allow)
		if err != nil {
			t.Fatal(err)
		}
		state = loc.Query().Get("state")
		browsers[state] = start.Browser
		return loc.Query().Get("code"), state
	}
	code, state := consent(true)
	tampered := []byte(state)
	tampered[len(tampered)-2] ^= 1
	tests := []struct {
		name  string
		p     func() crm.CallbackParams
		want  string
		setup func()
	}{
		{"ErrTampered", func() crm.CallbackParams { return crm.CallbackParams{Code: code, State: string(tampered)} }, crm.ReasonInvalidState, nil},
		{"ErrGarbage", func() crm.CallbackParams { return crm.CallbackParams{Code: code, State: "nope"} }, crm.ReasonInvalidState, nil},
		{"ErrDenied", func() crm.CallbackParams {
			_, st := consent(false)
			return crm.CallbackParams{State: st, Error: "access_denied", Browser: browsers[st]}
		}, crm.ReasonAccessDenied, nil},
		{"ErrExpired", func() crm.CallbackParams {
			c, st := consent(true)
			tb.clock.Advance(crm.StateTTL + time.Second)
			return crm.CallbackParams{Code: c, State: st, Browser: browsers[st]}
		}, crm.ReasonStateExpired, nil},
		// Someone else's browser (a link an admin sent): no nonce, or another attempt's.
		{"ErrOtherBrowser", func() crm.CallbackParams {
			c, st := consent(true)
			return crm.CallbackParams{Code: c, State: st}
		}, crm.ReasonOtherBrowser, nil},
		{"ErrOtherAttemptsBrowser", func() crm.CallbackParams {
			c, st := consent(true)
			return crm.CallbackParams{Code: c, State: st, Browser: browsers[state]}
		}, crm.ReasonOtherBrowser, nil},
		{"OK", func() crm.CallbackParams {
			return crm.CallbackParams{Code: code, State: state, Browser: browsers[state]}
		}, "", nil},
		{"ErrReplayed", func() crm.CallbackParams {
			return crm.CallbackParams{Code: code, State: state, Browser: browsers[state]}
		}, crm.ReasonStateUsed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "OK" {
				tb.clock.Advance(-crm.StateTTL - time.Second) // undo ErrExpired's jump
			}
			reason, _ := tb.svc.Callback(ctx, tt.p())
			if reason != tt.want {
				t.Fatalf("reason %q, want %q", reason, tt.want)
			}
			n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE tenant_id = ?`, tb.tenantID)
			if (tt.want == "") != (n == 1) && tt.name != "ErrReplayed" {
				t.Fatalf("connections stored: %d", n)
			}
		})
	}
	if got := tb.svc.IntegrationsURL(crm.ReasonStateUsed); got != testPublicURL+"/integrations?crm=error&reason=state_used" {
		t.Fatal(got)
	}
}

// TestFirstConnectionRace: two callbacks that finish at once for a tenant
// that has no connection yet, each for another CRM account (two admins, or
// one in two tabs), end as a switch would: the one stored last is the
// connection, and the grant of the other account is revoked at the CRM
// instead of being left behind, live and forgotten.
func TestFirstConnectionRace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	accounts := []string{tb.account, "acc_other_" + tb.account[4:]}
	params := make([]crm.CallbackParams, len(accounts))
	for i, acct := range accounts {
		start, err := tb.svc.Connect(ctx, tb.tenantID, tb.adminID)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := fakecrm.Consent(ctx, fakecrm.NoRedirects(), start.AuthorizeURL, acct, true)
		if err != nil {
			t.Fatal(err)
		}
		params[i] = crm.CallbackParams{Code: loc.Query().Get("code"), State: loc.Query().Get("state"), Browser: start.Browser}
	}
	// Both have read the (missing) connection before either writes.
	reasons, errs := callbacksAtOnce(t, tb, params, tb.tenantID)
	for i := range params {
		if reasons[i] != "" {
			t.Fatalf("callback for %s: %q, %v", accounts[i], reasons[i], errs[i])
		}
	}
	var stored string
	if err := tb.db.Gorm.Raw(`SELECT account_id FROM crm_connections WHERE tenant_id = ?`, tb.tenantID).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	for _, acct := range accounts {
		if active := tb.fake.GrantActive(acct); active != (acct == stored) {
			t.Errorf("grant of %s active: %v; the connection holds %s", acct, active, stored)
		}
	}
	if n := tb.scalar(t, `SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'crm.connected'
		AND data->>'previous_account_id' IS NOT NULL`, tb.tenantID); n != 1 {
		t.Fatalf("%d crm.connected events name a previous account, want the second callback's", n)
	}
}

func TestWebhookUninstallAndContactDeleted(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	ids := tb.MustApproved(t, 2)
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)
	queued := tb.MustPush(t, tb.MustApproved(t, 3))

	send := func(body string, ts int64, secret string) (*crm.WebhookResult, error) {
		return tb.svc.HandleWebhook(ctx, []byte(body), strconv.FormatInt(ts, 10), fakecrm.Sign(secret, ts, []byte(body)))
	}
	now := tb.clock.Now().Unix()
	deleted := `{"event_id":"evt_d_` + uuid.NewString() + `","type":"contact.deleted","account_id":"` + tb.account +
		`","client_id":"` + testClientID + `","id":"c_1","external_id":"` + ids[0].String() + `"}`
	uninstall := `{"event_id":"evt_u_` + uuid.NewString() + `","type":"app.uninstalled","account_id":"` + tb.account +
		`","client_id":"` + testClientID + `","occurred_at":"` + tb.clock.Now().Format(time.RFC3339) + `"}`
	tests := []struct {
		name    string
		body    string
		ts      int64
		secret  string
		errType string
		dup     bool
	}{
		{"ErrBadSignature", uninstall, now, "wrong-secret", "invalid-signature", false},
		{"ErrStaleTimestamp", uninstall, now - 301, testClientSecret, "stale-timestamp", false},
		{"ContactDeleted", deleted, now, testClientSecret, "", false},
		{"Uninstalled", uninstall, now, testClientSecret, "", false},
		{"Duplicate", uninstall, now + 60, testClientSecret, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := send(tt.body, tt.ts, tt.secret)
			if tt.errType != "" {
				e, ok := apperr.As(err)
				if !ok || e.Type != tt.errType {
					t.Fatalf("err %v, want %s", err, tt.errType)
				}
				return
			}
			if err != nil || res.Duplicate != tt.dup {
				t.Fatalf("res %+v, %v", res, err)
			}
		})
	}
	if s := tb.connectionStatus(t); s != crm.StatusDisconnected {
		t.Fatalf("status %s", s)
	}
	if d := tb.push(t, queued); d.Cancelled != 3 || d.Status != "cancelled" {
		t.Fatalf("queued push after uninstall %+v", d.Push)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_pushes WHERE tenant_id = ? AND contact_id = ? AND status = 'deleted_in_crm'`,
		tb.tenantID, ids[0]); n != 1 {
		t.Fatal("contact.deleted not recorded")
	}
	if n := tb.scalar(t, `SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'crm.disconnected'`, tb.tenantID); n != 1 {
		t.Fatalf("audit events %d", n)
	}
	tb.assertTruth(t, id, queued)
}

// TestPushThroughRiver runs pushes the way production does: jobs enqueued
// with the push, worked by a River client (on a database of its own, so it
// sees no other test's jobs).
func TestPushThroughRiver(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t)
	tb := setupOn(t, d)
	tb.MustConnect(t)
	ids := tb.MustApproved(t, 250)
	tb.fake.InjectFault(fakecrm.FaultUnavailable, 1)
	id := tb.MustPush(t, ids)

	startWorkers(t, d, tb.svc, 2)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if p := tb.push(t, id); p.Status == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("push not done: %+v", tb.push(t, id).Push)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if total, live := tb.fake.Count(tb.account); total != 250 || live != 250 {
		t.Fatalf("CRM holds %d (%d live)", total, live)
	}
	tb.assertTruth(t, id)
}

// TestPrune: webhook events past their retention and OAuth states a day
// past their expiry go; newer ones stay.
func TestPrune(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	oldEvent, newEvent := "evt_old_"+uuid.NewString(), "evt_new_"+uuid.NewString()
	tb.mustExec(t, `INSERT INTO crm_webhook_events (event_id, type, account_id, received_at, payload) VALUES
		(?, 'contact.deleted', 'acc', now() - interval '31 days', '{}'), (?, 'contact.deleted', 'acc', now(), '{}')`, oldEvent, newEvent)
	for range 2 {
		if _, err := tb.svc.Connect(ctx, tb.tenantID, tb.adminID); err != nil {
			t.Fatal(err)
		}
		tb.clock.Advance(time.Second)
	}
	// The older attempt ended two days ago (a new Connect would prune it
	// for this tenant; Prune does for every tenant).
	tb.mustExec(t, `UPDATE crm_oauth_states SET expires_at = now() - interval '2 days'
		WHERE tenant_id = ? AND created_at = (SELECT min(created_at) FROM crm_oauth_states WHERE tenant_id = ?)`, tb.tenantID, tb.tenantID)
	if n, err := tb.svc.Prune(ctx); err != nil || n < 2 {
		t.Fatalf("Prune = %d, %v", n, err)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_webhook_events WHERE event_id IN (?, ?)`, oldEvent, newEvent); n != 1 {
		t.Fatalf("%d of the 2 events left", n)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_oauth_states WHERE tenant_id = ?`, tb.tenantID); n != 1 {
		t.Fatalf("%d states left, want the fresh one", n)
	}
}

// TestWebhookContactDeletedOfAnotherTenant: a contact.deleted names our
// contact by its id (external_id), which anyone using the CRM account can
// set on a record. One naming another tenant's private contact records
// nothing: the tenant's CRM state holds only contacts it may see.
func TestWebhookContactDeletedOfAnotherTenant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	other, private := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	tb.mustExec(t, `INSERT INTO tenants (id, name) VALUES (?, 'Other tenant')`, other)
	tb.mustExec(t, `INSERT INTO contacts (id, first_name, last_name, email, owner_tenant_id)
		VALUES (?, 'Private', 'Person', ?, ?)`, private, "private-"+private.String()+"@example.test", other)
	shared := tb.MustApproved(t, 1)[0]

	now := tb.clock.Now().Unix()
	for _, id := range []uuid.UUID{private, shared} {
		body := `{"event_id":"evt_d_` + uuid.NewString() + `","type":"contact.deleted","account_id":"` + tb.account +
			`","client_id":"` + testClientID + `","id":"c_1","external_id":"` + id.String() + `"}`
		if _, err := tb.svc.HandleWebhook(context.Background(), []byte(body), strconv.FormatInt(now, 10),
			fakecrm.Sign(testClientSecret, now, []byte(body))); err != nil {
			t.Fatal(err)
		}
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_pushes WHERE tenant_id = ? AND contact_id = ?`, tb.tenantID, private); n != 0 {
		t.Fatal("another tenant's private contact recorded as deleted in this tenant's CRM")
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_pushes WHERE tenant_id = ? AND contact_id = ? AND status = 'deleted_in_crm'`,
		tb.tenantID, shared); n != 1 {
		t.Fatal("contact.deleted of a shared contact not recorded")
	}
}

// otherTenant is a second tenant (with its org admin) on tb's database,
// fake CRM and service.
func (tb *testBundle) otherTenant(t *testing.T) *testBundle {
	t.Helper()
	o := *tb
	o.tenantID, o.adminID = uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	o.mustExec(t, `INSERT INTO users (id, email, password_hash) VALUES (?, ?, 'x')`, o.adminID, "admin-"+o.adminID.String()+"@example.test")
	o.mustExec(t, `INSERT INTO tenants (id, name) VALUES (?, 'CRM test, other')`, o.tenantID)
	o.mustExec(t, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin')`, o.tenantID, o.adminID)
	o.mustExec(t, `INSERT INTO subscriptions (tenant_id, package_id, status, source) VALUES (?, ?, 'active', 'manual')`,
		o.tenantID, proPackageID)
	return &o
}

// TestConnectAccountOfAnotherTenant: a CRM account serves one tenant at a
// time. Its records are keyed by our contact ids, the same for every tenant
// (contacts are shared), so a second tenant would write the first one's
// records. Its callback is refused (account_in_use), its new grant revoked
// and nothing stored, and the first tenant's connection keeps working; once
// that one disconnects, the account is free.
func TestConnectAccountOfAnotherTenant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	other := tb.otherTenant(t)

	if reason := other.connect(t, true); reason != crm.ReasonAccountInUse {
		t.Fatalf("second tenant connecting the same account: %q, want %s", reason, crm.ReasonAccountInUse)
	}
	if st := other.connectionStatus(t); st != crm.StatusNotConnected {
		t.Fatalf("second tenant's connection %s, want %s", st, crm.StatusNotConnected)
	}
	// The first tenant's grant is alive and its pushes go through.
	id := tb.MustPush(t, tb.MustApproved(t, 2))
	tb.mustRunAll(t, id)
	if d := tb.push(t, id); d.Status != "completed" || d.Created != 2 {
		t.Fatalf("first tenant's push after the refusal %+v", d.Push)
	}
	tb.assertTruth(t, id)

	// needs_reauth still holds the account: reconnecting resumes its pushes.
	tb.mustExec(t, `UPDATE crm_connections SET status = 'needs_reauth' WHERE tenant_id = ?`, tb.tenantID)
	if reason := other.connect(t, true); reason != crm.ReasonAccountInUse {
		t.Fatalf("connecting an account another tenant must reconnect: %q", reason)
	}
	// The same tenant reconnecting its own account is no conflict.
	if reason := tb.connect(t, true); reason != "" {
		t.Fatalf("reconnecting its own account: %q", reason)
	}

	if err := tb.svc.Disconnect(context.Background(), tb.tenantID); err != nil {
		t.Fatal(err)
	}
	other.MustConnect(t)
	if reason := tb.connect(t, true); reason != crm.ReasonAccountInUse {
		t.Fatalf("first tenant reconnecting the account the second now holds: %q", reason)
	}
	if st := tb.connectionStatus(t); st != crm.StatusDisconnected {
		t.Fatalf("first tenant's connection %s after a refused reconnect, want it left disconnected", st)
	}
}

// TestConnectAccountRace: two tenants' callbacks for one CRM account at
// once: one connects, the other is refused, never both.
func TestConnectAccountRace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	bundles := []*testBundle{tb, tb.otherTenant(t)}
	params := make([]crm.CallbackParams, len(bundles))
	for i, b := range bundles {
		start, err := b.svc.Connect(ctx, b.tenantID, b.adminID)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := fakecrm.Consent(ctx, fakecrm.NoRedirects(), start.AuthorizeURL, tb.account, true)
		if err != nil {
			t.Fatal(err)
		}
		params[i] = crm.CallbackParams{Code: loc.Query().Get("code"), State: loc.Query().Get("state"), Browser: start.Browser}
	}
	// Both have checked the account before either writes.
	reasons, errs := callbacksAtOnce(t, tb, params, bundles[0].tenantID, bundles[1].tenantID)
	connected, refused := 0, 0
	for i := range params {
		switch reasons[i] {
		case "":
			connected++
		case crm.ReasonAccountInUse:
			refused++
		default:
			t.Fatalf("callback %d: %q, %v", i, reasons[i], errs[i])
		}
	}
	if connected != 1 || refused != 1 {
		t.Fatalf("%d connected and %d refused, want one each", connected, refused)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE account_id = ? AND status <> 'disconnected'`, tb.account); n != 1 {
		t.Fatalf("%d tenants connected to the account, want 1", n)
	}
}

// callbacksAtOnce runs the callbacks side by side, released together: the
// tenant rows held by the test stop each callback's write (its foreign key
// check) until every callback waits, so without an order between them all
// have read the state before any writes.
func callbacksAtOnce(t *testing.T, tb *testBundle, params []crm.CallbackParams, tenants ...uuid.UUID) ([]string, []error) {
	t.Helper()
	ctx := context.Background()
	hold, err := tb.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(ctx) }()
	var holder int
	if err := hold.QueryRow(ctx, `SELECT max(pg_backend_pid()) FROM (SELECT id FROM tenants WHERE id = ANY($1) FOR UPDATE) t`,
		tenants).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	reasons := make([]string, len(params))
	errs := make([]error, len(params))
	var wg sync.WaitGroup
	for i, p := range params {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reasons[i], errs[i] = tb.newService().Callback(ctx, p)
		}()
	}
	for waiting := 0; waiting < len(params); {
		if err := tb.db.Pool.QueryRow(ctx, `WITH RECURSIVE blocked(pid) AS (
				SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))
				UNION SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid)))
			SELECT count(*) FROM blocked`, holder).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	return reasons, errs
}

// TestCallbackChecksAtCallbackTime: what Connect checked holds again when
// the browser comes back: the state is younger than StateTTL (at StateTTL
// it has expired), and the user is still an org admin of the state's
// tenant, which is still active. Each refusal stores nothing.
func TestCallbackChecksAtCallbackTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		between func(t *testing.T, tb *testBundle) // after the consent, before the callback
		want    string
	}{
		{"OKJustBeforeTTL", func(t *testing.T, tb *testBundle) { tb.clock.Advance(crm.StateTTL - time.Second) }, ""},
		{"ErrExpiredAtTTL", func(t *testing.T, tb *testBundle) { tb.clock.Advance(crm.StateTTL) }, crm.ReasonStateExpired},
		{"ErrDemotedToMember", func(t *testing.T, tb *testBundle) {
			tb.mustExec(t, `UPDATE memberships SET role = 'member' WHERE tenant_id = ? AND user_id = ?`, tb.tenantID, tb.adminID)
		}, crm.ReasonNotAllowed},
		{"ErrTenantSuspended", func(t *testing.T, tb *testBundle) {
			tb.mustExec(t, `UPDATE tenants SET status = 'suspended' WHERE id = ?`, tb.tenantID)
		}, crm.ReasonNotAllowed},
		// Removed from the tenant, still an org admin of another one: the
		// role that counts is the one in the state's tenant.
		{"ErrRemovedAdminElsewhere", func(t *testing.T, tb *testBundle) {
			other := tb.otherTenant(t)
			tb.mustExec(t, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin')`, other.tenantID, tb.adminID)
			tb.mustExec(t, `DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?`, tb.tenantID, tb.adminID)
		}, crm.ReasonNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			ctx := context.Background()
			start, err := tb.svc.Connect(ctx, tb.tenantID, tb.adminID)
			if err != nil {
				t.Fatal(err)
			}
			loc, err := fakecrm.Consent(ctx, fakecrm.NoRedirects(), start.AuthorizeURL, tb.account, true)
			if err != nil {
				t.Fatal(err)
			}
			tt.between(t, tb)
			q := loc.Query()
			reason, _ := tb.svc.Callback(ctx, crm.CallbackParams{Code: q.Get("code"), State: q.Get("state"), Browser: start.Browser})
			if reason != tt.want {
				t.Fatalf("reason %q, want %q", reason, tt.want)
			}
			n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE tenant_id = ?`, tb.tenantID)
			if want := map[bool]int{true: 1, false: 0}[tt.want == ""]; n != want {
				t.Fatalf("%d connections stored, want %d", n, want)
			}
		})
	}
}

// TestCallbackRefusesGrant: a grant the connection could not live on is
// refused, nothing stored, and a grant the CRM made is revoked there, not
// left live and forgotten: one lacking contacts.read or contacts.write, one
// whose account could not be read, one for an account another tenant holds
// (whose own grant stays), or a token answer without a refresh token (the
// access token would work until it expired, then the connection would need
// an org admin).
func TestCallbackRefusesGrant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		scope     string                             // the scope asked for instead of Connect's
		noRefresh bool                               // the token endpoint answers the code without a refresh token
		before    func(t *testing.T, tb *testBundle) // after the consent, before the callback
		want      string
		revoked   bool
	}{
		{name: "ErrReadOnly", scope: crm.ScopeRead, want: crm.ReasonMissingScopes, revoked: true},
		{name: "ErrWriteOnly", scope: crm.ScopeWrite, want: crm.ReasonMissingScopes, revoked: true},
		{name: "ErrAccountUnreadable", before: func(t *testing.T, tb *testBundle) { tb.fake.InjectFault(fakecrm.FaultUnavailable, 1) },
			want: crm.ReasonExchangeFailed, revoked: true},
		{name: "ErrAccountOfAnotherTenant", before: func(t *testing.T, tb *testBundle) { tb.otherTenant(t).MustConnect(t) },
			want: crm.ReasonAccountInUse, revoked: true},
		{name: "ErrNoRefreshToken", noRefresh: true, want: crm.ReasonExchangeFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			if tt.noRefresh {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := httptest.NewRecorder()
					tb.fake.ServeHTTP(rec, r)
					body := rec.Body.Bytes()
					if r.URL.Path == "/oauth/token" {
						var m map[string]any
						if json.Unmarshal(body, &m) == nil {
							delete(m, "refresh_token")
							body, _ = json.Marshal(m)
						}
					}
					maps.Copy(w.Header(), rec.Header())
					w.Header().Del("Content-Length")
					w.WriteHeader(rec.Code)
					_, _ = w.Write(body)
				}))
				t.Cleanup(srv.Close)
				tb.cfg.AuthBase = srv.URL
				tb.svc = tb.newService()
			}
			ctx := context.Background()
			start, err := tb.svc.Connect(ctx, tb.tenantID, tb.adminID)
			if err != nil {
				t.Fatal(err)
			}
			authorize := start.AuthorizeURL
			if tt.scope != "" {
				u, _ := url.Parse(authorize)
				q := u.Query()
				q.Set("scope", tt.scope)
				u.RawQuery = q.Encode()
				authorize = u.String()
			}
			loc, err := fakecrm.Consent(ctx, fakecrm.NoRedirects(), authorize, tb.account, true)
			if err != nil {
				t.Fatal(err)
			}
			if tt.before != nil {
				tt.before(t, tb)
			}
			revocations := tb.fake.Stats().Revocations
			q := loc.Query()
			reason, _ := tb.svc.Callback(ctx, crm.CallbackParams{Code: q.Get("code"), State: q.Get("state"), Browser: start.Browser})
			if reason != tt.want {
				t.Fatalf("reason %q, want %q", reason, tt.want)
			}
			if n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE tenant_id = ?`, tb.tenantID); n != 0 {
				t.Fatalf("%d connections stored", n)
			}
			if got := tb.fake.Stats().Revocations - revocations; tt.revoked && got != 1 {
				t.Fatalf("%d grants revoked, want the refused one", got)
			}
			// The other tenant's grant, the only one left, is live.
			if tt.revoked && tb.fake.GrantActive(tb.account) != (tt.want == crm.ReasonAccountInUse) {
				t.Fatalf("grant of the account active: %v", tb.fake.GrantActive(tb.account))
			}
		})
	}
}

// TestSettingsAreTheTenants: a tenant reads and pushes with its own field
// ownership only; another tenant's saved modes change nothing of it.
func TestSettingsAreTheTenants(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	other := tb.otherTenant(t)
	ctx := context.Background()
	if _, err := other.svc.PutSettings(ctx, other.tenantID, &other.adminID,
		map[string]string{"email": crm.OwnNever, "phone": crm.OwnOverwrite}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.PutSettings(ctx, tb.tenantID, &tb.adminID, map[string]string{"job_title": crm.OwnOverwrite}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tb   *testBundle
		want map[string]string // the fields not fill_if_empty
	}{
		{"Tenant", tb, map[string]string{"job_title": crm.OwnOverwrite}},
		{"OtherTenant", other, map[string]string{"email": crm.OwnNever, "phone": crm.OwnOverwrite}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.tb.svc.GetSettings(ctx, tt.tb.tenantID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range crm.Fields {
				want := crm.OwnFillIfEmpty
				if m, ok := tt.want[f]; ok {
					want = m
				}
				if s.FieldOwnership[f] != want {
					t.Errorf("%s: %s, want %s", f, s.FieldOwnership[f], want)
				}
			}
		})
	}
}

// TestDisconnectTwice: disconnecting a disconnected tenant does nothing: no
// second audit event, and the status keeps the time and reason of the
// disconnect.
func TestDisconnectTwice(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	ctx := context.Background()
	if err := tb.svc.Disconnect(ctx, tb.tenantID); err != nil {
		t.Fatal(err)
	}
	first, err := tb.svc.GetConnection(ctx, tb.tenantID)
	if err != nil {
		t.Fatal(err)
	}
	tb.clock.Advance(time.Minute)
	if err := tb.svc.Disconnect(audit.WithActor(ctx, audit.Actor{Label: "someone else"}), tb.tenantID); err != nil {
		t.Fatal(err)
	}
	again, err := tb.svc.GetConnection(ctx, tb.tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if !again.StatusChangedAt.Equal(*first.StatusChangedAt) || again.StatusReason != first.StatusReason {
		t.Fatalf("second disconnect changed the status: %v %q, was %v %q", again.StatusChangedAt, again.StatusReason,
			first.StatusChangedAt, first.StatusReason)
	}
	if n := tb.scalar(t, `SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'crm.disconnected'`, tb.tenantID); n != 1 {
		t.Fatalf("%d crm.disconnected events, want 1", n)
	}
}
