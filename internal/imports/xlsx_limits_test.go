package imports

import "testing"

// TestXLSXLimitsGrowWithTheCap: a workbook that fits a larger package's
// file cap as CSV may hold more texts and unpack further, within fixed
// floors and ceilings.
func TestXLSXLimitsGrowWithTheCap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		fileCap       int64
		unpacked      int64
		sharedStrings int
	}{
		{"FreeFloors", 5 << 20, 256 << 20, 1_000_000},
		{"Starter", 50 << 20, 800 << 20, 3_276_800},
		{"ProCeilings", 512 << 20, 2 << 30, 4_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := xlsxLimitsFor(tt.fileCap); got.unpacked != tt.unpacked || got.sharedStrings != tt.sharedStrings {
				t.Fatalf("limits for a %d-byte cap: %+v, want %d unpacked and %d texts", tt.fileCap, got, tt.unpacked, tt.sharedStrings)
			}
		})
	}
}
