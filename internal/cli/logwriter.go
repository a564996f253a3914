package cli

import (
	"log/slog"
	"strings"
)

// logWriter turns progress lines written to an io.Writer into log records.
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		if line != "" {
			w.log.Info(line)
		}
	}
	return len(p), nil
}
