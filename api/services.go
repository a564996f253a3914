package api

import (
	"log/slog"

	"github.com/onecloudai/contacts/internal/apikeys"
	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/identity"
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
}

// NewServices wires the domain services. Tests use it too, so the wiring
// under test is the wiring in production.
func NewServices(cfg config.Config, log *slog.Logger, d *db.DB) Services {
	lim := limits.NewService(d.Gorm, 0)
	mailer := mail.NewService(d.Gorm, cfg.SMTPURL, log)
	ten := tenancy.NewService(d.Gorm, lim, cfg.PublicURL, mailer)
	return Services{
		Identity: identity.NewService(d.Gorm, identity.NewTokenIssuer(cfg.JWTSecret), ten),
		Tenancy:  ten,
		Limits:   lim,
		Billing:  billing.NewService(d.Gorm),
		Audit:    audit.NewService(d.Gorm),
		Mail:     mailer,
		APIKeys:  apikeys.NewService(d.Gorm, lim),
		Contacts: contacts.NewService(d, cfg.JWTSecret),
	}
}
