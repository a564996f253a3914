package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type acquireTimeoutKey struct{}
type acquireCancelKey struct{}

// WithAcquireTimeout marks ctx so that each wait for a pooled connection made
// with it (or with a context derived from it) gives up after d with
// context.DeadlineExceeded: a request must not queue without end behind
// queries that hang. Contexts without the mark (background jobs) wait as
// long as their own deadline allows. d <= 0 leaves ctx as it is.
func WithAcquireTimeout(ctx context.Context, d time.Duration) context.Context {
	if d <= 0 {
		return ctx
	}
	return context.WithValue(ctx, acquireTimeoutKey{}, d)
}

// poolTracer applies WithAcquireTimeout to the pool's acquires. pgx learns
// of it through ConnConfig.Tracer, which must also be a query tracer: that
// part does nothing.
type poolTracer struct{}

func (poolTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (poolTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (poolTracer) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	d, ok := ctx.Value(acquireTimeoutKey{}).(time.Duration)
	if !ok {
		return ctx
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return context.WithValue(ctx, acquireCancelKey{}, cancel)
}

func (poolTracer) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	if cancel, ok := ctx.Value(acquireCancelKey{}).(context.CancelFunc); ok {
		cancel()
	}
}
