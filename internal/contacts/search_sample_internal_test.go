package contacts

import "testing"

// TestSampleFraction pins the share of the table a facet sample reads: a
// power of two, enough for facetSample of the estimated matches, at most
// scanBudget rows, never under 2^-20; and, for every estimate that samples
// (over exactCountBelow), at most an eighth of the table, which facets
// relies on to always scale a sample.
func TestSampleFraction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		est, rows float64
		want      float64
	}{
		{"the smallest sampled estimate reads an eighth", exactCountBelow + 1, 0, 1.0 / 8},
		{"the scan budget bounds a large table", exactCountBelow + 1, 1_000_000, 1.0 / 32},
		{"a broad search reads enough for the sample", 1_000_000, 1_000_000, 1.0 / 2048},
		{"an unknown table size leaves only the sample", 1_000_000, 0, 1.0 / 2048},
		{"never under 2^-20", 1e12, 1e12, 1.0 / (1 << 20)},
		{"a tiny estimate reads the whole table", 100, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := sampleFraction(tc.est, tc.rows); got != tc.want {
				t.Fatalf("sampleFraction(%v, %v) = %v, want %v", tc.est, tc.rows, got, tc.want)
			}
		})
	}
}
