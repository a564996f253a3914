//go:build race

package contacts

import "testing"

// skipUnderRace skips a test that is pure computation on one goroutine
// when the race detector is on: the detector has nothing to find in it and
// slows it tenfold. scripts/test.sh runs such tests again without -race
// (see its run_go), so make test still runs them.
func skipUnderRace(t *testing.T) {
	t.Helper()
	t.Skip("one goroutine of pure computation: scripts/test.sh runs it without -race")
}
