package imports

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// A file that is neither UTF-8 nor UTF-16 is in a single-byte code page,
// and nothing in its bytes says which: the same byte is "ł" in Polish
// Windows-1250 and "³" in Windows-1252. legacyEncoding reads the sample's
// high bytes in each candidate and keeps the one whose words are most
// plausibly written in a language of that code page. A word (a run of two
// or more letters) with a character from a high byte scores +2 when the
// sample's main language in that code page (the one that writes the most
// of its words) writes every letter of it, +1 when another language does
// ("Dąbrowski" is Polish, "Dvořák" Czech, "Иван" Cyrillic), and -1 when
// none does ("Dvoøák" mixes Danish and Spanish letters, "Èâàí" is no
// language's); a high byte that reads as a symbol inside a word
// ("D¹browski") or before lowercase letters ("£ukasz"), as an undefined
// byte or as a control character scores -1. Windows-1252, which was the
// only answer before, stays the answer unless another reads at least two
// points better, so words that read well either way ("Kučera" as
// "Kuèera") change nothing. The scoring is deterministic and linear in
// the sample's length.

// legacyCandidate is a code page detection may choose, with the letters
// (lower case, beyond ASCII) of each language written in it.
type legacyCandidate struct {
	name      string
	cm        *charmap.Charmap
	languages []string
	// cyrillic: a word is plausible when every letter is Cyrillic.
	cyrillic bool
}

// legacyCandidates in order of preference when scores tie.
var legacyCandidates = []legacyCandidate{
	{name: EncodingWindows1252, cm: charmap.Windows1252, languages: []string{
		"àâæçéèêëîïôœùûüÿ", // French
		"äöüß",             // German
		"áéíñóúü",          // Spanish
		"áâãàçéêíóôõú",     // Portuguese
		"àèéìíîòóù",        // Italian
		"àçéèíïòóúü",       // Catalan
		"áéëïóöüèà",        // Dutch
		"æøåéó",            // Danish, Norwegian
		"åäöé",             // Swedish
		"äöåšžõü",          // Finnish, Estonian
		"áðéíóúýþæö",       // Icelandic
	}},
	{name: EncodingWindows1250, cm: charmap.Windows1250, languages: latin2Languages},
	{name: EncodingWindows1251, cm: charmap.Windows1251, cyrillic: true},
	{name: EncodingISO88592, cm: charmap.ISO8859_2, languages: latin2Languages},
}

var latin2Languages = []string{
	"ąćęłńóśźż",         // Polish
	"áčďéěíňóřšťúůýž",   // Czech
	"áäčďéíĺľňóôŕšťúýž", // Slovak
	"áéíóöőúüű",         // Hungarian
	"ăâîşţșț",           // Romanian
	"čćđšž",             // Croatian, Slovene, Bosnian
	"äöüß",              // German
}

// legacyMargin is how many points another code page must score above
// Windows-1252 to be chosen.
const legacyMargin = 2

// legacyEncoding names the single-byte code page sample most plausibly is
// in (sample has high bytes and is not UTF-8).
func legacyEncoding(sample []byte) string {
	best, bestScore := legacyCandidates[0].name, 0
	base := 0
	for i, c := range legacyCandidates {
		score := c.score(sample)
		if i == 0 {
			bestScore, base = score, score
			continue
		}
		if score > bestScore && score-base >= legacyMargin {
			best, bestScore = c.name, score
		}
	}
	return best
}

// score rates how plausibly sample is text in c (see legacyEncoding).
func (c legacyCandidate) score(sample []byte) int {
	penalty := 0
	var words []uint32 // per word with a high byte: the languages that write it
	word := make([]rune, 0, 32)
	high := false
	flush := func() {
		if high && len(word) >= 2 {
			words = append(words, c.languagesOf(word))
		}
		word, high = word[:0], false
	}
	decode := func(b byte) rune {
		if b < utf8.RuneSelf {
			return rune(b)
		}
		return c.cm.DecodeByte(b)
	}
	for i, b := range sample {
		r := decode(b)
		if unicode.IsLetter(r) {
			word = append(word, r)
			high = high || b >= utf8.RuneSelf
			continue
		}
		if b >= utf8.RuneSelf {
			var next rune
			if i+1 < len(sample) {
				next = decode(sample[i+1])
			}
			switch {
			case r == utf8.RuneError || unicode.IsControl(r):
				penalty++ // an undefined byte, a C1 control
			case unicode.IsSpace(r) || strings.ContainsRune(wordPunctuation, r):
			case unicode.IsLetter(next) && (len(word) > 0 || unicode.IsLower(next)):
				penalty++ // "D¹browski", "£ukasz"
			}
		}
		flush()
	}
	flush()
	// The language that writes the most words is the file's: its words
	// count twice, those only another language writes once (a file of
	// Hungarian names read as Windows-1252 has Portuguese "Erdõs", French
	// "Szûcs" and German "Ödön", but no one language for all of them).
	var count [32]int
	for _, w := range words {
		for l := range count {
			if w&(1<<l) != 0 {
				count[l]++
			}
		}
	}
	top := 0
	for l := range count {
		if count[l] > count[top] {
			top = l
		}
	}
	score := -penalty
	for _, w := range words {
		switch {
		case w&(1<<top) != 0:
			score += 2
		case w != 0:
			score++
		default:
			score--
		}
	}
	return score
}

// wordPunctuation may stand next to letters in any language: apostrophes,
// quotation marks, a middle dot, dashes.
const wordPunctuation = "’‘´`“”„‚«»‹›·–—"

// languagesOf returns the languages of c (bit i: c.languages[i]; the
// Cyrillic candidate has one) that write every letter of word.
func (c legacyCandidate) languagesOf(word []rune) uint32 {
	if c.cyrillic {
		for _, r := range word {
			if !unicode.Is(unicode.Cyrillic, r) {
				return 0
			}
		}
		return 1
	}
	var mask uint32
	for i, letters := range c.languages {
		ok := true
		for _, r := range word {
			if r >= utf8.RuneSelf && !strings.ContainsRune(letters, unicode.ToLower(r)) {
				ok = false
				break
			}
		}
		if ok {
			mask |= 1 << i
		}
	}
	return mask
}
