package config

import (
	"encoding/hex"
	"net"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadFrom(t *testing.T) {
	t.Parallel()
	strong := "0123456789abcdef0123456789abcdef-strong"
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
	metrics := "scrape-0123456789abcdef"
	tests := []struct {
		name    string
		env     map[string]string
		wantErr []string
		notErr  []string // problems that must not be reported besides
	}{
		{name: "OKDevelopmentDefaults", env: map[string]string{}},
		{name: "OKProduction", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "METRICS_TOKEN": metrics}},
		{name: "ErrProductionPlainHTTP", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y"},
			wantErr: []string{"PUBLIC_URL must be the https:// address"}},
		{name: "ErrProductionPreviousDevKey", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "ENCRYPTION_KEYS_PREVIOUS": devEncryptionKey}, wantErr: []string{"ENCRYPTION_KEYS_PREVIOUS key 1 is the development default"}},
		// The development key written in hex, or in base64 with other unused
		// bits, is the same public key.
		{name: "ErrProductionDevKeyAsHex", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "ENCRYPTION_KEY": hex.EncodeToString([]byte("dev-only-encryption-key-32-bytes"))},
			wantErr: []string{"ENCRYPTION_KEY must not be the development default"}},
		{name: "ErrProductionDevKeyOtherBase64", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "ENCRYPTION_KEY": strings.TrimSuffix(devEncryptionKey, "M=") + "N="},
			wantErr: []string{"ENCRYPTION_KEY must not be the development default"}},
		{name: "ErrProductionPreviousDevKeyAsHex", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "ENCRYPTION_KEYS_PREVIOUS": strings.ToUpper(hex.EncodeToString([]byte("dev-only-encryption-key-32-bytes")))},
			wantErr: []string{"ENCRYPTION_KEYS_PREVIOUS key 1 is the development default"}},
		// /metrics shares the public listener: production keeps it to the
		// scraper holding the token.
		{name: "ErrProductionNoMetricsToken", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com"}, wantErr: []string{"METRICS_TOKEN is required in production"}},
		{name: "ErrProductionShortMetricsToken", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "METRICS_TOKEN": "short"}, wantErr: []string{"METRICS_TOKEN is too short"}},
		{name: "OKStripe", env: map[string]string{"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}},
		{name: "ErrStripeWithoutWebhookSecret", env: map[string]string{"STRIPE_SECRET_KEY": "sk_live_x"}, wantErr: []string{"STRIPE_WEBHOOK_SECRET is required"}},
		{name: "OKMigrateLimits", env: map[string]string{"MIGRATE_LOCK_TIMEOUT": "0s", "MIGRATE_STATEMENT_TIMEOUT": "30m"}},
		{name: "ErrMigrateLockTimeoutNegative", env: map[string]string{"MIGRATE_LOCK_TIMEOUT": "-1s"}, wantErr: []string{"MIGRATE_LOCK_TIMEOUT must be"}},
		{name: "ErrMigrateLockTimeoutUnderAMillisecond", env: map[string]string{"MIGRATE_LOCK_TIMEOUT": "500us"}, wantErr: []string{"MIGRATE_LOCK_TIMEOUT must be"}},
		{name: "ErrMigrateStatementTimeoutNotADuration", env: map[string]string{"MIGRATE_STATEMENT_TIMEOUT": "10"}, wantErr: []string{"MIGRATE_STATEMENT_TIMEOUT must be"}},
		{name: "OKSMTP", env: map[string]string{"SMTP_URL": "smtp://user:pw@mail.example.com:587"}},
		{name: "ErrSMTPNotAURL", env: map[string]string{"SMTP_URL": "not a url at all"}, wantErr: []string{"SMTP_URL must look like"}},
		{name: "ErrSMTPNoPort", env: map[string]string{"SMTP_URL": "smtp://mail.example.com"}, wantErr: []string{"SMTP_URL must look like"}},
		{name: "ErrProductionMissingSecrets", env: map[string]string{"APP_ENV": "production", "DATABASE_URL": "postgres://x/y"},
			wantErr: []string{"JWT_SECRET is required", "ENCRYPTION_KEY is required"}, notErr: []string{"ENCRYPTION_KEY must be exactly"}},
		{name: "ErrProductionWeakJWT", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": "short", "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y"},
			wantErr: []string{"JWT_SECRET is too weak"}},
		{name: "ErrProductionDevDefaults", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": devJWTSecret, "ENCRYPTION_KEY": devEncryptionKey, "DATABASE_URL": "postgres://x/y"},
			wantErr: []string{"JWT_SECRET is too weak", "ENCRYPTION_KEY must not be the development default"}},
		{name: "ErrProductionCRMWithoutAddresses", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key,
			"DATABASE_URL": "postgres://x/y", "CRM_CLIENT_SECRET": "s3cret"}, wantErr: []string{"CRM_AUTH_BASE and CRM_API_BASE are required"}},
		{name: "OKProductionCRM", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key,
			"DATABASE_URL": "postgres://x/y", "PUBLIC_URL": "https://contacts.example.com", "CRM_CLIENT_SECRET": "s3cret", "CRM_AUTH_BASE": "https://crm.example", "CRM_API_BASE": "https://api.crm.example",
			"METRICS_TOKEN": metrics}},
		// In production the client secret, OAuth codes, CRM tokens and the
		// Stripe key travel to these addresses: never in plain text.
		{name: "ErrProductionCRMOverHTTP", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key,
			"DATABASE_URL": "postgres://x/y", "PUBLIC_URL": "https://contacts.example.com", "CRM_CLIENT_SECRET": "s3cret", "CRM_AUTH_BASE": "http://crm.example",
			"CRM_API_BASE": "HTTP://api.crm.example", "METRICS_TOKEN": metrics},
			wantErr: []string{"CRM_AUTH_BASE must be an https:// URL in production", "CRM_API_BASE must be an https:// URL in production"}},
		{name: "ErrProductionStripeAPIOverHTTP", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key,
			"DATABASE_URL": "postgres://x/y", "PUBLIC_URL": "https://contacts.example.com", "STRIPE_API_BASE": "http://stripe.example", "METRICS_TOKEN": metrics},
			wantErr: []string{"STRIPE_API_BASE must be an https:// URL in production"}},
		{name: "OKDevelopmentCRMOverHTTP", env: map[string]string{"CRM_AUTH_BASE": "http://127.0.0.1:8090", "CRM_API_BASE": "http://127.0.0.1:8090",
			"STRIPE_API_BASE": "http://127.0.0.1:12111"}},
		{name: "ErrProductionNoDatabase", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key},
			wantErr: []string{"DATABASE_URL is required"}},
		{name: "ErrBadKeyLength", env: map[string]string{"ENCRYPTION_KEY": "c2hvcnQ="}, wantErr: []string{"ENCRYPTION_KEY must be exactly 32 bytes"}},
		{name: "ErrUnknownEnv", env: map[string]string{"APP_ENV": "staging"}, wantErr: []string{"APP_ENV must be"}},
		{name: "ErrBadPublicURL", env: map[string]string{"PUBLIC_URL": "not a url"}, wantErr: []string{"PUBLIC_URL"}},
		// Links are PUBLIC_URL + a path ("/invitations/accept?token=…",
		// "/api/v1/crm/oauth/callback"): after a path, a query or a
		// fragment they led nowhere, and nothing said so.
		{name: "OKPublicURLTrailingSlash", env: map[string]string{"PUBLIC_URL": "https://contacts.example.com:8443/"}},
		{name: "ErrPublicURLPath", env: map[string]string{"PUBLIC_URL": "https://example.com/contacts"},
			wantErr: []string{`PUBLIC_URL must be the origin users reach, scheme://host[:port]`, `not "https://example.com/contacts"`}},
		{name: "ErrPublicURLQuery", env: map[string]string{"PUBLIC_URL": "https://contacts.example.com?x=1"}, wantErr: []string{"PUBLIC_URL must be the origin"}},
		{name: "ErrPublicURLEmptyQuery", env: map[string]string{"PUBLIC_URL": "https://contacts.example.com?"}, wantErr: []string{"PUBLIC_URL must be the origin"}},
		{name: "ErrPublicURLFragment", env: map[string]string{"PUBLIC_URL": "https://contacts.example.com#top"}, wantErr: []string{"PUBLIC_URL must be the origin"}},
		{name: "ErrPublicURLUser", env: map[string]string{"PUBLIC_URL": "https://me@contacts.example.com"}, wantErr: []string{"PUBLIC_URL must be the origin"}},
		{name: "ErrCRMAPIBaseQuery", env: map[string]string{"CRM_API_BASE": "https://api.crm.example.com/v1?x=1"},
			wantErr: []string{`CRM_API_BASE must have no query or fragment (each call appends its path), not "https://api.crm.example.com/v1?x=1"`}},
		{name: "ErrStripeAPIBaseFragment", env: map[string]string{"STRIPE_API_BASE": "http://127.0.0.1:12111#"}, wantErr: []string{"STRIPE_API_BASE must have no query or fragment"}},
		{name: "OKSearchConcurrency", env: map[string]string{"SEARCH_CONCURRENCY": "3"}},
		{name: "OKPreviousKeys", env: map[string]string{"ENCRYPTION_KEYS_PREVIOUS": key + ", " + strings.Repeat("ab", 32)}},
		{name: "ErrPreviousKeyShort", env: map[string]string{"ENCRYPTION_KEYS_PREVIOUS": key + ",c2hvcnQ="},
			wantErr: []string{"ENCRYPTION_KEYS_PREVIOUS key 2 must be exactly 32 bytes"}},
		{name: "OKImportFileRetention", env: map[string]string{"IMPORT_FILE_RETENTION": "72h"}},
		{name: "OKTimeouts", env: map[string]string{"REQUEST_TIMEOUT": "10s", "DB_ACQUIRE_TIMEOUT": "1500ms"}},
		// SIGTERM keeps serving this long with /readyz 503, so a load
		// balancer stops sending before the listener closes.
		{name: "OKShutdownDrainDelayZero", env: map[string]string{"SHUTDOWN_DRAIN_DELAY": "0s"}},
		{name: "OKShutdownDrainDelay", env: map[string]string{"SHUTDOWN_DRAIN_DELAY": "15s"}},
		{name: "ErrShutdownDrainDelayNegative", env: map[string]string{"SHUTDOWN_DRAIN_DELAY": "-1s"},
			wantErr: []string{"SHUTDOWN_DRAIN_DELAY must be a duration of 0s or more"}},
		{name: "ErrShutdownDrainDelayNoUnit", env: map[string]string{"SHUTDOWN_DRAIN_DELAY": "5"},
			wantErr: []string{"SHUTDOWN_DRAIN_DELAY must be a duration of 0s or more"}},
		{name: "ErrRequestTimeout", env: map[string]string{"REQUEST_TIMEOUT": "0s"}, wantErr: []string{"REQUEST_TIMEOUT"}},
		{name: "ErrDBAcquireTimeout", env: map[string]string{"DB_ACQUIRE_TIMEOUT": "soon"}, wantErr: []string{"DB_ACQUIRE_TIMEOUT"}},
		{name: "OKTrustedProxies", env: map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,2001:db8::1,::ffff:10.9.9.9"}},
		{name: "ErrTrustedProxies", env: map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,lb.internal"}, wantErr: []string{`TRUSTED_PROXIES: "lb.internal"`}},
		{name: "ErrImportFileRetentionShort", env: map[string]string{"IMPORT_FILE_RETENTION": "5m"}, wantErr: []string{"IMPORT_FILE_RETENTION"}},
		// README: every setting is validated at start. An address without
		// a scheme was taken as is: Connect sent the browser to a relative
		// "crm.example.com/oauth/authorize" on our own origin, and checkout
		// failed at the first payment with "unsupported protocol scheme".
		{name: "OKServiceBases", env: map[string]string{"CRM_AUTH_BASE": "https://crm.example.com", "CRM_API_BASE": "https://api.crm.example.com/v1/",
			"STRIPE_API_BASE": "http://127.0.0.1:12111"}},
		{name: "ErrCRMAuthBaseNoScheme", env: map[string]string{"CRM_AUTH_BASE": "crm.example.com"},
			wantErr: []string{`CRM_AUTH_BASE must be an http(s) URL such as https://crm.example.com, not "crm.example.com"`}},
		{name: "ErrCRMAPIBaseOtherScheme", env: map[string]string{"CRM_API_BASE": "ftp://api.crm.example.com"},
			wantErr: []string{"CRM_API_BASE must be an http(s) URL"}},
		{name: "ErrStripeAPIBaseNotURL", env: map[string]string{"STRIPE_API_BASE": "stripe mock"},
			wantErr: []string{"STRIPE_API_BASE must be an http(s) URL"}},
		{name: "ErrServiceBasesAllReported", env: map[string]string{"CRM_AUTH_BASE": "a", "CRM_API_BASE": "b", "STRIPE_API_BASE": "c"},
			wantErr: []string{"CRM_AUTH_BASE must be", "CRM_API_BASE must be", "STRIPE_API_BASE must be"}},
		// net.Listen's own error named neither the variable nor the form
		// ("listen tcp: address 8080: missing port in address"), and the
		// PUBLIC_URL default lost the port.
		{name: "OKHTTPAddrHostPort", env: map[string]string{"HTTP_ADDR": "127.0.0.1:9000"}},
		{name: "OKHTTPAddrIPv6", env: map[string]string{"HTTP_ADDR": "[::1]:9000"}},
		{name: "ErrHTTPAddrNoColon", env: map[string]string{"HTTP_ADDR": "8080"}, wantErr: []string{`HTTP_ADDR must be host:port or :port, such as :8080, not "8080"`}},
		{name: "ErrHTTPAddrPortTooLarge", env: map[string]string{"HTTP_ADDR": ":99999"}, wantErr: []string{`HTTP_ADDR must be host:port`}},
		{name: "ErrHTTPAddrNamedPort", env: map[string]string{"HTTP_ADDR": ":http"}, wantErr: []string{`HTTP_ADDR must be host:port`}},
		{name: "ErrSearchConcurrencyZero", env: map[string]string{"SEARCH_CONCURRENCY": "0"}, wantErr: []string{"SEARCH_CONCURRENCY"}},
		{name: "OKSearchConcurrencyMax", env: map[string]string{"SEARCH_CONCURRENCY": "1000"}},
		{name: "ErrSearchConcurrencyHuge", env: map[string]string{"SEARCH_CONCURRENCY": "2000000000"}, wantErr: []string{"SEARCH_CONCURRENCY must be a number of searches from 1 to 1000"}},
		{name: "ErrSearchConcurrencyNotNumber", env: map[string]string{"SEARCH_CONCURRENCY": "many"}, wantErr: []string{"SEARCH_CONCURRENCY"}},
		// Each bound on both of its sides, and each problem alone.
		{name: "OKSpacesAroundValues", env: map[string]string{"LOG_LEVEL": " warn ", "APP_ENV": "test\n"}},
		{name: "ErrPublicURLNoHost", env: map[string]string{"PUBLIC_URL": "https://"}, wantErr: []string{"PUBLIC_URL must be an absolute URL"}},
		{name: "ErrProductionPublicURLOtherScheme", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "ftp://contacts.example.com", "METRICS_TOKEN": metrics}, wantErr: []string{"PUBLIC_URL must be the https:// address"}},
		{name: "OKProductionMetricsToken16", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "METRICS_TOKEN": strings.Repeat("m", 16)}},
		{name: "ErrProductionMetricsToken15", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "METRICS_TOKEN": strings.Repeat("m", 15)}, wantErr: []string{"METRICS_TOKEN is too short"}},
		{name: "OKProductionJWT32", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("j", 32), "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "METRICS_TOKEN": metrics}},
		{name: "ErrProductionJWT31", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("j", 31), "ENCRYPTION_KEY": key, "DATABASE_URL": "postgres://x/y",
			"PUBLIC_URL": "https://contacts.example.com", "METRICS_TOKEN": metrics}, wantErr: []string{"JWT_SECRET is too weak"}},
		{name: "ErrSMTPImplicitTLS", env: map[string]string{"SMTP_URL": "smtps://user:pw@mail.example.com:465"}, wantErr: []string{"SMTP_URL must look like"}},
		{name: "ErrProductionCRMWithoutAPIBase", env: map[string]string{"APP_ENV": "production", "JWT_SECRET": strong, "ENCRYPTION_KEY": key,
			"DATABASE_URL": "postgres://x/y", "PUBLIC_URL": "https://contacts.example.com", "CRM_CLIENT_SECRET": "s3cret", "CRM_AUTH_BASE": "https://crm.example",
			"METRICS_TOKEN": metrics}, wantErr: []string{"CRM_AUTH_BASE and CRM_API_BASE are required"}},
		{name: "ErrCRMAuthBaseNoHost", env: map[string]string{"CRM_AUTH_BASE": "https:///oauth"}, wantErr: []string{"CRM_AUTH_BASE must be an http(s) URL"}},
		{name: "ErrKeyLongHex", env: map[string]string{"ENCRYPTION_KEY": strings.Repeat("ab", 33)}, wantErr: []string{"ENCRYPTION_KEY must be exactly 32 bytes"}},
		{name: "ErrMaxBodyBytesZero", env: map[string]string{"MAX_BODY_BYTES": "0"}, wantErr: []string{"MAX_BODY_BYTES"}},
		{name: "ErrPastDueGraceZero", env: map[string]string{"PAST_DUE_GRACE": "0s"}, wantErr: []string{"PAST_DUE_GRACE"}},
		{name: "OKImportFileRetentionHour", env: map[string]string{"IMPORT_FILE_RETENTION": "1h"}},
		{name: "ErrMigrateStatementTimeoutNegative", env: map[string]string{"MIGRATE_STATEMENT_TIMEOUT": "-1s"}, wantErr: []string{"MIGRATE_STATEMENT_TIMEOUT must be"}},
		{name: "ErrShutdownTimeoutZero", env: map[string]string{"SHUTDOWN_TIMEOUT": "0s"}, wantErr: []string{"SHUTDOWN_TIMEOUT"}},
		{name: "ErrDBAcquireTimeoutZero", env: map[string]string{"DB_ACQUIRE_TIMEOUT": "0s"}, wantErr: []string{"DB_ACQUIRE_TIMEOUT"}},
		{name: "OKHTTPAddrPortZero", env: map[string]string{"HTTP_ADDR": ":0"}},
		{name: "OKHTTPAddrPortMax", env: map[string]string{"HTTP_ADDR": ":65535"}},
		{name: "ErrHTTPAddrPort65536", env: map[string]string{"HTTP_ADDR": ":65536"}, wantErr: []string{`HTTP_ADDR must be host:port`}},
		{name: "ErrHTTPAddrSignedPort", env: map[string]string{"HTTP_ADDR": ":+80"}, wantErr: []string{`HTTP_ADDR must be host:port`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := LoadFrom(env(tt.env))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(cfg.EncryptionKey) != 32 {
					t.Fatalf("encryption key length = %d", len(cfg.EncryptionKey))
				}
				return
			}
			if err == nil {
				t.Fatalf("expected error containing %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			for _, not := range tt.notErr {
				if strings.Contains(err.Error(), not) {
					t.Errorf("error %q also mentions %q", err, not)
				}
			}
		})
	}
}

func TestDevelopmentDatabaseDefault(t *testing.T) {
	t.Parallel()
	cfg, err := LoadFrom(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != DevDatabaseURL || cfg.HTTPAddr != ":8080" || cfg.PublicURL != "http://localhost:8080" ||
		cfg.SearchConcurrency != 2*runtime.NumCPU() || cfg.RequestTimeout != 30*time.Second || cfg.DBAcquireTimeout != 5*time.Second {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
}

// TestCRMWebhookSecret: the CRM signs webhooks with the client secret
// (CRM_API.md), so CRM_WEBHOOK_SECRET defaults to CRM_CLIENT_SECRET in every
// environment; otherwise a production deploy that sets only the client
// secret refuses every webhook.
func TestCRMWebhookSecret(t *testing.T) {
	t.Parallel()
	prod := map[string]string{"APP_ENV": "production", "JWT_SECRET": "0123456789abcdef0123456789abcdef-strong",
		"ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "DATABASE_URL": "postgres://x/y",
		"CRM_AUTH_BASE": "https://crm.example", "CRM_API_BASE": "https://api.crm.example", "PUBLIC_URL": "https://contacts.example.com",
		"METRICS_TOKEN": "scrape-0123456789abcdef"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name        string
		env         map[string]string
		wantClient  string
		wantWebhook string
	}{
		{"DevelopmentDefaults", map[string]string{}, "contacts-dev-secret", "contacts-dev-secret"},
		{"DevelopmentClientSecretOnly", map[string]string{"CRM_CLIENT_SECRET": "cs"}, "cs", "cs"},
		{"ProductionClientSecretOnly", with(prod, "CRM_CLIENT_SECRET", "cs"), "cs", "cs"},
		{"ProductionBoth", with(prod, "CRM_CLIENT_SECRET", "cs", "CRM_WEBHOOK_SECRET", "ws"), "cs", "ws"},
		{"ProductionNeither", prod, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := LoadFrom(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.CRMClientSecret != tt.wantClient || cfg.CRMWebhookSecret != tt.wantWebhook {
				t.Fatalf("client secret %q, webhook secret %q; want %q, %q",
					cfg.CRMClientSecret, cfg.CRMWebhookSecret, tt.wantClient, tt.wantWebhook)
			}
		})
	}
}

// TestTrustedProxies: each entry trusts exactly what it names; an
// IPv4-mapped IPv6 address is its IPv4 address (it had become ::/32,
// trusting addresses nobody listed).
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	cfg, err := LoadFrom(env(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7, 2001:db8::1, ::ffff:198.51.100.9"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range cfg.TrustedProxies {
		got = append(got, n.String())
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "2001:db8::1/128", "198.51.100.9/32"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("trusted %q, want %q", got, want)
	}
	for _, n := range cfg.TrustedProxies {
		if n.Contains(net.ParseIP("::1")) {
			t.Fatalf("%s trusts ::1, which nobody listed", n)
		}
	}
}

// TestCORSAllowedOrigins: a browser sends its origin as scheme://host[:port]
// in lower case, and the CORS middleware compares it as written, so an
// entry with a path (a trailing slash copied from the address bar) or
// without a scheme would never match: such an entry is refused, and
// capitals are folded.
func TestCORSAllowedOrigins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   string
		want    []string
		wantErr string
	}{
		{name: "OKOrigins", value: "https://app.example.com, http://localhost:5173", want: []string{"https://app.example.com", "http://localhost:5173"}},
		{name: "OKWildcards", value: "*,https://*.example.com", want: []string{"*", "https://*.example.com"}},
		{name: "OKCapitalsFolded", value: "HTTPS://App.Example.com:8443", want: []string{"https://app.example.com:8443"}},
		{name: "ErrTrailingSlash", value: "https://app.example.com/", wantErr: `CORS_ALLOWED_ORIGINS: "https://app.example.com/" is not an origin`},
		{name: "ErrPath", value: "https://app.example.com/app", wantErr: `"https://app.example.com/app" is not an origin`},
		{name: "ErrNoScheme", value: "app.example.com", wantErr: `"app.example.com" is not an origin`},
		{name: "ErrOtherScheme", value: "ftp://app.example.com", wantErr: `"ftp://app.example.com" is not an origin`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := LoadFrom(env(map[string]string{"CORS_ALLOWED_ORIGINS": tt.value}))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(cfg.CORSAllowedOrigins, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("origins %q, want %q", cfg.CORSAllowedOrigins, tt.want)
			}
		})
	}
}

// TestREADMEListsEveryVariable holds README's configuration table to the
// code: every variable LoadFrom reads has a row, and every row names a
// variable LoadFrom reads (TMPDIR, read by Go itself, aside).
func TestREADMEListsEveryVariable(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\|").FindAllStringSubmatch(string(readme), -1) {
		documented[m[1]] = true
	}
	read := variablesRead()
	for k := range read {
		if !documented[k] {
			t.Errorf("%s is read by LoadFrom but has no row in README's configuration table", k)
		}
	}
	for k := range documented {
		if !read[k] && k != "TMPDIR" {
			t.Errorf("README's configuration table lists %s, which LoadFrom never reads", k)
		}
	}
	if len(read) < 20 {
		t.Fatalf("LoadFrom read only %d variables: %v", len(read), read)
	}
}

// TestComposeMatchesTheConfig holds docker-compose.yml to the binary it
// runs: each service of the image sets only variables LoadFrom reads (a
// misspelt one would be ignored silently) and a configuration LoadFrom
// accepts, and the app is given the stop grace docs/OPERATIONS.md asks
// for (SHUTDOWN_DRAIN_DELAY + SHUTDOWN_TIMEOUT + 10 s; Compose's own
// default, 10 s, kills it mid-drain).
func TestComposeMatchesTheConfig(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Build           string            `yaml:"build"`
			Command         []string          `yaml:"command"`
			Environment     map[string]string `yaml:"environment"`
			StopGracePeriod string            `yaml:"stop_grace_period"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatal(err)
	}
	read := variablesRead()
	ours := 0
	for name, svc := range compose.Services {
		if svc.Build != "." {
			continue
		}
		ours++
		for k := range svc.Environment {
			if !read[k] {
				t.Errorf("service %s sets %s, which the binary never reads", name, k)
			}
		}
		cfg, err := LoadFrom(env(svc.Environment))
		if err != nil {
			t.Errorf("service %s: %v", name, err)
			continue
		}
		if len(svc.Command) == 0 || svc.Command[0] != "serve" {
			continue
		}
		grace, err := time.ParseDuration(svc.StopGracePeriod)
		if want := cfg.ShutdownDrainDelay + cfg.ShutdownTimeout + 10*time.Second; err != nil || grace < want {
			t.Errorf("service %s: stop_grace_period %q, want at least %s (SHUTDOWN_DRAIN_DELAY %s + SHUTDOWN_TIMEOUT %s + 10s)",
				name, svc.StopGracePeriod, want, cfg.ShutdownDrainDelay, cfg.ShutdownTimeout)
		}
	}
	if ours < 2 {
		t.Fatalf("docker-compose.yml has %d services built from the image; the parse went wrong", ours)
	}
}

// variablesRead names every environment variable LoadFrom reads, in
// development and in production.
func variablesRead() map[string]bool {
	read := map[string]bool{}
	for _, appEnv := range []string{EnvDevelopment, EnvProduction} {
		_, _ = LoadFrom(func(k string) string {
			read[k] = true
			if k == "APP_ENV" {
				return appEnv
			}
			return ""
		})
	}
	return read
}

// TestPublicURL: the address links start with defaults to this machine on
// HTTP_ADDR's port, and is kept without a trailing slash and with its
// scheme in lower case, as the rest of the program compares it.
func TestPublicURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "http://localhost:8080"},
		{map[string]string{"HTTP_ADDR": "[::1]:9000"}, "http://localhost:9000"},
		{map[string]string{"PUBLIC_URL": "HTTPS://Contacts.example.com/"}, "https://Contacts.example.com"},
	} {
		cfg, err := LoadFrom(env(tt.env))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.PublicURL != tt.want {
			t.Errorf("%v: PUBLIC_URL %q, want %q", tt.env, cfg.PublicURL, tt.want)
		}
	}
}
