package limits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Job slots: a tenant runs at most its package's max_concurrent_jobs
// background jobs at once, imports and CRM pushes together. A job claims a
// slot before it works, renews it while it works (a slot expires after its
// ttl, so a dead worker's slot frees itself) and releases it when it stops;
// a job that finds every slot taken waits and tries again. A suspended
// tenant gets no slot at all (ErrSuspended): its jobs wait, without
// running, until it is reactivated.

// ErrSuspended is ClaimJobSlot's and RequireActive's answer for a
// suspended tenant; a job that gets it waits SuspendedWait and tries again.
var ErrSuspended = &apperr.Error{Code: apperr.EFORBIDDEN, Type: "tenant-suspended",
	Message: "This organization is suspended; contact support@1cloudcrm.com."}

// SuspendedWait is how long a suspended tenant's job waits before it looks
// again: reactivation resumes its work within this.
const SuspendedWait = time.Minute

// RequireActive returns ErrSuspended when the tenant is suspended, so a
// job that runs long stops between two steps (an import between batches).
func (s *Service) RequireActive(ctx context.Context, tenantID uuid.UUID) error {
	return requireActive(s.db.WithContext(ctx), tenantID)
}

func requireActive(q *gorm.DB, tenantID uuid.UUID) error {
	var suspended bool
	if err := q.Raw(`SELECT EXISTS (SELECT 1 FROM tenants WHERE id = ? AND status = 'suspended')`, tenantID).Scan(&suspended).Error; err != nil {
		return fmt.Errorf("tenant status: %w", err)
	}
	if suspended {
		return ErrSuspended
	}
	return nil
}

// ClaimJobSlot takes one of the tenant's slots for holder (unique per job,
// e.g. "import:<id>") for ttl, and reports whether it got one. A holder
// that already has a slot keeps it (renewed). Claims of one tenant are
// serialized, so the limit holds under any concurrency. Returns
// ErrSuspended for a suspended tenant, whose held slot is given back.
func (s *Service) ClaimJobSlot(ctx context.Context, tenantID uuid.UUID, holder string, ttl time.Duration) (bool, error) {
	plan, err := s.Plan(ctx, tenantID)
	if err != nil {
		return false, err
	}
	limit := max(plan.Package.MaxConcurrentJobs, 1)
	ok := false
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, "job-slots:"+tenantID.String()).Error; err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM job_slots WHERE tenant_id = ? AND expires_at <= now()`, tenantID).Error; err != nil {
			return err
		}
		if err := requireActive(tx, tenantID); err != nil {
			return err
		}
		res := tx.Exec(`UPDATE job_slots SET expires_at = now() + make_interval(secs => ?) WHERE tenant_id = ? AND holder = ?`,
			ttl.Seconds(), tenantID, holder)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			ok = true
			return nil
		}
		var taken int
		if err := tx.Raw(`SELECT count(*) FROM job_slots WHERE tenant_id = ?`, tenantID).Scan(&taken).Error; err != nil {
			return err
		}
		if taken >= limit {
			return nil
		}
		ok = true
		return tx.Exec(`INSERT INTO job_slots (tenant_id, holder, expires_at) VALUES (?, ?, now() + make_interval(secs => ?))`,
			tenantID, holder, ttl.Seconds()).Error
	})
	switch {
	case errors.Is(err, ErrSuspended):
		_ = s.ReleaseJobSlot(ctx, tenantID, holder)
		return false, ErrSuspended
	case err != nil:
		return false, fmt.Errorf("claim job slot: %w", err)
	}
	return ok, nil
}

// RenewJobSlot extends holder's slot to ttl from now. A slot that expired
// while its job went on (renewals held up longer than ttl) and was taken
// away is put back: the job is running, so it counts, and new jobs wait
// until the tenant is under its limit again instead of starting beside it.
// Call it only while the job runs, never after ReleaseJobSlot (the import
// and push workers stop renewing before they release).
func (s *Service) RenewJobSlot(ctx context.Context, tenantID uuid.UUID, holder string, ttl time.Duration) error {
	if err := s.db.WithContext(ctx).Exec(`INSERT INTO job_slots (tenant_id, holder, expires_at)
		VALUES (?, ?, now() + make_interval(secs => ?))
		ON CONFLICT (tenant_id, holder) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
		tenantID, holder, ttl.Seconds()).Error; err != nil {
		return fmt.Errorf("renew job slot: %w", err)
	}
	return nil
}

// ReleaseJobSlot gives holder's slot back. It runs even when ctx is
// cancelled (a job that stops still gives its slot back), for at most ten
// seconds; a slot it cannot release expires.
func (s *Service) ReleaseJobSlot(ctx context.Context, tenantID uuid.UUID, holder string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM job_slots WHERE tenant_id = ? AND holder = ?`, tenantID, holder).Error; err != nil {
		return fmt.Errorf("release job slot: %w", err)
	}
	return nil
}
