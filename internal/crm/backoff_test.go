package crm_test

import (
	"testing"
	"time"
)

// TestBackoff pins the waits before retrying a 5xx, a timeout or a network
// error: the default step of 500 ms doubles with each retry up to a ceiling
// of 30 s, and the wait is half the step plus a random share of the other
// half (the tests' jitter is a fixed 0.5: three quarters of the step).
// TestPushUnavailableTwiceThenSuccess sees only that the second wait doubles the first.
func TestBackoff(t *testing.T) {
	t.Parallel()
	svc := setup(t).svc
	tests := []struct {
		name string
		n    int
		want time.Duration
	}{
		{"OKFirstRetry", 1, 375 * time.Millisecond},
		{"OKSecondDoubles", 2, 750 * time.Millisecond},
		{"OKLastStepUnderTheCeiling", 6, 12 * time.Second},                // a 16 s step
		{"OKStepOverTheCeilingIsTheCeiling", 7, 22500 * time.Millisecond}, // a 32 s step
		{"OKShiftedPastTheIntegerIsTheCeiling", 64, 22500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := svc.Backoff(tt.n); got != tt.want {
				t.Fatalf("Backoff(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
}
