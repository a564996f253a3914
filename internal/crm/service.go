package crm

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
)

// Config says where the CRM is and who we are to it.
type Config struct {
	AuthBase      string // CRM_AUTH_BASE
	APIBase       string // CRM_API_BASE
	ClientID      string // CRM_CLIENT_ID
	ClientSecret  string // CRM_CLIENT_SECRET; empty leaves the integration unconfigured
	WebhookSecret string // CRM_WEBHOOK_SECRET
	// PublicURL is where users reach the app: the OAuth redirect URI and the
	// Integrations page hang off it.
	PublicURL string
	// EncryptionKey seals tokens (32 bytes); PreviousKeys still open what
	// they sealed.
	EncryptionKey []byte
	PreviousKeys  [][]byte
}

// ConfigFrom takes the CRM settings of the service configuration.
func ConfigFrom(c config.Config) Config {
	return Config{AuthBase: c.CRMAuthBase, APIBase: c.CRMAPIBase, ClientID: c.CRMClientID, ClientSecret: c.CRMClientSecret,
		WebhookSecret: c.CRMWebhookSecret, PublicURL: c.PublicURL, EncryptionKey: c.EncryptionKey,
		PreviousKeys: c.PreviousEncryptionKeys}
}

// CallbackPath is the OAuth redirect path under PublicURL.
const CallbackPath = "/api/v1/crm/oauth/callback"

// RedirectURL is the OAuth redirect URI the CRM must have registered.
func (c Config) RedirectURL() string { return strings.TrimRight(c.PublicURL, "/") + CallbackPath }

// Options tune a Service; zero values are production defaults. Tests make
// time and sleeping injectable here, so no test waits on the wall clock.
type Options struct {
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Jobs inserts push jobs; nil makes an insert-only River client.
	Jobs *jobs.Client
	// Now is the clock (UTC).
	Now func() time.Time
	// Sleep waits d or until ctx ends.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) for backoff jitter.
	Jitter func() float64
	// RequestTimeout bounds one HTTP request to the CRM (default 30 s).
	RequestTimeout time.Duration
	// MaxRetries is how many times a 5xx or timeout is retried within one
	// call before the job gives up for now (default 5).
	MaxRetries int
	// MaxRateLimitWaits is how many 429s one call sits out (default 20).
	MaxRateLimitWaits int
	// InlineWaitMax is the longest rate-limit wait a push job sits out
	// while holding its job slot (default InlineWaitMax); a longer one
	// releases the slot and snoozes the job until the wait is over.
	InlineWaitMax time.Duration
	// BackoffBase and BackoffMax shape the exponential backoff (defaults
	// 500 ms and 30 s).
	BackoffBase, BackoffMax time.Duration
	// PushSlotTTL is how long a push job's job slot lasts without renewal
	// (default PushSlotTTL); the job renews it every quarter of that.
	PushSlotTTL time.Duration
}

// Service is the CRM integration: connection (OAuth, tokens, webhook),
// settings, and pushes with their history.
type Service struct {
	db     *db.DB
	limits *limits.Service
	cfg    Config
	keys   *Keyring
	oauth  *oauth2.Config
	http   *http.Client
	jobs   *jobs.Client
	log    *slog.Logger
	opts   Options
	// metrics is nil unless WithMetrics set it.
	metrics *Metrics

	// refreshes makes token refresh single-flight per tenant in this
	// process; a lease on the connection row does it across processes.
	refreshes singleflight.Group
	gatesMu   sync.Mutex
	gates     map[string]*gate
}

// NewService returns the CRM service. It panics only on a configuration
// bug (a key that is not 32 bytes, which config.Load already refuses).
func NewService(d *db.DB, lim *limits.Service, cfg Config, o Options) *Service {
	keys, err := NewKeyring(cfg.EncryptionKey, cfg.PreviousKeys...)
	if err != nil {
		panic(err)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 5
	}
	if o.MaxRateLimitWaits <= 0 {
		o.MaxRateLimitWaits = 20
	}
	if o.InlineWaitMax <= 0 {
		o.InlineWaitMax = InlineWaitMax
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = 500 * time.Millisecond
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 30 * time.Second
	}
	if o.PushSlotTTL <= 0 {
		o.PushSlotTTL = PushSlotTTL
	}
	if o.Jobs == nil {
		c, err := jobs.New(d, nil, jobs.Opts{Logger: o.Logger})
		if err != nil {
			panic(fmt.Sprintf("crm: insert-only job client: %v", err))
		}
		o.Jobs = c
	}
	authBase := strings.TrimRight(cfg.AuthBase, "/")
	return &Service{
		db: d, limits: lim, cfg: cfg, keys: keys, http: o.HTTPClient, jobs: o.Jobs, log: o.Logger, opts: o,
		gates: map[string]*gate{},
		oauth: &oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL(),
			Scopes: []string{ScopeRead, ScopeWrite},
			Endpoint: oauth2.Endpoint{AuthURL: authBase + "/oauth/authorize", TokenURL: authBase + "/oauth/token",
				AuthStyle: oauth2.AuthStyleInHeader},
		},
	}
}

// Scopes we ask the CRM for.
const (
	ScopeRead  = "contacts.read"
	ScopeWrite = "contacts.write"
)

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// configured reports whether the CRM integration can be used at all.
func (s *Service) configured() bool {
	return s.cfg.ClientID != "" && s.cfg.ClientSecret != "" && s.cfg.AuthBase != "" && s.cfg.APIBase != ""
}
