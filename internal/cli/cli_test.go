package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/audit"
)

// TestLogsCarryTheRequestID: a service's record logged with a request's
// context names the request; one that names it already is left alone.
func TestLogsCarryTheRequestID(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := newLogger(&buf, "info")
	ctx := audit.WithActor(context.Background(), audit.Actor{RequestID: "req-42"})
	log.InfoContext(ctx, "import failed")
	log.InfoContext(ctx, "request", "request_id", "req-42")
	log.Info("no request")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("lines %q", lines)
	}
	for i, want := range []int{1, 1, 0} {
		if got := strings.Count(lines[i], `"request_id":"req-42"`); got != want {
			t.Errorf("line %d %s: request_id %d times, want %d", i, lines[i], got, want)
		}
	}
}

// TestUsageNamesEveryBench: `contacts help` and a bare `contacts bench`
// name all three benchmarks README.md documents, not only bench search.
func TestUsageNamesEveryBench(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		stderr   bool // the usage goes to stderr
	}{
		{name: "Help", args: []string{"help"}, wantCode: 0},
		{name: "ErrBenchWithoutBenchmark", args: []string{"bench"}, wantCode: 2, stderr: true},
		{name: "ErrBenchUnknown", args: []string{"bench", "latency"}, wantCode: 2, stderr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), tt.args, &stdout, &stderr); code != tt.wantCode {
				t.Fatalf("exit code %d, want %d; stderr %s", code, tt.wantCode, stderr.String())
			}
			out := stdout.String()
			if tt.stderr {
				out = stderr.String()
			}
			for _, want := range []string{"bench search", "bench auth", "bench import"} {
				if !strings.Contains(out, want) {
					t.Errorf("usage does not name %q:\n%s", want, out)
				}
			}
		})
	}
}

// TestDatabaseURLErrorsNameTheVariable: a DATABASE_URL that does not parse
// or reaches no server is reported under its name (the driver's text alone
// said "parse database url" or "failed to connect"), and never with its
// password.
func TestDatabaseURLErrorsNameTheVariable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	tests := []struct{ name, url string }{
		{"ErrUnparsable", "postgres://contacts:s3cret-pw@127.0.0.1:5432/x?pool_max_conns=many"},
		{"ErrUnreachable", "postgres://contacts:s3cret-pw@" + closed + "/x?sslmode=disable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", tt.url)
			_, _, d, err := openDB(context.Background(), &env{stdout: io.Discard, stderr: io.Discard})
			if err == nil {
				d.Close()
				t.Fatal("opened")
			}
			if !strings.HasPrefix(err.Error(), "DATABASE_URL: ") {
				t.Errorf("the error does not name DATABASE_URL: %v", err)
			}
			if strings.Contains(err.Error(), "s3cret-pw") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}
