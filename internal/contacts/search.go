package contacts

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// Sort orders of a search.
const (
	SortRelevance = "relevance"
	SortName      = "name"
	SortUpdated   = "updated"
)

// Limits of a search.
const (
	MaxQueryLen     = 200    // runes of free text
	MaxFilterValues = 100    // values in one filter
	totalCap        = 10_000 // totals and facets count at most this many matches
	// rankWindow is the largest match set that relevance sort ranks by
	// score; larger sets are paged newest first (see doc.go).
	rankWindow   = 2_000
	maxLexemes   = 12 // words of free text that take part in matching
	maxExpansion = 64 // vocabulary words a prefix may stand for
	// Above these planner estimates a new search neither counts (the total
	// is the estimate) nor ranks: see Search.
	exactCountBelow = 3_000
	skipRankAbove   = rankWindow
	// facetSample is how many matches facets count at most.
	facetSample = 300
	maxTitleLen = 200
)

// SearchParams is one search request. The caller (the HTTP handler) sets
// MaxPageSize from the tenant's package (max_contacts_per_query).
type SearchParams struct {
	Query       string
	Filters     Filters
	Sort        string // SortRelevance (default), SortName or SortUpdated
	PageSize    int
	MaxPageSize int
	Cursor      string
	Facets      bool // also count seniority, department, country and employee range
	// NoCorrections says the tenant has no corrections
	// (tenancy.Principal.TenantCorrected is false): the search skips
	// looking for corrections to match (see overlay). Leave it false
	// when unsure: the search then looks.
	NoCorrections bool
}

// Filters narrow a search (and the saved view). Values within one filter
// are OR'ed, filters are AND'ed.
type Filters struct {
	Titles         []string `json:"titles,omitempty"` // words of the title, as a phrase ("software eng")
	Seniorities    []string `json:"seniorities,omitempty"`
	Departments    []string `json:"departments,omitempty"`
	CompanyNames   []string `json:"company_names,omitempty"` // the whole name, case and accents aside
	CompanyDomains []string `json:"company_domains,omitempty"`
	Industries     []string `json:"industries,omitempty"`
	EmployeeRanges []string `json:"employee_ranges,omitempty"`
	Countries      []string `json:"countries,omitempty"` // ISO 3166 alpha-2 codes or names
	Regions        []string `json:"regions,omitempty"`
	Cities         []string `json:"cities,omitempty"`
	HasEmail       *bool    `json:"has_email,omitempty"`
	HasPhone       *bool    `json:"has_phone,omitempty"`
	ExcludeSaved   bool     `json:"exclude_saved,omitempty"`
}

// SearchResult is one page of a search.
type SearchResult struct {
	Items      []Contact `json:"items"`
	NextCursor string    `json:"next_cursor"`
	// Total counts the matches up to 10,000; TotalIsCapped says there are
	// more. TotalIsEstimate says Total is the planner's estimate, not a
	// count: see doc.go for when.
	Total           int     `json:"total"`
	TotalIsCapped   bool    `json:"total_is_capped"`
	TotalIsEstimate bool    `json:"total_is_estimate"`
	Facets          *Facets `json:"facets,omitempty"`
	// NewSearch is true for a first page (no cursor): the caller meters it
	// as one search; later pages of the same search are free.
	NewSearch bool `json:"-"`
	// Identity is the search's identity (SearchIdentity).
	Identity []byte `json:"-"`
}

// Facets count the values of four fields among the matches of the current
// query. Over a larger match set (IsCapped) they are counted over a sample
// of about 300 to 600 matches, spread over the table and the same on every
// run over the same data, so they cost about what a page costs; the sample
// counts are scaled to the total (counted, or estimated) and are
// approximate.
type Facets struct {
	Seniority     []FacetCount `json:"seniority"`
	Department    []FacetCount `json:"department"`
	Country       []FacetCount `json:"country"`
	EmployeeRange []FacetCount `json:"employee_range"`
	IsCapped      bool         `json:"is_capped"`
}

// FacetCount is one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// validatePageSize checks a page of contacts against the package's
// maximum contacts per query (max; 100 when unset).
func validatePageSize(size, max int) error {
	if max <= 0 {
		max = 100
	}
	return checkPageSize(size, max, " (the maximum contacts per query of your package)")
}

// checkPageSize checks a page size against max; why says where the bound
// comes from, if anywhere but this list.
func checkPageSize(size, max int, why string) error {
	if size < 1 || size > max {
		return apperr.Invalid("Invalid page size.", apperr.FieldError{Field: "page_size",
			Message: fmt.Sprintf("must be between 1 and %d%s", max, why)})
	}
	return nil
}

func validateQuery(q string) (string, error) {
	if !utf8.ValidString(q) {
		return "", apperr.Invalid("Invalid query.", apperr.FieldError{Field: "query", Message: "must be valid UTF-8"})
	}
	if freetext.HasControl(q) {
		return "", apperr.Invalid("Invalid query.", apperr.FieldError{Field: "query", Message: "must not contain control characters"})
	}
	// The limit counts the query as it is searched, without the spaces
	// around it.
	q = strings.TrimSpace(q)
	if n := utf8.RuneCountInString(q); n > MaxQueryLen {
		return "", apperr.Invalid("The query is too long.", apperr.FieldError{Field: "query",
			Message: fmt.Sprintf("must be at most %d characters long", MaxQueryLen)})
	}
	return q, nil
}

// normalize checks every filter value and returns the filters in canonical
// form: trimmed, deduplicated, sorted, codes upper- or lower-cased as stored.
func (f Filters) normalize() (Filters, error) {
	var errs []apperr.FieldError
	list := func(name string, in []string, fix func(string) (string, bool), msg string) []string {
		if len(in) > MaxFilterValues {
			errs = append(errs, apperr.FieldError{Field: "filters." + name, Message: fmt.Sprintf("must have at most %d values", MaxFilterValues)})
			return nil
		}
		out := make([]string, 0, len(in))
		for i, v := range in {
			n, ok := fix(v)
			if !ok {
				errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("filters.%s[%d]", name, i), Message: msg})
				continue
			}
			out = append(out, n)
		}
		slices.Sort(out)
		out = slices.Compact(out)
		if len(out) == 0 {
			return nil
		}
		return out
	}
	text := func(max int) func(string) (string, bool) {
		return func(v string) (string, bool) { return NormalizeText(v, max) }
	}
	lowerText := func(v string) (string, bool) {
		n, ok := NormalizeText(v, 300)
		return strings.ToLower(n), ok
	}
	oneOf := func(values []string) func(string) (string, bool) {
		return func(v string) (string, bool) {
			v = strings.ToLower(strings.TrimSpace(v))
			return v, slices.Contains(values, v)
		}
	}
	exactOneOf := func(values []string) func(string) (string, bool) {
		return func(v string) (string, bool) {
			v = strings.TrimSpace(v)
			return v, slices.Contains(values, v)
		}
	}
	out := Filters{HasEmail: f.HasEmail, HasPhone: f.HasPhone, ExcludeSaved: f.ExcludeSaved}
	out.Titles = list("titles", f.Titles, lowerText, "must be 1 to 300 characters of text")
	out.Seniorities = list("seniorities", f.Seniorities, oneOf(Seniorities), "must be one of "+strings.Join(Seniorities, ", "))
	out.Departments = list("departments", f.Departments, oneOf(Departments), "must be one of "+strings.Join(Departments, ", "))
	out.CompanyNames = list("company_names", f.CompanyNames, lowerText, "must be 1 to 300 characters of text")
	out.CompanyDomains = list("company_domains", f.CompanyDomains, NormalizeDomain, "must be a domain name such as example.com")
	out.Industries = list("industries", f.Industries, text(200), "must be 1 to 200 characters of text")
	out.EmployeeRanges = list("employee_ranges", f.EmployeeRanges, exactOneOf(EmployeeRanges), "must be one of "+strings.Join(EmployeeRanges, ", "))
	out.Countries = list("countries", f.Countries, NormalizeCountry, "must be an ISO 3166 country code or name")
	out.Regions = list("regions", f.Regions, text(200), "must be 1 to 200 characters of text")
	out.Cities = list("cities", f.Cities, text(200), "must be 1 to 200 characters of text")
	if len(errs) > 0 {
		return out, apperr.Invalid("Invalid filters.", errs...)
	}
	return out, nil
}

// lexeme is one word of the query as the text index stores it, with the
// vocabulary words it is a prefix of and the vocabulary words that are
// probably what a misspelt word meant.
type lexeme struct {
	text     string
	pos      []int16
	prefixed []string // vocabulary words starting with text (at most maxExpansion+1)
	similar  []string // trigram neighbours that do not start with text
}

// broad reports whether the word is a prefix of so many words (one or two
// letters, or more than maxExpansion vocabulary words) that GIN would merge
// a large part of the index for it. Such a word stays a prefix match, which
// a row checks cheaply, and a query of broad words only is answered by
// walking the id index (see Search).
func (l lexeme) broad() bool {
	return utf8.RuneCountInString(l.text) <= 2 || len(l.prefixed) > maxExpansion
}

// alternatives are the tsquery operands that match the word as a prefix:
// the vocabulary words it starts, which GIN intersects cheaply, or the
// prefix operator itself when there are too many of them (or none: a word
// the vocabulary has not seen yet).
func (l lexeme) alternatives() []string {
	if len(l.prefixed) == 0 || l.broad() {
		return []string{tsQuote(l.text) + ":*"}
	}
	out := make([]string, len(l.prefixed))
	for i, w := range l.prefixed {
		out[i] = tsQuote(w)
	}
	return out
}

// tsQuote quotes a lexeme for tsquery input.
func tsQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `''`) + "'"
}

// textQueries builds the tsqueries of the free text:
//   - strict: every word as a prefix ("jon smi" → 'jon':* & 'smi':*), for
//     ranking. It is the prefix operator itself, not the vocabulary words
//     the prefix expands to: ts_rank divides by the number of operands, so
//     ranks over an expansion would shift whenever the vocabulary gains a
//     word, and a relevance cursor (rank, id) taken before would no longer
//     fit the ranks of the next page, which then repeats rows;
//   - wide: what matches, every word as its expansion plus its trigram
//     neighbours ("jon smi" → (jon | jonathan | jones) & (smith |
//     smithers); enginer → enginer:* | engineer | engineering), a CJK
//     name's splits (cjkSplits) and a CJK word's bigrams (cjkGrams);
//   - exactName: any word is a whole word of the name (weight A); ranking
//     counts how many.
//
// The quoted phrases of the text (phrases, phraseQuery operands, with their
// words) are ANDed to wide as they are and to strict as their words, and
// their words are whole words of the name for exactName. Without phrases
// the queries are those of the words alone.
func textQueries(lx []lexeme, phrases []phrase) (strict, wide, exactName string) {
	var s, w, e []string
	for _, l := range lx {
		s = append(s, tsQuote(l.text)+":*")
		alts := append(l.alternatives(), cjkSplits(l.text)...)
		alts = append(alts, cjkGrams(l.text)...)
		for _, sim := range l.similar {
			alts = append(alts, tsQuote(sim))
		}
		w = append(w, "("+strings.Join(alts, " | ")+")")
		e = append(e, tsQuote(l.text)+":A")
	}
	for _, p := range phrases {
		// Every match holds the phrase as typed, so strict (a rank, read
		// on each match) takes its words, which cost less to check than
		// their positions: ts_rank then weighs the fields they are in.
		ws := make([]string, len(p.words))
		for i, word := range p.words {
			ws[i] = tsQuote(word)
			e = append(e, tsQuote(word)+":A")
		}
		s, w = append(s, "("+strings.Join(ws, " & ")+")"), append(w, p.query)
	}
	return strings.Join(s, " & "), strings.Join(w, " & "), strings.Join(e, " | ")
}

// phrase is one quoted phrase of the free text as a tsquery operand, and
// its words.
type phrase struct {
	query string
	words []string
}

// isQuote reports whether r opens or closes a phrase of the free text: the
// typewriter quote and the typographic ones that phones and word
// processors type in its place.
func isQuote(r rune) bool {
	return r == '"' || r == '“' || r == '”' || r == '„'
}

// splitPhrases separates the quoted phrases of a free-text query from its
// other words (rest). Quotes pair up from the start of the text; an odd
// last quote is ignored, the text after it being words as if it were not
// there (`"vice president` is vice president). A phrase holding a Chinese,
// Japanese or Korean character goes back to the words: those scripts do
// not put spaces between words, so their words match anywhere inside one
// (cjkGrams) with quotes as without. rest is the query itself when it has
// no quote, so a search without quotes runs exactly as before phrases.
func splitPhrases(q string) (rest string, phrases []string) {
	if !strings.ContainsFunc(q, isQuote) {
		return q, nil
	}
	var segs []string
	start := 0
	for i, r := range q {
		if isQuote(r) {
			segs = append(segs, q[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	segs = append(segs, q[start:])
	var words []string
	for i, s := range segs {
		if i%2 == 1 && i < len(segs)-1 && !strings.ContainsFunc(s, isCJK) {
			phrases = append(phrases, s)
		} else {
			words = append(words, s)
		}
	}
	return strings.Join(words, " "), phrases
}

// phraseQuery is the tsquery operand of a quoted phrase's words (lx, with
// their positions in the phrase): the words as whole words (no prefix, no
// typo neighbours: quotes ask for these very words), each after the one
// before, within one field of the name, title and company. The fields'
// words follow each other in search_doc (name, then title, then company),
// so without a weight a phrase would match the last word of a title and the
// first of the company: each field's weight is an alternative
// (('vice':A <-> 'president':A) | ('vice':B <-> 'president':B) | …). A
// phrase of one word is that whole word, in any field; ok is false for one
// without words.
func phraseQuery(lx []lexeme) (p phrase, ok bool) {
	type at struct {
		pos  int16
		word string
	}
	var seq []at
	for _, l := range lx {
		for _, pos := range l.pos {
			seq = append(seq, at{pos, l.text})
		}
	}
	if len(seq) == 0 {
		return phrase{}, false
	}
	slices.SortFunc(seq, func(a, b at) int { return int(a.pos) - int(b.pos) })
	if len(seq) > maxLexemes {
		seq = seq[:maxLexemes]
	}
	for _, a := range seq {
		if !slices.Contains(p.words, a.word) {
			p.words = append(p.words, a.word)
		}
	}
	if len(seq) == 1 {
		p.query = tsQuote(seq[0].word)
		return p, true
	}
	alts := make([]string, 0, 3)
	for _, weight := range []string{"A", "B", "C"} {
		var b strings.Builder
		for i, a := range seq {
			if i > 0 {
				// The simple configuration drops no word, so the
				// positions follow each other; a gap is kept as it is.
				if d := a.pos - seq[i-1].pos; d == 1 {
					b.WriteString(" <-> ")
				} else {
					fmt.Fprintf(&b, " <%d> ", d)
				}
			}
			b.WriteString(tsQuote(a.word) + ":" + weight)
		}
		alts = append(alts, "("+b.String()+")")
	}
	p.query = "(" + strings.Join(alts, " | ") + ")"
	return p, true
}

// lenientText is the wide query of textQueries with every word also as a
// prefix ('enginee':*), for matching the few contacts whose corrected
// values a search reads (overlay): a word of a corrected value is in no
// vocabulary, so the expansion of a prefix may leave it out.
func lenientText(lx []lexeme, phrases []phrase) string {
	var w []string
	for _, l := range lx {
		alts := append(l.alternatives(), cjkSplits(l.text)...)
		alts = append(alts, cjkGrams(l.text)...)
		for _, sim := range l.similar {
			alts = append(alts, tsQuote(sim))
		}
		if p := tsQuote(l.text) + ":*"; !slices.Contains(alts, p) {
			alts = append(alts, p)
		}
		w = append(w, "("+strings.Join(alts, " | ")+")")
	}
	for _, p := range phrases {
		w = append(w, p.query)
	}
	return strings.Join(w, " & ")
}

// maxCJKName is the longest word of Chinese, Japanese or Korean script
// that cjkSplits takes for a name.
const maxCJKName = 8

// cjkSplits are the tsquery operands that find a word of Chinese, Japanese
// or Korean script that is a name written as one ("王伟", "山田太郎"): the
// contact keeps family and given name in two fields, which the index holds
// as two words (王, 伟), so the word as typed matches neither. Each split
// in two is an operand, the first part a whole word and the rest a prefix
// (('王' & '伟':*), ('山田' & '太郎':*)), in whichever field each part is.
// Other words, and longer ones, have none.
func cjkSplits(word string) []string {
	r := []rune(word)
	if len(r) < 2 || len(r) > maxCJKName {
		return nil
	}
	for _, c := range r {
		if !unicode.In(c, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
			return nil
		}
	}
	out := make([]string, 0, len(r)-1)
	for i := 1; i < len(r); i++ {
		out = append(out, "("+tsQuote(string(r[:i]))+" & "+tsQuote(string(r[i:]))+":*)")
	}
	return out
}

// maxGrams is the most bigrams cjkGrams requires of a word: a longer word
// matches the documents holding its first maxGrams bigrams.
const maxGrams = 16

// isCJK reports whether r is of the Chinese, Japanese or Korean scripts
// that search_doc holds bigrams of: the character class of
// contacts_grams (migration 00049), which must stay the same.
func isCJK(r rune) bool {
	return r >= 0x3040 && r <= 0x30ff || r >= 0x3400 && r <= 0x4dbf || r >= 0x4e00 && r <= 0x9fff ||
		r >= 0xac00 && r <= 0xd7af || r >= 0xf900 && r <= 0xfaff || r >= 0x20000 && r <= 0x2ffff
}

// cjkGrams is the tsquery operand that finds a word of Chinese, Japanese
// or Korean script anywhere inside a word of the name, title or company:
// those scripts run words together ("软件工程师", software engineer), so
// "工程师" is a part of one indexed word that no prefix reaches. search_doc
// holds every two-character sequence of such words as a tag ('~g:工程',
// contacts_grams), and the word matches the documents holding all of its
// own: ('~g:工程' & '~g:程师'). Words of other characters, or of one, have
// none.
func cjkGrams(word string) []string {
	r := []rune(word)
	if len(r) < 2 {
		return nil
	}
	for _, c := range r {
		if !isCJK(c) {
			return nil
		}
	}
	var grams []string
	for i := 0; i+1 < len(r) && len(grams) < maxGrams; i++ {
		if g := tsQuote("~g:" + string(r[i:i+2])); !slices.Contains(grams, g) {
			grams = append(grams, g)
		}
	}
	if len(grams) == 1 {
		return grams
	}
	return []string{"(" + strings.Join(grams, " & ") + ")"}
}

// titleTags turns one titles filter value into tsquery operands over the
// title tags: every word but the last must be in the title (all), and the
// last as a prefix (any of its expansions): "software eng" → all
// {'~x:software'}, any {'~x:engineer', '~x:engineering'}. A last word with
// more than maxExpansion vocabulary words (the vocabulary holds names and
// company words too, so "ma" easily has), or with none yet, is a prefix
// match on the tag ('~x:ma':*), as alternatives does for free text: an
// exact tag would match only titles holding that very word. The prefix
// stays within title words, as no other lexeme of search_doc starts with
// "~x:" (the parser never makes one with a colon after a tilde). ok is
// false for a value without words.
//
// A word of two or more Chinese, Japanese or Korean characters, wherever
// it is in the value, is its bigram tags instead (cjkGrams): they find the
// contacts whose name, title or company holds it anywhere, and titleCheck
// keeps those whose title does.
func titleTags(lx []lexeme) (all, anyOf []string, ok bool) {
	if len(lx) == 0 {
		return nil, nil, false
	}
	lx = titleWords(lx)
	for _, l := range lx[:len(lx)-1] {
		if g := cjkGrams(l.text); g != nil {
			all = append(all, g...)
			continue
		}
		all = append(all, tsQuote("~x:"+l.text))
	}
	last := lx[len(lx)-1]
	if g := cjkGrams(last.text); g != nil {
		anyOf = g
	} else if len(last.prefixed) == 0 || len(last.prefixed) > maxExpansion {
		anyOf = []string{tsQuote("~x:"+last.text) + ":*"}
	} else {
		for _, w := range last.prefixed {
			anyOf = append(anyOf, tsQuote("~x:"+w))
		}
	}
	return all, anyOf, true
}

// titleCheck is the condition over the search document doc (SQL) that a
// titles filter value (lx) holds for a value with a word of two or more
// Chinese, Japanese or Korean characters, and "" for any other. Such a word
// must be inside a word of the title: its bigram tags (titleTags) come from
// the name, title and company alike, so each candidate is checked against
// the title's own words in the document, those of weight B (search_doc's
// title part, ts_filter). The value's other words are checked as titleTags matches
// them: the last as the start of a title word, the rest whole; always
// asks for the condition of a value without such a word too (another value
// of the filter has one: the filter is the OR of its values' conditions).
// The words are written into the SQL, quoted (sqlString): the condition
// goes into two statements that number their arguments apart.
func titleCheck(doc string, lx []lexeme, always bool) string {
	lx = titleWords(lx)
	if len(lx) == 0 || !always && !slices.ContainsFunc(lx, func(l lexeme) bool { return cjkGrams(l.text) != nil }) {
		return ""
	}
	title := "ts_filter(" + doc + ", '{b}')"
	conds := make([]string, len(lx))
	for i, l := range lx {
		w := sqlString(l.text)
		switch {
		case cjkGrams(l.text) != nil:
			// The text of the title's words ('高级软件工程师':3B 'x':4B):
			// between two words it holds quotes, digits and spaces,
			// which no such word holds, so the word is inside one
			// (twice as fast as reading the words one by one).
			conds[i] = "strpos(" + title + "::text, " + w + ") > 0"
		case i == len(lx)-1:
			conds[i] = "EXISTS (SELECT 1 FROM unnest(" + title + ") u WHERE starts_with(u.lexeme, " + w + "))"
		default:
			conds[i] = "EXISTS (SELECT 1 FROM unnest(" + title + ") u WHERE u.lexeme = " + w + ")"
		}
	}
	return "(" + strings.Join(conds, " AND ") + ")"
}

// sqlString quotes s as an SQL string constant, whatever
// standard_conforming_strings says.
func sqlString(s string) string {
	return "E'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}

// titleLast is the word of a titles filter value that titleTags matches
// as a prefix.
func titleLast(lx []lexeme) string {
	lx = titleWords(lx)
	return lx[len(lx)-1].text
}

// titleWords is a titles filter value's words (lx) in the order they were
// typed, the first maxLexemes of them: the words titleTags, titleCheck and
// titleLast read.
func titleWords(lx []lexeme) []lexeme {
	lx = slices.Clone(lx)
	slices.SortFunc(lx, func(a, b lexeme) int { return int(firstPos(a)) - int(firstPos(b)) })
	if len(lx) > maxLexemes {
		lx = lx[:maxLexemes]
	}
	return lx
}

func firstPos(l lexeme) int16 {
	if len(l.pos) == 0 {
		return 0
	}
	return l.pos[0]
}
