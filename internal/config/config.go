// Package config loads the one typed configuration of the service from the
// environment and validates it before anything starts.
package config

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Environments the service knows.
const (
	EnvDevelopment = "development"
	EnvTest        = "test"
	EnvProduction  = "production"
)

// Development defaults. They are public knowledge, so production refuses them.
const (
	devJWTSecret     = "dev-only-jwt-secret-change-me-0123456789abcdef"
	devEncryptionKey = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=" // "dev-only-encryption-key-32-bytes"
	// DevDatabaseURL is the project-local cluster that `make run` starts.
	DevDatabaseURL = "postgres://contacts@127.0.0.1:54320/contacts?sslmode=disable"
)

// MaxSearchConcurrency bounds SEARCH_CONCURRENCY: its pool of 2 × 1000 + 8
// connections is already beyond what one PostgreSQL serves.
const MaxSearchConcurrency = 1000

// Config is every setting of the service. Field comments name the variable.
type Config struct {
	AppEnv    string // APP_ENV: development | test | production
	HTTPAddr  string // HTTP_ADDR
	PublicURL string // PUBLIC_URL: where users reach the SPA and API
	LogLevel  string // LOG_LEVEL: debug | info | warn | error

	DatabaseURL string // DATABASE_URL

	JWTSecret     []byte // JWT_SECRET
	EncryptionKey []byte // ENCRYPTION_KEY: 32 bytes, base64 or hex
	// PreviousEncryptionKeys still decrypt what they encrypted, so
	// ENCRYPTION_KEY can rotate: tokens are re-sealed with the current key
	// as they are refreshed.
	PreviousEncryptionKeys [][]byte // ENCRYPTION_KEYS_PREVIOUS: comma separated

	StripeSecretKey     string // STRIPE_SECRET_KEY
	StripeWebhookSecret string // STRIPE_WEBHOOK_SECRET
	StripeAPIBase       string // STRIPE_API_BASE
	// PastDueGrace is how long a past_due subscription keeps its paid limits.
	PastDueGrace time.Duration // PAST_DUE_GRACE

	CRMAuthBase      string // CRM_AUTH_BASE
	CRMAPIBase       string // CRM_API_BASE
	CRMClientID      string // CRM_CLIENT_ID
	CRMClientSecret  string // CRM_CLIENT_SECRET
	CRMWebhookSecret string // CRM_WEBHOOK_SECRET

	SMTPURL string // SMTP_URL: unset sends mail to the development outbox

	CORSAllowedOrigins []string // CORS_ALLOWED_ORIGINS: comma separated; empty = same origin only
	// TrustedProxies are the load balancers and proxies in front of the
	// service: a request from one of them is attributed to the client its
	// X-Forwarded-For names (login throttling per address, audit, logs).
	// Empty: the connection's own address, and X-Forwarded-For is ignored.
	TrustedProxies []*net.IPNet // TRUSTED_PROXIES: comma separated CIDRs or addresses
	// MetricsToken, when set, is the bearer token /metrics requires: the
	// endpoint shares the public listener. Required in production.
	MetricsToken    string        // METRICS_TOKEN
	MaxBodyBytes    int64         // MAX_BODY_BYTES: JSON request bodies
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT
	// ShutdownDrainDelay is how long serve goes on serving after SIGTERM,
	// /readyz answering 503, before it closes its listener: the time a
	// load balancer needs to see the 503 (or the orchestrator to take the
	// instance out of its endpoints) and stop sending new requests.
	// SHUTDOWN_TIMEOUT counts from its end. Zero closes at once.
	ShutdownDrainDelay time.Duration // SHUTDOWN_DRAIN_DELAY
	// RequestTimeout bounds an ordinary API request (its database work
	// included): past it the request answers 503 with Retry-After.
	// Uploads and downloads are bounded by the connection timeouts instead.
	RequestTimeout time.Duration // REQUEST_TIMEOUT
	// DBAcquireTimeout is the longest any HTTP request waits for a pooled
	// database connection (503 with Retry-After then).
	DBAcquireTimeout time.Duration // DB_ACQUIRE_TIMEOUT
	// SearchConcurrency is how many contact searches one process runs at
	// once; more wait their turn in arrival order (docs/PERFORMANCE.md).
	SearchConcurrency int // SEARCH_CONCURRENCY: default 2 × CPU cores
	// ImportFileRetention is how long an import nobody runs keeps its
	// uploaded file.
	ImportFileRetention time.Duration // IMPORT_FILE_RETENTION
	// MigrateLockTimeout is the longest a migrating statement waits for a
	// lock (`migrate up|down`, `serve --migrate`): past it the migration
	// rolls back and fails, rather than keep every query on its table
	// queued behind it. Zero: no limit.
	MigrateLockTimeout time.Duration // MIGRATE_LOCK_TIMEOUT
	// MigrateStatementTimeout is the longest one migrating statement runs.
	// Zero (the default): no limit, as a migration that fails on it fails
	// again on every try.
	MigrateStatementTimeout time.Duration // MIGRATE_STATEMENT_TIMEOUT
}

// IsProduction reports whether the service runs in production.
func (c Config) IsProduction() bool { return c.AppEnv == EnvProduction }

// Load reads the configuration from the process environment.
func Load() (Config, error) { return LoadFrom(os.Getenv) }

// LoadFrom reads the configuration through getenv and validates it. Every
// problem is reported at once so an operator fixes them in one go.
func LoadFrom(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var problems []string
	cfg := Config{
		AppEnv:              get("APP_ENV", EnvDevelopment),
		HTTPAddr:            get("HTTP_ADDR", ":8080"),
		LogLevel:            get("LOG_LEVEL", "info"),
		StripeSecretKey:     get("STRIPE_SECRET_KEY", ""),
		StripeWebhookSecret: get("STRIPE_WEBHOOK_SECRET", ""),
		StripeAPIBase:       get("STRIPE_API_BASE", ""),
		CRMAuthBase:         get("CRM_AUTH_BASE", ""),
		CRMAPIBase:          get("CRM_API_BASE", ""),
		CRMClientID:         get("CRM_CLIENT_ID", "contacts-dev"),
		CRMClientSecret:     get("CRM_CLIENT_SECRET", ""),
		CRMWebhookSecret:    get("CRM_WEBHOOK_SECRET", ""),
		SMTPURL:             get("SMTP_URL", ""),
		MetricsToken:        get("METRICS_TOKEN", ""),
	}
	switch cfg.AppEnv {
	case EnvDevelopment, EnvTest, EnvProduction:
	default:
		problems = append(problems, fmt.Sprintf("APP_ENV must be development, test or production, not %q", cfg.AppEnv))
	}
	prod := cfg.AppEnv == EnvProduction

	if _, port, err := net.SplitHostPort(cfg.HTTPAddr); err != nil || !validPort(port) {
		problems = append(problems, fmt.Sprintf("HTTP_ADDR must be host:port or :port, such as :8080, not %q", cfg.HTTPAddr))
	}
	cfg.PublicURL = strings.TrimRight(get("PUBLIC_URL", "http://localhost"+portOf(cfg.HTTPAddr)), "/")
	if u, err := url.Parse(cfg.PublicURL); err != nil || u.Scheme == "" || u.Host == "" {
		problems = append(problems, "PUBLIC_URL must be an absolute URL such as https://contacts.example.com")
	} else if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.ContainsAny(cfg.PublicURL, "?#") {
		// The SPA and the API are served at the root of their host: every
		// link mailed or handed to Stripe and the CRM is PUBLIC_URL followed
		// by a path, which after a path, a query or a fragment leads nowhere.
		problems = append(problems, fmt.Sprintf("PUBLIC_URL must be the origin users reach, scheme://host[:port] such as https://contacts.example.com, "+
			"with no path, query or user (the app is served at the root of its host), not %q", cfg.PublicURL))
	} else {
		// The scheme in lower case, as the rest of the program compares it:
		// "HTTPS://…" is https too.
		cfg.PublicURL = u.Scheme + cfg.PublicURL[len(u.Scheme):]
		if prod && u.Scheme != "https" {
			// Cookies are Secure and HSTS is sent only under https; every link
			// mailed or handed to Stripe and the CRM starts with it.
			problems = append(problems, "PUBLIC_URL must be the https:// address users reach in production")
		}
	}
	switch {
	case prod && cfg.MetricsToken == "":
		// /metrics is served beside the SPA and API: without a token anyone
		// on the internet reads the traffic of every route (sign-ups, sign-in
		// failures, payments) and the process's internals.
		problems = append(problems, "METRICS_TOKEN is required in production: /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (openssl rand -hex 32)")
	case prod && len(cfg.MetricsToken) < 16:
		problems = append(problems, "METRICS_TOKEN is too short: use at least 16 random characters")
	}
	if cfg.StripeSecretKey != "" && cfg.StripeWebhookSecret == "" {
		problems = append(problems, "STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY: without it no payment would ever change a plan")
	}
	if cfg.SMTPURL != "" {
		if u, err := url.Parse(cfg.SMTPURL); err != nil || u.Scheme != "smtp" || u.Hostname() == "" || u.Port() == "" {
			problems = append(problems, "SMTP_URL must look like smtp://user:password@mail.example.com:587")
		}
	}

	cfg.DatabaseURL = get("DATABASE_URL", "")
	if cfg.DatabaseURL == "" {
		if prod {
			problems = append(problems, "DATABASE_URL is required in production")
		}
		cfg.DatabaseURL = DevDatabaseURL
	}

	jwt := get("JWT_SECRET", "")
	switch {
	case jwt == "" && prod:
		problems = append(problems, "JWT_SECRET is required in production (at least 32 random bytes)")
	case jwt == "":
		jwt = devJWTSecret
	case prod && (len(jwt) < 32 || jwt == devJWTSecret):
		problems = append(problems, "JWT_SECRET is too weak: use at least 32 random bytes, not the development default")
	}
	cfg.JWTSecret = []byte(jwt)

	encKey := get("ENCRYPTION_KEY", "")
	switch {
	case encKey == "" && prod:
		problems = append(problems, "ENCRYPTION_KEY is required in production (32 bytes, base64 or hex)")
	case encKey == "":
		encKey = devEncryptionKey
	}
	if encKey != "" { // empty only in production, where it is reported as required
		if key, err := decodeKey(encKey); err != nil {
			problems = append(problems, "ENCRYPTION_KEY "+err.Error())
		} else {
			cfg.EncryptionKey = key
			if prod && isDevEncryptionKey(key) {
				problems = append(problems, "ENCRYPTION_KEY must not be the development default in production")
			}
		}
	}
	if prev := get("ENCRYPTION_KEYS_PREVIOUS", ""); prev != "" {
		for i, k := range strings.Split(prev, ",") {
			key, err := decodeKey(strings.TrimSpace(k))
			if err != nil {
				problems = append(problems, fmt.Sprintf("ENCRYPTION_KEYS_PREVIOUS key %d %s", i+1, err))
				continue
			}
			if prod && isDevEncryptionKey(key) {
				problems = append(problems, fmt.Sprintf("ENCRYPTION_KEYS_PREVIOUS key %d is the development default: anyone could read what it sealed", i+1))
			}
			cfg.PreviousEncryptionKeys = append(cfg.PreviousEncryptionKeys, key)
		}
	}

	// Outside production the CRM is the fake one (`contacts fakecrm`) unless
	// named. In production nothing defaults: an unset secret leaves the
	// integration unconfigured (503 crm-not-configured), and a set one
	// needs both addresses of the real CRM.
	if !prod {
		if cfg.CRMClientSecret == "" {
			cfg.CRMClientSecret = "contacts-dev-secret"
		}
		if cfg.CRMAuthBase == "" {
			cfg.CRMAuthBase = "http://127.0.0.1:8090"
		}
		if cfg.CRMAPIBase == "" {
			cfg.CRMAPIBase = "http://127.0.0.1:8090"
		}
	} else if cfg.CRMClientSecret != "" && (cfg.CRMAuthBase == "" || cfg.CRMAPIBase == "") {
		problems = append(problems, "CRM_AUTH_BASE and CRM_API_BASE are required in production when CRM_CLIENT_SECRET is set")
	}
	// The addresses of the services we call: one without a scheme would be
	// taken as a relative path (the CRM's authorize URL on our own origin)
	// or fail only at the first call.
	for _, base := range []struct{ name, value, example string }{
		{"CRM_AUTH_BASE", cfg.CRMAuthBase, "https://crm.example.com"},
		{"CRM_API_BASE", cfg.CRMAPIBase, "https://api.crm.example.com"},
		{"STRIPE_API_BASE", cfg.StripeAPIBase, "http://127.0.0.1:12111 (stripe-mock)"},
	} {
		if base.value == "" {
			continue
		}
		u, err := url.Parse(base.value)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			problems = append(problems, fmt.Sprintf("%s must be an http(s) URL such as %s, not %q", base.name, base.example, base.value))
		case strings.ContainsAny(base.value, "?#"):
			// A path is kept (an API under /v1); a query or fragment would
			// swallow the path each call appends.
			problems = append(problems, fmt.Sprintf("%s must have no query or fragment (each call appends its path), not %q", base.name, base.value))
		case prod && u.Scheme != "https":
			// The CRM client secret, OAuth codes and tokens, and the
			// Stripe secret key go to these addresses.
			problems = append(problems, fmt.Sprintf("%s must be an https:// URL in production, not %q", base.name, base.value))
		}
	}
	// The CRM signs webhooks with the client secret (CRM_API.md), in
	// production too; CRM_WEBHOOK_SECRET only overrides it.
	if cfg.CRMWebhookSecret == "" {
		cfg.CRMWebhookSecret = cfg.CRMClientSecret
	}

	if origins := get("CORS_ALLOWED_ORIGINS", ""); origins != "" {
		for _, o := range strings.Split(origins, ",") {
			if o = strings.TrimSpace(o); o == "" {
				continue
			}
			// Browsers send scheme://host[:port] in lower case and the
			// CORS middleware compares entries as written: one with a path
			// (a trailing slash) or without a scheme would never match.
			if u, err := url.Parse(o); o != "*" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
				u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(o, "?#")) {
				problems = append(problems, fmt.Sprintf("CORS_ALLOWED_ORIGINS: %q is not an origin such as https://app.example.com (no path, not even a trailing slash)", o))
				continue
			}
			cfg.CORSAllowedOrigins = append(cfg.CORSAllowedOrigins, strings.ToLower(o))
		}
	}

	if proxies := get("TRUSTED_PROXIES", ""); proxies != "" {
		for _, raw := range strings.Split(proxies, ",") {
			if raw = strings.TrimSpace(raw); raw == "" {
				continue
			}
			cidr := raw
			if addr, err := netip.ParseAddr(raw); err == nil {
				// One address (an IPv4-mapped IPv6 one counts as its IPv4
				// address, as Go compares them).
				addr = addr.Unmap()
				cidr = netip.PrefixFrom(addr, addr.BitLen()).String()
			}
			if _, n, err := net.ParseCIDR(cidr); err != nil {
				problems = append(problems, fmt.Sprintf("TRUSTED_PROXIES: %q is not an address or CIDR range", raw))
			} else {
				cfg.TrustedProxies = append(cfg.TrustedProxies, n)
			}
		}
	}

	var err error
	if cfg.MaxBodyBytes, err = strconv.ParseInt(get("MAX_BODY_BYTES", "1048576"), 10, 64); err != nil || cfg.MaxBodyBytes <= 0 {
		problems = append(problems, "MAX_BODY_BYTES must be a positive number of bytes")
	}
	if cfg.PastDueGrace, err = time.ParseDuration(get("PAST_DUE_GRACE", "168h")); err != nil || cfg.PastDueGrace <= 0 {
		problems = append(problems, "PAST_DUE_GRACE must be a positive duration such as 168h")
	}
	// The pool holds 2 × SEARCH_CONCURRENCY + 8 connections (an int32):
	// past MaxSearchConcurrency no database serves that many, and far past
	// it the size wrapped round to a negative number, and the pool quietly
	// took pgx's default of four.
	if cfg.SearchConcurrency, err = strconv.Atoi(get("SEARCH_CONCURRENCY", strconv.Itoa(2*runtime.NumCPU()))); err != nil ||
		cfg.SearchConcurrency <= 0 || cfg.SearchConcurrency > MaxSearchConcurrency {
		problems = append(problems, fmt.Sprintf("SEARCH_CONCURRENCY must be a number of searches from 1 to %d", MaxSearchConcurrency))
	}
	if cfg.ImportFileRetention, err = time.ParseDuration(get("IMPORT_FILE_RETENTION", "168h")); err != nil || cfg.ImportFileRetention < time.Hour {
		problems = append(problems, "IMPORT_FILE_RETENTION must be a duration of at least 1h, such as 168h")
	}
	if cfg.MigrateLockTimeout, err = time.ParseDuration(get("MIGRATE_LOCK_TIMEOUT", "5s")); err != nil ||
		cfg.MigrateLockTimeout < 0 || (cfg.MigrateLockTimeout > 0 && cfg.MigrateLockTimeout < time.Millisecond) {
		problems = append(problems, "MIGRATE_LOCK_TIMEOUT must be a duration such as 5s (at least 1ms, or 0s for no limit)")
	}
	if cfg.MigrateStatementTimeout, err = time.ParseDuration(get("MIGRATE_STATEMENT_TIMEOUT", "0s")); err != nil ||
		cfg.MigrateStatementTimeout < 0 || (cfg.MigrateStatementTimeout > 0 && cfg.MigrateStatementTimeout < time.Millisecond) {
		problems = append(problems, "MIGRATE_STATEMENT_TIMEOUT must be a duration such as 30m (at least 1ms, or 0s for no limit)")
	}
	if cfg.ShutdownTimeout, err = time.ParseDuration(get("SHUTDOWN_TIMEOUT", "25s")); err != nil || cfg.ShutdownTimeout <= 0 {
		problems = append(problems, "SHUTDOWN_TIMEOUT must be a positive duration such as 25s")
	}
	if cfg.ShutdownDrainDelay, err = time.ParseDuration(get("SHUTDOWN_DRAIN_DELAY", "5s")); err != nil || cfg.ShutdownDrainDelay < 0 {
		problems = append(problems, "SHUTDOWN_DRAIN_DELAY must be a duration of 0s or more such as 5s (0s closes the listener at SIGTERM)")
	}
	if cfg.RequestTimeout, err = time.ParseDuration(get("REQUEST_TIMEOUT", "30s")); err != nil || cfg.RequestTimeout <= 0 {
		problems = append(problems, "REQUEST_TIMEOUT must be a positive duration such as 30s")
	}
	if cfg.DBAcquireTimeout, err = time.ParseDuration(get("DB_ACQUIRE_TIMEOUT", "5s")); err != nil || cfg.DBAcquireTimeout <= 0 {
		problems = append(problems, "DB_ACQUIRE_TIMEOUT must be a positive duration such as 5s")
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, "LOG_LEVEL must be debug, info, warn or error")
	}

	if len(problems) > 0 {
		return cfg, errors.New("invalid configuration:\n  - " + strings.Join(problems, "\n  - "))
	}
	return cfg, nil
}

// isDevEncryptionKey reports whether key is the development default, in
// whichever encoding it was written (hex, or base64 with other unused bits).
func isDevEncryptionKey(key []byte) bool {
	dev, _ := decodeKey(devEncryptionKey)
	return bytes.Equal(key, dev)
}

// decodeKey accepts a 32-byte key as standard base64 or hex.
func decodeKey(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("must be exactly 32 bytes, encoded as base64 or hex (openssl rand -base64 32)")
}

// validPort reports whether port is a port number (0 lets the system
// choose).
func validPort(port string) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535 && port == strconv.Itoa(n)
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return ""
}
