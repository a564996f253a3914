package mail

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// fakeSMTP accepts one message with the bare SMTP dialogue net/smtp speaks
// and returns its address; the message's text arrives on got.
func fakeSMTP(t *testing.T) (addr string, got <-chan string) {
	return fakeSMTPServer(t, fakeOpts{})
}

// fakeOpts shapes a fake server's answers.
type fakeOpts struct {
	// dropAtQuit hangs up instead of answering QUIT, as some servers do
	// once the message is queued.
	dropAtQuit bool
	// rcptReply, unless "", is the answer to RCPT TO.
	rcptReply string
	// auth, unless nil, receives each AUTH command line (answered 235).
	auth chan<- string
	// tls, unless nil, is offered with STARTTLS.
	tls *tls.Config
}

// fakeSMTPServer is fakeSMTP with the answers opts asks for.
func fakeSMTPServer(t *testing.T, opts fakeOpts) (addr string, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	out := make(chan string, 4)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer func() { _ = c.Close() }()
		r := bufio.NewReader(c)
		say := func(line string) { _, _ = io.WriteString(c, line+"\r\n") }
		say("220 fake")
		var data strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				if opts.tls != nil {
					say("250-fake")
					say("250 STARTTLS")
				} else {
					say("250 fake")
				}
			case cmd == "STARTTLS" && opts.tls != nil:
				say("220 go ahead")
				tc := tls.Server(c, opts.tls)
				if tc.Handshake() != nil {
					return
				}
				c, r, opts.tls = tc, bufio.NewReader(tc), nil
			case strings.HasPrefix(cmd, "AUTH") && opts.auth != nil:
				opts.auth <- strings.TrimSpace(line)
				say("235 accepted")
			case cmd == "DATA":
				say("354 go on")
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
					data.WriteString(l)
				}
				out <- data.String()
				say("250 queued")
			case cmd == "QUIT":
				if !opts.dropAtQuit {
					say("221 bye")
				}
				return
			case strings.HasPrefix(cmd, "RCPT") && opts.rcptReply != "":
				say(opts.rcptReply)
			default: // MAIL FROM, RCPT TO
				say("250 ok")
			}
		}
	}()
	return ln.Addr().String(), out
}

// TestDeliverClearsTheSentBody: a message sent by SMTP goes out whole, and
// its stored body (live links for the recipient only) is cleared.
func TestDeliverClearsTheSentBody(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	addr, got := fakeSMTP(t)
	svc := NewService(d.Gorm, "smtp://"+addr, slog.New(slog.DiscardHandler))
	if !svc.Delivers() {
		t.Fatal("Delivers() = false with an SMTP URL")
	}
	m, err := Queue(ctx, d.Gorm, "ann@example.test", "You are invited", "Join: https://example.test/accept?token=secret-token")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.deliver(ctx, m.ID); err != nil {
		t.Fatal(err)
	}

	if sent := <-got; !strings.Contains(sent, "token=secret-token") {
		t.Fatalf("sent message lacks its body: %q", sent)
	}
	var stored Message
	if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored.SentAt == nil || stored.Body != "" {
		t.Fatalf("stored after sending: sent_at %v, body %q; want a time and an empty body", stored.SentAt, stored.Body)
	}
	if NewService(d.Gorm, "", slog.New(slog.DiscardHandler)).Delivers() {
		t.Fatal("Delivers() = true without an SMTP URL")
	}
}

// TestDeliverOnceAcceptedIsDelivered: a server that accepted the message
// and then hangs up at QUIT has it; the delivery counts as done (a retry
// would send it again).
func TestDeliverOnceAcceptedIsDelivered(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	addr, got := fakeSMTPServer(t, fakeOpts{dropAtQuit: true})
	svc := NewService(d.Gorm, "smtp://"+addr, slog.New(slog.DiscardHandler))
	m, err := Queue(ctx, d.Gorm, "dee@example.test", "Hello", "Body")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.deliver(ctx, m.ID); err != nil {
		t.Fatalf("delivery accepted by the server reported as failed: %v", err)
	}
	<-got
	var stored Message
	if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored.SentAt == nil || stored.Body != "" {
		t.Fatalf("stored: sent_at %v, body %q", stored.SentAt, stored.Body)
	}
}

// TestSendQueuesADelivery: with SMTP, Send queues the message and its
// delivery job in the caller's transaction (the request never talks to the
// mail server); without, the message stays in the development outbox.
func TestSendQueuesADelivery(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name, smtpURL string
		wantJob       bool
	}{
		{"OKWithSMTP", "smtp://127.0.0.1:9", true},
		{"OKDevelopmentOutbox", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var queued []river.JobArgs
			svc := NewService(d.Gorm, tt.smtpURL, slog.New(slog.DiscardHandler)).
				WithJobs(func(_ context.Context, _ *gorm.DB, args river.JobArgs) error {
					queued = append(queued, args)
					return nil
				})
			m, err := svc.Send(ctx, d.Gorm, "bo@example.test", "Hello", "Body")
			if err != nil {
				t.Fatal(err)
			}
			if got := len(queued) == 1 && queued[0] == (DeliverArgs{MessageID: m.ID}); got != tt.wantJob {
				t.Fatalf("queued %v, want a delivery job: %v", queued, tt.wantJob)
			}
		})
	}
}

// TestDeliverGivesUpOnASilentServer: a mail server that accepts the
// connection and never answers ends the attempt at the timeout with an
// error recorded on the message (the job retries it), instead of holding
// the caller forever.
func TestDeliverGivesUpOnASilentServer(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() }) // accepted, never answered
		}
	}()
	svc := NewService(d.Gorm, "smtp://"+ln.Addr().String(), slog.New(slog.DiscardHandler))
	svc.timeout = 200 * time.Millisecond
	m, err := Queue(ctx, d.Gorm, "cy@example.test", "Hello", "Body")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.deliver(ctx, m.ID); err == nil {
		t.Fatal("delivery to a silent server succeeded")
	}
	var stored Message
	if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored.SentAt != nil || stored.Error == nil {
		t.Fatalf("stored: sent_at %v, error %v; want no send and the error", stored.SentAt, stored.Error)
	}
}

// TestDeliverRefusalMasksTheAddress: a relay's refusal quotes the
// recipient; the log line, the error River keeps with the job (and logs
// when it discards it) and the stored error show the address masked.
func TestDeliverRefusalMasksTheAddress(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	addr, _ := fakeSMTPServer(t, fakeOpts{rcptReply: "550 5.1.1 <Ann.Lee@Example.test>: Recipient address rejected; also ann.lee@example.test"})
	var logged strings.Builder
	svc := NewService(d.Gorm, "smtp://"+addr, slog.New(slog.NewJSONHandler(&logged, nil)))
	m, err := Queue(ctx, d.Gorm, "Ann.Lee@Example.test", "Hello", "Body")
	if err != nil {
		t.Fatal(err)
	}
	err = svc.deliver(ctx, m.ID)
	if err == nil {
		t.Fatal("a refused delivery succeeded")
	}
	var stored Message
	if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored.Error == nil {
		t.Fatal("no stored error")
	}
	for what, text := range map[string]string{"log": logged.String(), "returned error": err.Error(), "stored error": *stored.Error} {
		if strings.Contains(strings.ToLower(text), "ann.lee@") {
			t.Errorf("%s holds the address: %s", what, text)
		}
		if !strings.Contains(text, "5.1.1 <A***@Example.test>: Recipient address rejected; also a***@example.test") {
			t.Errorf("%s lacks the masked refusal: %s", what, text)
		}
	}
	var tp *textproto.Error
	if !errors.As(err, &tp) || tp.Code != 550 {
		t.Errorf("errors.As(%v, *textproto.Error) = %v; want the server's reply still wrapped", err, tp)
	}
}

// TestPrune: messages older than OutboxRetention go, newer ones (an hour
// inside it too) stay.
func TestPrune(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	svc := NewService(d.Gorm, "", slog.New(slog.DiscardHandler))
	old, err := Queue(ctx, d.Gorm, "old@example.test", "Old", "body")
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Queue(ctx, d.Gorm, "new@example.test", "New", "body")
	if err != nil {
		t.Fatal(err)
	}
	kept, err := Queue(ctx, d.Gorm, "kept@example.test", "Kept", "body")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Exec(`UPDATE outbox_emails SET created_at = now() - make_interval(secs => ?) WHERE id = ?`,
		(OutboxRetention + time.Hour).Seconds(), old.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Exec(`UPDATE outbox_emails SET created_at = now() - make_interval(secs => ?) WHERE id = ?`,
		(OutboxRetention - time.Hour).Seconds(), kept.ID).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Prune(ctx); err != nil || n < 1 {
		t.Fatalf("Prune = %d, %v", n, err)
	}
	var left []string
	if err := d.Gorm.Raw(`SELECT subject FROM outbox_emails WHERE id IN (?, ?, ?) ORDER BY subject`, old.ID, fresh.ID, kept.ID).Scan(&left).Error; err != nil {
		t.Fatal(err)
	}
	if strings.Join(left, ",") != "Kept,New" {
		t.Fatalf("left %q, want the messages within the retention", left)
	}
}

// TestDeliverEncodesHeaders: a subject or body with a tenant's name in it
// (Zoë, Müller GmbH) goes out as RFC 2047 encoded words and quoted-printable
// text, the header all ASCII as RFC 5322 wants it, and reads back exactly;
// a line break in a name cannot start a header of its own (Bcc).
func TestDeliverEncodesHeaders(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	long := "You are invited to " + strings.Repeat("Zoë Müller GmbH ", 12) + "on 1CloudAI Business Contacts"
	for _, tt := range []struct {
		name, subject, body string
		wantQP              bool   // the body goes quoted-printable, not as it is
		read                string // the body as read back, unless "" (then body with CRLF line breaks)
	}{
		{"OKASCII", "Reset your password", "Reset it here:\nhttps://example.test/reset?token=abc\n", false, ""},
		{"OKUmlauts", "You are invited to Müller GmbH on 1CloudAI Business Contacts", "You have been invited to join Müller GmbH as member.\n", true, ""},
		{"OKLongName", long, "You have been invited to join Zoë.\n", true, ""},
		{"OKLongestCJKName", "You are invited to " + strings.Repeat("株式会社", 50) + " on 1CloudAI Business Contacts", "株式会社\n", true, ""},
		{"OKInjectionStaysInTheSubject", "You are invited to Zoë\r\nBcc: evil@example.test\r\n", "Zoë\n.\nsingle dot above\n", true, ""},
		{"OKLineOf998", "Hello", strings.Repeat("a", 998) + "\n", false, ""},
		{"OKLineOf999", "Hello", strings.Repeat("a", 999) + "\n", true, ""},
		{"OKBareCarriageReturn", "Hello", "one\rtwo\n", true, "one\r\ntwo\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, got := fakeSMTP(t)
			svc := NewService(d.Gorm, "smtp://"+addr, slog.New(slog.DiscardHandler))
			m, err := Queue(ctx, d.Gorm, "zoe@example.test", tt.subject, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.deliver(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			sent := <-got
			for i := 0; i < len(sent); i++ {
				if c := sent[i]; c >= 0x80 {
					t.Fatalf("the message has the raw byte %#x (7-bit clean for any relay):\n%s", c, sent)
				}
			}
			if bare := strings.Count(sent, "\r") + strings.Count(sent, "\n") - 2*strings.Count(sent, "\r\n"); bare != 0 {
				t.Fatalf("%d bare line break characters (RFC 5322: CRLF only): %q", bare, sent)
			}
			for _, line := range strings.Split(sent, "\r\n") {
				if len(line) > 998 {
					t.Fatalf("a line of %d characters (RFC 5322: at most 998): %.120s...", len(line), line)
				}
			}
			msg, err := netmail.ReadMessage(strings.NewReader(strings.ReplaceAll(sent, "\n..", "\n.")))
			if err != nil {
				t.Fatalf("unreadable message: %v\n%s", err, sent)
			}
			if bcc := msg.Header.Get("Bcc"); bcc != "" {
				t.Fatalf("a Bcc header came out of the subject: %q", bcc)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if subject != tt.subject {
				t.Fatalf("subject reads %q, want %q", subject, tt.subject)
			}
			var body io.Reader = msg.Body
			if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				body = quotedprintable.NewReader(body)
			}
			text, err := io.ReadAll(body)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.read
			if want == "" {
				want = strings.ReplaceAll(tt.body, "\n", "\r\n")
			}
			if string(text) != want {
				t.Fatalf("body reads %q, want %q", text, want)
			}
			if qp := strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable"); qp != tt.wantQP {
				t.Errorf("quoted-printable %v, want %v", qp, tt.wantQP)
			}
			if id, want := msg.Header.Get("Message-Id"), "<"+m.ID.String()+"@1cloudcrm.com>"; id != want {
				t.Errorf("Message-Id %q, want %q", id, want)
			}
			for _, h := range []string{"Date", "Message-Id", "Mime-Version"} {
				if msg.Header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
		})
	}
}

// TestDeliverWorkerGivesUp: when a delivery's last attempt fails, River
// discards the job, so the message is marked failed (not queued for
// ever); an earlier attempt's failure leaves it for the retry.
func TestDeliverWorkerGivesUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		attempt    int
		wantFailed bool
	}{
		{"OKLastAttemptMarksFailed", 12, true},
		{"OKEarlierAttemptLeavesItQueued", 11, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.Shared(t)
			ctx := context.Background()
			svc := NewService(d.Gorm, "smtp://mail.example.test:587", slog.New(slog.DiscardHandler))
			svc.dial = func(context.Context, string, string) (net.Conn, error) {
				return nil, errors.New("connection refused")
			}
			m, err := Queue(ctx, d.Gorm, "dee@example.test", "Hello", "Body")
			if err != nil {
				t.Fatal(err)
			}
			w := &deliverWorker{svc: svc}
			job := &river.Job[DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: tt.attempt, MaxAttempts: DeliverArgs{}.InsertOpts().MaxAttempts},
				Args: DeliverArgs{MessageID: m.ID}}
			if err := w.Work(ctx, job); err == nil {
				t.Fatal("a refused delivery succeeded")
			}
			var stored Message
			if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if got := stored.FailedAt != nil; got != tt.wantFailed || stored.SentAt != nil {
				t.Fatalf("failed_at %v, sent_at %v; want failed %v", stored.FailedAt, stored.SentAt, tt.wantFailed)
			}
			if stored.Error == nil || !strings.Contains(*stored.Error, "connection refused") {
				t.Fatalf("error %v, want the refusal", stored.Error)
			}
		})
	}
}

// TestFailAbandoned: with SMTP, an unsent message older than
// AbandonedAfter whose delivery job is gone (discarded by River's rescuer,
// or cancelled) is marked failed, after any error it had; one whose job
// still waits to retry, one younger than AbandonedAfter, a sent one and
// one marked failed before are left as they are; without SMTP (the
// development outbox) nothing is.
func TestFailAbandoned(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // its own outbox: FailAbandoned looks at every message
	ctx := context.Background()
	queue := func(subject string, age time.Duration) Message {
		t.Helper()
		m, err := Queue(ctx, d.Gorm, "eve@example.test", subject, "Body")
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Gorm.Exec(`UPDATE outbox_emails SET created_at = now() - make_interval(secs => ?) WHERE id = ?`, age.Seconds(), m.ID).Error; err != nil {
			t.Fatal(err)
		}
		return m
	}
	abandoned := queue("Abandoned", 2*AbandonedAfter)
	cancelled := queue("Cancelled", 2*AbandonedAfter)
	retried := queue("Retried", 2*AbandonedAfter)
	recent := queue("Recent", 0)
	waiting := queue("Waiting", AbandonedAfter-time.Minute)
	sent := queue("Sent", 2*AbandonedAfter)
	failed := queue("Failed", 2*AbandonedAfter)
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE outbox_emails SET error = '421 try again later' WHERE id = ?`, []any{abandoned.ID}},
		{`UPDATE outbox_emails SET sent_at = now() - interval '1 hour' WHERE id = ?`, []any{sent.ID}},
		{`UPDATE outbox_emails SET failed_at = now() - interval '1 hour', error = 'connection refused' WHERE id = ?`, []any{failed.ID}},
		{`INSERT INTO river_job (kind, args, state, max_attempts, queue, attempt, scheduled_at, finalized_at)
		VALUES (?, ?, 'retryable', 12, 'default', 3, now() + interval '1 hour', NULL),
		       (?, ?, 'discarded', 12, 'default', 12, now(), now()),
		       (?, ?, 'cancelled', 12, 'default', 1, now(), now())`, []any{
			DeliverArgs{}.Kind(), fmt.Sprintf(`{"message_id": %q}`, retried.ID),
			DeliverArgs{}.Kind(), fmt.Sprintf(`{"message_id": %q}`, abandoned.ID),
			DeliverArgs{}.Kind(), fmt.Sprintf(`{"message_id": %q}`, cancelled.ID)}},
	} {
		if err := d.Gorm.Exec(stmt.sql, stmt.args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := NewService(d.Gorm, "", slog.New(slog.DiscardHandler)).FailAbandoned(ctx); err != nil || n != 0 {
		t.Fatalf("without SMTP: FailAbandoned = %d, %v; want 0", n, err)
	}
	n, err := NewService(d.Gorm, "smtp://mail.example.test:587", slog.New(slog.DiscardHandler)).FailAbandoned(ctx)
	if err != nil || n != 2 {
		t.Fatalf("FailAbandoned = %d, %v; want 2", n, err)
	}
	const gone = "no delivery job will run it again"
	for _, tt := range []struct {
		m          Message
		wantFailed bool
		wantError  string
	}{
		{abandoned, true, "421 try again later; " + gone},
		{cancelled, true, gone},
		{retried, false, ""},
		{recent, false, ""},
		{waiting, false, ""},
		{sent, false, ""},
		{failed, true, "connection refused"}, // failed before, and left as it was
	} {
		var stored Message
		if err := d.Gorm.Where("id = ?", tt.m.ID).Take(&stored).Error; err != nil {
			t.Fatal(err)
		}
		if got := stored.FailedAt != nil; got != tt.wantFailed {
			t.Errorf("%s: failed %v, want %v", tt.m.Subject, got, tt.wantFailed)
		}
		if got := deref(stored.Error); got != tt.wantError {
			t.Errorf("%s: error %q, want %q", tt.m.Subject, got, tt.wantError)
		}
	}
}

// TestSendWithoutInserter: with SMTP configured but no way to enqueue the
// delivery, Send reports it instead of keeping a message no job will send.
func TestSendWithoutInserter(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := NewService(d.Gorm, "smtp://127.0.0.1:9", slog.New(slog.DiscardHandler))
	if _, err := svc.Send(context.Background(), d.Gorm, "bo@example.test", "Hello", "Body"); err == nil {
		t.Fatal("Send with SMTP and no job inserter succeeded")
	}
}

// TestMaskAddress: a log keeps an address's first letter and domain, and
// nothing of a text that is not an address.
func TestMaskAddress(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"ann.lee@example.test", "a***@example.test"},
		{"a@example.test", "a***@example.test"},
		{"@example.test", "***"},
		{"no address", "***"},
		{"", "***"},
	} {
		if got := maskAddress(tt.in); got != tt.want {
			t.Errorf("maskAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDeliverSettles: a delivery job whose message was pruned, or was sent
// by an earlier run, ends without speaking to the mail server (and without
// an error that River would retry); a message sent after earlier failures
// loses their error and failure mark.
func TestDeliverSettles(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	sentAt := time.Now().UTC().Add(-time.Minute)
	for _, tt := range []struct {
		name     string
		prepare  func(m *Message) // changes the stored message before the delivery
		wantDial bool
	}{
		{"OKPruned", func(m *Message) {
			if err := d.Gorm.Delete(&Message{}, "id = ?", m.ID).Error; err != nil {
				t.Fatal(err)
			}
		}, false},
		{"OKSentBefore", func(m *Message) {
			if err := d.Gorm.Model(&Message{}).Where("id = ?", m.ID).Update("sent_at", sentAt).Error; err != nil {
				t.Fatal(err)
			}
		}, false},
		{"OKAfterFailures", func(m *Message) {
			if err := d.Gorm.Model(&Message{}).Where("id = ?", m.ID).
				Updates(map[string]any{"error": "421 try again later", "failed_at": sentAt}).Error; err != nil {
				t.Fatal(err)
			}
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, got := fakeSMTP(t)
			dialled := false
			svc := NewService(d.Gorm, "smtp://"+addr, slog.New(slog.DiscardHandler))
			svc.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
				dialled = true
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
			m, err := Queue(ctx, d.Gorm, "fay@example.test", "Hello", "Body")
			if err != nil {
				t.Fatal(err)
			}
			tt.prepare(&m)
			if err := svc.deliver(ctx, m.ID); err != nil {
				t.Fatalf("deliver = %v, want nil", err)
			}
			if dialled != tt.wantDial {
				t.Fatalf("spoke to the mail server: %v, want %v", dialled, tt.wantDial)
			}
			if !tt.wantDial {
				return
			}
			<-got
			var stored Message
			if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
				t.Fatal(err)
			}
			if stored.SentAt == nil || stored.Error != nil || stored.FailedAt != nil {
				t.Fatalf("stored after sending: sent_at %v, error %v, failed_at %v; want sent without an error or a failure",
					stored.SentAt, stored.Error, stored.FailedAt)
			}
		})
	}
}

// TestGaveUpLeavesASentMessage: giving up on a delivery marks an unsent
// message failed, never one that went out.
func TestGaveUpLeavesASentMessage(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	ctx := context.Background()
	svc := NewService(d.Gorm, "smtp://mail.example.test:587", slog.New(slog.DiscardHandler))
	m, err := Queue(ctx, d.Gorm, "gus@example.test", "Hello", "Body")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Gorm.Model(&Message{}).Where("id = ?", m.ID).Update("sent_at", time.Now().UTC()).Error; err != nil {
		t.Fatal(err)
	}
	if err := svc.gaveUp(ctx, m.ID, errors.New("connection refused")); err != nil {
		t.Fatal(err)
	}
	var stored Message
	if err := d.Gorm.Where("id = ?", m.ID).Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored.FailedAt != nil || stored.Error != nil {
		t.Fatalf("a sent message after giving up: failed_at %v, error %v; want neither", stored.FailedAt, stored.Error)
	}
}

// TestOutbox: the admin console's outbox lists the newest messages first,
// at most as many as asked.
func TestOutbox(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // its own outbox: Outbox lists every message
	ctx := context.Background()
	for i, subject := range []string{"First", "Second", "Third"} {
		m, err := Queue(ctx, d.Gorm, "hal@example.test", subject, "Body")
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Gorm.Exec(`UPDATE outbox_emails SET created_at = now() - make_interval(mins => ?) WHERE id = ?`, 10-i, m.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	ms, err := NewService(d.Gorm, "", slog.New(slog.DiscardHandler)).Outbox(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Subject)
	}
	if strings.Join(got, ",") != "Third,Second" {
		t.Fatalf("Outbox(2) = %q, want the two newest, newest first", got)
	}
}

// deref is *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
