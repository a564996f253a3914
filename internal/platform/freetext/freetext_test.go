package freetext

import "testing"

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want, why string
	}{
		{"OK", "  Acme   GmbH ", "Acme GmbH", ""},
		{"OKInvisibleEdgesTrimmed", "\u200b\ufeffAcme\u2060", "Acme", ""},
		{"OKJoinerInsideKept", "👩\u200d💻 Team", "👩\u200d💻 Team", ""},
		{"OKPersianNonJoiner", "می\u200cخواهم", "می\u200cخواهم", ""},
		{"OKComposed", "Cafe\u0301 Bar", "Caf\u00e9 Bar", ""},
		{"OKComposedFitsLength", "e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", ""},
		{"ErrRequiredBlank", "   ", "", "is required (spaces and invisible characters alone do not count)"},
		{"ErrRequiredInvisible", "\u200b\u200b", "", "is required (spaces and invisible characters alone do not count)"},
		{"ErrRequiredHangulFillers", "\u3164\u3164\u3164", "", "is required (spaces and invisible characters alone do not count)"},
		{"ErrRequiredBraille", "\u2800", "", "is required (spaces and invisible characters alone do not count)"},
		{"ErrTooShort", " x ", "", "must be at least 2 characters long, not counting surrounding spaces or invisible characters"},
		{"ErrTooLong", "abcdefghijk", "", "must be at most 10 characters long"},
		{"ErrControl", "Acme\u0007", "", "must not contain control characters"},
		{"ErrEscape", "Acme\u001b[31m", "", "must not contain control characters"},
		{"ErrInvalidUTF8", "Acme\xff", "", "must be valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, why := Check(tt.in, 2, 10)
			if got != tt.want || why != tt.why {
				t.Fatalf("Check(%q) = %q, %q; want %q, %q", tt.in, got, why, tt.want, tt.why)
			}
		})
	}
}

func TestOptional(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "  ", "\u200b"} {
		if got, why := Check(in, 0, 10); got != "" || why != "" {
			t.Fatalf("Check(%q, 0, 10) = %q, %q; an optional value may be empty", in, got, why)
		}
	}
}
