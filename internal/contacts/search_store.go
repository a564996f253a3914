package contacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// matchSet is a search compiled to SQL: the WHERE clause over contacts c
// and its arguments ($1 is the tenant id). Page, count and facet queries
// extend it.
type matchSet struct {
	where   string
	args    []any
	hasText bool
	broad   bool   // every word is lexeme.broad
	strict  string // tsqueries of the free text, for ranking
	exact   string
	// in is the placeholder of the ids of the contacts that match by the
	// tenant's corrected values ("" when none do); ov holds their ranks,
	// countries and employee ranges in the same order (overlay), which
	// the statements that read them add as arguments of their own.
	in string
	ov *overlay
	// contactFree says that no condition reads the contact but its
	// visibility (no free text, no filter on its fields).
	contactFree bool
	// savedWhere is the saved view's where over saved contacts s alone,
	// set by savedQuery when contactFree: every saved contact is visible
	// to its tenant (saved_contacts_visible, migration 00066), so a page or
	// a count with no condition on the contact need not read contacts.
	savedWhere string
}

// rank is the relevance of a match: base (rankSQL) over search_doc, or
// for a contact matched by its corrected values, its rank over them. arg
// adds an argument to the statement and returns its placeholder.
func (m *matchSet) rank(base string, arg func(any) string) string {
	if m.in == "" {
		return base
	}
	// Arrays go as text: statements run in exec mode, which sends
	// parameters of no known type as text (execArgs).
	ranks := make([]string, len(m.ov.rank))
	for i, r := range m.ov.rank {
		ranks[i] = strconv.FormatFloat(float64(r), 'g', -1, 32)
	}
	return "(CASE WHEN c.id = ANY(" + m.in + "::uuid[]) THEN (" + arg(ranks) + "::real[])[array_position(" + m.in +
		"::uuid[], c.id)] ELSE " + base + " END)"
}

// column reads contacts c's country or employee_range as the tenant sees
// it, corrections applied; arg as for rank.
func (m *matchSet) column(name string, arg func(any) string) string {
	if m.in == "" {
		return "c." + name
	}
	vals := m.ov.country
	if name == "employee_range" {
		vals = m.ov.employeeRange
	}
	return "(CASE WHEN c.id = ANY(" + m.in + "::uuid[]) THEN (" + arg(vals) + "::text[])[array_position(" + m.in +
		"::uuid[], c.id)] ELSE c." + name + " END)"
}

func (m *matchSet) arg(v any) string {
	m.args = append(m.args, v)
	return "$" + strconv.Itoa(len(m.args))
}

// prefixed is the SQL of the vocabulary words (of the shared database and
// of the tenant, $3) that start with lexeme, most frequent first.
func prefixed(lexeme string) string {
	rng := `st.term >= ` + lexeme + ` COLLATE "C" AND st.term < (` + lexeme + ` || chr(1114111)) COLLATE "C"`
	return `ARRAY(SELECT u.term FROM (
		SELECT st.term, st.ndoc FROM search_terms st WHERE st.tenant_id IS NULL AND ` + rng + `
		UNION ALL
		SELECT st.term, st.ndoc FROM search_terms st WHERE st.tenant_id = $3 AND ` + rng + `) u
		ORDER BY u.ndoc DESC, u.term LIMIT ` + strconv.Itoa(maxExpansion+1) + `)`
}

// analyze turns the free text, its quoted phrases and the title filters
// into index lexemes, with typo candidates for the words of the free text,
// in one round trip. A phrase's lexemes carry only their positions.
func (s *Service) analyze(ctx context.Context, tenantID uuid.UUID, query string, titles, phrases []string) ([]lexeme, [][]lexeme, [][]lexeme, error) {
	if query == "" && len(titles) == 0 && len(phrases) == 0 {
		return nil, nil, nil, nil
	}
	sql := `
		SELECT 0::bigint, t.lexeme, t.positions,
		       ` + prefixed("t.lexeme") + `,
		       CASE WHEN length(t.lexeme) >= 4 THEN ARRAY(
		            SELECT st.term FROM search_terms st
		             WHERE st.term % t.lexeme AND (st.tenant_id IS NULL OR st.tenant_id = $3)
		               AND NOT starts_with(st.term, t.lexeme COLLATE "C")
		               AND similarity(st.term, t.lexeme) >= 0.4
		             ORDER BY similarity(st.term, t.lexeme) DESC, st.ndoc DESC, st.term
		             LIMIT 4)
		       ELSE '{}'::text[] END
		  FROM unnest(to_tsvector('simple'::regconfig, contacts_fold($1))) t
		UNION ALL
		SELECT v.i, t.lexeme, t.positions,
		       ` + prefixed("t.lexeme") + `,
		       '{}'::text[]
		  FROM unnest($2::text[]) WITH ORDINALITY v(txt, i),
		       unnest(to_tsvector('simple'::regconfig, contacts_fold(v.txt))) t`
	args := []any{query, titles, tenantID}
	if len(phrases) > 0 {
		// Only a query with a phrase sends this part: one without sends
		// the statement it sent before phrases.
		sql += `
		UNION ALL
		SELECT -v.i, t.lexeme, t.positions, '{}'::text[], '{}'::text[]
		  FROM unnest($4::text[]) WITH ORDINALITY v(txt, i),
		       unnest(to_tsvector('simple'::regconfig, contacts_fold(v.txt))) t`
		args = append(args, phrases)
	}
	rows, err := s.db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("contacts: analyze query: %w", err)
	}
	defer rows.Close()
	var q []lexeme
	tl := make([][]lexeme, len(titles))
	ph := make([][]lexeme, len(phrases))
	for rows.Next() {
		var (
			part int64
			l    lexeme
		)
		if err := rows.Scan(&part, &l.text, &l.pos, &l.prefixed, &l.similar); err != nil {
			return nil, nil, nil, fmt.Errorf("contacts: analyze query: %w", err)
		}
		if part < 0 {
			if int(-part) <= len(ph) {
				ph[-part-1] = append(ph[-part-1], l)
			}
			continue
		}
		// Writers racing on a new word may each have added it to the
		// vocabulary (migration 00021). A list longer than maxExpansion
		// stays as read: the word is broad whatever its duplicates.
		if len(l.prefixed) <= maxExpansion {
			l.prefixed = distinct(l.prefixed)
		}
		l.similar = distinct(l.similar)
		if part == 0 {
			q = append(q, l)
		} else if int(part) <= len(tl) {
			tl[part-1] = append(tl[part-1], l)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("contacts: analyze query: %w", err)
	}
	// Keep the first words as typed when there are too many.
	slices.SortFunc(q, func(a, b lexeme) int { return int(firstPos(a)) - int(firstPos(b)) })
	if len(q) > maxLexemes {
		q = q[:maxLexemes]
	}
	return q, tl, ph, nil
}

// distinct drops repeated words from a short list, keeping the first of each.
func distinct(words []string) []string {
	out := words[:0]
	for _, w := range words {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// compile builds the match set of a search for tenantID. facets says the
// search counts facets, which read the country and company of each match.
//
// The tenant's corrections (the overlay) are matched as shown: a contact
// whose corrected value the search reads matches on its corrected values,
// not on the shared ones its search_doc holds (see overlay). uncorrected
// says the tenant has never made a correction, so there are none to look
// for.
func (s *Service) compile(ctx context.Context, tenantID uuid.UUID, query string, f Filters, facets, uncorrected bool) (*matchSet, error) {
	m := &matchSet{args: []any{tenantID}}
	b := &matchBuilder{fields: map[string]bool{}}
	if facets {
		b.read("country", "company_name")
	}
	words, quoted := splitPhrases(query)
	lx, titles, pl, err := s.analyze(ctx, tenantID, words, f.Titles, quoted)
	if err != nil {
		return nil, err
	}
	var phrases []phrase // quoted phrases with words (phraseQuery), the first maxLexemes
	for _, l := range pl {
		if p, ok := phraseQuery(l); ok && len(phrases) < maxLexemes {
			phrases = append(phrases, p)
		}
	}
	if len(lx) > 0 || len(phrases) > 0 {
		strict, wide, exact := textQueries(lx, phrases)
		m.hasText, m.strict, m.exact = true, strict, exact
		// A phrase's words are whole words: GIN intersects them cheaply.
		m.broad = len(phrases) == 0 && !slices.ContainsFunc(lx, func(l lexeme) bool { return !l.broad() })
		b.parts = append(b.parts, "("+wide+")")
		b.oparts = append(b.oparts, "("+lenientText(lx, phrases)+")")
		b.read("title", "company_name")
	} else if query != "" {
		// Free text without a word (punctuation, symbols, emoji) matches
		// nothing, as titles made only of punctuation do; dropping it
		// would answer the whole database as its matches.
		b.nothing()
	}
	if len(f.Titles) > 0 {
		b.titles(titles)
	}
	b.tags("~s:", f.Seniorities, "")
	b.tags("~d:", f.Departments, "")
	places, err := s.fold(ctx, f.Industries, f.Regions, f.Cities, f.CompanyNames)
	if err != nil {
		return nil, err
	}
	// A corrected company name moves the contact to the company of that
	// name, with its domain, industry and size (overlayCompany).
	b.tags("~i:", places[0], "company_name")
	b.tags("~e:", f.EmployeeRanges, "company_name")
	b.tags("~c:", f.Countries, "country")
	b.tags("~r:", places[1], "")
	b.tags("~t:", places[2], "city")
	b.tags("~n:", places[3], "company_name")
	b.tags("~w:", f.CompanyDomains, "company_name")
	b.has(f.HasEmail, "~m", "email")
	b.has(f.HasPhone, "~p", "phone")
	if err := s.setWhere(ctx, tenantID, m, b, uncorrected, f.ExcludeSaved); err != nil {
		return nil, err
	}
	return m, nil
}

// setWhere sets m's WHERE clause (and its overlay) from b's conditions: a
// contact the tenant corrected matches by its corrected values, unless
// uncorrected says the tenant has no corrections. excludeSaved leaves out
// the contacts the tenant saved.
func (s *Service) setWhere(ctx context.Context, tenantID uuid.UUID, m *matchSet, b *matchBuilder, uncorrected, excludeSaved bool) error {
	match := b.match
	var ov *overlay
	if len(b.fields) > 0 && !uncorrected {
		// smatch is match over contacts c in the overlay's statement,
		// which numbers its own arguments.
		cond, smatch := slices.Clone(b.omatch), slices.Clone(match)
		var oargs []any
		if len(b.oparts) > 0 {
			oargs = append(oargs, strings.Join(b.oparts, " & "), strings.Join(b.parts, " & "))
			cond = append(cond, "e.doc @@ $3::tsquery")
			smatch = append(smatch, "c.search_doc @@ $4::tsquery")
		}
		if b.check != "" {
			cond, smatch = append(cond, b.ocheck), append(smatch, b.check)
		}
		var err error
		if ov, err = s.overlay(ctx, tenantID, slices.Sorted(maps.Keys(b.fields)), cond, smatch, oargs, m.strict, m.exact); err != nil {
			return err
		}
	}
	if len(b.parts) > 0 {
		match = append(match, "c.search_doc @@ "+m.arg(strings.Join(b.parts, " & "))+"::tsquery")
	}
	if b.check != "" {
		match = append(match, b.check)
	}
	conds := []string{visibleSQL}
	if ov != nil && (len(ov.out) > 0 || len(ov.in) > 0) {
		// A contact the overlay changes matches by its corrected values,
		// never by the shared ones: out are those the shared values would
		// let in, in those the corrected values do.
		c := "true"
		if len(match) > 0 {
			c = strings.Join(match, " AND ")
		}
		if len(ov.out) > 0 {
			c = "(" + c + ") AND NOT (c.id = ANY(" + m.arg(uuidArray(ov.out)) + "::uuid[]))"
		}
		if len(ov.in) > 0 {
			m.in, m.ov = m.arg(uuidArray(ov.in)), ov
			c = "(" + c + " OR c.id = ANY(" + m.in + "::uuid[]))"
		}
		conds = append(conds, "("+c+")")
	} else {
		conds = append(conds, match...)
	}
	m.contactFree = len(conds) == 1 && !excludeSaved
	if excludeSaved {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM saved_contacts sx WHERE sx.tenant_id = $1 AND sx.contact_id = c.id)")
	}
	m.where = strings.Join(conds, "\n   AND ")
	return nil
}

// matchBuilder gathers the conditions of a search as compile reads its
// text and filters, each twice: over contacts c, and over the overlay's
// effective rows e (the tenant's corrected values).
type matchBuilder struct {
	// match and omatch are the conditions that read contact fields.
	match, omatch []string
	// Text and filters make one tsquery over search_doc, whose tags
	// ('~c:DE') carry the filterable values: OR within a filter, AND
	// across. parts are its operands; oparts the same for the overlay,
	// every prefix also as the prefix operator: a corrected value's words
	// need not be in the vocabulary.
	parts, oparts []string
	// check and ocheck are conditions that read more of a row than a GIN
	// recheck (titleCheck): they follow the tsquery, so that a row the
	// tsquery refuses never pays for them (an index walk tests every row).
	check, ocheck string
	// fields are the correctable fields the conditions (and the facets)
	// read.
	fields map[string]bool
}

func (b *matchBuilder) read(fields ...string) {
	for _, f := range fields {
		b.fields[f] = true
	}
}

// nothing makes the search match no contact.
func (b *matchBuilder) nothing() {
	b.match, b.omatch = append(b.match, "false"), append(b.omatch, "false")
}

// tsAny ORs tsquery operands, which come quoted (and may carry :*).
func tsAny(q []string) string {
	if len(q) == 1 {
		return q[0]
	}
	return "(" + strings.Join(q, " | ") + ")"
}

// titles adds the title filter, one alternative a value (its words
// analyzed).
func (b *matchBuilder) titles(titles [][]lexeme) {
	b.read("title")
	var alts, oalts []string
	for _, tl := range titles {
		all, last, ok := titleTags(tl)
		if !ok {
			continue
		}
		q := append([]string{tsAny(last)}, all...)
		alts = append(alts, "("+strings.Join(q, " & ")+")")
		q[0] = tsAny(append(slices.Clone(last), tsQuote("~x:"+titleLast(tl))+":*"))
		oalts = append(oalts, "("+strings.Join(q, " & ")+")")
	}
	if len(alts) == 0 { // titles made only of punctuation match nothing
		b.nothing()
	} else {
		b.parts = append(b.parts, "("+strings.Join(alts, " | ")+")")
		b.oparts = append(b.oparts, "("+strings.Join(oalts, " | ")+")")
	}
	// A Chinese, Japanese or Korean word's bigram tags are in no one
	// field: a value with such a word is checked on the title's words
	// (titleCheck), and then every value is, the filter being their OR.
	if slices.ContainsFunc(titles, func(tl []lexeme) bool { return titleCheck("", tl, false) != "" }) {
		var c, oc []string
		for _, tl := range titles {
			if v := titleCheck("c.search_doc", tl, true); v != "" {
				c, oc = append(c, v), append(oc, titleCheck("e.doc", tl, true))
			}
		}
		b.check, b.ocheck = "("+strings.Join(c, " OR ")+")", "("+strings.Join(oc, " OR ")+")"
	}
}

// tags adds a filter on the search_doc tags prefix+value, one of vals;
// field is the correctable field the tag comes from ("" for none).
func (b *matchBuilder) tags(prefix string, vals []string, field string) {
	if len(vals) == 0 {
		return
	}
	t := make([]string, len(vals))
	for i, v := range vals {
		t[i] = tsQuote(prefix + v)
	}
	b.parts, b.oparts = append(b.parts, tsAny(t)), append(b.oparts, tsAny(t))
	if field != "" {
		b.read(field)
	}
}

// has adds a "has an email/phone" filter (v nil: none). Absence is no GIN
// lookup; "has none" filters read the column. The presence tag finds the
// candidates, and the column confirms them: a name, title or company with
// the word "~m" or "~p" makes the same lexeme in the document.
func (b *matchBuilder) has(v *bool, tag, col string) {
	if v == nil {
		return
	}
	b.read(col)
	if *v {
		b.parts, b.oparts = append(b.parts, tsQuote(tag)), append(b.oparts, tsQuote(tag))
		b.match, b.omatch = append(b.match, "c."+col+" IS NOT NULL"), append(b.omatch, "e.has_"+col)
	} else {
		b.match, b.omatch = append(b.match, "c."+col+" IS NULL"), append(b.omatch, "NOT e.has_"+col)
	}
}

// fold folds each list of values as contacts_tags folds the industry,
// region, city and company name tags (contacts_fold: lower case, accents removed by the
// database's unaccent rules, which Go's would not match), in one round trip
// and only when there is something to fold.
func (s *Service) fold(ctx context.Context, lists ...[]string) ([][]string, error) {
	out := make([][]string, len(lists))
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return out, nil
	}
	var folded []string
	err := s.db.Pool.QueryRow(ctx, `
		SELECT array_agg(contacts_fold(v) ORDER BY i) FROM unnest($1::text[]) WITH ORDINALITY u(v, i)`, all).Scan(&folded)
	if err != nil {
		return nil, fmt.Errorf("contacts: fold filter values: %w", err)
	}
	for i, l := range lists {
		out[i], folded = folded[:len(l)], folded[len(l):]
	}
	return out, nil
}

// searchKey is what a search cursor is bound to.
type searchKey struct {
	Query   string  `json:"q"`
	Filters Filters `json:"f"`
	Sort    string  `json:"s"`
}

// searchPlan is a search's validated parameters.
type searchPlan struct {
	query    string
	sortBy   string
	modes    []string // the cursor modes the sort pages by
	filters  Filters
	identity []byte // what a cursor is bound to: hashQuery of a searchKey
}

// planSearch validates p and derives what a search runs by.
func planSearch(p SearchParams) (searchPlan, error) {
	query, err := validateQuery(p.Query)
	if err != nil {
		return searchPlan{}, err
	}
	if err := validatePageSize(p.PageSize, p.MaxPageSize); err != nil {
		return searchPlan{}, err
	}
	sortBy := p.Sort
	if sortBy == "" {
		sortBy = SortRelevance
	}
	var modes []string
	switch sortBy {
	case SortRelevance:
		modes = []string{modeRanked, modeID}
	case SortName:
		modes = []string{modeName}
	case SortUpdated:
		modes = []string{modeUpdated}
	default:
		return searchPlan{}, apperr.Invalid("Invalid sort.", apperr.FieldError{Field: "sort", Message: "must be one of relevance, name, updated"})
	}
	filters, err := p.Filters.normalize()
	if err != nil {
		return searchPlan{}, err
	}
	qh := hashQuery(searchKey{Query: identityText(query), Filters: filters, Sort: sortBy})
	return searchPlan{query: query, sortBy: sortBy, modes: modes, filters: filters, identity: qh}, nil
}

// identityText is the free text as a search's identity reads it: case,
// spacing and the kind of quote (isQuote) aside.
func identityText(query string) string {
	query = strings.Map(func(r rune) rune {
		if isQuote(r) {
			return '"'
		}
		return r
	}, strings.ToLower(query))
	return strings.Join(strings.Fields(query), " ")
}

// SearchIdentity is the identity of the search p describes: the same for
// every page of it, and for the same query, filters and sort typed again
// (case, spacing, the kind of quotes and the order of filter values aside). Returns the
// errors Search returns for invalid parameters.
func SearchIdentity(p SearchParams) ([]byte, error) {
	sp, err := planSearch(p)
	return sp.identity, err
}

// Search runs a search over the contacts tenantID sees.
//
// Returns EINVALID for a query over 200 characters, a page size outside
// 1..MaxPageSize, an unknown sort or a bad filter value (each naming the
// field), and EMALFORMED for a cursor that is tampered with, from another
// tenant or from another query.
func (s *Service) Search(ctx context.Context, tenantID uuid.UUID, p SearchParams) (*SearchResult, error) {
	sp, err := planSearch(p)
	if err != nil {
		return nil, err
	}
	query, sortBy, modes, filters, qh := sp.query, sp.sortBy, sp.modes, sp.filters, sp.identity
	codec := cursorCodec{s.cursorKey}
	var cur *cursor
	if p.Cursor != "" {
		c, err := codec.decode("search", tenantID, qh, p.Cursor, modes...)
		if err != nil {
			return nil, err
		}
		cur = &c
	}

	if s.searchGate != nil {
		waited := s.metrics.waitStarted()
		err := s.searchGate.Acquire(ctx, 1)
		waited()
		if err != nil {
			return nil, fmt.Errorf("contacts: wait for a search slot: %w", err)
		}
		defer s.searchGate.Release(1)
	}
	m, err := s.compile(ctx, tenantID, query, filters, p.Facets, p.NoCorrections)
	if err != nil {
		return nil, err
	}
	res := &SearchResult{NewSearch: cur == nil, Identity: qh}
	served := 0
	if cur != nil {
		served = cur.Served
	}
	// The pages of one search end after maxPaged contacts. Size is 0 only
	// for a cursor issued under a larger maxPaged: the page below cannot be
	// cut to nothing.
	size := pagedSize(p.PageSize, served)
	if size == 0 {
		res.Items = []Contact{}
		res.Total, res.TotalIsCapped, res.TotalIsEstimate = cur.Total, cur.Capped, cur.Estimate
		return res, nil
	}

	// A new search asks the planner how many rows match. Counting costs a
	// visit per match, so only small match sets are counted, and then by
	// the page query itself (it materializes them anyway); larger ones
	// report the estimate. Relevance sort ranks only sets the estimate says
	// fit in rankWindow. Facets, when asked for, run beside the page query
	// on a second connection.
	est := -1.0
	if cur == nil || p.Facets {
		if est, err = s.estimate(ctx, m); err != nil {
			return nil, err
		}
	}
	var (
		wg       sync.WaitGroup
		facetErr error
		sampled  int
	)
	if p.Facets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.Facets, sampled, facetErr = s.facets(ctx, m, est)
		}()
	}
	// Words that are all broad ("jo sm") match few rows only in
	// combination: collecting them through GIN costs as much as a large
	// match set, so such a search is planned as one.
	plan := est
	if m.broad {
		plan = max(est, exactCountBelow+1)
	}
	withCount := cur == nil && plan <= exactCountBelow
	if cur != nil && !cur.Estimate && !cur.Capped && cur.Total <= exactCountBelow && !m.broad {
		// A later page of a small set: materialize the rest of it, as the
		// first page did, rather than walk the sort index for it.
		withCount = true
	}
	page, mode, n, err := s.page(ctx, m, sortBy, cur, size, plan, withCount)
	if err == nil && withCount && cur == nil && n < 0 { // the ranking probe overflowed
		n, err = s.count(ctx, m)
	}
	if cur == nil && n < 0 && len(page) <= size {
		n = int64(len(page)) // a first page that is also the last counts exactly
	}
	wg.Wait()
	for _, e := range []error{err, facetErr} {
		if e != nil {
			return nil, e
		}
	}
	setTotal(res, cur, n, est, sampled)

	ids := make([]uuid.UUID, 0, len(page))
	for _, r := range page {
		ids = append(ids, r.ID)
	}
	if len(page) > size {
		ids = ids[:size]
		last := page[size-1]
		last.Mode, last.Total, last.Capped, last.Estimate = mode, res.Total, res.TotalIsCapped, res.TotalIsEstimate
		if last.Served = served + size; last.Served < maxPaged {
			res.NextCursor = codec.encode("search", tenantID, qh, last)
		}
	}
	if res.Items, err = s.hydrate(ctx, tenantID, ids); err != nil {
		return nil, err
	}
	return res, nil
}

// setTotal sets the total res reports: a later page's is the first
// page's (cur); a first page's is the count n when the search learnt one
// (-1 when not), else the planner's estimate est. Facets counted over a
// sample of sampled matches are scaled to it.
func setTotal(res *SearchResult, cur *cursor, n int64, est float64, sampled int) {
	if cur == nil && n < 0 && res.Facets != nil && !res.Facets.IsCapped {
		// The facets saw every match: that is the exact total, where the
		// page, planned for a large set (broad words, a high estimate),
		// learnt none.
		n = int64(sampled)
	}
	switch {
	case cur != nil:
		res.Total, res.TotalIsCapped, res.TotalIsEstimate = cur.Total, cur.Capped, cur.Estimate
	case n >= 0:
		res.Total, res.TotalIsCapped = min(int(n), totalCap), n > totalCap
	default:
		res.Total, res.TotalIsCapped, res.TotalIsEstimate = min(int(est+0.5), totalCap), est >= totalCap, true
	}
	// Facets over a sample are scaled to the total, or when that is an
	// estimate or a lower bound, to the planner's estimate if larger.
	matches := float64(res.Total)
	if res.TotalIsEstimate || res.TotalIsCapped {
		matches = max(est, matches)
	}
	scaleFacets(res.Facets, sampled, matches)
}

// rankSQL scores a match for relevance sort: matching every word as typed
// (not only through a typo candidate) first, then how many words are whole
// words of the name ("jon" ranks Jon above Jonathan), then ts_rank with
// name > title > company. Each ts_rank is normalized below 1.
func rankSQL(doc, strict, exact string) string {
	return `(CASE WHEN ` + doc + ` @@ ` + strict + `::tsquery THEN 2 ELSE 0 END
	        + ts_rank('{0, 0, 0, 1.0}', ` + doc + `, ` + exact + `::tsquery, 32)
	        + ts_rank('{0.1, 0.2, 0.4, 1.0}', ` + doc + `, ` + strict + `::tsquery, 32) / 2)::real`
}

// Strategies of an ordered page query (sort by name, by update, or by id
// for large relevance sets). See page.
const (
	stratCount   = iota // materialize the (small) match set, count it, sort it
	stratBounded        // walk the sort index, examining at most scanBudget rows
	stratBitmap         // materialize the (sparse) match set through the indexes, sort it
	stratPlain          // let the planner do it: the last resort
)

// scanBudget is the most rows an index-order scan may examine for one page
// before the search concludes the matches are sparse and collects them
// through the indexes instead; walkBudget sizes it down to what the
// estimated density needs.
const (
	scanBudget    = 20_000
	minScanBudget = 2_000
	// budgetMargin is how many pages' worth of matches the walk may look
	// through at the estimated density. A page drawn from evenly spread
	// matches fills within 3 pages' worth of rows all but never (expected
	// 78 hits for 26 wanted); when it does not, the bitmap strategy still
	// answers correctly, only later.
	budgetMargin = 3
)

// walkBudget is the number of rows an index-order walk examines for a page
// of size rows when est of the table's rows (the planner's estimates)
// match. Matches of anti-correlated filters are far fewer than estimated;
// a walk sized to the estimate gives up on them after a few thousand rows
// instead of twenty thousand.
func walkBudget(est, rows float64, size int) int {
	if est <= 0 || rows <= 0 {
		return scanBudget
	}
	b := budgetMargin * float64(size+1) * rows / est
	return int(min(max(b, minScanBudget), scanBudget))
}

// tableRows is the planner's row count of contacts (pg_class.reltuples,
// kept by autovacuum), read at most once a minute.
func (s *Service) tableRows(ctx context.Context) float64 {
	s.rowsMu.Lock()
	defer s.rowsMu.Unlock()
	if s.now().Before(s.rowsAt.Add(time.Minute)) {
		return s.rows
	}
	var n float64
	if err := s.db.Pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass`).Scan(&n); err != nil {
		return s.rows // keep the last figure; 0 means the full budget
	}
	s.rows, s.rowsAt = n, s.now()
	return n
}

// page returns up to size+1 rows of the page after cur (the extra row
// says there is a next page), the mode that the next cursor continues, and
// on a first page the number of matches when it learnt it on the way (up to
// totalCap+1; -1 when it did not). withCount asks it to learn it.
//
// Ordered pages never trust the planner's choice between walking a sort
// index (right for dense matches) and collecting matches through GIN
// (right for sparse ones) alone: a planner that overestimates the matches
// of anti-correlated filters ("sales" titles in engineering) would walk the
// whole index. A small estimate materializes the match set (at most
// totalCap+1 rows) and counts it; a large one walks the sort index with a
// budget of scanBudget rows and, when that does not fill the page, collects
// the matches through the indexes with sequential and index scans switched
// off; only a set that overflows that too falls back to the plain query.
func (s *Service) page(ctx context.Context, m *matchSet, sortBy string, cur *cursor, size int, est float64, withCount bool) ([]cursor, string, int64, error) {
	if est < 0 && cur != nil { // a later page: the first page's total or estimate
		est = float64(cur.Total)
	}
	if m.hasText && sortBy == SortRelevance && (cur == nil && est <= skipRankAbove || cur != nil && cur.Mode == modeRanked) {
		return s.rankedPage(ctx, m, cur, size, est)
	}
	mode, cols, order := modeID, "c.id", "c.id DESC"
	switch sortBy {
	case SortName:
		mode, cols, order = modeName, "c.id, c.sort_name", "c.sort_name, c.id"
	case SortUpdated:
		mode, cols, order = modeUpdated, "c.id, c.updated_at", "c.updated_at DESC, c.id DESC"
	}
	strategy := stratBounded
	if withCount {
		strategy = stratCount
	}
	budget := walkBudget(est, s.tableRows(ctx), size)
	for {
		out, n, err := s.orderedPage(ctx, m, mode, cols, order, cur, size, strategy, budget)
		if err != nil {
			return nil, "", 0, err
		}
		switch {
		case strategy == stratCount && n > totalCap:
			// The materialized set was cut at the cap, so its order is not
			// the order of all matches; the total is known to be capped.
			out, _, err := s.orderedPage(ctx, m, mode, cols, order, cur, size, stratBounded, scanBudget)
			if err == nil && len(out) <= size {
				out, _, err = s.orderedPage(ctx, m, mode, cols, order, cur, size, stratPlain, 0)
			}
			return out, mode, n, err
		case strategy == stratBounded && len(out) <= size:
			strategy = stratBitmap
			continue
		case strategy == stratBitmap && n > totalCap:
			strategy = stratPlain
			continue
		}
		// The materializing strategies saw every match after the keyset:
		// on a first page, that is an exact total.
		if strategy == stratBounded || strategy == stratPlain || cur != nil {
			n = -1
		}
		return out, mode, n, nil
	}
}

// orderedPage runs one strategy of page and returns the rows and, for the
// materializing strategies, how many matches it materialized. budget is
// the walk's row budget for stratBounded.
func (s *Service) orderedPage(ctx context.Context, m *matchSet, mode, cols, order string, cur *cursor, size, strategy, budget int) ([]cursor, int64, error) {
	args := slices.Clone(m.args)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	keyset, where := "true", m.where
	if cur != nil {
		switch mode {
		case modeName:
			keyset = "(c.sort_name, c.id) > (" + arg(cur.Name) + "::text, " + arg(cur.ID) + "::uuid)"
		case modeUpdated:
			keyset = "(c.updated_at, c.id) < (" + arg(time.UnixMicro(cur.Time).UTC()) + "::timestamptz, " + arg(cur.ID) + "::uuid)"
		default:
			keyset = "c.id < " + arg(cur.ID) + "::uuid"
		}
		where += "\n   AND " + keyset
	}
	outer := strings.NewReplacer("c.", "x.").Replace
	limit := arg(size + 1)
	var sql string
	switch strategy {
	case stratCount, stratBitmap:
		sql = `WITH x AS MATERIALIZED (SELECT ` + cols + ` FROM contacts c WHERE ` + where +
			` LIMIT ` + strconv.Itoa(totalCap+1) + `)
			SELECT ` + outer(cols) + `, (SELECT count(*) FROM x) FROM x ORDER BY ` + outer(order) + ` LIMIT ` + limit
	case stratBounded:
		// The match condition is a column of the inner query, not its
		// WHERE, so the inner LIMIT bounds the rows examined, not matched.
		sql = `SELECT ` + outer(cols) + `, 0::bigint FROM (
				SELECT ` + cols + `, (` + m.where + `) AS ok FROM contacts c WHERE ` + keyset +
			` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(budget) + `) x
			WHERE x.ok ORDER BY ` + outer(order) + ` LIMIT ` + limit
		if strings.HasPrefix(m.where, visibleSQL) && (mode == modeID || mode == modeUpdated) {
			// The walk examines the first rows the tenant may see: those of
			// the shared contacts and of its own merged in order, each
			// branch by an index in that order (ownerBranches).
			b := strconv.Itoa(budget)
			inner := strings.NewReplacer("c.", "y.").Replace
			sql = `SELECT ` + outer(cols) + `, 0::bigint FROM (
				SELECT ` + inner(cols) + `, y.ok FROM (
					(SELECT ` + cols + `, (` + m.where + `) AS ok FROM contacts c WHERE c.owner_tenant_id IS NULL AND ` + keyset +
				` ORDER BY ` + order + ` LIMIT ` + b + `)
					UNION ALL
					(SELECT ` + cols + `, (` + m.where + `) AS ok FROM contacts c WHERE c.owner_tenant_id = $1 AND ` + keyset +
				` ORDER BY ` + order + ` LIMIT ` + b + `)) y
				ORDER BY ` + inner(order) + ` LIMIT ` + b + `) x
			WHERE x.ok ORDER BY ` + outer(order) + ` LIMIT ` + limit
		}
	default:
		sql = `SELECT ` + cols + `, 0::bigint FROM contacts c WHERE ` + where +
			` ORDER BY ` + order + ` LIMIT ` + limit
		if rest, ok := strings.CutPrefix(where, visibleSQL); ok && (mode == modeID || mode == modeUpdated) {
			sql = ownerBranches(cols, order, rest, limit)
		}
	}
	capture(ctx, sql, args)
	var out []cursor
	var n int64
	scan := func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var (
				c   cursor
				err error
			)
			switch mode {
			case modeName:
				err = rows.Scan(&c.ID, &c.Name, &n)
			case modeUpdated:
				var t time.Time
				err = rows.Scan(&c.ID, &t, &n)
				c.Time = t.UnixMicro()
			default:
				err = rows.Scan(&c.ID, &n)
			}
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	}
	var err error
	if strategy == stratBitmap {
		err = pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
			// work_mem: bitmaps of broad words span most heap pages; at the
			// default 4 MB they turn lossy and every row is rechecked.
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL work_mem = '64MB'`); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, sql, execArgs(args)...)
			if err != nil {
				return err
			}
			return scan(rows)
		})
	} else {
		var rows pgx.Rows
		if rows, err = s.db.Pool.Query(ctx, sql, execArgs(args)...); err == nil {
			err = scan(rows)
		}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("contacts: search page: %w", err)
	}
	return out, n, nil
}

// rankedPage pages a small match set by relevance. On the first page it
// probes: it ranks at most rankWindow+1 matches and, when there are more,
// pages by id instead (returning n = -1), since ranking a large set would
// cost a scan of all of it on every page.
func (s *Service) rankedPage(ctx context.Context, m *matchSet, cur *cursor, size int, est float64) ([]cursor, string, int64, error) {
	args := slices.Clone(m.args)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	rank := m.rank(rankSQL("c.search_doc", arg(m.strict), arg(m.exact)), arg)
	var sql string
	if cur == nil {
		sql = `SELECT r.id, r.rank, r.n FROM (
				SELECT x.id, x.rank, count(*) OVER () AS n FROM (
					SELECT c.id, ` + rank + ` AS rank FROM contacts c WHERE ` + m.where + ` LIMIT ` + arg(rankWindow+1) + `) x) r
				ORDER BY r.rank DESC, r.id LIMIT ` + arg(size+1)
	} else {
		r := arg(cur.Rank)
		sql = `SELECT x.id, x.rank, 0::bigint FROM (SELECT c.id, ` + rank + ` AS rank FROM contacts c WHERE ` + m.where + `) x
			WHERE x.rank < ` + r + `::real OR (x.rank = ` + r + `::real AND x.id > ` + arg(cur.ID) + `::uuid)
			ORDER BY x.rank DESC, x.id LIMIT ` + arg(size+1)
	}
	capture(ctx, sql, args)
	rows, err := s.db.Pool.Query(ctx, sql, execArgs(args)...)
	if err != nil {
		return nil, "", 0, fmt.Errorf("contacts: search page: %w", err)
	}
	defer rows.Close()
	var (
		out []cursor
		n   int64
	)
	for rows.Next() {
		var c cursor
		if err := rows.Scan(&c.ID, &c.Rank, &n); err != nil {
			return nil, "", 0, fmt.Errorf("contacts: search page: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", 0, fmt.Errorf("contacts: search page: %w", err)
	}
	if cur == nil && n > rankWindow {
		out, _, _, err := s.page(ctx, m, SortRelevance, &cursor{Mode: modeID, ID: uuid.Max}, size, est, false)
		return out, modeID, -1, err
	}
	return out, modeRanked, n, nil
}

// count counts the matches up to totalCap+1.
func (s *Service) count(ctx context.Context, m *matchSet) (int64, error) {
	var n int64
	sql := `SELECT count(*) FROM (SELECT 1 FROM contacts c WHERE ` + m.where + ` LIMIT ` + strconv.Itoa(totalCap+1) + `) x`
	capture(ctx, sql, m.args)
	if err := s.db.Pool.QueryRow(ctx, sql, execArgs(m.args)...).Scan(&n); err != nil {
		return 0, fmt.Errorf("contacts: search count: %w", err)
	}
	return n, nil
}

// facets counts facet values over a sample of the matches and returns
// the counts with the number of matches they were counted over (IsCapped
// when that is not all of them: scaleFacets scales them once the total is
// known).
//
// A large estimate (over exactCountBelow) counts the matches in a block
// sample of the table, TABLESAMPLE SYSTEM with a fixed REPEATABLE seed,
// sized by sampleFraction to hold facetSample to 2×facetSample matches and to read
// at most scanBudget rows. The sample is spread over the whole table and
// the same on every run over the same data: which blocks it reads depends
// only on the seed and the fraction, never on where another scan stopped.
// (It was the first facetSample matches of a plain LIMITed sequential scan;
// on a table larger than a quarter of shared_buffers PostgreSQL starts such
// a scan where the previous one stopped (synchronize_seqscans), so the same
// search counted a different slice each time: "Marketing 111", then
// "Marketing 0".) A sample that suggests few matches after all, and a
// small estimate, collect the first facetSample+1 matches through the
// indexes, which is exact when there are no more.
func (s *Service) facets(ctx context.Context, m *matchSet, est float64) (*Facets, int, error) {
	if est > exactCountBelow {
		frac := sampleFraction(est, s.tableRows(ctx))
		f, n, err := s.facetCounts(ctx, m, frac)
		if err != nil {
			return nil, 0, err
		}
		// Over exactCountBelow the fraction is at most 1/8 of the table
		// (sampleFraction aims at facetSample of est), so a sample is
		// never the whole table and always scaled.
		if float64(n)/frac > 2*facetSample {
			f.IsCapped = true
			return f, n, nil
		}
	}
	f, total, err := s.facetCounts(ctx, m, 0)
	if err != nil {
		return nil, 0, err
	}
	f.IsCapped = total > facetSample
	return f, total, nil
}

// facetGuard bounds the matches a facet sample counts when the estimate
// behind its size was far too low; sampleFraction aims at facetSample.
const facetGuard = 8 * facetSample

// sampleFraction is the fraction of the table's blocks a facet sample
// reads: enough for facetSample of est matches (up to twice that once rounded), at most scanBudget
// of the table's rows (0 when unknown: no bound), rounded up to a power of
// two (1, 1/2, 1/4, ...) so that estimates that drift a little after an
// ANALYZE keep the same sample. SYSTEM picks a block when a hash of its
// number and the seed falls under the fraction, so a smaller fraction's
// blocks are a subset of a larger one's.
func sampleFraction(est, rows float64) float64 {
	want := facetSample / max(est, 1)
	if rows > 0 {
		want = min(want, scanBudget/rows)
	}
	frac := 1.0
	for frac/2 >= want && frac > 1.0/(1<<20) {
		frac /= 2
	}
	return frac
}

// scaleFacets scales counts made over a sample of sampled matches to
// matches, the search's total: the exact count when the search counted,
// else the planner's estimate. Facets of the field a search filters on
// then add up to the total shown beside them.
func scaleFacets(f *Facets, sampled int, matches float64) {
	if f == nil || !f.IsCapped || sampled <= 0 {
		return
	}
	if scale := matches / float64(sampled); scale > 1 {
		for _, l := range [][]FacetCount{f.Seniority, f.Department, f.Country, f.EmployeeRange} {
			for i := range l {
				l[i].Count = int(float64(l[i].Count)*scale + 0.5)
			}
		}
	}
}

// facetCounts counts facet values over the matches in a block sample of
// frac of the table (up to facetGuard+1 of them), or with frac 0 over the
// first facetSample+1 matches collected through the indexes.
func (s *Service) facetCounts(ctx context.Context, m *matchSet, frac float64) (*Facets, int, error) {
	args := slices.Clone(m.args)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	cols := `c.seniority, c.department, ` + m.column("country", arg) + ` AS country, ` + m.column("employee_range", arg) + ` AS employee_range`
	sample := `SELECT ` + cols + ` FROM contacts c WHERE ` + m.where + `
			LIMIT ` + strconv.Itoa(facetSample+1) // one past the sample says it is capped
	if frac > 0 {
		sample = `SELECT ` + cols + ` FROM contacts c TABLESAMPLE SYSTEM (` + strconv.FormatFloat(frac*100, 'f', -1, 64) + `) REPEATABLE (0)
			WHERE ` + m.where + ` LIMIT ` + strconv.Itoa(facetGuard+1)
	}
	sql := `WITH x AS MATERIALIZED (` + sample + `)
		SELECT f.name, f.value, count(*) FROM x,
		       LATERAL (VALUES ('seniority', x.seniority), ('department', x.department),
		                       ('country', x.country), ('employee_range', x.employee_range)) f(name, value)
		GROUP BY 1, 2`
	capture(ctx, sql, args)
	var rows pgx.Rows
	var err error
	if frac > 0 {
		rows, err = s.db.Pool.Query(ctx, sql, execArgs(args)...)
	} else {
		var tx pgx.Tx
		if tx, err = s.db.Pool.Begin(ctx); err != nil {
			return nil, 0, fmt.Errorf("contacts: search facets: %w", err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only
		// A sequential scan the planner falls back to (no usable index)
		// starts at block 0, not where another scan stopped, so the first
		// matches are the same on every run.
		if _, err = tx.Exec(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL work_mem = '64MB'; SET LOCAL synchronize_seqscans = off`); err == nil {
			rows, err = tx.Query(ctx, sql, execArgs(args)...)
		}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("contacts: search facets: %w", err)
	}
	defer rows.Close()
	f := &Facets{Seniority: []FacetCount{}, Department: []FacetCount{}, Country: []FacetCount{}, EmployeeRange: []FacetCount{}}
	total := 0
	for rows.Next() {
		var (
			name, value string
			n           int
		)
		if err := rows.Scan(&name, &value, &n); err != nil {
			return nil, 0, fmt.Errorf("contacts: search facets: %w", err)
		}
		if name == "seniority" {
			total += n
		}
		if value == "" {
			continue
		}
		fc := FacetCount{Value: value, Count: n}
		switch name {
		case "seniority":
			f.Seniority = append(f.Seniority, fc)
		case "department":
			f.Department = append(f.Department, fc)
		case "country":
			f.Country = append(f.Country, fc)
		case "employee_range":
			f.EmployeeRange = append(f.EmployeeRange, fc)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("contacts: search facets: %w", err)
	}
	byCount := func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	}
	for _, l := range [][]FacetCount{f.Seniority, f.Department, f.Country, f.EmployeeRange} {
		slices.SortFunc(l, byCount)
	}
	return f, total, nil
}

// execArgs runs a statement planned for its actual arguments. pgx caches
// prepared statements by default, and after five runs PostgreSQL may switch
// to a generic plan that ignores the values; for search the values decide
// between an index-order scan and a bitmap scan, so a generic plan can be
// 100 times slower.
func execArgs(args []any) []any {
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// ownerBranches is the plain page statement, in id or update order, over
// the contacts the tenant ($1) may see, read as two branches merged in
// order: the shared contacts by an index of theirs alone
// (contacts_shared_id, 00068; contacts_shared_updated, 00069) and the
// tenant's own by one of theirs (contacts_owner; contacts_owner_updated,
// 00070). One walk over both skipped every other tenant's private
// contacts, and an import puts thousands of them at the top of both
// orders (docs/PERFORMANCE.md, "Searches beside a running import"). rest
// is the match condition after the visibility test.
func ownerBranches(cols, order, rest, limit string) string {
	outer := strings.NewReplacer("c.", "x.").Replace
	return `SELECT ` + outer(cols) + `, 0::bigint FROM (
			(SELECT ` + cols + ` FROM contacts c WHERE c.owner_tenant_id IS NULL` + rest + ` ORDER BY ` + order + ` LIMIT ` + limit + `)
			UNION ALL
			(SELECT ` + cols + ` FROM contacts c WHERE c.owner_tenant_id = $1` + rest + ` ORDER BY ` + order + ` LIMIT ` + limit + `)) x
		ORDER BY ` + outer(order) + ` LIMIT ` + limit
}

// estimate is the planner's row estimate for the match set.
func (s *Service) estimate(ctx context.Context, m *matchSet) (float64, error) {
	est, err := s.explainRows(ctx, `SELECT 1 FROM contacts c WHERE `+m.where, m.args)
	if err != nil {
		return 0, fmt.Errorf("contacts: search estimate: %w", err)
	}
	return est, nil
}

// explainRows is the planner's row estimate for the statement sql with
// args (EXPLAIN: the statement does not run).
func (s *Service) explainRows(ctx context.Context, sql string, args []any) (float64, error) {
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	var raw string
	if err := s.db.Pool.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+sql, execArgs(args)...).Scan(&raw); err != nil {
		return 0, err
	}
	if err := json.Unmarshal([]byte(raw), &plan); err != nil {
		return 0, err
	}
	if len(plan) == 0 {
		return 0, errors.New("no plan")
	}
	return plan[0].Plan.Rows, nil
}
