package mail

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestDeliverRequiresSTARTTLS: mail carries live password reset and
// invitation links, so it goes to a relay on another machine only over
// TLS. A relay that offers no STARTTLS (or a network in between that
// strips the offer) gets no message: the delivery fails, is recorded and
// retried, and the body stays stored. A relay on this machine (a loopback
// address or localhost) may still be spoken to in plain text.
func TestDeliverRequiresSTARTTLS(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	tests := []struct {
		name, host string
		wantSent   bool
	}{
		{"ErrRemoteRelayWithoutSTARTTLS", "mail.example.test:25", false},
		{"ErrRemoteAddressWithoutSTARTTLS", "192.0.2.25:587", false},
		{"OKLoopbackRelay", "127.0.0.1:25", true},
		{"OKLocalhostRelay", "localhost:25", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, got := fakeSMTP(t) // offers no STARTTLS
			svc := NewService(d.Gorm, "smtp://"+tt.host, slog.New(slog.DiscardHandler))
			svc.dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
			m, err := Queue(ctx, d.Gorm, "ann@example.test", "Reset your password", "https://example.test/reset-password#token=live-token")
			if err != nil {
				t.Fatal(err)
			}
			err = svc.deliver(ctx, m.ID)
			var sent string
			select {
			case sent = <-got:
			case <-time.After(200 * time.Millisecond):
			}
			var stored Message
			if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if !tt.wantSent {
				if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
					t.Errorf("deliver to %s without STARTTLS: err %v, want one naming STARTTLS", tt.host, err)
				}
				if sent != "" {
					t.Errorf("the message went to %s in plain text: %q", tt.host, sent)
				}
				if stored.SentAt != nil || !strings.Contains(stored.Body, "live-token") || stored.Error == nil {
					t.Errorf("stored after a refused delivery: sent_at %v, body %q, error %v; want unsent, the body kept and the error recorded",
						stored.SentAt, stored.Body, stored.Error)
				}
				return
			}
			if err != nil || !strings.Contains(sent, "live-token") {
				t.Fatalf("deliver to the local relay %s: err %v, sent %q", tt.host, err, sent)
			}
		})
	}
}
