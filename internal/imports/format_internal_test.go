package imports

import (
	"bytes"
	"testing"
)

// TestEncryptedWorkbook finds the encrypted package's stream name
// wherever the compound file holds it, also across the boundary of the
// 1 MiB pieces it is searched in.
func TestEncryptedWorkbook(t *testing.T) {
	t.Parallel()
	const piece = 1 << 20
	fileWith := func(at int) []byte {
		b := make([]byte, 3*piece)
		copy(b, cfbMagic)
		if at >= 0 {
			copy(b[at:], encryptedPackage)
		}
		return b
	}
	tests := []struct {
		name string
		at   int // where the name starts; -1 for nowhere
		want bool
	}{
		{"InTheFirstPiece", 4096, true},
		{"AcrossTheFirstBoundary", piece - len(encryptedPackage)/2, true},
		{"EndingAtTheFirstBoundary", piece - len(encryptedPackage), true},
		{"InTheLastPiece", 3*piece - len(encryptedPackage), true},
		{"Nowhere", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := fileWith(tt.at)
			got, err := encryptedWorkbook(bytes.NewReader(b), int64(len(b)))
			if err != nil || got != tt.want {
				t.Fatalf("encryptedWorkbook = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
