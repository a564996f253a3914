package crm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// BatchSize is the most contacts one upsert (and one job) carries.
const BatchSize = 100

// MaxContactIDs is how many contact ids one push request may name.
const MaxContactIDs = 1000

// Plan actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionSkip   = "skip"
	ActionReject = "reject"
)

// Reasons a contact is skipped or rejected.
const (
	WhyNotFound         = "not_found"         // no such contact, or not visible to the tenant
	WhyNotSaved         = "not_saved"         // not in the tenant's saved contacts
	WhyNotApproved      = "not_approved"      // saved but not approved for CRM
	WhyRejected         = "rejected"          // rejected for CRM
	WhyDeletedInCRM     = "deleted_in_crm"    // deleted in the CRM: never pushed again
	WhyAlreadyQueued    = "already_queued"    // waiting in another push
	WhySkippedDuplicate = "skipped_duplicate" // the CRM already holds this content
	// WhyNotPushable is what a caller that may not see the tenant's saved
	// state (an API key without saved:read) is told instead of not_found,
	// not_saved, not_approved and rejected: the contact is not an approved
	// saved contact of the tenant, without saying which of those it is.
	WhyNotPushable = "not_pushable"
)

// CodeNotPushable replaces, for such a caller, the codes of contacts a
// push rejected at send time (NOT_FOUND, NOT_APPROVED).
const CodeNotPushable = "NOT_PUSHABLE"

// hideSavedReason is the reason a caller without saved:read sees: the
// reasons that tell whether the tenant saved a contact, and how it was
// reviewed (or whether it exists at all), are one.
func hideSavedReason(r string) string {
	switch r {
	case WhyNotFound, WhyNotSaved, WhyNotApproved, WhyRejected:
		return WhyNotPushable
	}
	return r
}

// Item statuses (crm_push_items.status).
const (
	ItemQueued       = "queued"
	ItemPaused       = "paused" // the connection needs re-authorization
	ItemPushed       = "pushed"
	ItemFailed       = "failed"
	ItemDeletedInCRM = "deleted_in_crm"
	ItemCancelled    = "cancelled"
	ItemSkipped      = "skipped"
	ItemRejected     = "rejected"
)

// Push statuses (crm_push_batches.status).
var PushStatuses = []string{"queued", "running", "paused", "completed", "completed_with_errors", "cancelled"}

// PushParams say which contacts to push.
type PushParams struct {
	ContactIDs           []uuid.UUID
	AllApprovedNotPushed bool
	DryRun               bool
	// HideSaved says the caller may not see the tenant's saved state (an
	// API key without saved:read): the answer's reasons say not_pushable
	// for every contact that is not an approved saved one (the push itself
	// keeps the true reasons for people to read).
	HideSaved bool
}

// PlanItem is what a push will do with one contact.
type PlanItem struct {
	ContactID uuid.UUID `json:"contact_id"`
	Action    string    `json:"action"`
	Reason    string    `json:"reason,omitempty"`
}

// PushResult is the answer to a push request (or its preview).
type PushResult struct {
	ID             *uuid.UUID     `json:"id"`
	DryRun         bool           `json:"dry_run"`
	Status         string         `json:"status"`
	Total          int            `json:"total"`
	ToCreate       int            `json:"to_create"`
	ToUpdate       int            `json:"to_update"`
	Skipped        int            `json:"skipped"`
	Rejected       int            `json:"rejected"`
	Reasons        map[string]int `json:"reasons"`
	Items          []PlanItem     `json:"items"` // skipped and rejected contacts (at most 100)
	QuotaRemaining int64          `json:"quota_remaining"`
}

func errNotConnectedAPI(c *connRow) error {
	if c != nil && c.Status == StatusNeedsReauth {
		return &apperr.Error{Code: apperr.ECONFLICT, Type: "crm-needs-reauth",
			Message: "The 1CloudAI CRM connection needs re-authorization: an org admin must reconnect."}
	}
	return &apperr.Error{Code: apperr.ECONFLICT, Type: "crm-not-connected",
		Message: "Connect the 1CloudAI CRM first (Integrations)."}
}

// plan decides, for each contact, whether it is created, updated, skipped
// or rejected. Only approved saved contacts are pushed; a contact whose
// content hash (content and field ownership, contentHash) equals the one
// last pushed is skipped as a duplicate.
func (s *Service) plan(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, p PushParams) ([]PlanItem, error) {
	var cands []candidate
	var err error
	if p.AllApprovedNotPushed {
		cands, err = candidatesNotPushed(ctx, tx, tenantID)
	} else {
		seen := map[uuid.UUID]bool{}
		ids := make([]uuid.UUID, 0, len(p.ContactIDs))
		for _, id := range p.ContactIDs {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		cands, err = candidatesByID(ctx, tx, tenantID, ids)
	}
	if err != nil {
		return nil, err
	}
	// Content matters only for contacts the CRM already holds.
	var known []uuid.UUID
	for _, c := range cands {
		if c.CRMRecordID != nil && len(c.ContentHash) > 0 {
			known = append(known, c.ContactID)
		}
	}
	contents := map[uuid.UUID]contentRow{}
	var modes map[string]string
	if len(known) > 0 {
		if contents, err = loadContents(ctx, tx, tenantID, known); err != nil {
			return nil, err
		}
		if modes, err = loadOwnership(ctx, tx, tenantID); err != nil {
			return nil, err
		}
	}
	items := make([]PlanItem, len(cands))
	for i, c := range cands {
		it := PlanItem{ContactID: c.ContactID}
		switch {
		case !c.Visible:
			it.Action, it.Reason = ActionReject, WhyNotFound
		case c.SavedStatus == nil:
			it.Action, it.Reason = ActionReject, WhyNotSaved
		case *c.SavedStatus == "rejected":
			it.Action, it.Reason = ActionReject, WhyRejected
		case *c.SavedStatus != "approved":
			it.Action, it.Reason = ActionReject, WhyNotApproved
		case c.PushStatus != nil && *c.PushStatus == "deleted_in_crm":
			it.Action, it.Reason = ActionReject, WhyDeletedInCRM
		case c.Open:
			it.Action, it.Reason = ActionSkip, WhyAlreadyQueued
		case c.CRMRecordID == nil:
			it.Action = ActionCreate
		default:
			ct, ok := contents[c.ContactID]
			if ok && bytes.Equal(contentHash(desired(ct), modes), c.ContentHash) {
				it.Action, it.Reason = ActionSkip, WhySkippedDuplicate
			} else {
				it.Action = ActionUpdate
			}
		}
		items[i] = it
	}
	return items, nil
}

func summarize(items []PlanItem) *PushResult {
	r := &PushResult{Total: len(items), Reasons: map[string]int{}, Items: []PlanItem{}}
	for _, it := range items {
		switch it.Action {
		case ActionCreate:
			r.ToCreate++
		case ActionUpdate:
			r.ToUpdate++
		case ActionSkip:
			r.Skipped++
		case ActionReject:
			r.Rejected++
		}
		if it.Reason != "" {
			r.Reasons[it.Reason]++
			if len(r.Items) < 100 {
				r.Items = append(r.Items, it)
			}
		}
	}
	return r
}

// RequestPush plans a push and, unless p.DryRun, records it and enqueues
// its jobs (at most BatchSize contacts each) in the same transaction, so a
// push exists exactly when its jobs do. A dry run only previews the counts.
// Returns EINVALID for a bad selection, ECONFLICT (crm-not-connected,
// crm-needs-reauth) without a usable connection, and ERATELIMIT
// (quota-exceeded) when the month's crm_pushes quota cannot cover the
// contacts to send.
func (s *Service) RequestPush(ctx context.Context, tenantID uuid.UUID, requestedBy *uuid.UUID, p PushParams) (*PushResult, error) {
	switch {
	case p.AllApprovedNotPushed && len(p.ContactIDs) > 0:
		return nil, apperr.Invalid("Choose contacts or all approved, not both.",
			apperr.FieldError{Field: "contact_ids", Message: "must be empty when all_approved_not_pushed is true"})
	case !p.AllApprovedNotPushed && len(p.ContactIDs) == 0:
		return nil, apperr.Invalid("Say which contacts to push.",
			apperr.FieldError{Field: "contact_ids", Message: "is required unless all_approved_not_pushed is true"})
	case len(p.ContactIDs) > MaxContactIDs:
		return nil, apperr.Invalid("Too many contacts.",
			apperr.FieldError{Field: "contact_ids", Message: fmt.Sprintf("must contain at most %d items", MaxContactIDs)})
	}
	quota, err := s.limits.Peek(ctx, tenantID, limits.CRMPushes)
	if err != nil {
		return nil, err
	}
	var res *PushResult
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		// The connection row's lock makes a tenant's push requests take
		// turns, so two cannot queue the same contact.
		c, err := getConnection(ctx, tx, tenantID, true)
		if err != nil {
			return err
		}
		if c == nil || c.Status != StatusConnected {
			return errNotConnectedAPI(c)
		}
		items, err := s.plan(ctx, tx, tenantID, p)
		if err != nil {
			return err
		}
		shown := items
		if p.HideSaved {
			shown = make([]PlanItem, len(items))
			for i, it := range items {
				it.Reason = hideSavedReason(it.Reason)
				shown[i] = it
			}
		}
		res = summarize(shown)
		res.DryRun, res.QuotaRemaining = p.DryRun, quota.Remaining
		sendable := res.ToCreate + res.ToUpdate
		if p.DryRun {
			res.Status = "preview"
			return nil
		}
		if int64(sendable) > quota.Remaining {
			return limits.QuotaError(quota, int64(sendable))
		}
		id := uuid.Must(uuid.NewV7())
		res.ID = &id
		actor := audit.ActorFrom(ctx)
		selection := "contact_ids"
		if p.AllApprovedNotPushed {
			selection = "all_approved_not_pushed"
		}
		// The live counts start at zero: the items' trigger counts them in.
		b := &batchRow{TenantID: tenantID, ID: id, Selection: selection, RequestedBy: requestedBy,
			RequestedByLabel: actor.Label, Total: res.Total, ToCreate: res.ToCreate, ToUpdate: res.ToUpdate}
		if sendable == 0 {
			now := s.now()
			b.FinishedAt = &now // nothing to send: done as requested
		}
		if err := insertBatch(ctx, tx, b, items); err != nil {
			return err
		}
		var queue []uuid.UUID
		for _, it := range items {
			if it.Action == ActionCreate || it.Action == ActionUpdate {
				queue = append(queue, it.ContactID)
			}
		}
		if err := s.enqueue(ctx, tx, tenantID, id, queue); err != nil {
			return err
		}
		if b, err = getBatch(ctx, tx, tenantID, id); err != nil {
			return err
		}
		res.Status = b.Status
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "crm.push_requested", TargetType: "crm_push",
			TargetID: id.String(), Data: map[string]any{"selection": selection, "total": res.Total, "to_create": res.ToCreate,
				"to_update": res.ToUpdate, "skipped": res.Skipped, "rejected": res.Rejected}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// enqueue inserts push jobs of at most BatchSize contacts, in order. The
// jobs that fill the tenant's max_concurrent_jobs go first, the rest are
// its backlog (jobs.TenantPriority): another tenant's push, queued later,
// is sent before this backlog rather than after all of it.
func (s *Service) enqueue(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	plan, err := s.limits.PlanTx(ctx, tx, tenantID)
	if err != nil {
		return err
	}
	unfinished, err := jobs.CountUnfinished(ctx, tx, PushArgs{}.Kind(), map[string]any{"tenant_id": tenantID.String()})
	if err != nil {
		return err
	}
	params := make([]river.InsertManyParams, 0, (len(ids)+BatchSize-1)/BatchSize)
	for start := 0; start < len(ids); start += BatchSize {
		chunk := slices.Clone(ids[start:min(start+BatchSize, len(ids))])
		prio := jobs.TenantPriority(unfinished, plan.Package.MaxConcurrentJobs, len(params))
		params = append(params, river.InsertManyParams{Args: PushArgs{TenantID: tenantID, BatchID: batchID, ContactIDs: chunk},
			InsertOpts: &river.InsertOpts{Priority: prio}})
	}
	sqlTx, err := db.SQLTx(tx)
	if err != nil {
		return err
	}
	if _, err := s.jobs.InsertManyTx(ctx, sqlTx, params); err != nil {
		return fmt.Errorf("crm: enqueue pushes: %w", err)
	}
	return nil
}

// resumePaused queues the tenant's paused pushes again (after a
// reconnect) and enqueues their jobs. It returns how many contacts resumed.
func (s *Service) resumePaused(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) (int, error) {
	rows, err := unpause(ctx, tx, tenantID)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].BatchID == rows[start].BatchID {
			end++
		}
		ids := make([]uuid.UUID, 0, end-start)
		for _, r := range rows[start:end] {
			ids = append(ids, r.ContactID)
		}
		if err := s.enqueue(ctx, tx, tenantID, rows[start].BatchID, ids); err != nil {
			return 0, err
		}
		start = end
	}
	return len(rows), nil
}

// Push is one push request and how far it got.
type Push struct {
	ID               uuid.UUID  `json:"id"`
	Status           string     `json:"status"`
	Selection        string     `json:"selection"`
	RequestedBy      *uuid.UUID `json:"requested_by"`
	RequestedByLabel string     `json:"requested_by_label"`
	Total            int        `json:"total"`
	ToCreate         int        `json:"to_create"`
	ToUpdate         int        `json:"to_update"`
	Skipped          int        `json:"skipped"`
	Rejected         int        `json:"rejected"`
	Queued           int        `json:"queued"`
	Paused           int        `json:"paused"`
	Created          int        `json:"created"`
	Updated          int        `json:"updated"`
	Failed           int        `json:"failed"`
	DeletedInCRM     int        `json:"deleted_in_crm"`
	Cancelled        int        `json:"cancelled"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	FinishedAt       *time.Time `json:"finished_at"`
}

func toPush(b batchRow) Push {
	return Push{ID: b.ID, Status: b.Status, Selection: b.Selection, RequestedBy: b.RequestedBy,
		RequestedByLabel: b.RequestedByLabel, Total: b.Total, ToCreate: b.ToCreate, ToUpdate: b.ToUpdate, Skipped: b.Skipped,
		Rejected: b.Rejected, Queued: b.Queued, Paused: b.Paused, Created: b.Created, Updated: b.Updated, Failed: b.Failed,
		DeletedInCRM: b.DeletedInCRM, Cancelled: b.Cancelled, CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(),
		FinishedAt: utcPtr(b.FinishedAt)}
}

// PushPage is a page of the push history, newest first.
type PushPage struct {
	Items      []Push `json:"items"`
	NextCursor string `json:"next_cursor"`
}

type pageKey struct {
	Time time.Time
	ID   uuid.UUID
}

func encodeCursor(k pageKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(k.Time.UnixMicro(), 10) + "." + k.ID.String()))
}

// badCursor is the answer to a cursor this list never issued: a 400
// malformed-request, as on every other list (docs/API.md).
func badCursor(field string) error {
	return &apperr.Error{Code: apperr.EMALFORMED, Message: "The cursor is not valid; start again without a cursor.",
		Fields: []apperr.FieldError{{Field: field, Message: "is not a cursor of this list"}}}
}

func decodeCursor(s string) (*pageKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	bad := badCursor("cursor")
	if err != nil {
		return nil, bad
	}
	ts, id, ok := strings.Cut(string(raw), ".")
	us, err1 := strconv.ParseInt(ts, 10, 64)
	uid, err2 := uuid.Parse(id)
	if !ok || err1 != nil || err2 != nil {
		return nil, bad
	}
	// The cursor is not signed: accept only one this list could have
	// issued, spelled as encodeCursor spells it, with a time PostgreSQL can
	// compare (a year outside 1..9999 reached the query and failed there,
	// a 500 instead of this 400).
	k := &pageKey{Time: time.UnixMicro(us).UTC(), ID: uid}
	if y := k.Time.Year(); y < 1 || y > 9999 || encodeCursor(*k) != s {
		return nil, bad
	}
	return k, nil
}

// ListPushes pages the tenant's pushes, newest first, filtered by status,
// contact and creation time. Returns EINVALID for a bad status and
// EMALFORMED for a bad cursor.
func (s *Service) ListPushes(ctx context.Context, tenantID uuid.UUID, p ListParams) (*PushPage, error) {
	if p.Status != "" && !slices.Contains(PushStatuses, p.Status) {
		return nil, apperr.Invalid("Invalid status.", apperr.FieldError{Field: "status",
			Message: "must be one of: " + strings.Join(PushStatuses, ", ")})
	}
	if p.Limit <= 0 {
		p.Limit = 25
	}
	var after *pageKey
	if p.Cursor != "" {
		var err error
		if after, err = decodeCursor(p.Cursor); err != nil {
			return nil, err
		}
	}
	rows, err := listBatches(ctx, s.db.Gorm, tenantID, p, after)
	if err != nil {
		return nil, err
	}
	page := &PushPage{Items: []Push{}}
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		last := rows[len(rows)-1]
		page.NextCursor = encodeCursor(pageKey{Time: last.CreatedAt, ID: last.ID})
	}
	for _, r := range rows {
		page.Items = append(page.Items, toPush(r))
	}
	return page, nil
}

// PushItem is one contact of a push with every attempt.
type PushItem struct {
	ContactID    uuid.UUID   `json:"contact_id"`
	ContactName  string      `json:"contact_name"`
	Email        string      `json:"email"`
	Action       string      `json:"action"`
	Reason       string      `json:"reason"`
	Status       string      `json:"status"`
	CRMResult    string      `json:"crm_result"`
	CRMRecordID  string      `json:"crm_record_id"`
	ErrorCode    string      `json:"error_code"`
	ErrorMessage string      `json:"error_message"`
	Attempts     []PushEvent `json:"attempts"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

// PushEvent is one attempt and the CRM's answer.
type PushEvent struct {
	Attempt      int             `json:"attempt"`
	RequestID    uuid.UUID       `json:"request_id"`
	At           time.Time       `json:"at"`
	HTTPStatus   int             `json:"http_status"`
	Outcome      string          `json:"outcome"`
	ErrorCode    string          `json:"error_code"`
	ErrorMessage string          `json:"error_message"`
	CRMRecordID  string          `json:"crm_record_id"`
	Answer       json.RawMessage `json:"answer"`
	DurationMS   int             `json:"duration_ms"`
}

// PushDetail is a push with a page of its contacts.
type PushDetail struct {
	Push
	Items           []PushItem `json:"items"`
	NextItemsCursor string     `json:"next_items_cursor"`
}

// ItemParams filter and page a push's contacts.
type ItemParams struct {
	Status string
	Limit  int
	Cursor string
	// HideSaved: as PushParams.HideSaved, for the contacts' reasons and
	// the codes of contacts rejected at send time.
	HideSaved bool
	// HideContacts says the caller may not read contacts (an API key
	// without contacts:read): each contact is its id only, with no name or
	// email, and the CRM's answers (a read answers the record's properties)
	// are left out; statuses, codes and messages stay.
	HideContacts bool
}

// GetPush returns a push with a page of its contacts (in push order), each
// with every attempt and the CRM's answer. Returns ENOTFOUND for a push of
// another tenant or none, EINVALID for a bad status, EMALFORMED for a bad cursor.
func (s *Service) GetPush(ctx context.Context, tenantID, id uuid.UUID, p ItemParams) (*PushDetail, error) {
	statuses := []string{ItemQueued, ItemPaused, ItemPushed, ItemFailed, ItemDeletedInCRM, ItemCancelled, ItemSkipped, ItemRejected}
	if p.Status != "" && !slices.Contains(statuses, p.Status) {
		return nil, apperr.Invalid("Invalid item status.", apperr.FieldError{Field: "item_status",
			Message: "must be one of: " + strings.Join(statuses, ", ")})
	}
	if p.Limit <= 0 {
		p.Limit = 100
	}
	after := -1
	if p.Cursor != "" {
		// An item's seq: an integer column (a larger number would reach
		// the database and fail there).
		n, err := strconv.ParseInt(p.Cursor, 10, 32)
		if err != nil || n < 0 {
			return nil, badCursor("items_cursor")
		}
		after = int(n)
	}
	b, err := getBatch(ctx, s.db.Gorm, tenantID, id)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, apperr.Errorf(apperr.ENOTFOUND, "The push does not exist.")
	}
	rows, err := listItems(ctx, s.db.Gorm, tenantID, id, p.Status, after, p.Limit)
	if err != nil {
		return nil, err
	}
	out := &PushDetail{Push: toPush(*b), Items: []PushItem{}}
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		out.NextItemsCursor = strconv.Itoa(rows[len(rows)-1].Seq)
	}
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.ContactID
	}
	events, err := listEvents(ctx, s.db.Gorm, tenantID, id, ids)
	if err != nil {
		return nil, err
	}
	byContact := map[uuid.UUID][]PushEvent{}
	for _, e := range events {
		byContact[e.ContactID] = append(byContact[e.ContactID], PushEvent{Attempt: e.Attempt, RequestID: e.RequestID,
			At: e.OccurredAt.UTC(), HTTPStatus: e.HTTPStatus, Outcome: e.Outcome, ErrorCode: e.ErrorCode,
			ErrorMessage: e.ErrorMessage, CRMRecordID: deref(e.CRMRecordID), Answer: json.RawMessage(e.Answer), DurationMS: e.DurationMS})
	}
	for _, r := range rows {
		it := PushItem{ContactID: r.ContactID, ContactName: strings.TrimSpace(deref(r.FirstName) + " " + deref(r.LastName)),
			Email: deref(r.Email), Action: r.Action, Reason: r.Reason, Status: r.Status, CRMResult: r.CRMResult,
			CRMRecordID: deref(r.CRMRecordID), ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage,
			Attempts: byContact[r.ContactID], UpdatedAt: r.UpdatedAt.UTC()}
		if it.Attempts == nil {
			it.Attempts = []PushEvent{}
		}
		if p.HideContacts {
			it.ContactName, it.Email = "", ""
			for i := range it.Attempts {
				it.Attempts[i].Answer = nil
			}
		}
		if p.HideSaved {
			it.Reason = hideSavedReason(it.Reason)
			if it.Status == ItemRejected && (it.ErrorCode == "NOT_FOUND" || it.ErrorCode == "NOT_APPROVED") {
				it.ErrorCode, it.ErrorMessage = CodeNotPushable, "The contact is no longer an approved saved contact."
			}
		}
		out.Items = append(out.Items, it)
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ContactStatus is a contact's state in the CRM, for the Saved view and
// search results: status is queued or paused while a push waits, else
// pushed, failed or deleted_in_crm ("" when never pushed).
type ContactStatus struct {
	ContactID     uuid.UUID  `json:"contact_id"`
	Status        string     `json:"status"`
	CRMRecordID   string     `json:"crm_record_id"`
	LastPushedAt  *time.Time `json:"last_pushed_at"`
	LastErrorCode string     `json:"last_error_code"`
}

// ContactStatuses returns the CRM state of contacts, in the order given.
func (s *Service) ContactStatuses(ctx context.Context, tenantID uuid.UUID, ids []uuid.UUID) ([]ContactStatus, error) {
	if len(ids) == 0 {
		return []ContactStatus{}, nil
	}
	return contactStates(ctx, s.db.Gorm, tenantID, ids)
}
