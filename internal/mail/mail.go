// Package mail queues outgoing mail in the outbox_emails table, inside the
// transaction of the change that sends it. With SMTP_URL set a Sender
// delivers it; without, the table is the development outbox that the logs
// and the admin console show.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Message is one queued mail.
type Message struct {
	ID        uuid.UUID  `json:"id"`
	ToAddress string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
	Error     *string    `json:"error"`
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

// Service delivers and lists mail.
type Service struct {
	db      *gorm.DB
	smtpURL string
	from    string
	log     *slog.Logger
}

// NewService returns a Service; smtpURL "" keeps mail in the outbox.
func NewService(db *gorm.DB, smtpURL string, log *slog.Logger) *Service {
	return &Service{db: db, smtpURL: smtpURL, from: "no-reply@1cloudcrm.com", log: log}
}

// Delivers reports whether mail goes out by SMTP; without, the outbox is
// the development mailbox.
func (s *Service) Delivers() bool { return s.smtpURL != "" }

// Deliver sends a queued message now when SMTP is configured, and logs it
// either way (recipient and subject only: bodies may hold secret links). A
// sent message's body is cleared: its links are its recipient's alone.
func (s *Service) Deliver(ctx context.Context, m Message) {
	if s.smtpURL == "" {
		s.log.InfoContext(ctx, "mail kept in the development outbox", "mail_id", m.ID, "to", m.ToAddress, "subject", m.Subject)
		return
	}
	err := s.send(m)
	now := time.Now().UTC()
	upd := map[string]any{"sent_at": now, "body": ""}
	if err != nil {
		s.log.ErrorContext(ctx, "mail delivery failed", "mail_id", m.ID, "error", err)
		upd = map[string]any{"error": err.Error()}
	}
	s.db.WithContext(ctx).Model(&Message{}).Where("id = ?", m.ID).Updates(upd)
}

func (s *Service) send(m Message) error {
	u, err := url.Parse(s.smtpURL)
	if err != nil {
		return err
	}
	var auth smtp.Auth
	if u.User != nil {
		pw, _ := u.User.Password()
		auth = smtp.PlainAuth("", u.User.Username(), pw, u.Hostname())
	}
	msg := "From: " + s.from + "\r\nTo: " + m.ToAddress + "\r\nSubject: " + m.Subject +
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(m.Body, "\n", "\r\n")
	return smtp.SendMail(u.Host, auth, s.from, []string{m.ToAddress}, []byte(msg))
}

// Outbox lists the newest messages, for the admin console.
func (s *Service) Outbox(ctx context.Context, limit int) ([]Message, error) {
	var out []Message
	err := s.db.WithContext(ctx).Order("created_at DESC").Limit(limit).Find(&out).Error
	return out, err
}
