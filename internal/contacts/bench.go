package contacts

import (
	"context"
)

// BenchShape is one query shape of the search benchmark mix that
// `contacts bench search` runs (in process or through HTTP).
type BenchShape struct {
	Name   string
	Params SearchParams // the runner sets PageSize and MaxPageSize
	// Page is the page measured: 1 for a new search; above 1 the runner
	// walks the cursor there once and then repeats that page's request.
	Page int
}

// BenchShapes is the fixed mix: text (common, rare, name prefixes, typos),
// text with filters, filters only, the other sorts, facets on and off, a
// deep cursor page, two worst cases and a quoted phrase. The words exist
// in data made by Seed.
func BenchShapes() []BenchShape {
	yes := true
	return []BenchShape{
		{Name: "text_common", Params: SearchParams{Query: "engineer"}, Page: 1},
		{Name: "text_rare", Params: SearchParams{Query: "Freja Lindström"}, Page: 1},
		{Name: "text_name_prefix", Params: SearchParams{Query: "jon smi"}, Page: 1},
		{Name: "text_typo", Params: SearchParams{Query: "enginer"}, Page: 1},
		{Name: "text_typo_name", Params: SearchParams{Query: "jonathon hollingswort"}, Page: 1},
		{Name: "text_filters", Params: SearchParams{Query: "sales", Filters: Filters{
			Countries: []string{"US", "GB"}, Seniorities: []string{"vp", "director"}, HasEmail: &yes}}, Page: 1},
		{Name: "filters_only", Params: SearchParams{Filters: Filters{
			Seniorities: []string{"c_suite"}, Industries: []string{"Software"}, Countries: []string{"DE"}}}, Page: 1},
		{Name: "filters_only_broad", Params: SearchParams{Filters: Filters{
			Departments: []string{"engineering"}, Countries: []string{"US"}}}, Page: 1},
		{Name: "title_filter_sort_name", Params: SearchParams{Sort: SortName, Filters: Filters{
			Titles: []string{"software engineer"}, Countries: []string{"GB"}}}, Page: 1},
		{Name: "sort_updated", Params: SearchParams{Sort: SortUpdated, Filters: Filters{Departments: []string{"marketing"}}}, Page: 1},
		{Name: "facets_text", Params: SearchParams{Query: "manager", Facets: true}, Page: 1},
		{Name: "facets_filters", Params: SearchParams{Filters: Filters{Countries: []string{"FR"}}, Facets: true}, Page: 1},
		{Name: "deep_page_50", Params: SearchParams{Query: "manager"}, Page: 50},
		// Worst cases: two short prefixes that each expand to dozens of
		// common words, and filters the planner takes for independent that
		// exclude each other ("sales" titles in engineering: no match).
		{Name: "text_short_prefixes", Params: SearchParams{Query: "jo sm"}, Page: 1},
		{Name: "anticorrelated", Params: SearchParams{Query: "sales", Filters: Filters{Departments: []string{"engineering"}}}, Page: 1},
		// A quoted phrase: its words in order within one field, checked
		// on each row GIN finds holding them all.
		{Name: "text_phrase", Params: SearchParams{Query: `"vice president"`}, Page: 1},
	}
}

// sqlCaptureKey carries a function that sees every search statement.
type sqlCaptureKey struct{}

// WithSQLCapture returns ctx that makes Search report each statement it
// runs to fn; the benchmark uses it to EXPLAIN the slowest shape.
func WithSQLCapture(ctx context.Context, fn func(sql string, args []any)) context.Context {
	return context.WithValue(ctx, sqlCaptureKey{}, fn)
}

func capture(ctx context.Context, sql string, args []any) {
	if fn, ok := ctx.Value(sqlCaptureKey{}).(func(string, []any)); ok {
		fn(sql, args)
	}
}
