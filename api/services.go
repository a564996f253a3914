package api

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/onecloudai/contacts/internal/apikeys"
	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/idempotency"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/mail"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// Services are the domain services the handlers call.
type Services struct {
	Identity *identity.Service
	Tenancy  *tenancy.Service
	Limits   *limits.Service
	Billing  *billing.Service
	Audit    *audit.Service
	Mail     *mail.Service
	APIKeys  *apikeys.Service
	Contacts *contacts.Service
	CRM      *crm.Service
	Imports  *imports.Service
	// Idempotency keeps the answers to requests sent with an
	// Idempotency-Key (Server.idempotent).
	Idempotency *idempotency.Service
}

// NewServices wires the domain services. Tests use it too, so the wiring
// under test is the wiring in production.
func NewServices(cfg config.Config, log *slog.Logger, d *db.DB) Services {
	lim := limits.NewService(d.Gorm, cfg.PastDueGrace)
	bill := billing.NewService(d.Gorm).WithStripe(billing.StripeOpts{SecretKey: cfg.StripeSecretKey,
		WebhookSecret: cfg.StripeWebhookSecret, APIBase: cfg.StripeAPIBase, PublicURL: cfg.PublicURL})
	// An insert-only River client: the jobs it enqueues run in whichever
	// process has workers (serve by default, or contacts worker).
	mailer := mail.NewService(d.Gorm, cfg.SMTPURL, log)
	var insert jobs.Inserter
	if ins, err := jobs.New(d, nil, jobs.Opts{Logger: log}); err == nil {
		insert = jobs.TxInserter(ins)
		bill.WithJobs(insert)
		mailer.WithJobs(insert)
	} else {
		log.Error("job client", "error", err)
	}
	ten := tenancy.NewService(d.Gorm, lim, cfg.PublicURL, mailer)
	return Services{
		Identity:    identity.NewService(d.Gorm, identity.NewTokenIssuer(cfg.JWTSecret), ten).WithPasswordResets(mailer, cfg.PublicURL, insert),
		Tenancy:     ten,
		Limits:      lim,
		Billing:     bill,
		Audit:       audit.NewService(d.Gorm),
		Mail:        mailer,
		APIKeys:     apikeys.NewService(d.Gorm, lim).WithLogger(log),
		Contacts:    contacts.NewService(d, cfg.JWTSecret).WithSearchConcurrency(cfg.SearchConcurrency),
		CRM:         crm.NewService(d, lim, crm.ConfigFrom(cfg), crm.Options{Logger: log}),
		Imports:     imports.NewService(d, lim, imports.Options{Logger: log, FileRetention: cfg.ImportFileRetention}),
		Idempotency: idempotency.NewService(d.Gorm).WithRequestTimeout(cfg.RequestTimeout),
	}
}

// RegisterMetrics registers the domain services' own metrics on reg (CRM
// requests and pushes, imports, Stripe webhooks, the search gate) and makes
// the services record them. New calls it before the server serves, so the
// figures of the pushes and imports this process works appear on its
// /metrics; `contacts worker --metrics-addr` calls it for its own.
func (svc Services) RegisterMetrics(reg prometheus.Registerer) {
	if svc.Contacts != nil {
		svc.Contacts.WithMetrics(contacts.NewMetrics(reg))
	}
	if svc.CRM != nil {
		svc.CRM.WithMetrics(crm.NewMetrics(reg))
	}
	if svc.Imports != nil {
		svc.Imports.WithMetrics(imports.NewMetrics(reg))
	}
	if svc.Billing != nil {
		svc.Billing.WithMetrics(billing.NewMetrics(reg))
	}
}
