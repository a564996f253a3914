// Package idempotency keeps the first answer to a request sent with an
// Idempotency-Key header, per tenant for Retention, so that a client
// retrying a POST whose answer it did not get (a timeout, a dropped
// connection) is answered with it instead of creating or charging again.
//
// A key is claimed (Begin) before the request runs and holds no answer
// while it does: a second request with the key meanwhile is refused
// (ECONFLICT) rather than run beside it. Finish stores a successful answer;
// Abandon frees the key of a request that failed (a 4xx or 5xx changed
// nothing, so its retry runs again). A claim whose request died without
// either (a crash) is taken over after LockFor (or REQUEST_TIMEOUT, if
// longer: WithRequestTimeout).
package idempotency

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Retention is how long a key's answer is replayed: a retry a day later is
// a new request.
const Retention = 24 * time.Hour

// LockFor is how long a claimed key without an answer refuses other
// requests before one may take it over, at least: longer than the default
// REQUEST_TIMEOUT, so a request still running is not run twice (a longer
// REQUEST_TIMEOUT makes it longer: WithRequestTimeout).
const LockFor = 2 * time.Minute

// MaxKeyLength is the longest key accepted.
const MaxKeyLength = 255

// Answer is a stored response.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// Service stores keys and their answers.
type Service struct {
	db      *gorm.DB
	lockFor time.Duration
}

// NewService returns a Service over g.
func NewService(g *gorm.DB) *Service { return &Service{db: g, lockFor: LockFor} }

// WithRequestTimeout makes a claim last as long as a request may run (d,
// REQUEST_TIMEOUT) and half a minute more to store its answer, when that
// is longer than LockFor: a retry while the first request still runs is
// refused instead of running beside it.
func (s *Service) WithRequestTimeout(d time.Duration) *Service {
	s.lockFor = max(LockFor, d+30*time.Second)
	return s
}

type row struct {
	Fingerprint []byte
	StatusCode  *int
	ContentType *string
	Body        []byte
}

// Begin claims key for a request whose fingerprint (route, caller and
// body) is fp. It returns (nil, nil) when the caller should run the
// request (then Finish or Abandon), or the stored answer to replay.
// Returns EINVALID when the key was used with another request (another
// route, caller or body) and ECONFLICT (idempotency-key-in-use) while the
// first request with it runs.
func (s *Service) Begin(ctx context.Context, tenantID uuid.UUID, key string, fp []byte) (*Answer, error) {
	for range 3 {
		// A new key, or one whose answer is older than Retention, or whose
		// request died holding it (same request only) is claimed.
		res := s.db.WithContext(ctx).Exec(`
			INSERT INTO idempotency_keys (tenant_id, key, fingerprint, locked_until)
			VALUES (?, ?, ?, now() + make_interval(secs => ?))
			ON CONFLICT (tenant_id, key) DO UPDATE
			   SET fingerprint = EXCLUDED.fingerprint, status_code = NULL, content_type = NULL, body = NULL,
			       locked_until = EXCLUDED.locked_until, created_at = now()
			 WHERE idempotency_keys.created_at < now() - make_interval(secs => ?)
			    OR (idempotency_keys.status_code IS NULL AND idempotency_keys.locked_until < now()
			        AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)`,
			tenantID, key, fp, s.lockFor.Seconds(), Retention.Seconds())
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 1 {
			return nil, nil
		}
		var r row
		err := s.db.WithContext(ctx).Raw(`SELECT fingerprint, status_code, content_type, body FROM idempotency_keys
			WHERE tenant_id = ? AND key = ?`, tenantID, key).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue // abandoned meanwhile: claim it
		}
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(r.Fingerprint, fp) {
			return nil, apperr.Invalid("This Idempotency-Key was used with another request in the last 24 hours: use a new key for a new request.",
				apperr.FieldError{Field: "Idempotency-Key", Message: "was used with another request"})
		}
		if r.StatusCode == nil {
			return nil, &apperr.Error{Code: apperr.ECONFLICT, Type: "idempotency-key-in-use", RetryAfter: time.Second,
				Message: "A request with this Idempotency-Key is still being processed: retry it in a moment for its answer."}
		}
		a := &Answer{Status: *r.StatusCode, Body: r.Body}
		if r.ContentType != nil {
			a.ContentType = *r.ContentType
		}
		return a, nil
	}
	return nil, &apperr.Error{Code: apperr.ECONFLICT, Type: "idempotency-key-in-use", RetryAfter: time.Second,
		Message: "A request with this Idempotency-Key is still being processed: retry it in a moment for its answer."}
}

// Finish stores the answer of the request that claimed key.
func (s *Service) Finish(ctx context.Context, tenantID uuid.UUID, key string, a Answer) error {
	return s.db.WithContext(ctx).Exec(`UPDATE idempotency_keys SET status_code = ?, content_type = ?, body = ?
		WHERE tenant_id = ? AND key = ? AND status_code IS NULL`, a.Status, a.ContentType, a.Body, tenantID, key).Error
}

// Abandon frees key after its request failed, so that a retry runs again.
func (s *Service) Abandon(ctx context.Context, tenantID uuid.UUID, key string) error {
	return s.db.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND status_code IS NULL`,
		tenantID, key).Error
}

// Prune deletes keys older than Retention and returns how many.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	return db.DeleteBatched(ctx, s.db, "idempotency_keys", "created_at < ?", time.Now().UTC().Add(-Retention))
}

// PruneArgs is the hourly job that runs Prune.
type PruneArgs struct{}

// Kind names the job.
func (PruneArgs) Kind() string { return "idempotency.prune" }

// InsertOpts runs one prune at a time.
func (PruneArgs) InsertOpts() river.InsertOpts { return jobs.OncePer(jobs.QueueDefault, time.Hour) }

// RegisterWorkers adds the package's workers.
func RegisterWorkers(workers *river.Workers, svc *Service, log *slog.Logger) {
	jobs.AddSweep[PruneArgs](workers, log, "pruned idempotency keys past retention", svc.Prune)
}

// PeriodicJobs are the package's scheduled jobs: the prune, hourly.
func PeriodicJobs() []jobs.Schedule {
	return []jobs.Schedule{jobs.Every(time.Hour, PruneArgs{}, false)}
}
