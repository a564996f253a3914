package contacts

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/jobs"
)

// CompactSearchTerms removes the duplicate words that writers racing on the
// same new word left in the search vocabulary (migration 00021 explains why
// the vocabulary has no unique key), keeping per word (of the shared
// database, or of one tenant) the row with the highest document count, and
// reports how many it removed. It reads the word index
// once, so it is cheap enough to run hourly.
func (s *Service) CompactSearchTerms(ctx context.Context) (int64, error) {
	tag, err := s.db.Pool.Exec(ctx, `
		DELETE FROM search_terms st
		 USING (SELECT tenant_id, term, (array_agg(ctid ORDER BY ndoc DESC, ctid))[1] AS keep
		          FROM search_terms GROUP BY tenant_id, term HAVING count(*) > 1) d
		 WHERE st.term = d.term AND st.tenant_id IS NOT DISTINCT FROM d.tenant_id AND st.ctid <> d.keep`)
	if err != nil {
		return 0, fmt.Errorf("contacts: compact search terms: %w", err)
	}
	return tag.RowsAffected(), nil
}

// CompactSearchTermsArgs is the hourly job that runs CompactSearchTerms.
type CompactSearchTermsArgs struct{}

// Kind names the job.
func (CompactSearchTermsArgs) Kind() string { return "contacts.compact_search_terms" }

// InsertOpts runs one compaction at a time.
func (CompactSearchTermsArgs) InsertOpts() river.InsertOpts {
	return jobs.OncePer(jobs.QueueDefault, time.Hour)
}

// RegisterWorkers adds the contacts package's workers.
func RegisterWorkers(workers *river.Workers, svc *Service, log *slog.Logger) {
	jobs.AddSweep[CompactSearchTermsArgs](workers, log, "compacted the search vocabulary (duplicates removed)", svc.CompactSearchTerms)
}

// PeriodicJobs are the contacts package's scheduled jobs: the vocabulary
// compaction, hourly.
func PeriodicJobs() []jobs.Schedule {
	return []jobs.Schedule{jobs.Every(time.Hour, CompactSearchTermsArgs{}, false)}
}
