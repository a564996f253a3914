package cli

import (
	"context"
	"os"
	"os/signal"
)

// NotifyContext returns a context that ends at the first of sigs, like
// signal.NotifyContext, but that first signal only starts the stop (the
// HTTP drain, the workers' stop): a second one ends the process at once
// (the signal's default action), as an operator pressing Ctrl-C again
// during a SHUTDOWN_TIMEOUT drain expects. stop releases the signals.
func NotifyContext(parent context.Context, sigs ...os.Signal) (ctx context.Context, stop context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case <-ch:
		case <-ctx.Done():
		}
		// Before the context ends, so that whoever sees it end may count
		// on the next signal's default action.
		signal.Stop(ch)
		cancel()
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}
