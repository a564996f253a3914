package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// Subscription statuses.
const (
	StatusTrialing   = "trialing"
	StatusActive     = "active"
	StatusPastDue    = "past_due"
	StatusCanceled   = "canceled"
	StatusIncomplete = "incomplete"
	// StatusPaused is Stripe's paused subscription (a trial that ended
	// without a payment method, or one paused through Stripe): like
	// incomplete, its package is not in force; it comes from Stripe only.
	StatusPaused = "paused"
)

// runningStatuses are the statuses of a Stripe subscription that still
// runs (and bills): it holds the tenant, and a second checkout is refused.
var runningStatuses = []string{StatusActive, StatusTrialing, StatusPastDue}

// Subscription sources.
const (
	SourceStripe = "stripe"
	SourceManual = "manual"
	SourceSignup = "signup"
)

// Subscription is the tenant's current plan.
type Subscription struct {
	TenantID             uuid.UUID  `json:"tenant_id" gorm:"primaryKey"`
	PackageID            uuid.UUID  `json:"package_id"`
	Status               string     `json:"status"`
	Source               string     `json:"source"`
	CurrentPeriodStart   *time.Time `json:"current_period_start"`
	CurrentPeriodEnd     *time.Time `json:"current_period_end"`
	CancelAtPeriodEnd    bool       `json:"cancel_at_period_end"`
	PastDueSince         *time.Time `json:"past_due_since"`
	StripeSubscriptionID *string    `json:"stripe_subscription_id"`
	LastEventAt          *time.Time `json:"-"`
	UpdatedAt            time.Time  `json:"updated_at"`
	// StripeSide is, under a plan staff set, the state of the Stripe
	// subscription kept beside it (StripeSubscriptionID) as its latest
	// event told; nil otherwise. It takes over when the manual plan is no
	// longer in force (limits), as Stripe goes on billing for it.
	StripeSide `json:"-"`
}

// StripeSide is the state of a Stripe subscription kept beside a plan
// staff set: its package (nil when unknown), status, period end,
// cancellation and when it fell past due.
type StripeSide struct {
	StripePackageID         *uuid.UUID `json:"-"`
	StripeStatus            *string    `json:"-"`
	StripePeriodEnd         *time.Time `json:"-"`
	StripeCancelAtPeriodEnd bool       `json:"-"`
	StripePastDueSince      *time.Time `json:"-"`
}

// sideOf is the Stripe side a manual change keeps of before: its own state
// when Stripe set the plan, the side it kept when staff did, none when no
// Stripe subscription is kept.
func sideOf(before Subscription, kept *string) StripeSide {
	switch {
	case kept == nil:
		return StripeSide{}
	case before.Source == SourceStripe:
		pkg, status := before.PackageID, before.Status
		return StripeSide{StripePackageID: &pkg, StripeStatus: &status, StripePeriodEnd: before.CurrentPeriodEnd,
			StripeCancelAtPeriodEnd: before.CancelAtPeriodEnd, StripePastDueSince: before.PastDueSince}
	default:
		return before.StripeSide
	}
}

// TableName maps Subscription to its table.
func (Subscription) TableName() string { return "subscriptions" }

// of reports whether the stored plan is the Stripe subscription id.
func (s Subscription) of(id string) bool {
	return s.StripeSubscriptionID != nil && *s.StripeSubscriptionID == id
}

// CreateSignupSubscription puts a new tenant on the Free package, inside the
// signup transaction tx.
func CreateSignupSubscription(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) error {
	res := tx.WithContext(ctx).Exec(`INSERT INTO subscriptions (tenant_id, package_id, status, source, updated_at)
		SELECT ?, id, 'active', 'signup', now() FROM packages WHERE code = ?`, tenantID, FreeCode)
	if res.Error != nil {
		return fmt.Errorf("create signup subscription: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("create signup subscription: no package %q", FreeCode)
	}
	return nil
}

// ManualParams is a subscription set by platform staff.
type ManualParams struct {
	PackageCode string
	Status      string
	PeriodEnd   *time.Time
	Reason      string
}

// MinReasonLen and MaxReasonLen bound a manual change's reason, in
// characters (code points) once surrounding spaces are trimmed.
const (
	MinReasonLen = 3
	MaxReasonLen = 500
)

// SetManual assigns a package and status to a tenant by hand, with a reason
// that the audit log and the tenant's billing history keep. This is, with
// verified Stripe events, the only way a paid package is activated.
// Returns EINVALID, ENOTFOUND (tenant or package).
func (s *Service) SetManual(ctx context.Context, tenantID uuid.UUID, p ManualParams) (Subscription, error) {
	p.Reason = strings.TrimSpace(p.Reason)
	var fields []apperr.FieldError
	switch n := utf8.RuneCountInString(p.Reason); {
	case n == 0:
		fields = append(fields, apperr.FieldError{Field: "reason", Message: "is required"})
	case n < MinReasonLen:
		fields = append(fields, apperr.FieldError{Field: "reason",
			Message: fmt.Sprintf("must be at least %d characters long, not counting surrounding spaces", MinReasonLen)})
	case n > MaxReasonLen:
		fields = append(fields, apperr.FieldError{Field: "reason", Message: fmt.Sprintf("must be at most %d characters long", MaxReasonLen)})
	}
	switch p.Status {
	case StatusTrialing, StatusActive, StatusPastDue, StatusCanceled, StatusIncomplete:
	default:
		fields = append(fields, apperr.FieldError{Field: "status", Message: "must be one of: trialing, active, past_due, canceled, incomplete"})
	}
	if p.PeriodEnd != nil {
		// As the database keeps it (UTC, microseconds), so the answer is
		// the subscription read back later.
		end := p.PeriodEnd.UTC().Truncate(time.Microsecond)
		p.PeriodEnd = &end
	}
	if p.PeriodEnd != nil && !p.PeriodEnd.After(time.Now()) {
		fields = append(fields, apperr.FieldError{Field: "current_period_end", Message: "must be in the future"})
	}
	if len(fields) > 0 {
		return Subscription{}, apperr.Invalid("The subscription is invalid.", fields...)
	}
	pkg, err := s.PackageByCode(ctx, p.PackageCode)
	if err != nil {
		if apperr.Is(err, apperr.ENOTFOUND) {
			return Subscription{}, apperr.Invalid("The package does not exist.", apperr.FieldError{Field: "package_code", Message: "is not a known package"})
		}
		return Subscription{}, err
	}
	var sub Subscription
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var exists int64
		if err := tx.Table("tenants").Where("id = ?", tenantID).Count(&exists).Error; err != nil {
			return err
		}
		if exists == 0 {
			return apperr.Errorf(apperr.ENOTFOUND, "Tenant not found.")
		}
		var before Subscription
		if err := tx.Clauses(forUpdate).Where("tenant_id = ?", tenantID).Take(&before).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		now := time.Now().UTC()
		// The change is newer than any Stripe event created before it (its
		// updated_at; see applySubscription), while last_event_at keeps
		// ordering Stripe's own events.
		kept := stripeStillRunning(before)
		sub = Subscription{TenantID: tenantID, PackageID: pkg.ID, Status: p.Status, Source: SourceManual,
			CurrentPeriodStart: &now, CurrentPeriodEnd: p.PeriodEnd, UpdatedAt: now, LastEventAt: before.LastEventAt,
			StripeSubscriptionID: kept, StripeSide: sideOf(before, kept)}
		if p.Status == StatusPastDue {
			// The grace period runs from when the tenant fell past due: a
			// change while it stays so does not start it again.
			sub.PastDueSince = &now
			if before.Status == StatusPastDue && before.PastDueSince != nil {
				sub.PastDueSince = before.PastDueSince
			}
		}
		if err := tx.Save(&sub).Error; err != nil {
			return fmt.Errorf("save subscription: %w", err)
		}
		data := map[string]any{"package": pkg.Code, "status": p.Status, "source": SourceManual, "reason": p.Reason}
		if before.PackageID != uuid.Nil {
			var prev []string
			if err := tx.Model(&Package{}).Where("id = ?", before.PackageID).Pluck("code", &prev).Error; err != nil {
				return err
			}
			if len(prev) == 1 {
				data["previous_package"] = prev[0]
			}
			data["previous_status"] = before.Status
		}
		if p.PeriodEnd != nil {
			data["current_period_end"] = p.PeriodEnd.UTC().Format(time.RFC3339)
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "subscription.changed",
			TargetType: "tenant", TargetID: tenantID.String(), Data: data, ActorStaff: true})
	})
	return sub, err
}

// stripeStillRunning is the Stripe subscription a manual change keeps: the
// stored one while it may still run (its last state from Stripe was in
// force, or staff set the plan since, which leaves the Stripe subscription
// as it was). An ended one is dropped, so that checkout is open again and
// its late invoices move nothing.
func stripeStillRunning(before Subscription) *string {
	if before.StripeSubscriptionID == nil || before.Source != SourceStripe {
		return before.StripeSubscriptionID
	}
	if slices.Contains(runningStatuses, before.Status) {
		return before.StripeSubscriptionID
	}
	return nil
}

// SubscriptionOf returns the tenant's subscription (ENOTFOUND when none).
func (s *Service) SubscriptionOf(ctx context.Context, tenantID uuid.UUID) (Subscription, error) {
	var sub Subscription
	err := s.db.WithContext(ctx).Where("tenant_id = ?", tenantID).Take(&sub).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sub, apperr.Errorf(apperr.ENOTFOUND, "The tenant has no subscription.")
	}
	return sub, err
}
