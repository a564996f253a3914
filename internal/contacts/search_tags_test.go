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
		{"OKCJKWordIsGrams", []lexeme{{text: "工程师", pos: []int16{2}}, {text: "senior", pos: []int16{1}}},
			[]string{"'~x:senior'"}, []string{"('~g:工程' & '~g:程师')"}},
		{"OKCJKWordNotLastIsGrams", []lexeme{{text: "部長", pos: []int16{1}}, {text: "eng", pos: []int16{2}}},
			[]string{"'~g:部長'"}, []string{"'~x:eng':*"}},
		{"OKOneCJKCharacterIsPrefix", []lexeme{{text: "高", pos: []int16{1}}}, nil, []string{"'~x:高':*"}},
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

// TestTitleCheck: only a value with a word of two or more Chinese,
// Japanese or Korean characters needs the check (unless always), which
// reads the title's words (weight B) of the document: such a word inside
// one, the last other word as the start of one, the rest whole; quotes and
// backslashes stay in the string constant.
func TestTitleCheck(t *testing.T) {
	t.Parallel()
	exists := func(c string) string {
		return "EXISTS (SELECT 1 FROM unnest(ts_filter(d, '{b}')) u WHERE " + c + ")"
	}
	tests := []struct {
		name   string
		lx     []lexeme
		always bool
		want   string
	}{
		{"OKLatinNone", []lexeme{{text: "eng", pos: []int16{1}}}, false, ""},
		{"OKOneCJKCharacterNone", []lexeme{{text: "高", pos: []int16{1}}}, false, ""},
		{"OKCJK", []lexeme{{text: "eng", pos: []int16{2}}, {text: "工程师", pos: []int16{1}}}, false,
			"(strpos(ts_filter(d, '{b}')::text, E'工程师') > 0 AND " + exists("starts_with(u.lexeme, E'eng')") + ")"},
		{"OKAlwaysLatin", []lexeme{{text: `a\b`, pos: []int16{2}}, {text: "o'b", pos: []int16{1}}}, true,
			"(" + exists(`u.lexeme = E'o''b'`) + " AND " + exists(`starts_with(u.lexeme, E'a\\b')`) + ")"},
		{"OKNoWords", nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := titleCheck("d", tt.lx, tt.always); got != tt.want {
				t.Fatalf("titleCheck = %s\nwant          %s", got, tt.want)
			}
		})
	}
}
