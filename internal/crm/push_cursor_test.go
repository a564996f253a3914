package crm

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

var cursorTestID = uuid.MustParse("01900000-0000-7000-8000-0000000c0501")

func rawCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestDecodePushCursor: the push history's cursor is not signed, so a
// cursor the list never issued is refused as malformed (400), never passed
// on to the database. A time PostgreSQL cannot hold ("-300000000000000000",
// year -7537) reached the query and answered 500 "timestamp out of range".
func TestDecodePushCursor(t *testing.T) {
	t.Parallel()
	issued := pageKey{Time: time.Date(2026, time.November, 30, 11, 2, 3, 456789000, time.UTC), ID: cursorTestID}
	tests := []struct {
		name string
		in   string
		want *pageKey
	}{
		{"OK", encodeCursor(issued), &issued},
		{"ErrNotBase64", "!!", nil},
		{"ErrNoDot", rawCursor("1764500523456789"), nil},
		{"ErrTimeBeforeYearOne", rawCursor("-300000000000000000." + cursorTestID.String()), nil},
		{"ErrTimeMinInt64", rawCursor("-9223372036854775808." + cursorTestID.String()), nil},
		{"ErrTimeMaxInt64", rawCursor("9223372036854775807." + cursorTestID.String()), nil},
		{"ErrTimeAfterYear9999", rawCursor("253402300800000000." + cursorTestID.String()), nil},
		{"ErrPlusSign", rawCursor("+1764500523456789." + cursorTestID.String()), nil},
		{"ErrUpperCaseID", rawCursor("1764500523456789.01900000-0000-7000-8000-0000000C0501"), nil},
		{"ErrBracedID", rawCursor("1764500523456789.{" + cursorTestID.String() + "}"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeCursor(tt.in)
			if tt.want == nil {
				if !apperr.Is(err, apperr.EMALFORMED) {
					t.Fatalf("decodeCursor(%q) = %+v, %v; want EMALFORMED", tt.in, got, err)
				}
				return
			}
			if err != nil || *got != *tt.want {
				t.Fatalf("decodeCursor(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

// FuzzDecodePushCursor feeds arbitrary strings to the push history's
// cursor decoder: no panic, a refusal is EMALFORMED, and an accepted cursor
// is one the list could have issued: it encodes back to the same string and
// its time is one PostgreSQL compares (years 1 to 9999). Seeds are in
// testdata/fuzz/FuzzDecodePushCursor; run with
// go test ./internal/crm -run '^$' -fuzz FuzzDecodePushCursor -fuzztime 1m.
func FuzzDecodePushCursor(f *testing.F) {
	f.Add(encodeCursor(pageKey{Time: time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC), ID: cursorTestID}))
	f.Add(rawCursor("-300000000000000000." + cursorTestID.String()))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := decodeCursor(s)
		if err != nil {
			if !apperr.Is(err, apperr.EMALFORMED) {
				t.Fatalf("decodeCursor(%q) = %v, want EMALFORMED", s, err)
			}
			return
		}
		if y := k.Time.Year(); y < 1 || y > 9999 {
			t.Fatalf("decodeCursor(%q) accepted a time in year %d", s, y)
		}
		if again := encodeCursor(*k); again != s {
			t.Fatalf("decodeCursor(%q) accepted a cursor that encodes back as %q", s, again)
		}
	})
}
