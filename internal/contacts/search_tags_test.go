package contacts

import (
	"slices"
	"strings"
	"testing"
)

func TestTitleTags(t *testing.T) {
	t.Parallel()
	many := make([]string, maxExpansion+1)
	for i := range many {
		many[i] = "ma" + strings.Repeat("x", i+1)
	}
	tests := []struct {
		name       string
		lx         []lexeme
		all, anyOf []string
	}{
		{"OKExpanded", []lexeme{{text: "software", pos: []int16{1}}, {text: "eng", pos: []int16{2}, prefixed: []string{"engineer", "engineering"}}},
			[]string{"'~x:software'"}, []string{"'~x:engineer'", "'~x:engineering'"}},
		{"OKBroadIsPrefix", []lexeme{{text: "ma", pos: []int16{1}, prefixed: many}},
			nil, []string{"'~x:ma':*"}},
		{"OKUnseenIsPrefix", []lexeme{{text: "o'br", pos: []int16{2}}, {text: `a\b`, pos: []int16{1}}},
			[]string{`'~x:a\\b'`}, []string{"'~x:o''br':*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			all, anyOf, ok := titleTags(tt.lx)
			if !ok || !slices.Equal(all, tt.all) || !slices.Equal(anyOf, tt.anyOf) {
				t.Fatalf("titleTags = %q, %q, %v; want %q, %q, true", all, anyOf, ok, tt.all, tt.anyOf)
			}
		})
	}
}
