package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
)

// PushMaxAttempts is how often River runs a push job whose CRM keeps
// failing (5xx, timeouts) before its contacts are marked failed.
const PushMaxAttempts = 10

// PushArgs is a push job: send up to BatchSize contacts of one push.
type PushArgs struct {
	TenantID   uuid.UUID   `json:"tenant_id"`
	BatchID    uuid.UUID   `json:"batch_id"`
	ContactIDs []uuid.UUID `json:"contact_ids"`
}

// Kind names the job.
func (PushArgs) Kind() string { return "crm_push" }

// InsertOpts puts push jobs on the CRM queue.
func (PushArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueCRM, MaxAttempts: PushMaxAttempts}
}

// PushWorker works push jobs.
type PushWorker struct {
	river.WorkerDefaults[PushArgs]
	svc *Service
}

// NewPushWorker returns the worker RegisterWorkers registers.
func NewPushWorker(svc *Service) *PushWorker { return &PushWorker{svc: svc} }

// PushSlotTTL is how long a push job's job slot lasts without renewal:
// the job renews it every quarter of that while it runs (a rate-limited
// job may run up to jobs.JobTimeout), and a worker that dies frees its
// tenant's slot after this.
const PushSlotTTL = 2 * time.Minute

// CodeGaveUp is the error code of contacts whose push job ended for good
// without settling them (its last attempt failed, or River discarded it).
const CodeGaveUp = "GAVE_UP"

// giveUpTimeout bounds settling a job's contacts after its context ended.
const giveUpTimeout = 10 * time.Second

// Work sends the job's contacts while holding one of the tenant's job
// slots (max_concurrent_jobs, shared with imports): with every slot
// taken, the job snoozes (which is not an attempt) and tries again. When
// the last attempt fails, whatever the error, River discards the job, so
// the contacts it left queued are failed here (GAVE_UP); otherwise they
// would stay queued for ever and block later pushes as already_queued. A
// run the client's stop interrupted (a deploy) is not an attempt: River
// runs the job again, so its contacts stay queued.
func (w *PushWorker) Work(ctx context.Context, job *river.Job[PushArgs]) error {
	lastTry := job.Attempt >= job.MaxAttempts
	err := jobs.ContextErr(ctx, w.work(ctx, job, lastTry))
	var snooze *river.JobSnoozeError
	if err == nil || !lastTry || errors.As(err, &snooze) || jobs.Interrupted(ctx, err) {
		return err
	}
	if n, gerr := w.svc.giveUp(ctx, job.Args, err); gerr != nil {
		w.svc.log.ErrorContext(ctx, "crm: settle a push job's last attempt", "job_id", job.ID,
			"tenant_id", job.Args.TenantID.String(), "error", gerr)
	} else {
		w.svc.log.WarnContext(ctx, "crm: push job gave up on its last attempt", "job_id", job.ID,
			"tenant_id", job.Args.TenantID.String(), "contacts", n, "error", err)
	}
	return err
}

func (w *PushWorker) work(ctx context.Context, job *river.Job[PushArgs], lastTry bool) error {
	holder := "crm:" + strconv.FormatInt(job.ID, 10)
	ttl := w.svc.opts.PushSlotTTL
	ok, err := w.svc.limits.ClaimJobSlot(ctx, job.Args.TenantID, holder, ttl)
	if errors.Is(err, limits.ErrSuspended) {
		// A suspended tenant's contacts stay queued, not sent, until it
		// is reactivated.
		return river.JobSnooze(limits.SuspendedWait)
	}
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(2 * time.Second)
	}
	defer func() {
		if err := w.svc.limits.ReleaseJobSlot(ctx, job.Args.TenantID, holder); err != nil {
			w.svc.log.WarnContext(ctx, "release push job slot", "job_id", job.ID, "error", err)
		}
	}()
	stop := w.svc.keepJobSlot(ctx, job.Args.TenantID, holder, ttl)
	defer stop()
	err = w.svc.PushChunk(ctx, job.Args, lastTry)
	var long *LongWaitError
	if errors.As(err, &long) {
		return w.svc.snoozeUntil(job.CreatedAt, long)
	}
	return err
}

// InlineWaitMax is the default of Options.InlineWaitMax: the CRM's windows
// are 10 seconds, so its usual Retry-After is sat out inline.
const InlineWaitMax = 30 * time.Second

// RateLimitPatience is how long after its job was queued a push keeps
// waiting out the CRM's rate limits by snoozing. Past it, a long wait is
// a failed attempt like a 5xx, so a CRM that never lets the push through
// ends in GAVE_UP after the job's attempts instead of keeping its
// contacts queued (and blocking later pushes of them) for ever.
const RateLimitPatience = 24 * time.Hour

// snoozeUntil turns a long rate-limit wait into a River snooze until it is
// over: the job's slot is released (the deferred release runs before River
// sees the snooze), a snooze is not an attempt, and the contacts stay
// queued with their attempts and metering, so the job resumes where it
// stopped and, matching by external_id, never creates a second record.
func (s *Service) snoozeUntil(queuedAt time.Time, long *LongWaitError) error {
	if !queuedAt.IsZero() && long.Until.Sub(queuedAt) > RateLimitPatience {
		return &TransientError{Last: "rate limited until " + long.Until.UTC().Format(time.RFC3339) +
			", more than " + RateLimitPatience.String() + " after the push job was queued"}
	}
	return river.JobSnooze(max(long.Until.Sub(s.now()), 0))
}

// keepJobSlot renews holder's slot every quarter of ttl until stop is
// called, as imports renew theirs with their heartbeat: a job that waits
// out rate limits keeps its slot, and the tenant never runs more than
// max_concurrent_jobs at once.
func (s *Service) keepJobSlot(ctx context.Context, tenantID uuid.UUID, holder string, ttl time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(ttl / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := s.limits.RenewJobSlot(ctx, tenantID, holder, ttl); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "crm: renew push job slot", "tenant_id", tenantID.String(), "error", err)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// giveUp fails the job's contacts that are still queued (GAVE_UP) after
// its last attempt failed with cause, and returns how many. It runs after
// the job's context ended too.
func (s *Service) giveUp(ctx context.Context, a PushArgs, cause error) (int, error) {
	why := "the push job failed on its last attempt"
	switch {
	case errors.Is(cause, context.DeadlineExceeded):
		why = "the push job ran out of time on its last attempt"
	case errors.Is(cause, context.Canceled):
		why = "the worker stopped during the push job's last attempt"
	}
	return s.failQueued(ctx, a.TenantID, a.BatchID, a.ContactIDs, 0, "Gave up: "+why+". Push the contact again.")
}

// failQueued fails the named contacts of a push that are still queued (and
// untouched for idle), with CodeGaveUp and msg, and returns how many.
// Contacts already tried also record the failure in their CRM state, as
// any failed push does.
func (s *Service) failQueued(ctx context.Context, tenantID, batchID uuid.UUID, ids []uuid.UUID, idle time.Duration, msg string) (int, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), giveUpTimeout)
	defer cancel()
	var outs []outcome
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		items, err := lockQueuedItems(ctx, tx, tenantID, batchID, ids, idle)
		if err != nil {
			return err
		}
		outs = make([]outcome, len(items))
		for i, it := range items {
			outs[i] = outcome{ContactID: it.ContactID, Status: ItemFailed, Code: CodeGaveUp, Message: msg, Tries: it.Attempts}
		}
		return setOutcomes(ctx, tx, tenantID, batchID, outs, s.now())
	})
	if err != nil {
		return 0, err
	}
	s.metrics.outcomes(outs)
	return len(outs), nil
}

// Timeout leaves room for a long rate-limit wait.
func (w *PushWorker) Timeout(*river.Job[PushArgs]) time.Duration { return jobs.JobTimeout }

// RegisterWorkers registers the CRM's workers: pushes and the sweep of
// abandoned pushes.
func RegisterWorkers(workers *river.Workers, svc *Service) {
	river.AddWorker(workers, NewPushWorker(svc))
	river.AddWorker(workers, river.WorkFunc(svc.sweepAbandoned))
}

// AbandonedAfter is how long a queued contact whose push job is gone for
// good waits before the sweep fails it.
const AbandonedAfter = 15 * time.Minute

// sweepLimit bounds the contacts one sweep settles; the next run takes the rest.
const sweepLimit = 10000

// SweepAbandonedPushes fails (GAVE_UP) the queued contacts that no push job
// will ever send: a worker killed on the job's last attempt leaves River's
// rescuer to discard the job, and nothing settles them. It returns how many
// it failed.
func (s *Service) SweepAbandonedPushes(ctx context.Context) (int, error) {
	keys, err := abandonedItems(ctx, s.db.Gorm, AbandonedAfter, sweepLimit)
	if err != nil {
		return 0, err
	}
	total := 0
	for start := 0; start < len(keys); {
		end := start
		var ids []uuid.UUID
		for end < len(keys) && keys[end].TenantID == keys[start].TenantID && keys[end].BatchID == keys[start].BatchID {
			ids = append(ids, keys[end].ContactID)
			end++
		}
		n, err := s.failQueued(ctx, keys[start].TenantID, keys[start].BatchID, ids, AbandonedAfter,
			"Gave up: the push job stopped for good before it sent the contact. Push the contact again.")
		if err != nil {
			return total, err
		}
		total += n
		start = end
	}
	return total, nil
}

// SweepArgs is the periodic job that runs SweepAbandonedPushes.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "crm.sweep_abandoned_pushes" }

// InsertOpts puts the sweep on the CRM queue, once at a time.
func (SweepArgs) InsertOpts() river.InsertOpts { return jobs.OncePer(jobs.QueueCRM, time.Hour) }

func (s *Service) sweepAbandoned(ctx context.Context, _ *river.Job[SweepArgs]) error {
	n, err := s.SweepAbandonedPushes(ctx)
	if n > 0 {
		s.log.WarnContext(ctx, "crm: failed abandoned push contacts", "count", n)
	}
	if err != nil {
		return err
	}
	pruned, err := s.Prune(ctx)
	if pruned > 0 {
		s.log.InfoContext(ctx, "crm: pruned old webhook events and OAuth states", "rows", pruned)
	}
	return err
}

// WebhookEventRetention is how long a received CRM webhook event is kept
// to recognise its retries (the CRM retries for 24 hours).
const WebhookEventRetention = 30 * 24 * time.Hour

// Prune deletes webhook events older than WebhookEventRetention and OAuth
// states that expired a day ago (kept that long to recognise a replay).
func (s *Service) Prune(ctx context.Context) (int64, error) {
	now := s.now()
	n, err := db.DeleteBatched(ctx, s.db.Gorm, "crm_webhook_events", "received_at < ?", now.Add(-WebhookEventRetention))
	if err != nil {
		return n, err
	}
	m, err := db.DeleteBatched(ctx, s.db.Gorm, "crm_oauth_states", "expires_at < ?", now.Add(-24*time.Hour))
	return n + m, err
}

// PeriodicJobs are the CRM package's scheduled jobs: the sweep of abandoned
// pushes (which also prunes, see Prune), hourly and once when the leader
// starts.
func PeriodicJobs() []jobs.Schedule {
	return []jobs.Schedule{jobs.Every(time.Hour, SweepArgs{}, true)}
}

// sendItem is a contact on its way to the CRM.
type sendItem struct {
	item     itemRow
	want     map[string]string
	hash     []byte
	props    map[string]string
	needRead []string
	update   bool              // the CRM held the record before this push
	last     map[string]string // what we sent last
}

// PushChunk sends the still-queued contacts of a job in one batch upsert
// (external_id = contact id) and records every attempt and the outcome.
// It is idempotent and resumable: contacts already settled are skipped, so
// a worker killed mid-batch resends only what has no answer recorded, and
// the CRM answers such a replay with "updated" on the same record. lastTry
// marks the job's final attempt: transient failures then fail the contacts
// instead of leaving them queued. A returned error makes River retry.
func (s *Service) PushChunk(ctx context.Context, a PushArgs, lastTry bool) error {
	items, err := queuedItems(ctx, s.db.Gorm, a.TenantID, a.BatchID, a.ContactIDs)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return nil // settled by an earlier run
	}
	ids := make([]uuid.UUID, len(items))
	for i, it := range items {
		ids[i] = it.ContactID
	}
	c, err := getConnection(ctx, s.db.Gorm, a.TenantID, false)
	switch {
	case err != nil:
		return err
	case c == nil || c.Status == StatusDisconnected:
		return s.cancel(ctx, a, ids)
	case c.Status == StatusNeedsReauth:
		return s.pause(ctx, a, ids)
	}
	contents, err := loadContents(ctx, s.db.Gorm, a.TenantID, ids)
	if err != nil {
		return err
	}
	states, err := loadPushRows(ctx, s.db.Gorm, a.TenantID, ids)
	if err != nil {
		return err
	}
	modes, err := loadOwnership(ctx, s.db.Gorm, a.TenantID)
	if err != nil {
		return err
	}

	// Decide again at send time: approval, deletions and content may have
	// changed since the push was planned.
	var decided []outcome
	var sends []*sendItem
	for _, it := range items {
		ct, visible := contents[it.ContactID]
		st, known := states[it.ContactID]
		switch {
		case !visible:
			decided = append(decided, outcome{ContactID: it.ContactID, Status: ItemRejected, Code: "NOT_FOUND",
				Message: "The contact no longer exists."})
			continue
		case ct.SavedStatus == nil || *ct.SavedStatus != "approved":
			decided = append(decided, outcome{ContactID: it.ContactID, Status: ItemRejected, Code: "NOT_APPROVED",
				Message: "The contact is no longer approved for the CRM."})
			continue
		case known && st.Status == "deleted_in_crm":
			decided = append(decided, outcome{ContactID: it.ContactID, Status: ItemDeletedInCRM, Code: "RECORD_DELETED",
				Message: "The contact was deleted in the CRM; it is not pushed again.", RecordID: deref(st.CRMRecordID)})
			continue
		}
		want := desired(ct)
		hash := contentHash(want, modes)
		update := known && st.CRMRecordID != nil
		if update && bytes.Equal(hash, st.ContentHash) {
			decided = append(decided, outcome{ContactID: it.ContactID, Status: ItemSkipped, Code: "SKIPPED_DUPLICATE",
				Message: "The CRM already holds this content.", RecordID: deref(st.CRMRecordID)})
			continue
		}
		var last map[string]string
		if known {
			_ = json.Unmarshal(st.PushedProperties, &last)
		}
		props, need := properties(want, last, modes, update)
		sends = append(sends, &sendItem{item: it, want: want, hash: hash, props: props, needRead: need, update: update, last: last})
	}

	// What is decided is settled now: a read that fails below settles the
	// contacts still to send, and only those.
	if err := s.settleOutcomes(ctx, a, c.AccountID, decided); err != nil {
		return err
	}
	decided = nil
	pending := make([]uuid.UUID, len(sends))
	for i, si := range sends {
		pending[i] = si.item.ContactID
	}

	// fill_if_empty on an update: read the record to see which fields are empty.
	kept := sends[:0]
	for _, si := range sends {
		if len(si.needRead) == 0 {
			kept = append(kept, si)
			continue
		}
		read := func(at attempt) { // in the contact's history like any attempt, numbered before the upsert's
			if at.Outcome == outcomeOK {
				at.Outcome = OutcomeRead
			}
			s.recordAttempt(ctx, a, []*sendItem{si}, at, 1)
			si.item.Attempts++
		}
		resp, err := s.call(ctx, a.TenantID, c.AccountID, http.MethodGet, "/v1/contacts/by-external-id/"+url.PathEscape(si.item.ContactID.String()), nil, read)
		var ae *APIError
		switch {
		case err == nil:
			var rec struct {
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(resp.body, &rec); err != nil || rec.Properties == nil {
				// Not the record (a proxy's page, a cut answer): read as
				// one with every field empty, it let the update write
				// over the values someone entered in the CRM.
				decided = append(decided, outcome{ContactID: si.item.ContactID, Status: ItemFailed, Code: "UNREADABLE_RECORD",
					Message: "The CRM's answer to reading the contact was not its record; nothing was sent, so no value entered in the CRM was overwritten.",
					Tries:   1})
				continue
			}
			for _, f := range si.needRead {
				if fillable(propertyText(rec.Properties[f]), si.last[f], si.want[f]) {
					si.props[f] = si.want[f]
				}
			}
			kept = append(kept, si)
		case errors.As(err, &ae) && ae.Status == http.StatusGone:
			decided = append(decided, outcome{ContactID: si.item.ContactID, Status: ItemDeletedInCRM, Code: "RECORD_DELETED",
				Message: "The contact was deleted in the CRM; it is not pushed again.", Tries: 1})
		case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
			// The record is not there (and was not deleted there): it is
			// created again with every field, not only those that changed.
			si.props, _ = properties(si.want, nil, modes, false)
			si.update = false
			kept = append(kept, si)
		default:
			return s.fail(ctx, a, pending, err, lastTry, 0)
		}
	}
	sends = kept
	if err := s.settleOutcomes(ctx, a, c.AccountID, decided); err != nil {
		return err
	}
	if sends, err = s.meter(ctx, a, sends); err != nil || len(sends) == 0 {
		return err
	}

	type input struct {
		ExternalID string            `json:"external_id"`
		Properties map[string]string `json:"properties"`
	}
	in := make([]input, len(sends))
	sendIDs := make([]uuid.UUID, len(sends))
	for i, si := range sends {
		in[i] = input{ExternalID: si.item.ContactID.String(), Properties: si.props}
		sendIDs[i] = si.item.ContactID
	}
	body, _ := json.Marshal(map[string]any{"inputs": in})
	tries := 0
	record := func(at attempt) {
		tries++
		s.recordAttempt(ctx, a, sends, at, tries)
	}
	resp, err := s.call(ctx, a.TenantID, c.AccountID, http.MethodPost, "/v1/contacts/batch/upsert", body, record)
	if err != nil {
		return s.fail(ctx, a, sendIDs, err, lastTry, tries)
	}
	results := parseResults(resp.body)
	outs := make([]outcome, 0, len(sends))
	for i, si := range sends {
		o := outcome{ContactID: si.item.ContactID, Tries: tries, Hash: si.hash, Props: si.props}
		r, ok := results[i]
		switch {
		case !ok:
			o.Status, o.Code, o.Message = ItemFailed, "NO_RESULT", "The CRM's answer had no result for this contact."
		case r.Status == OutcomeCreated || r.Status == OutcomeUpdated:
			o.Status, o.Result, o.RecordID = ItemPushed, r.Status, r.ID
			if !si.update {
				// A replay after an attempt whose answer was lost (timeout,
				// stopped worker) is answered "updated", but this push
				// created the record; the attempts keep the CRM's words.
				o.Result = OutcomeCreated
			}
		case r.Error != nil && r.Error.Code == "RECORD_DELETED":
			o.Status, o.Code, o.Message, o.RecordID = ItemDeletedInCRM, r.Error.Code, r.Error.Message, r.Error.ExistingID
		default:
			o.Status, o.Code, o.Message = ItemFailed, "UNKNOWN", "The CRM refused this contact."
			if r.Error != nil {
				o.Code, o.Message = r.Error.Code, r.Error.Message
			}
		}
		outs = append(outs, o)
	}
	return s.settleOutcomes(ctx, a, c.AccountID, outs)
}

// upsertResult is one per-item result of a batch upsert.
type upsertResult struct {
	Index      int    `json:"index"`
	ExternalID string `json:"external_id"`
	Status     string `json:"status"`
	ID         string `json:"id"`
	Error      *struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		Field      string `json:"field"`
		ExistingID string `json:"existing_id"`
	} `json:"error"`
	raw json.RawMessage
}

// parseResults reads a 200/207 item by item, by index.
func parseResults(body []byte) map[int]upsertResult {
	var env struct {
		Results []json.RawMessage `json:"results"`
	}
	out := map[int]upsertResult{}
	if json.Unmarshal(body, &env) != nil {
		return out
	}
	for _, raw := range env.Results {
		var r upsertResult
		if json.Unmarshal(raw, &r) == nil {
			r.raw = raw
			out[r.Index] = r
		}
	}
	return out
}

// recordAttempt appends the attempt to the history of every contact it
// carried. It runs even when the worker is stopping, so an interrupted
// attempt is on record too.
func (s *Service) recordAttempt(ctx context.Context, a PushArgs, sends []*sendItem, at attempt, try int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var results map[int]upsertResult
	if at.Outcome == outcomeOK {
		results = parseResults(at.Body)
	}
	evs := make([]eventRow, len(sends))
	for i, si := range sends {
		e := eventRow{ContactID: si.item.ContactID, Attempt: si.item.Attempts + try, Outcome: at.Outcome, Code: at.Code,
			Message: at.Message, Answer: at.Body}
		r, ok := results[i]
		switch {
		case ok:
			e.Outcome, e.RecordID, e.Answer, e.Code, e.Message = r.Status, r.ID, r.raw, "", ""
			if r.Error != nil {
				e.Outcome, e.Code, e.Message = OutcomeItemError, r.Error.Code, r.Error.Message
			}
		case at.Outcome == outcomeOK:
			e.Outcome, e.Code, e.Message = OutcomeItemError, "NO_RESULT", "The CRM's answer had no result for this contact."
		}
		evs[i] = e
	}
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error { return appendEvents(ctx, tx, a.TenantID, a.BatchID, at, evs) })
	if err != nil {
		s.log.ErrorContext(ctx, "crm: record attempt", "tenant_id", a.TenantID.String(), "error", err)
	}
}

// fail settles the contacts of a call that got no usable answer.
func (s *Service) fail(ctx context.Context, a PushArgs, ids []uuid.UUID, err error, lastTry bool, tries int) error {
	var ae *APIError
	var te *TransientError
	switch {
	case ctx.Err() != nil:
		// Stopped: the contacts stay queued and River runs the job again
		// (after the last attempt, Work gives them up).
		return ctx.Err()
	case errors.Is(err, errNeedsReauth):
		return s.pause(ctx, a, ids)
	case errors.Is(err, errNotConnected):
		return s.cancel(ctx, a, ids)
	case errors.Is(err, errAccountChanged):
		outs := make([]outcome, len(ids))
		for i, id := range ids {
			outs[i] = outcome{ContactID: id, Status: ItemFailed}
		}
		return s.settleOutcomes(ctx, a, "", accountChanged(outs))
	case errors.As(err, &ae):
		return s.settleAll(ctx, a, ids, tries, ItemFailed, ae.Code, "The CRM refused the request: "+ae.Message)
	case errors.As(err, &te) && lastTry:
		return s.settleAll(ctx, a, ids, tries, ItemFailed, "UNAVAILABLE", "The CRM kept failing; gave up after every retry.")
	default:
		return err
	}
}

func (s *Service) settleAll(ctx context.Context, a PushArgs, ids []uuid.UUID, tries int, status, code, msg string) error {
	outs := make([]outcome, len(ids))
	for i, id := range ids {
		outs[i] = outcome{ContactID: id, Status: status, Code: code, Message: msg, Tries: tries}
	}
	return s.settleOutcomes(ctx, a, "", outs)
}

// cancel cancels open items: the CRM was disconnected.
func (s *Service) cancel(ctx context.Context, a PushArgs, ids []uuid.UUID) error {
	ctx = context.WithoutCancel(ctx)
	return setItemsStatus(ctx, s.db.Gorm, a.TenantID, a.BatchID, ids, ItemCancelled, "DISCONNECTED",
		"The CRM was disconnected before this contact was sent.")
}

// errReconnected: the connection was reconnected between the chunk's
// reading that it needs re-authorization and pausing its contacts; they
// stay queued and River runs the job again.
var errReconnected = errors.New("crm: reconnected meanwhile; the chunk runs again")

// pause moves open items to paused while the connection still needs
// re-authorization, which is checked under the connection row's lock, the
// lock a reconnect takes to resume paused items: a reconnect that came
// first leaves the items queued for this job's retry (paused, they would
// wait on a live connection for the next reconnect), one that comes later
// finds them paused and queues them.
func (s *Service) pause(ctx context.Context, a PushArgs, ids []uuid.UUID) error {
	ctx = context.WithoutCancel(ctx)
	return s.db.WithTx(ctx, func(tx *gorm.DB) error {
		var status []string
		if err := tx.WithContext(ctx).Raw(`SELECT status FROM crm_connections WHERE tenant_id = ? FOR SHARE`,
			a.TenantID).Scan(&status).Error; err != nil {
			return fmt.Errorf("crm: read connection status: %w", err)
		}
		if len(status) == 0 || status[0] != StatusNeedsReauth {
			return errReconnected
		}
		return setItemsStatus(ctx, tx, a.TenantID, a.BatchID, ids, ItemPaused, "NEEDS_REAUTH", "Waiting for an org admin to reconnect the CRM.")
	})
}

// settleOutcomes writes outcomes decided against the CRM account account
// ("" for outcomes that do not depend on one). When the connection moved to
// another account meanwhile (an org admin switched it while this chunk was
// sent), what the old account answered is no state of the new one: those
// contacts fail with ACCOUNT_CHANGED, leave crm_pushes alone (the switch
// forgot it) and count as not pushed. A pushed contact moves the
// connection's last successful push.
func (s *Service) settleOutcomes(ctx context.Context, a PushArgs, account string, outs []outcome) error {
	if len(outs) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	now := s.now()
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		if account != "" {
			var current []string
			// The lock the last-push update below takes anyway, taken first:
			// two settles sharing the row and then both updating it would
			// deadlock.
			if err := tx.WithContext(ctx).Raw(`SELECT account_id FROM crm_connections WHERE tenant_id = ? FOR NO KEY UPDATE`,
				a.TenantID).Scan(&current).Error; err != nil {
				return fmt.Errorf("crm: read connection account: %w", err)
			}
			if len(current) == 0 || current[0] != account {
				outs = accountChanged(outs)
			}
		}
		if slices.ContainsFunc(outs, func(o outcome) bool { return o.Status == ItemPushed }) {
			if err := touchLastPush(ctx, tx, a.TenantID, now); err != nil {
				return err
			}
		}
		return setOutcomes(ctx, tx, a.TenantID, a.BatchID, outs, now)
	})
	if err == nil {
		s.metrics.outcomes(outs)
	}
	return err
}

// accountChanged turns the outcomes that came from the CRM account into
// ACCOUNT_CHANGED failures; a contact rejected for its own sake (no longer
// there, no longer approved) stays rejected.
func accountChanged(outs []outcome) []outcome {
	out := make([]outcome, len(outs))
	for i, o := range outs {
		if o.Status != ItemRejected {
			o = outcome{ContactID: o.ContactID, Status: ItemFailed, Code: "ACCOUNT_CHANGED",
				Message: "The CRM connection moved to another account while this contact was sent; push it again."}
		}
		out[i] = o
	}
	return out
}

// meter counts contacts against crm_pushes_per_month the first time they
// are sent (a retry or a resumed job does not count them again), so the
// quota holds them while they are on the way. A contact counts once it
// reached the CRM: when its push ends without that (refused, given up,
// ACCOUNT_CHANGED, cancelled), the crm_push_items_refund trigger gives the
// unit back to the month it was charged in, in the statement that settles
// it, and charges it again if the CRM's answer then records it pushed (a
// disconnect cancelled it while its batch was on the way). Contacts the
// quota cannot cover fail with QUOTA_EXCEEDED; the rest are returned.
//
// Two jobs may name the same contacts (a reconnect queues paused contacts
// with new jobs while a job that had not run yet still names them), and run
// at once. So what this job read when it began is checked again under the
// items' locks: a contact the other job settled meanwhile is not sent again,
// and one it charged is not charged twice.
func (s *Service) meter(ctx context.Context, a PushArgs, sends []*sendItem) ([]*sendItem, error) {
	if len(sends) == 0 {
		return sends, nil
	}
	plan, err := s.limits.Plan(ctx, a.TenantID)
	if err != nil {
		return nil, err
	}
	keep := map[uuid.UUID]bool{}
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		ids := make([]uuid.UUID, len(sends))
		for i, si := range sends {
			ids[i] = si.item.ContactID
		}
		// The items first, the counter after: the order a settle takes them in.
		locked, err := lockItemsToSend(ctx, tx, a.TenantID, a.BatchID, ids)
		if err != nil {
			return err
		}
		var fresh []*sendItem
		for _, si := range sends {
			metered, queued := locked[si.item.ContactID]
			switch {
			case !queued:
				// Settled by another job meanwhile.
			case metered:
				keep[si.item.ContactID] = true
			default:
				fresh = append(fresh, si)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		// Takes what remains now, whatever other pushes of the tenant
		// took since this job began.
		took, quota, err := s.limits.ConsumeUpTo(ctx, tx, a.TenantID, limits.CRMPushes, int64(len(fresh)), plan.Limit(limits.CRMPushes))
		if err != nil {
			return err
		}
		allowed := int(took)
		charged := make([]uuid.UUID, 0, allowed)
		for _, si := range fresh[:allowed] {
			charged = append(charged, si.item.ContactID)
			keep[si.item.ContactID] = true
		}
		if len(charged) > 0 {
			if err := markMetered(ctx, tx, a.TenantID, a.BatchID, charged, quota.PeriodStart); err != nil {
				return err
			}
		}
		var outs []outcome
		msg := fmt.Sprintf("The monthly crm_pushes quota is used up (%d of %d); it resets at %s.",
			quota.Used, quota.Limit, quota.ResetAt.Format(time.RFC3339))
		for _, si := range fresh[allowed:] {
			outs = append(outs, outcome{ContactID: si.item.ContactID, Status: ItemFailed, Code: "QUOTA_EXCEEDED", Message: msg})
		}
		return setOutcomes(ctx, tx, a.TenantID, a.BatchID, outs, s.now())
	})
	if err != nil {
		return nil, err
	}
	out := sends[:0]
	for _, si := range sends {
		if keep[si.item.ContactID] {
			out = append(out, si)
		}
	}
	return out, nil
}
