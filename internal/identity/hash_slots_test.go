package identity

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestPasswordHashesTakeTurns: however many requests hash a password at
// once (here eight times the slots, as a burst of sign-ups or of requests
// accepting one invitation link would), at most maxHashes argon2id
// computations (19 MiB each) run at the same time.
func TestPasswordHashesTakeTurns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hash, err := HashPassword(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 * maxHashes {
		wg.Go(func() {
			if i%2 == 0 {
				if _, err := HashPassword(ctx, "correct horse battery staple"); err != nil {
					t.Error(err)
				}
				return
			}
			if ok, err := CheckPassword(ctx, "correct horse battery staple", hash); err != nil || !ok {
				t.Errorf("CheckPassword = %v, %v; want true", ok, err)
			}
		})
	}
	wg.Wait()
	if peak := passwordHashes.peak.Load(); int(peak) > maxHashes {
		t.Fatalf("%d password hashes ran at once; at most %d may", peak, maxHashes)
	}
}

// TestPasswordHashWaitEndsWithItsRequest: a computation that waits for a
// slot gives up when its request's context ends (the client left, or its
// deadline passed: 503), instead of hashing later for no one; one whose
// context ended before it asked does not start.
func TestPasswordHashWaitEndsWithItsRequest(t *testing.T) {
	t.Parallel()
	g := newHashGate(1)
	g.slots <- struct{}{} // the one slot is taken
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ran := false
	if err := g.run(ctx, func() { ran = true }); !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("run with every slot taken until its deadline = %v (ran %v), want context.DeadlineExceeded without running", err, ran)
	}
	<-g.slots
	ended, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	if err := g.run(ended, func() { ran = true }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("run with a free slot and its context ended = %v (ran %v), want context.Canceled without running", err, ran)
	}
	if err := g.run(context.Background(), func() { ran = true }); err != nil || !ran {
		t.Fatalf("run with a free slot = %v (ran %v), want it run", err, ran)
	}
	if _, err := HashPassword(ended, "correct horse battery staple"); !errors.Is(err, context.Canceled) {
		t.Fatalf("HashPassword with its context ended = %v, want context.Canceled", err)
	}
	if ok, err := CheckPassword(ended, "x", "y"); ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("CheckPassword with its context ended = %v, %v, want false, context.Canceled", ok, err)
	}
}
