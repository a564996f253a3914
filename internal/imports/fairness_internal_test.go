package imports

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestPlaces: a process's import places go to whoever asks while no tenant
// starves; a tenant waiting with none running gets the next place before
// another tenant's second import, and makes a tenant running several hand
// one back, once.
func TestPlaces(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 15, 12, 0, 0, 0, time.UTC)
	p := newPlaces(2)
	p.now = func() time.Time { return now }
	a, b, c := uuid.New(), uuid.New(), uuid.New()

	for i := range 2 {
		if !p.take(a) {
			t.Fatalf("tenant A's import %d: want a place while nobody waits", i+1)
		}
	}
	if p.yield(a) {
		t.Fatal("A yields while nobody waits")
	}
	if p.take(b) {
		t.Fatal("B got a place with both taken")
	}
	if !p.yield(a) {
		t.Fatal("A runs two while B waits with none: want one handed back")
	}
	if p.yield(a) {
		t.Fatal("A's second import yields too: one hand-back is enough")
	}
	p.leave(a, true)
	if p.take(a) {
		t.Fatal("A's next import took the freed place while B waits with none")
	}
	if !p.take(b) {
		t.Fatal("B: want the freed place")
	}
	// Full again (A one, B one). C waits; when B leaves, C gets the place
	// before A's second import.
	if p.take(c) {
		t.Fatal("C got a place with both taken")
	}
	p.leave(b, false)
	if p.take(a) {
		t.Fatal("A's second import took the place C waits for")
	}
	if !p.take(c) {
		t.Fatal("C: want the freed place")
	}
	if p.taken != 2 || p.running[a] != 1 || p.running[c] != 1 || len(p.yielding) != 0 {
		t.Fatalf("places: %d taken, running %v, yielding %v", p.taken, p.running, p.yielding)
	}

	// A refused tenant stops counting as waiting after waitingFor (its job
	// ran elsewhere): A's imports then get places again.
	q := newPlaces(1)
	q.now = func() time.Time { return now }
	if !q.take(a) || q.take(b) {
		t.Fatal("one place: A takes it, B waits")
	}
	q.max = 2
	if q.take(a) {
		t.Fatal("A's second import while B waits")
	}
	now = now.Add(waitingFor + time.Second)
	if !q.take(a) {
		t.Fatal("A's second import after B stopped waiting: want the place")
	}

	// Two tenants wait with none running: a freed place goes to whichever
	// asks first; neither turns the other away (the place would stay free
	// until one of them stopped counting as waiting).
	r := newPlaces(1)
	r.now = func() time.Time { return now }
	if !r.take(a) || r.take(b) || r.take(c) {
		t.Fatal("one place: A takes it, B and C wait")
	}
	r.leave(a, false)
	if !r.take(b) {
		t.Fatal("B, waiting with none running while C waits too: want the freed place")
	}
}
