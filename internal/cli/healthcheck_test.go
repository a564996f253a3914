package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheck: `contacts healthcheck` (Docker's HEALTHCHECK: the
// runtime image has no shell or curl) asks the server on HTTP_ADDR's port
// at 127.0.0.1 for /readyz, or /healthz with --live, and exits 0 only on a
// 200.
func TestHealthcheck(t *testing.T) {
	var asked []string
	ready := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.Method+" "+r.URL.Path)
		switch r.URL.Path {
		case "/readyz":
			w.WriteHeader(ready)
		case "/healthz":
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, closedPort, _ := net.SplitHostPort(closed.Addr().String())
	closed.Close()

	tests := []struct {
		name     string
		httpAddr string
		ready    int
		args     []string
		wantCode int
		wantPath string // "" when nothing answers
		wantErr  string
	}{
		{name: "OKReady", httpAddr: ":" + port, ready: 200, wantCode: 0, wantPath: "GET /readyz"},
		{name: "OKAllInterfaces", httpAddr: "0.0.0.0:" + port, ready: 200, wantCode: 0, wantPath: "GET /readyz"},
		{name: "OKLoopback", httpAddr: "127.0.0.1:" + port, ready: 200, wantCode: 0, wantPath: "GET /readyz"},
		{name: "OKLiveWhileNotReady", httpAddr: ":" + port, ready: 503, args: []string{"--live"}, wantCode: 0, wantPath: "GET /healthz"},
		{name: "ErrNotReady", httpAddr: ":" + port, ready: 503, wantCode: 1, wantPath: "GET /readyz", wantErr: "503"},
		{name: "ErrNothingListens", httpAddr: ":" + closedPort, ready: 200, wantCode: 1, wantErr: "refused"},
		{name: "ErrUsage", httpAddr: ":" + port, ready: 200, args: []string{"--nope"}, wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("APP_ENV", "development")
			t.Setenv("HTTP_ADDR", tt.httpAddr)
			asked, ready = nil, tt.ready
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), append([]string{"healthcheck"}, tt.args...), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit code %d, want %d; stderr %s", code, tt.wantCode, stderr.String())
			}
			if got := strings.Join(asked, ","); tt.wantCode != 2 && got != tt.wantPath {
				t.Fatalf("asked %q, want %q", got, tt.wantPath)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("stderr %q does not name %q", stderr.String(), tt.wantErr)
			}
		})
	}
}
