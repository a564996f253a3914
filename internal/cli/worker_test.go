package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestWorkerServesMetrics: `contacts worker --metrics-addr` serves the
// figures of the jobs it works (which no serve process sees) at /metrics,
// behind METRICS_TOKEN as serve's are, and stops with its workers.
func TestWorkerServesMetrics(t *testing.T) {
	_, dsn := dbtest.Fresh(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const token = "worker-metrics-token-0123456789"
	t.Setenv("APP_ENV", "development")
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("METRICS_TOKEN", token)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- runWorker(ctx, &env{stdout: io.Discard, stderr: io.Discard}, []string{"--metrics-addr", addr})
	}()
	get := func(auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var body string
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("worker ended: %v", err)
		default:
		}
		var code int
		if code, body = get(token); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker's /metrics never answered")
		}
	}
	for _, want := range []string{"import_rows_merged_total", "crm_request_duration_seconds", "stripe_webhook_events_total", "go_goroutines", `pgxpool_max_conns{db_name="contacts"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("the worker's metrics lack %s", want)
		}
	}
	if code, problem := get(""); code != http.StatusUnauthorized || !strings.Contains(problem, `"code":"unauthorized"`) {
		t.Errorf("without the token: %d %s, want 401 and the API's problem document", code, problem)
	}
	if code, _ := get("wrong-token"); code != http.StatusUnauthorized {
		t.Errorf("with a wrong token: %d, want 401", code)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("worker after SIGTERM: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the worker did not stop within 2 minutes")
	}
	if code, _ := get(token); code != 0 {
		t.Errorf("the metrics listener answers %d after the worker stopped", code)
	}
}
