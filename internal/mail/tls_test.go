package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"log/slog"
	"math/big"
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
		{"OKLocalhostInCapitals", "LocalHost:25", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, got := fakeSMTP(t) // offers no STARTTLS
			svc := NewService(d.Gorm, "smtp://"+tt.host, slog.New(slog.DiscardHandler))
			svc.dial = dialsTo(addr)
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

// TestDeliverRefusesAnUntrustedCertificate: a relay that offers STARTTLS
// with a certificate no trusted authority signed (a machine in the path
// answering for it) gets no message: the links are not sent to whoever
// holds the key.
func TestDeliverRefusesAnUntrustedCertificate(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	addr, got := fakeSMTPServer(t, fakeOpts{tls: &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "mail.example.test")}}})
	svc := NewService(d.Gorm, "smtp://mail.example.test:587", slog.New(slog.DiscardHandler))
	svc.dial = dialsTo(addr)
	m, err := Queue(ctx, d.Gorm, "ann@example.test", "Reset your password", "https://example.test/reset-password#token=live-token")
	if err != nil {
		t.Fatal(err)
	}
	err = svc.deliver(ctx, m.ID)
	var x509Err x509.UnknownAuthorityError
	if !errors.As(err, &x509Err) {
		t.Fatalf("deliver to a relay with a self-signed certificate: err %v, want an unknown authority", err)
	}
	select {
	case sent := <-got:
		t.Fatalf("the message went to the untrusted relay: %q", sent)
	default:
	}
}

// selfSigned is a certificate for host that signs itself.
func selfSigned(t *testing.T, host string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestDeliverAuthenticates: a relay URL with a user signs in with its
// password (PLAIN, which net/smtp sends only over TLS or to this
// machine); one without a user does not try.
func TestDeliverAuthenticates(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name, user string
		wantAuth   string // the AUTH command's decoded response, "" for none
	}{
		{"OKWithUser", "relay-user:s3cret@", "\x00relay-user\x00s3cret"},
		{"OKWithoutUser", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			auth := make(chan string, 1)
			addr, got := fakeSMTPServer(t, fakeOpts{auth: auth})
			svc := NewService(d.Gorm, "smtp://"+tt.user+addr, slog.New(slog.DiscardHandler))
			m, err := Queue(ctx, d.Gorm, "ann@example.test", "Hello", "Body")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.deliver(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			<-got
			var decoded string
			select {
			case line := <-auth:
				mech, resp, _ := strings.Cut(strings.TrimPrefix(line, "AUTH "), " ")
				b, err := base64.StdEncoding.DecodeString(resp)
				if mech != "PLAIN" || err != nil {
					t.Fatalf("AUTH line %q, want PLAIN with a base64 response", line)
				}
				decoded = string(b)
			default:
			}
			if decoded != tt.wantAuth {
				t.Fatalf("signed in with %q, want %q", decoded, tt.wantAuth)
			}
		})
	}
}

// dialsTo is a dial that reaches addr whatever address it is asked for, so
// a relay named mail.example.test is the fake server on this machine.
func dialsTo(addr string) func(ctx context.Context, network, _ string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}
