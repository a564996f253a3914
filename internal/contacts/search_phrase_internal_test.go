package contacts

import (
	"slices"
	"testing"
)

// TestSplitPhrases: quotes pair up from the start of the text, an odd last
// quote is ignored, a phrase of Chinese, Japanese or Korean goes back to
// the words, and a query without quotes is left exactly as it is (its
// search runs as it did before phrases).
func TestSplitPhrases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, rest string
		phrases           []string
	}{
		{"OKNoQuotes", "  jon  smi ", "  jon  smi ", nil},
		{"OKNoQuotesApostrophe", "o'brien", "o'brien", nil},
		{"OKPhrase", `"vice president"`, " ", []string{"vice president"}},
		{"OKPhraseAndWords", `head "of sales" emea`, "head   emea", []string{"of sales"}},
		{"OKNoSpaceAroundQuotes", `a"b c"d`, "a d", []string{"b c"}},
		{"OKTwoPhrases", `"a b" "c d"`, "   ", []string{"a b", "c d"}},
		{"OKTypographic", "„a b“ “c d”", "   ", []string{"a b", "c d"}},
		{"OKUnbalanced", `"vice president`, ` vice president`, nil},
		{"OKUnbalancedAfterPhrase", `"a b" c"d`, `  c d`, []string{"a b"}},
		{"OKEmptyPhrase", `"" x`, "  x", []string{""}},
		{"OKCJKPhraseIsWords", `"工程师" "a b"`, ` 工程师   `, []string{"a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rest, phrases := splitPhrases(tt.query)
			if rest != tt.rest || !slices.Equal(phrases, tt.phrases) {
				t.Fatalf("splitPhrases(%q) = %q, %q; want %q, %q", tt.query, rest, phrases, tt.rest, tt.phrases)
			}
		})
	}
}

// TestPhraseQuery: a phrase is its words in order within one field (one
// weight); a word the parser makes several lexemes of keeps their
// positions; a phrase of one word is that whole word.
func TestPhraseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lx    []lexeme
		query string
		words []string
		ok    bool
	}{
		{"OKTwoWords", []lexeme{{text: "president", pos: []int16{2}}, {text: "vice", pos: []int16{1}}},
			`(('vice':A <-> 'president':A) | ('vice':B <-> 'president':B) | ('vice':C <-> 'president':C))`,
			[]string{"vice", "president"}, true},
		{"OKRepeatedWord", []lexeme{{text: "a", pos: []int16{1, 3}}, {text: "b", pos: []int16{2}}},
			`(('a':A <-> 'b':A <-> 'a':A) | ('a':B <-> 'b':B <-> 'a':B) | ('a':C <-> 'b':C <-> 'a':C))`,
			[]string{"a", "b"}, true},
		{"OKGap", []lexeme{{text: "a", pos: []int16{1}}, {text: "b", pos: []int16{3}}},
			`(('a':A <2> 'b':A) | ('a':B <2> 'b':B) | ('a':C <2> 'b':C))`, []string{"a", "b"}, true},
		{"OKOneWord", []lexeme{{text: "o'neil", pos: []int16{1}}}, `'o''neil'`, []string{"o'neil"}, true},
		{"ErrNoWords", nil, "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, ok := phraseQuery(tt.lx)
			if ok != tt.ok || p.query != tt.query || !slices.Equal(p.words, tt.words) {
				t.Fatalf("phraseQuery = %q, %q, %v; want %q, %q, %v", p.query, p.words, ok, tt.query, tt.words, tt.ok)
			}
		})
	}
}
