package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// RepeatWindow is how long River's logger leaves out a warning or error
// that repeats one it has just written (quietRepeats).
const RepeatWindow = time.Minute

// quietRepeats is the handler River logs through. While PostgreSQL is
// down, River's producers, notifier and elector log an ERROR for every
// failed poll: about ten a second with four queues, which buries the one
// line an operator needs. A warning or error is written the first time
// its message comes; repeats of it within window are counted instead, and
// the first one after the window is written with how many were left out
// (repeats_left_out). Records below WARN pass unchanged.
//
// The state is shared by the handlers WithAttrs and WithGroup derive, so
// River's per-component loggers count together. Keys are River's messages,
// which are constant strings; the map is cleared should it ever grow past
// maxRepeatKeys.
type quietRepeats struct {
	slog.Handler
	window time.Duration
	state  *repeatState
}

type repeatState struct {
	mu   sync.Mutex
	seen map[repeatKey]*repeat
}

type repeatKey struct {
	level slog.Level
	msg   string
}

type repeat struct {
	written time.Time // when the last record of the kind was written
	left    int       // records left out since
}

const maxRepeatKeys = 1024

func newQuietRepeats(h slog.Handler, window time.Duration) *quietRepeats {
	return &quietRepeats{Handler: h, window: window, state: &repeatState{seen: map[repeatKey]*repeat{}}}
}

func (q *quietRepeats) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return q.Handler.Handle(ctx, r)
	}
	left, write := q.state.note(repeatKey{r.Level, r.Message}, r.Time, q.window)
	if !write {
		return nil
	}
	if left > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("repeats_left_out", left))
	}
	return q.Handler.Handle(ctx, r)
}

// note records a record of kind k at t and says whether to write it and
// how many of its kind were left out since the last one written.
func (s *repeatState) note(k repeatKey, t time.Time, window time.Duration) (left int, write bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.seen[k]
	if ok && t.Sub(st.written) < window {
		st.left++
		return 0, false
	}
	if ok {
		left = st.left
	} else if len(s.seen) >= maxRepeatKeys {
		clear(s.seen)
	}
	s.seen[k] = &repeat{written: t}
	return left, true
}

func (q *quietRepeats) WithAttrs(as []slog.Attr) slog.Handler {
	return &quietRepeats{Handler: q.Handler.WithAttrs(as), window: q.window, state: q.state}
}

func (q *quietRepeats) WithGroup(name string) slog.Handler {
	return &quietRepeats{Handler: q.Handler.WithGroup(name), window: q.window, state: q.state}
}
