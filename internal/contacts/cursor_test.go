package contacts

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

var (
	fuzzCodec  = cursorCodec{key: []byte("fuzz-cursor-key")}
	fuzzTenant = uuid.MustParse("01900000-0000-7000-8000-0000000f0221")
	fuzzQuery  = hashQuery(searchKey{Query: "engineer", Sort: SortRelevance})
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	id := uuid.MustParse("01900000-0000-7000-8000-000000000042")
	tests := []struct {
		name string
		cur  cursor
	}{
		{"OKRanked", cursor{Mode: modeRanked, Rank: 2.7182817, ID: id, Total: 1234}},
		{"OKName", cursor{Mode: modeName, Name: "müller zoë", ID: id, Total: 10000, Capped: true, Estimate: true}},
		{"OKUpdated", cursor{Mode: modeUpdated, Time: 1767225600123456, ID: id}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fuzzCodec.encode("search", fuzzTenant, fuzzQuery, tt.cur)
			got, err := fuzzCodec.decode("search", fuzzTenant, fuzzQuery, s, tt.cur.Mode)
			if err != nil || got != tt.cur {
				t.Fatalf("decode(encode(%+v)) = %+v, %v", tt.cur, got, err)
			}
			for _, bad := range []struct {
				scope  string
				tenant uuid.UUID
				query  []byte
				mode   string
			}{
				{"saved", fuzzTenant, fuzzQuery, tt.cur.Mode},
				{"search", uuid.New(), fuzzQuery, tt.cur.Mode},
				{"search", fuzzTenant, hashQuery("other"), tt.cur.Mode},
				{"search", fuzzTenant, fuzzQuery, modeSaved},
			} {
				if _, err := fuzzCodec.decode(bad.scope, bad.tenant, bad.query, s, bad.mode); !apperr.Is(err, apperr.EMALFORMED) {
					t.Fatalf("decode in %+v: %v, want EMALFORMED", bad, err)
				}
			}
		})
	}
}

// FuzzDecodeCursor feeds arbitrary strings to the cursor decoder: it must
// never panic, must reject anything it did not sign with EMALFORMED, and a
// cursor it accepts must encode back to the same string.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(fuzzCodec.encode("search", fuzzTenant, fuzzQuery, cursor{Mode: modeID, ID: fuzzTenant, Total: 10000, Capped: true}))
	f.Add("")
	f.Add(strings.Repeat("A", maxCursorLen+1))
	f.Fuzz(func(t *testing.T, s string) {
		cur, err := fuzzCodec.decode("search", fuzzTenant, fuzzQuery, s, modeRanked, modeID, modeName, modeUpdated)
		if err != nil {
			if !apperr.Is(err, apperr.EMALFORMED) {
				t.Fatalf("decode(%q) = %v, want EMALFORMED", s, err)
			}
			return
		}
		if again := fuzzCodec.encode("search", fuzzTenant, fuzzQuery, cur); again != s {
			t.Fatalf("accepted %q, which encodes back as %q", s, again)
		}
	})
}

// FuzzEncodeCursor is the other direction: any position a page can end
// at (a rank, a sort name of text PostgreSQL holds, a time, a total)
// encodes to a cursor within the length the handlers accept that decodes
// to the same position, or the next page of a search would be refused.
func FuzzEncodeCursor(f *testing.F) {
	modes := []string{modeRanked, modeID, modeName, modeUpdated, modeSaved, modeSeq}
	f.Add(uint8(0), float32(2.7182817), "", int64(0), 1234, false, 0)
	f.Add(uint8(2), float32(0), "müller zoë <&> \u2028", int64(0), 10000, true, 9950)
	f.Add(uint8(3), float32(0), "", int64(-62135596800000000), 0, false, 50)
	f.Fuzz(func(t *testing.T, m uint8, rank float32, name string, at int64, total int, capped bool, served int) {
		if !utf8.ValidString(name) || strings.IndexByte(name, 0) >= 0 || utf8.RuneCountInString(name) > 201 ||
			math.IsNaN(float64(rank)) || math.IsInf(float64(rank), 0) {
			return
		}
		mode := modes[int(m)%len(modes)]
		cur := cursor{Mode: mode, Rank: rank, Name: name, Time: at, ID: fuzzTenant, Total: total, Capped: capped, Served: served}
		s := fuzzCodec.encode("search", fuzzTenant, fuzzQuery, cur)
		got, err := fuzzCodec.decode("search", fuzzTenant, fuzzQuery, s, mode)
		if err != nil || got != cur {
			t.Fatalf("decode(encode(%+v)) = %+v, %v (cursor of %d bytes)", cur, got, err, len(s))
		}
	})
}

// TestCursorLengthBound: decode reads nothing longer than maxCursorLen,
// even a cursor the codec signed itself (a sort name far longer than any
// a contact holds): the bound keeps what an unauthenticated string costs
// to check small, so it must not depend on the MAC refusing it later.
func TestCursorLengthBound(t *testing.T) {
	t.Parallel()
	long := fuzzCodec.encode("search", fuzzTenant, fuzzQuery, cursor{Mode: modeName, Name: strings.Repeat("x", maxCursorLen), ID: fuzzTenant})
	if len(long) <= maxCursorLen {
		t.Fatalf("cursor of %d bytes, want more than %d", len(long), maxCursorLen)
	}
	if _, err := fuzzCodec.decode("search", fuzzTenant, fuzzQuery, long, modeName); !apperr.Is(err, apperr.EMALFORMED) {
		t.Fatalf("decode of a %d-byte cursor: %v, want EMALFORMED", len(long), err)
	}
	short := fuzzCodec.encode("search", fuzzTenant, fuzzQuery, cursor{Mode: modeName, Name: strings.Repeat("x", 2000), ID: fuzzTenant})
	if _, err := fuzzCodec.decode("search", fuzzTenant, fuzzQuery, short, modeName); err != nil {
		t.Fatalf("decode of a %d-byte cursor: %v", len(short), err)
	}
}
