package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/onecloudai/contacts/internal/config"
)

// runHealthcheck asks the server of this host (HTTP_ADDR's port, at the
// loopback address unless HTTP_ADDR names one address) whether it is ready,
// /readyz, or with --live only alive, /healthz: nil on a 200, an error (exit
// 1) otherwise. The runtime image has no shell or curl, so Docker's
// HEALTHCHECK runs this.
func runHealthcheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "healthcheck")
	live := fs.Bool("live", false, "ask /healthz (the process answers) instead of /readyz (the database answers and no migration is pending)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %q: %w", cfg.HTTPAddr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	path := "/readyz"
	if *live {
		path = "/healthz"
	}
	url := "http://" + net.JoinHostPort(host, port) + path
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}
