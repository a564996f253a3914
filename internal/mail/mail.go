// Package mail queues outgoing mail in the outbox_emails table, inside the
// transaction of the change that sends it. With SMTP_URL set a Sender
// delivers it; without, the table is the development outbox that the logs
// and the admin console show.
package mail

import (
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
	"net/smtp"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/jobs"
)

// Message is one queued mail.
type Message struct {
	ID        uuid.UUID  `json:"id"`
	ToAddress string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
	// FailedAt is when the delivery job gave up (its last attempt failed):
	// the message is not sent and no job retries it.
	FailedAt *time.Time `json:"failed_at"`
	Error    *string    `json:"error"`
}

// TableName maps Message to the outbox.
func (Message) TableName() string { return "outbox_emails" }

// Queue stores a message on tx.
func Queue(ctx context.Context, tx *gorm.DB, to, subject, body string) (Message, error) {
	m := Message{ID: uuid.Must(uuid.NewV7()), ToAddress: to, Subject: subject, Body: body, CreatedAt: time.Now().UTC()}
	if err := tx.WithContext(ctx).Create(&m).Error; err != nil {
		return m, fmt.Errorf("queue mail: %w", err)
	}
	return m, nil
}

// Service queues, delivers and lists mail.
type Service struct {
	db      *gorm.DB
	smtpURL string
	from    string
	log     *slog.Logger
	insert  jobs.Inserter
	// timeout bounds one delivery: dialling, the dialogue and the data.
	timeout time.Duration
	// dial connects to the SMTP server (tests point it at a fake one).
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewService returns a Service; smtpURL "" keeps mail in the outbox.
func NewService(db *gorm.DB, smtpURL string, log *slog.Logger) *Service {
	return &Service{db: db, smtpURL: smtpURL, from: "no-reply@1cloudcrm.com", log: log, timeout: 30 * time.Second,
		dial: (&net.Dialer{}).DialContext}
}

// WithJobs sets how Send enqueues a delivery (with SMTP configured).
func (s *Service) WithJobs(insert jobs.Inserter) *Service {
	s.insert = insert
	return s
}

// Delivers reports whether mail goes out by SMTP; without, the outbox is
// the development mailbox.
func (s *Service) Delivers() bool { return s.smtpURL != "" }

// Send queues a message in tx and, with SMTP configured, a job that
// delivers it once tx commits: the request that sends mail never waits for
// a mail server, and a delivery that fails is retried with backoff (see
// DeliverArgs). Without SMTP the message stays in the development outbox.
func (s *Service) Send(ctx context.Context, tx *gorm.DB, to, subject, body string) (Message, error) {
	m, err := Queue(ctx, tx, to, subject, body)
	if err != nil {
		return m, err
	}
	if !s.Delivers() {
		s.log.InfoContext(ctx, "mail kept in the development outbox", "mail_id", m.ID, "to", maskAddress(m.ToAddress), "subject", m.Subject)
		return m, nil
	}
	if s.insert == nil {
		return m, errors.New("mail: no job inserter for SMTP delivery")
	}
	return m, s.insert(ctx, tx, DeliverArgs{MessageID: m.ID})
}

// maskAddress keeps an address's domain and first letter for logs.
func maskAddress(a string) string {
	at := strings.LastIndexByte(a, '@')
	if at < 1 {
		return "***"
	}
	return a[:1] + "***" + a[at:]
}

// addressInText is anything shaped like an email address inside a longer
// text (a server's reply quotes it bare or in angle brackets).
var addressInText = regexp.MustCompile(`[^\s<>()\[\],;:"'@]+@[^\s<>()\[\],;:"'@]+`)

// maskAddresses masks, as maskAddress does, every address in s.
func maskAddresses(s string) string { return addressInText.ReplaceAllStringFunc(s, maskAddress) }

// maskedError is err with the text msg (its own with addresses masked);
// errors.Is and As still see err (a stopping client's context.Canceled).
type maskedError struct {
	msg string
	err error
}

func (e maskedError) Error() string { return e.msg }
func (e maskedError) Unwrap() error { return e.err }

// deliver sends a queued message by SMTP unless it went out already. A
// sent message's body is cleared: its links are its recipient's alone. A
// failure is recorded on the message and returned (the job retries it).
func (s *Service) deliver(ctx context.Context, id uuid.UUID) error {
	var m Message
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&m).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil // pruned
	case err != nil:
		return err
	case m.SentAt != nil:
		return nil
	}
	if err := s.send(ctx, m); err != nil {
		// A server's refusal usually quotes the recipient ("550 5.1.1
		// <ann@example.com>: Recipient address rejected"): the error is
		// logged here, kept by River with the job (and logged again if the
		// job is discarded), so its text carries the address masked.
		err = maskedError{msg: maskAddresses(err.Error()), err: err}
		msg := err.Error()
		s.log.ErrorContext(ctx, "mail delivery failed", "mail_id", m.ID, "error", msg)
		_ = s.db.WithContext(ctx).Model(&Message{}).Where("id = ?", m.ID).Update("error", msg).Error
		return err
	}
	return s.db.WithContext(ctx).Model(&Message{}).Where("id = ?", m.ID).
		Updates(map[string]any{"sent_at": time.Now().UTC(), "body": "", "error": nil, "failed_at": nil}).Error
}

// send speaks SMTP to the configured server within s.timeout, with
// STARTTLS (required unless the server is on this machine) and
// authentication when the URL has a user, as net/smtp.SendMail does
// (which has no timeout at all, and sends in plain text to a server that
// offers no STARTTLS).
func (s *Service) send(ctx context.Context, m Message) error {
	u, err := url.Parse(s.smtpURL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	conn, err := s.dial(ctx, "tcp", u.Host)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, u.Hostname())
	if err != nil {
		return err
	}
	defer c.Close()
	// Mail carries live password reset and invitation links: to a relay on
	// another machine it goes encrypted or not at all. Plain text would
	// let anyone on the path read them, and a server that offers no
	// STARTTLS may be one whose offer the path stripped.
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	} else if !isLocalHost(u.Hostname()) {
		return fmt.Errorf("mail: %s offers no STARTTLS; mail goes to a relay on another machine only encrypted", u.Host)
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		if err := c.Auth(smtp.PlainAuth("", u.User.Username(), pw, u.Hostname())); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from); err != nil {
		return err
	}
	if err := c.Rcpt(m.ToAddress); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, compose(s.from, m, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The server has accepted the message (its 250 after the data): a
	// QUIT that fails must not make the job send it again.
	_ = c.Quit()
	return nil
}

// isLocalHost reports whether host is this machine (localhost or a
// loopback address), where a relay may be spoken to in plain text: the
// message never crosses a network.
func isLocalHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// compose writes m as an Internet message (RFC 5322 with MIME). The subject
// carries user text (an invitation names the tenant: Zoë, Müller GmbH), so
// it goes as RFC 2047 encoded words, folded between words to keep lines
// short; a line break in it is encoded too and cannot start a header of its
// own. A body of anything but short ASCII lines is quoted-printable, 7-bit
// clean for any relay; line breaks are CRLF.
func compose(from string, m Message, now time.Time) string {
	subject := mime.QEncoding.Encode("utf-8", m.Subject)
	if subject != m.Subject {
		subject = strings.ReplaceAll(subject, "?= =?", "?=\r\n =?")
	}
	domain := from[strings.LastIndexByte(from, '@')+1:]
	var b strings.Builder
	b.WriteString("From: " + (&netmail.Address{Address: from}).String() + "\r\n")
	b.WriteString("To: " + (&netmail.Address{Address: m.ToAddress}).String() + "\r\n")
	b.WriteString("Subject: " + subject + "\r\n")
	b.WriteString("Date: " + now.UTC().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <" + m.ID.String() + "@" + domain + ">\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n")
	if sevenBit(m.Body) {
		b.WriteString("Content-Transfer-Encoding: 7bit\r\n\r\n")
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))
		return b.String()
	}
	b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = io.WriteString(qp, m.Body) // a strings.Builder does not fail
	_ = qp.Close()
	return b.String()
}

// sevenBit reports whether body can go as it is: ASCII without a bare
// carriage return, in lines of at most 998 characters (RFC 5322).
func sevenBit(body string) bool {
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if len(line) > 998 {
			return false
		}
		for i := 0; i < len(line); i++ {
			if c := line[i]; c >= 0x80 || c == '\r' || c == 0 {
				return false
			}
		}
	}
	return true
}

// DeliverArgs is the job that delivers one queued message. A mail server
// that is down or slow is retried with River's backoff, for about half a day
// over its attempts; the message records the last error meanwhile.
type DeliverArgs struct {
	MessageID uuid.UUID `json:"message_id"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "mail.deliver" }

// InsertOpts: the default queue, retried over about half a day.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, MaxAttempts: 12}
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	svc *Service
}

// Work delivers the message. When the last attempt fails (River then
// discards the job), the message is marked failed (failed_at), so the
// outbox says it was not delivered instead of queued for ever. A run the
// client's stop interrupted is not an attempt and settles nothing.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return jobs.GiveUp(ctx, job.JobRow, w.svc.deliver(ctx, job.Args.MessageID), func(ctx context.Context, err error) error {
		return w.svc.gaveUp(ctx, job.Args.MessageID, err)
	})
}

// gaveUp marks the unsent message id failed, with cause as its error.
func (s *Service) gaveUp(ctx context.Context, id uuid.UUID, cause error) error {
	return s.db.WithContext(ctx).Model(&Message{}).Where("id = ? AND sent_at IS NULL", id).
		Updates(map[string]any{"failed_at": time.Now().UTC(), "error": cause.Error()}).Error
}

// Outbox lists the newest messages, for the admin console.
func (s *Service) Outbox(ctx context.Context, limit int) ([]Message, error) {
	var out []Message
	err := s.db.WithContext(ctx).Order("created_at DESC").Limit(limit).Find(&out).Error
	return out, err
}
