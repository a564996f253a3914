package imports

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/jobs"
)

// DefaultFileRetention is how long an import nobody runs keeps its file.
const DefaultFileRetention = 7 * 24 * time.Hour

// expireBatch is how many imports one ExpireFiles transaction handles.
const expireBatch = 100

// ExpireFiles removes the uploaded bytes of imports that nobody ran for
// the retention period (Options.FileRetention, counted from the import's
// last change, or for an import stopped by its monthly quota from the
// quota's reset, when it can resume): an upload never started becomes
// cancelled; a finished dry run and a failed import keep their status,
// records and errors.csv but can no longer start or resume (Start answers
// ECONFLICT and says to upload again). Queued and running imports are
// never touched. Each removal is audited. Returns how many files were
// removed.
func (s *Service) ExpireFiles(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.expireSome(ctx)
		total += n
		if err != nil || n < expireBatch {
			return total, err
		}
	}
}

func (s *Service) expireSome(ctx context.Context) (int, error) {
	type victim struct {
		ID       uuid.UUID
		TenantID *uuid.UUID
		Status   string
		DryRun   bool
	}
	var vs []victim
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		// SKIP LOCKED: an import being started right now is left for the
		// next sweep rather than waited for.
		if err := tx.WithContext(ctx).Raw(`SELECT id, tenant_id, status, dry_run FROM imports
			WHERE file_removed_at IS NULL AND status NOT IN ('queued', 'running')
			  AND greatest(updated_at, quota_reset_at) < now() - make_interval(secs => @retention)
			  AND updated_at < now() - make_interval(secs => @retention) -- implied; lets imports_file_kept bound the scan
			ORDER BY updated_at LIMIT @batch FOR UPDATE SKIP LOCKED`,
			map[string]any{"retention": s.opts.FileRetention.Seconds(), "batch": expireBatch}).
			Scan(&vs).Error; err != nil {
			return fmt.Errorf("imports: find expired files: %w", err)
		}
		for _, v := range vs {
			tenant := Platform
			if v.TenantID != nil {
				tenant = *v.TenantID
			}
			if v.Status == StatusUploaded {
				if err := updateImport(ctx, tx, v.ID, map[string]any{"status": StatusCancelled, "phase": StatusCancelled,
					"finished_at": time.Now().UTC(), "error": "The upload expired: it was not started within " +
						retentionText(s.opts.FileRetention) + "."}); err != nil {
					return err
				}
			}
			if err := deleteFile(ctx, tx, tenantKey(tenant), v.ID); err != nil {
				return err
			}
			if err := dropKeys(ctx, tx, v.ID); err != nil {
				return err
			}
			if err := audit.Write(ctx, tx, audit.Event{TenantID: auditTenant(tenant), Action: "import.file_expired",
				TargetType: "import", TargetID: v.ID.String(), ActorLabel: "system",
				Data: map[string]any{"status": v.Status, "dry_run": v.DryRun,
					"retention_hours": int(s.opts.FileRetention.Hours())}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(vs), nil
}

// retentionText says a retention period the way a person would ("7 days",
// "36 hours").
func retentionText(d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	if h := d.Round(time.Hour); h >= time.Hour {
		return fmt.Sprintf("%d hours", int(h.Hours()))
	}
	return d.Round(time.Minute).String()
}

// ExpireArgs is the periodic job that runs FailOrphans and ExpireFiles.
type ExpireArgs struct{}

// Kind names the job.
func (ExpireArgs) Kind() string { return "imports.expire_files" }

// InsertOpts puts the sweep on the imports queue, once at a time.
func (ExpireArgs) InsertOpts() river.InsertOpts { return jobs.OncePer(jobs.QueueImports, time.Hour) }

// PeriodicJobs are the imports package's scheduled jobs: the sweep of
// orphaned imports and expired files, hourly and once when the leader
// starts.
func PeriodicJobs() []jobs.Schedule {
	return []jobs.Schedule{jobs.Every(time.Hour, ExpireArgs{}, true)}
}

// FailOrphans fails the imports that show queued or running while no job
// will run them again: River discards the job of a worker killed during
// its last attempt (its rescuer gives up on a job out of attempts), and
// the import would otherwise show running until someone cancelled it.
// Only imports unchanged for StaleAfter are looked at, so a job being
// inserted or a worker beating its heartbeat is never taken for gone.
// Rows merged so far stay, and a start resumes. Returns how many imports
// it failed.
func (s *Service) FailOrphans(ctx context.Context) (int, error) {
	var ids []uuid.UUID
	// River's job table: the job of an import names it in its args.
	err := s.db.Gorm.WithContext(ctx).Raw(`SELECT i.id FROM imports i
		WHERE i.status IN ('queued', 'running') AND i.updated_at < now() - make_interval(secs => ?)
		  AND (i.heartbeat_at IS NULL OR i.heartbeat_at < now() - make_interval(secs => ?))
		  AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = ? AND j.args->>'import_id' = i.id::text
		        AND j.state NOT IN ('completed', 'discarded', 'cancelled'))
		ORDER BY i.updated_at LIMIT ?`, s.opts.StaleAfter.Seconds(), s.opts.StaleAfter.Seconds(), Args{}.Kind(), expireBatch).
		Scan(&ids).Error
	if err != nil {
		return 0, fmt.Errorf("imports: find orphaned imports: %w", err)
	}
	n := 0
	for _, id := range ids {
		imp, err := loadImportByID(ctx, s.db.Gorm, id, false)
		if err != nil {
			return n, err
		}
		// Queued or running: the job ended without finishing it either way.
		msg := "The import stopped: its job ended before it finished, and no worker will run it again. " +
			"Rows merged so far are kept; start it again to resume, or contact support quoting the import id."
		if err := s.finish(ctx, imp, StatusFailed, msg); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// sweep is the imports' hourly job: orphaned imports fail, expired files go.
func (s *Service) sweep(ctx context.Context) (int, error) {
	failed, err := s.FailOrphans(ctx)
	if err != nil {
		return failed, err
	}
	expired, err := s.ExpireFiles(ctx)
	return failed + expired, err
}
