package db

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// CustomPlansFor runs fn, a search by term, in a transaction whose
// statements are planned for their values. pgx caches prepared statements,
// and after five runs of one PostgreSQL may switch to a generic plan that
// ignores the values: for a search whose term decides between walking an
// index in the page's order and a bitmap of a trigram index (a term in few
// rows), the generic plan walks the whole table (the users search at
// 100,000 users: 0.1 against 160 ms). SET LOCAL keeps the setting to this
// transaction: session-wide it would also replan the foreign-key triggers'
// statements on every write (docs/PERFORMANCE.md). With a blank term the
// plan does not depend on it, and fn runs as any read, outside a
// transaction.
func CustomPlansFor(ctx context.Context, g *gorm.DB, term string, fn func(tx *gorm.DB) error) error {
	if strings.TrimSpace(term) == "" {
		return fn(g.WithContext(ctx))
	}
	return g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SET LOCAL plan_cache_mode = force_custom_plan`).Error; err != nil {
			return err
		}
		return fn(tx)
	})
}
