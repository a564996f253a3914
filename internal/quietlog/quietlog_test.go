package quietlog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	type rec struct {
		after time.Duration // since t0
		level slog.Level
		msg   string
	}
	type line struct {
		msg  string
		left int // repeats_left_out, 0 when absent
	}
	tests := []struct {
		name string
		recs []rec
		want []line
	}{
		{
			name: "an outage's polls: the first, then one a window with the count",
			recs: []rec{
				{0, slog.LevelError, "producer: Error fetching jobs"},
				{500 * time.Millisecond, slog.LevelError, "producer: Error fetching jobs"},
				{time.Second, slog.LevelError, "producer: Error fetching jobs"},
				{59 * time.Second, slog.LevelError, "producer: Error fetching jobs"},
				{60 * time.Second, slog.LevelError, "producer: Error fetching jobs"},
				{61 * time.Second, slog.LevelError, "producer: Error fetching jobs"},
			},
			want: []line{{"producer: Error fetching jobs", 0}, {"producer: Error fetching jobs", 3}},
		},
		{
			name: "different messages are each written",
			recs: []rec{
				{0, slog.LevelError, "producer: Error fetching jobs"},
				{time.Millisecond, slog.LevelError, "notifier.Notifier: Error connecting listener"},
				{2 * time.Millisecond, slog.LevelWarn, "producer: Error fetching jobs"},
			},
			want: []line{{"producer: Error fetching jobs", 0}, {"notifier.Notifier: Error connecting listener", 0}, {"producer: Error fetching jobs", 0}},
		},
		{
			name: "below WARN every record is written",
			recs: []rec{
				{0, slog.LevelInfo, "River client started"},
				{time.Millisecond, slog.LevelInfo, "River client started"},
				{2 * time.Millisecond, slog.LevelDebug, "producer: Fetched jobs"},
				{3 * time.Millisecond, slog.LevelDebug, "producer: Fetched jobs"},
			},
			want: []line{{"River client started", 0}, {"River client started", 0}, {"producer: Fetched jobs", 0}, {"producer: Fetched jobs", 0}},
		},
		{
			name: "a repeat after a quiet window carries no count",
			recs: []rec{
				{0, slog.LevelError, "leadership.Elector: Error attempting to resign"},
				{2 * time.Minute, slog.LevelError, "leadership.Elector: Error attempting to resign"},
			},
			want: []line{{"leadership.Elector: Error attempting to resign", 0}, {"leadership.Elector: Error attempting to resign", 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			base := slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
			q := NewHandler(base, time.Minute)
			// River logs through loggers derived with With; they count together.
			handlers := []slog.Handler{q, q.WithAttrs([]slog.Attr{slog.String("queue", "imports")}), q.WithGroup("g")}
			for i, r := range tt.recs {
				h := handlers[i%len(handlers)]
				if !h.Enabled(context.Background(), r.level) {
					t.Fatalf("level %v not enabled", r.level)
				}
				if err := h.Handle(context.Background(), slog.NewRecord(t0.Add(r.after), r.level, r.msg, 0)); err != nil {
					t.Fatal(err)
				}
			}
			var got []line
			for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("line %q: %v", l, err)
				}
				left := 0
				if v, ok := m["repeats_left_out"].(float64); ok {
					left = int(v)
				}
				if g, ok := m["g"].(map[string]any); ok {
					if v, ok := g["repeats_left_out"].(float64); ok {
						left = int(v)
					}
				}
				got = append(got, line{m["msg"].(string), left})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d lines %v, want %v", len(got), got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("line %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestRepeatsForgetsPastMaxKinds(t *testing.T) {
	t.Parallel()
	r := NewRepeats(time.Minute)
	t0 := time.Now()
	for i := range maxKinds + 10 {
		if _, write := r.Note(string(rune('a'+i%26))+strings.Repeat("x", i), t0); !write {
			t.Fatalf("kind %d: first record of its kind left out", i)
		}
	}
	if len(r.seen) > maxKinds {
		t.Fatalf("%d kinds kept, want at most %d", len(r.seen), maxKinds)
	}
}
