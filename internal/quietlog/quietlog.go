// Package quietlog keeps a warning or error that repeats from burying the
// lines an operator needs. While PostgreSQL is down, pollers and sweeps
// fail the same way every few hundred milliseconds; each kind of record is
// written the first time it comes, repeats within a window are counted
// instead, and the first one after the window is written with how many
// were left out (LeftOutKey).
package quietlog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// LeftOutKey is the attribute that carries how many records of a kind
// were left out since the last one written.
const LeftOutKey = "repeats_left_out"

// maxKinds bounds the kinds remembered; the memory is cleared should it
// ever grow past it (kinds are messages and statements, a small set).
const maxKinds = 1024

// Repeats remembers, for each kind of record, when one was last written
// and how many were left out since. It is safe for concurrent use.
type Repeats struct {
	window time.Duration
	mu     sync.Mutex
	seen   map[any]*repeat
}

type repeat struct {
	written time.Time // when the last record of the kind was written
	left    int       // records left out since
}

// NewRepeats returns a Repeats that writes a kind at most once a window.
func NewRepeats(window time.Duration) *Repeats {
	return &Repeats{window: window, seen: map[any]*repeat{}}
}

// Note records a record of kind (a comparable value) at t and says whether
// to write it and how many of its kind were left out since the last one
// written.
func (r *Repeats) Note(kind any, t time.Time) (left int, write bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.seen[kind]
	if ok && t.Sub(st.written) < r.window {
		st.left++
		return 0, false
	}
	if ok {
		left = st.left
	} else if len(r.seen) >= maxKinds {
		clear(r.seen)
	}
	r.seen[kind] = &repeat{written: t}
	return left, true
}

// Handler is a slog.Handler that writes a warning or error only when
// Repeats says so; its kind is the level and the message. Records below
// WARN pass unchanged. Handlers that WithAttrs and WithGroup derive share
// the count, so a library's per-component loggers count together.
type Handler struct {
	slog.Handler
	repeats *Repeats
}

type handlerKind struct {
	level slog.Level
	msg   string
}

// NewHandler wraps h so that a warning or error repeating one written less
// than window ago is counted, not written.
func NewHandler(h slog.Handler, window time.Duration) *Handler {
	return &Handler{Handler: h, repeats: NewRepeats(window)}
}

func (q *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return q.Handler.Handle(ctx, r)
	}
	left, write := q.repeats.Note(handlerKind{r.Level, r.Message}, r.Time)
	if !write {
		return nil
	}
	if left > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int(LeftOutKey, left))
	}
	return q.Handler.Handle(ctx, r)
}

func (q *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &Handler{Handler: q.Handler.WithAttrs(as), repeats: q.repeats}
}

func (q *Handler) WithGroup(name string) slog.Handler {
	return &Handler{Handler: q.Handler.WithGroup(name), repeats: q.repeats}
}
