package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
)

// runFakeCRM serves the fake 1CloudAI CRM (CRM_API.md) for development.
// Its client id and secret are CRM_CLIENT_ID and CRM_CLIENT_SECRET, and it
// accepts the redirect URI PUBLIC_URL/api/v1/crm/oauth/callback, so the
// app started with the same environment connects to it out of the box.
func runFakeCRM(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fakecrm")
	addr := fs.String("addr", ":8090", "listen address")
	ttl := fs.Duration("token-ttl", 1800*time.Second, "access token lifetime (e.g. 5s to watch refreshes)")
	rate := fs.Int("rate-limit", 100, "requests per window and account")
	window := fs.Duration("rate-window", 10*time.Second, "rate limit window")
	account := fs.String("account", "acc_demo", "account prefilled on the consent page")
	webhook := fs.String("webhook-url", "", "where webhooks go (default PUBLIC_URL/api/v1/crm/webhook; \"none\" sends none)")
	redirects := fs.String("redirect-uris", "", "extra registered redirect URIs, comma separated")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if cfg.IsProduction() {
		return errors.New("the fake CRM is for development and tests; it does not run with APP_ENV=production")
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	uris := callbackURIs(cfg.PublicURL)
	for _, u := range strings.Split(*redirects, ",") {
		if u = strings.TrimSpace(u); u != "" {
			uris = append(uris, u)
		}
	}
	hook := *webhook
	switch hook {
	case "":
		hook = strings.TrimRight(cfg.PublicURL, "/") + "/api/v1/crm/webhook"
	case "none":
		hook = ""
	}
	fake := fakecrm.New(fakecrm.Options{ClientID: cfg.CRMClientID, ClientSecret: cfg.CRMClientSecret,
		WebhookSecret: cfg.CRMWebhookSecret, RedirectURIs: uris, WebhookURL: hook, WebhookRetries: 5,
		AccessTokenTTL: *ttl, RateLimit: *rate, RateWindow: *window, DefaultAccount: *account, Logger: log})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: logRequests(fake, log), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(e.stdout, "fake 1CloudAI CRM on http://%s (client %s; redirect URIs %s; webhooks to %s)\n",
		ln.Addr(), cfg.CRMClientID, strings.Join(uris, " "), orNone(hook))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// callbackURIs registers the callback under PUBLIC_URL and, for a loopback
// host, its localhost/127.0.0.1 twin, since browsers are sent to either.
func callbackURIs(publicURL string) []string {
	base := strings.TrimRight(publicURL, "/")
	out := []string{base + crm.CallbackPath}
	u, err := url.Parse(base)
	if err != nil {
		return out
	}
	twin := map[string]string{"localhost": "127.0.0.1", "127.0.0.1": "localhost"}[u.Hostname()]
	if twin != "" {
		if p := u.Port(); p != "" {
			twin += ":" + p
		}
		u.Host = twin
		out = append(out, u.String()+crm.CallbackPath)
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// statusRecorder remembers the status of an answer for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// logRequests logs method, path and status (never queries or bodies,
// which carry codes and tokens).
func logRequests(h http.Handler, log interface{ Info(string, ...any) }) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		h.ServeHTTP(rec, r)
		log.Info("fakecrm", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"ms", time.Since(start).Milliseconds())
	})
}
