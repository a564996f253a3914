package crm_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestWebhookUninstallOnlyOlderConnections: the CRM retries a webhook for
// up to 24 h with fresh signatures, so an app.uninstalled can arrive after
// an org admin reconnected. It disconnects only a connection made at or
// before its occurred_at; a newer connection is left alone, and the event is
// recorded so that further retries are duplicates.
func TestWebhookUninstallOnlyOlderConnections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// occurredAt is the event's occurred_at, given the moments the app
		// was uninstalled and the tenant (re)connected last.
		occurredAt  func(uninstalled, connected time.Time) string
		reconnect   bool // an org admin reconnects after the uninstall, before the delivery
		wantErrCode string
		wantStatus  string
		wantIgnored int
	}{
		{name: "IgnoredAfterReconnect", reconnect: true, wantStatus: crm.StatusConnected, wantIgnored: 1,
			occurredAt: func(u, _ time.Time) string { return u.Format(time.RFC3339) }},
		{name: "AppliedToOlderConnection", wantStatus: crm.StatusDisconnected,
			occurredAt: func(u, _ time.Time) string { return u.Format(time.RFC3339) }},
		// occurred_at has whole seconds; a connection made within that
		// second is not newer than the event.
		{name: "AppliedSameSecond", wantStatus: crm.StatusDisconnected,
			occurredAt: func(_, c time.Time) string { return c.Format(time.RFC3339) }},
		{name: "AppliedFractionalSeconds", wantStatus: crm.StatusDisconnected,
			occurredAt: func(u, _ time.Time) string { return u.Add(250 * time.Millisecond).Format(time.RFC3339Nano) }},
		{name: "ErrUnparseableOccurredAt", reconnect: true, wantErrCode: apperr.EMALFORMED, wantStatus: crm.StatusConnected,
			occurredAt: func(time.Time, time.Time) string { return "yesterday" }},
		{name: "ErrMissingOccurredAt", reconnect: true, wantErrCode: apperr.EMALFORMED, wantStatus: crm.StatusConnected,
			occurredAt: func(time.Time, time.Time) string { return "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			ctx := context.Background()
			tb.clock.Advance(400 * time.Millisecond) // connected_at has a fraction of a second
			tb.MustConnect(t)
			connected := tb.clock.Now()
			// The user uninstalls the app in the CRM; the first delivery of
			// the webhook fails (the fake has no webhook URL).
			tb.clock.Advance(time.Minute)
			uninstalled := tb.clock.Now()
			tb.fake.Uninstall(tb.account)
			if tt.reconnect {
				tb.clock.Advance(time.Minute)
				tb.MustConnect(t)
				connected = tb.clock.Now()
			}
			ids := tb.MustApproved(t, 2)
			var push uuid.UUID
			if tt.wantStatus == crm.StatusConnected {
				push = tb.MustPush(t, ids)
			}

			// The CRM's retry, signed now.
			tb.clock.Advance(time.Minute)
			body := `{"event_id":"evt_u_` + uuid.NewString() + `","type":"app.uninstalled","account_id":"` + tb.account +
				`","client_id":"` + testClientID + `","occurred_at":"` + tt.occurredAt(uninstalled, connected) + `"}`
			deliver := func() (*crm.WebhookResult, error) {
				ts := tb.clock.Now().Unix()
				return tb.svc.HandleWebhook(ctx, []byte(body), strconv.FormatInt(ts, 10), fakecrm.Sign(testClientSecret, ts, []byte(body)))
			}
			res, err := deliver()
			if tt.wantErrCode != "" {
				if e, ok := apperr.As(err); !ok || e.Code != tt.wantErrCode {
					t.Fatalf("err %v, want %s", err, tt.wantErrCode)
				}
			} else if err != nil || res.Ignored != tt.wantIgnored || res.Tenants != 1-tt.wantIgnored {
				t.Fatalf("res %+v, %v", res, err)
			}
			if s := tb.connectionStatus(t); s != tt.wantStatus {
				t.Fatalf("status %s, want %s", s, tt.wantStatus)
			}
			if tt.wantStatus != crm.StatusConnected {
				return
			}
			// The newer connection keeps its tokens and its queued push,
			// which goes through.
			if n := tb.scalar(t, `SELECT count(*) FROM crm_connections WHERE tenant_id = ? AND refresh_token_enc IS NOT NULL`,
				tb.tenantID); n != 1 {
				t.Fatal("the newer connection lost its tokens")
			}
			if d := tb.push(t, push); d.Queued != 2 {
				t.Fatalf("queued push after the late uninstall %+v", d.Push)
			}
			tb.mustRunAll(t, push)
			if d := tb.push(t, push); d.Status != "completed" || d.Created != 2 {
				t.Fatalf("push %+v", d.Push)
			}
			if n := tb.scalar(t, `SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'crm.disconnected'`, tb.tenantID); n != 0 {
				t.Fatalf("audit events %d", n)
			}
			if tt.wantErrCode != "" {
				return
			}
			// Handled: the next retry of the same event is a duplicate.
			if res, err := deliver(); err != nil || !res.Duplicate {
				t.Fatalf("retry %+v, %v", res, err)
			}
			tb.assertTruth(t, push)
		})
	}
}

// TestWebhookUninstallRefusedOrIgnored: an app.uninstalled disconnects only
// when it is signed with our webhook secret (a server without one takes no
// event at all, not one signed with the empty key), is stamped within 5
// minutes of our clock either way, and is our app's.
func TestWebhookUninstallRefusedOrIgnored(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		secret   string        // the server's webhook secret, and what signs the event
		skew     time.Duration // the timestamp's distance from our clock
		clientID string
		wantErr  string // the error's type, "" for none
		applied  bool
	}{
		{"OK", testClientSecret, 0, testClientID, "", true},
		{"OKJustInFuture", testClientSecret, crm.WebhookTolerance - time.Second, testClientID, "", true},
		{"ErrTooFarInFuture", testClientSecret, crm.WebhookTolerance + time.Second, testClientID, "stale-timestamp", false},
		{"ErrNoWebhookSecret", "", 0, testClientID, "crm-not-configured", false},
		{"IgnoredOtherApp", testClientSecret, 0, "another-app", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			o := *tb
			o.cfg.WebhookSecret = tt.secret
			svc := o.newService()
			body := `{"event_id":"evt_u_` + uuid.NewString() + `","type":"app.uninstalled","account_id":"` + tb.account +
				`","client_id":"` + tt.clientID + `","occurred_at":"` + tb.clock.Now().Format(time.RFC3339) + `"}`
			ts := tb.clock.Now().Add(tt.skew).Unix()
			res, err := svc.HandleWebhook(context.Background(), []byte(body), strconv.FormatInt(ts, 10),
				fakecrm.Sign(tt.secret, ts, []byte(body)))
			if tt.wantErr != "" {
				if e, ok := apperr.As(err); !ok || e.Type != tt.wantErr {
					t.Fatalf("err %v, want %s", err, tt.wantErr)
				}
			} else if err != nil || res.Tenants != map[bool]int{true: 1}[tt.applied] {
				t.Fatalf("res %+v, %v", res, err)
			}
			want := map[bool]string{true: crm.StatusDisconnected, false: crm.StatusConnected}[tt.applied]
			if s := tb.connectionStatus(t); s != want {
				t.Fatalf("status %s, want %s", s, want)
			}
		})
	}
}
