package cli

import (
	"bytes"
	"context"
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
