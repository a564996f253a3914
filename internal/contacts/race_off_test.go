//go:build !race

package contacts

import "testing"

// skipUnderRace: see race_on_test.go; without the race detector the test runs.
func skipUnderRace(*testing.T) {}
