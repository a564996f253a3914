package crm

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/platform/freetext"
)

// uuidArray renders ids as a PostgreSQL array literal (GORM would expand a
// slice into a list, which ANY(?) cannot take).
func uuidArray(ids []uuid.UUID) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id.String())
	}
	b.WriteByte('}')
	return b.String()
}

// candidate is a contact a push may send, with what we know of it.
type candidate struct {
	ContactID    uuid.UUID
	Visible      bool
	SavedStatus  *string
	PushStatus   *string
	CRMRecordID  *string
	ContentHash  []byte
	Open         bool
	PushedPropsJ []byte `gorm:"column:pushed_properties"`
}

const candidateCols = `p.status AS push_status, p.crm_record_id, p.content_hash, p.pushed_properties,
	EXISTS (SELECT 1 FROM crm_push_items oi WHERE oi.tenant_id = ? AND oi.contact_id = c0.id
		AND oi.status IN ('queued', 'paused')) AS open`

// candidatesByID reads the named contacts in order.
func candidatesByID(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, ids []uuid.UUID) ([]candidate, error) {
	var out []candidate
	err := tx.WithContext(ctx).Raw(`SELECT c0.id AS contact_id, (c.id IS NOT NULL) AS visible, s.status AS saved_status, `+candidateCols+`
		FROM unnest(?::uuid[]) WITH ORDINALITY AS c0(id, ord)
		LEFT JOIN contacts c ON c.id = c0.id AND (c.owner_tenant_id IS NULL OR c.owner_tenant_id = ?)
		LEFT JOIN saved_contacts s ON s.tenant_id = ? AND s.contact_id = c0.id AND c.id IS NOT NULL
		LEFT JOIN crm_pushes p ON p.tenant_id = ? AND p.contact_id = c0.id
		ORDER BY c0.ord`, tenantID, uuidArray(ids), tenantID, tenantID, tenantID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("crm: read candidates: %w", err)
	}
	return out, nil
}

// candidatesNotPushed reads the tenant's approved saved contacts that the
// CRM does not hold yet, oldest saved first.
func candidatesNotPushed(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) ([]candidate, error) {
	var out []candidate
	err := tx.WithContext(ctx).Raw(`SELECT c0.id AS contact_id, true AS visible, s.status AS saved_status, `+candidateCols+`
		FROM saved_contacts s
		JOIN contacts c0 ON c0.id = s.contact_id AND (c0.owner_tenant_id IS NULL OR c0.owner_tenant_id = ?)
		LEFT JOIN crm_pushes p ON p.tenant_id = s.tenant_id AND p.contact_id = s.contact_id
		WHERE s.tenant_id = ? AND s.status = 'approved'
		  AND (p.contact_id IS NULL OR (p.crm_record_id IS NULL AND p.status <> 'deleted_in_crm'))
		ORDER BY s.created_at, s.contact_id`, tenantID, tenantID, tenantID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("crm: read approved contacts: %w", err)
	}
	return out, nil
}

// contentRow is a contact as the tenant sees it (corrections overlaid),
// with its saved status.
type contentRow struct {
	ID          uuid.UUID
	FirstName   string
	LastName    string
	Email       string
	Phone       string
	Title       string
	CompanyName string
	SavedStatus *string
	Overlay     []byte
}

// loadContents reads the contacts ids as tenantID sees them. The overlay
// rule is the one of internal/contacts (contactSelect): the tenant's latest
// correction per field, unless it was accepted and the record changed since;
// a corrected company name other than the shared one in the spelling of the
// company it names (the shared one moves the contact nowhere).
func loadContents(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]contentRow, error) {
	var rows []contentRow
	err := tx.WithContext(ctx).Raw(`SELECT c.id, c.first_name, c.last_name, COALESCE(c.email::text, '') AS email,
		COALESCE(c.phone, '') AS phone, c.title, c.company_name, s.status AS saved_status,
		(SELECT jsonb_object_agg(x.field, CASE WHEN x.field = 'company_name' AND x.new_value <> c.company_name
		          THEN COALESCE((SELECT m.name FROM (`+contacts.CompanyNamedSQL+`) m), x.new_value) ELSE x.new_value END)
		   FROM (SELECT DISTINCT ON (cc.field) cc.field, cc.new_value, cc.status, cc.reviewed_at
		           FROM contact_corrections cc WHERE cc.tenant_id = ? AND cc.contact_id = c.id
		          ORDER BY cc.field, cc.created_at DESC, cc.id DESC) x
		  WHERE NOT (x.status = 'accepted' AND x.reviewed_at < c.updated_at)) AS overlay
		FROM contacts c LEFT JOIN saved_contacts s ON s.tenant_id = ? AND s.contact_id = c.id
		WHERE c.id = ANY(?::uuid[]) AND (c.owner_tenant_id IS NULL OR c.owner_tenant_id = ?)`,
		tenantID, tenantID, uuidArray(ids), tenantID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crm: read contacts: %w", err)
	}
	out := make(map[uuid.UUID]contentRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// pushRow is crm_pushes.
type pushRow struct {
	TenantID         uuid.UUID
	ContactID        uuid.UUID
	Status           string
	CRMRecordID      *string `gorm:"column:crm_record_id"`
	ContentHash      []byte
	PushedProperties []byte
	Attempts         int
	LastErrorCode    string
	LastErrorMessage string
	LastBatchID      *uuid.UUID
	FirstPushedAt    *time.Time
	LastPushedAt     *time.Time
}

func (pushRow) TableName() string { return "crm_pushes" }

func loadPushRows(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]pushRow, error) {
	var rows []pushRow
	err := tx.WithContext(ctx).Raw(`SELECT * FROM crm_pushes WHERE tenant_id = ? AND contact_id = ANY(?::uuid[])`,
		tenantID, uuidArray(ids)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crm: read push state: %w", err)
	}
	out := make(map[uuid.UUID]pushRow, len(rows))
	for _, r := range rows {
		out[r.ContactID] = r
	}
	return out, nil
}

// batchRow is crm_push_batches.
type batchRow struct {
	TenantID         uuid.UUID
	ID               uuid.UUID
	Status           string `gorm:"->"` // generated from the counts
	Selection        string
	RequestedBy      *uuid.UUID
	RequestedByLabel string
	Total            int
	ToCreate         int
	ToUpdate         int
	Skipped          int
	Rejected         int
	Queued           int
	Paused           int
	Created          int
	Updated          int
	Failed           int
	DeletedInCRM     int `gorm:"column:deleted_in_crm"`
	Cancelled        int
	Started          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
	FinishedAt       *time.Time
}

func (batchRow) TableName() string { return "crm_push_batches" }

// insertBatch stores a push with its items.
func insertBatch(ctx context.Context, tx *gorm.DB, b *batchRow, items []PlanItem) error {
	if err := tx.WithContext(ctx).Create(b).Error; err != nil {
		return fmt.Errorf("crm: save push: %w", err)
	}
	for start := 0; start < len(items); start += 5000 {
		part := items[start:min(start+5000, len(items))]
		ids := make([]uuid.UUID, len(part))
		seqs := make(pq.Int64Array, len(part))
		actions := make(pq.StringArray, len(part))
		reasons := make(pq.StringArray, len(part))
		for i, it := range part {
			ids[i], seqs[i], actions[i], reasons[i] = it.ContactID, int64(start+i), it.Action, it.Reason
		}
		err := tx.WithContext(ctx).Exec(`INSERT INTO crm_push_items (tenant_id, batch_id, contact_id, seq, action, reason, status)
			SELECT ?, ?, u.contact_id, u.seq, u.action, u.reason,
			       CASE WHEN u.action IN ('create', 'update') THEN 'queued' WHEN u.action = 'skip' THEN 'skipped' ELSE 'rejected' END
			  FROM unnest(?::uuid[], ?::int[], ?::text[], ?::text[]) AS u(contact_id, seq, action, reason)`,
			b.TenantID, b.ID, uuidArray(ids), seqs, actions, reasons).Error
		if err != nil {
			return fmt.Errorf("crm: save push items: %w", err)
		}
	}
	return nil
}

// itemRow is crm_push_items.
type itemRow struct {
	TenantID     uuid.UUID
	BatchID      uuid.UUID
	ContactID    uuid.UUID
	Seq          int
	Action       string
	Reason       string
	Status       string
	CRMResult    string  `gorm:"column:crm_result"`
	CRMRecordID  *string `gorm:"column:crm_record_id"`
	ErrorCode    string
	ErrorMessage string
	Attempts     int
	Metered      bool
	UpdatedAt    time.Time
	// Joined for display.
	FirstName *string
	LastName  *string
	Email     *string
}

// queuedItemsSQL selects the queued items of a push among some contacts
// (tenant, batch, contact ids).
const queuedItemsSQL = `SELECT * FROM crm_push_items WHERE tenant_id = ? AND batch_id = ?
	AND contact_id = ANY(?::uuid[]) AND status = 'queued'`

// queuedItems reads the items of a job that still wait to be sent.
func queuedItems(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, ids []uuid.UUID) ([]itemRow, error) {
	var out []itemRow
	err := tx.WithContext(ctx).Raw(queuedItemsSQL+` ORDER BY seq`, tenantID, batchID, uuidArray(ids)).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("crm: read queued items: %w", err)
	}
	return out, nil
}

// lockQueuedItems is queuedItems for settling them: it locks the items, so
// one that someone else settles meanwhile (a disconnect, a retry) is
// either left out or waited for. idle > 0 leaves out items touched within
// it (paused and queued again by a reconnect, say).
func lockQueuedItems(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, ids []uuid.UUID, idle time.Duration) ([]itemRow, error) {
	var out []itemRow
	err := tx.WithContext(ctx).Raw(queuedItemsSQL+` AND updated_at <= now() - make_interval(secs => ?) ORDER BY seq FOR UPDATE`,
		tenantID, batchID, uuidArray(ids), idle.Seconds()).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("crm: lock queued items: %w", err)
	}
	return out, nil
}

// lockItemsToSend locks the named items of a push that are still queued
// and returns whether each is metered already.
func lockItemsToSend(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	var rows []itemRow
	err := tx.WithContext(ctx).Raw(queuedItemsSQL+` ORDER BY seq FOR UPDATE`, tenantID, batchID, uuidArray(ids)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crm: lock items to send: %w", err)
	}
	out := make(map[uuid.UUID]bool, len(rows))
	for _, r := range rows {
		out[r.ContactID] = r.Metered
	}
	return out, nil
}

// itemKey names one item of a push.
type itemKey struct {
	TenantID  uuid.UUID
	BatchID   uuid.UUID
	ContactID uuid.UUID
}

// abandonedItems finds up to limit queued items, untouched for idle, that
// no River job will ever run: every push job naming them (River's own
// river_job table, read only) was discarded, cancelled or completed, or is
// gone. Items and their jobs are written in one transaction, so the idle
// time only keeps clear of a transaction still committing.
func abandonedItems(ctx context.Context, tx *gorm.DB, idle time.Duration, limit int) ([]itemKey, error) {
	var out []itemKey
	// A hash anti-join against the contacts of live jobs: linear in the
	// backlog, where a per-item probe of river_job's args would not be.
	err := tx.WithContext(ctx).Raw(`WITH live AS (
		  SELECT (j.args->>'tenant_id')::uuid AS tenant_id, (j.args->>'batch_id')::uuid AS batch_id, c.id::uuid AS contact_id
		    FROM river_job j CROSS JOIN LATERAL jsonb_array_elements_text(j.args->'contact_ids') AS c(id)
		   WHERE j.kind = ? AND j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled'))
		SELECT i.tenant_id, i.batch_id, i.contact_id FROM crm_push_items i
		 WHERE i.status = 'queued' AND i.updated_at < now() - make_interval(secs => ?)
		   AND NOT EXISTS (SELECT 1 FROM live l WHERE l.tenant_id = i.tenant_id AND l.batch_id = i.batch_id
		                      AND l.contact_id = i.contact_id)
		 ORDER BY i.tenant_id, i.batch_id, i.seq LIMIT ?`, PushArgs{}.Kind(), idle.Seconds(), limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("crm: find abandoned push items: %w", err)
	}
	return out, nil
}

// outcome is where an item ends up.
type outcome struct {
	ContactID uuid.UUID
	Status    string // item status
	Result    string // created | updated
	RecordID  string
	Code      string
	Message   string
	// For crm_pushes (pushed items):
	Hash  []byte
	Props map[string]string
	Tries int
}

// setOutcomes writes final item states and, for items the CRM answered
// (pushed, failed, deleted_in_crm), the contact's CRM state.
func setOutcomes(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, outs []outcome, now time.Time) error {
	if len(outs) == 0 {
		return nil
	}
	n := len(outs)
	ids := make([]uuid.UUID, n)
	statuses, results, records, codes, msgs := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n),
		make(pq.StringArray, n), make(pq.StringArray, n)
	for i, o := range outs {
		ids[i], statuses[i], results[i] = o.ContactID, o.Status, o.Result
		records[i], codes[i], msgs[i] = freetext.Storable(o.RecordID, 0), freetext.Storable(o.Code, 0), freetext.Storable(o.Message, 0)
	}
	var (
		pIDs                                            []uuid.UUID
		pStatus, pRecords, pHash, pProps, pCodes, pMsgs pq.StringArray
		pTries                                          pq.Int64Array
	)
	for _, o := range outs {
		if o.Status != ItemPushed && o.Status != ItemFailed && o.Status != ItemDeletedInCRM {
			continue
		}
		if o.Tries == 0 && o.Status != ItemDeletedInCRM {
			continue // decided without asking the CRM
		}
		st := map[string]string{ItemPushed: "pushed", ItemFailed: "failed", ItemDeletedInCRM: "deleted_in_crm"}[o.Status]
		props := []byte("{}")
		if o.Status == ItemPushed {
			props, _ = json.Marshal(o.Props)
		}
		pIDs = append(pIDs, o.ContactID)
		pStatus, pRecords, pHash = append(pStatus, st), append(pRecords, freetext.Storable(o.RecordID, 0)), append(pHash, hex.EncodeToString(o.Hash))
		pProps, pCodes, pMsgs = append(pProps, string(props)), append(pCodes, freetext.Storable(o.Code, 0)), append(pMsgs, freetext.Storable(o.Message, 0))
		pTries = append(pTries, int64(o.Tries))
	}
	if len(pIDs) > 0 {
		err := tx.WithContext(ctx).Exec(`INSERT INTO crm_pushes AS p (tenant_id, contact_id, status, crm_record_id, content_hash,
		pushed_properties, attempts, last_error_code, last_error_message, last_batch_id, first_pushed_at, last_pushed_at)
		SELECT ?, u.contact_id, u.status, NULLIF(u.record, ''),
		       CASE WHEN u.status = 'pushed' THEN decode(u.hash, 'hex') END, u.props::jsonb, u.tries, u.code, u.message, ?,
		       CASE WHEN u.status = 'pushed' THEN ?::timestamptz END, CASE WHEN u.status = 'pushed' THEN ?::timestamptz END
		  FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
		       AS u(contact_id, status, record, hash, props, tries, code, message)
		ON CONFLICT (tenant_id, contact_id) DO UPDATE SET
		  status = EXCLUDED.status,
		  crm_record_id = COALESCE(EXCLUDED.crm_record_id, p.crm_record_id),
		  content_hash = CASE WHEN EXCLUDED.status = 'pushed' THEN EXCLUDED.content_hash ELSE p.content_hash END,
		  pushed_properties = CASE WHEN EXCLUDED.status = 'pushed' THEN p.pushed_properties || EXCLUDED.pushed_properties
		                           ELSE p.pushed_properties END,
		  attempts = p.attempts + EXCLUDED.attempts,
		  last_error_code = EXCLUDED.last_error_code, last_error_message = EXCLUDED.last_error_message,
		  last_batch_id = EXCLUDED.last_batch_id,
		  first_pushed_at = COALESCE(p.first_pushed_at, EXCLUDED.first_pushed_at),
		  last_pushed_at = COALESCE(EXCLUDED.last_pushed_at, p.last_pushed_at),
		  updated_at = now()`,
			tenantID, batchID, now, now, uuidArray(pIDs), pStatus, pRecords, pHash, pProps, pTries, pCodes, pMsgs).Error
		if err != nil {
			return fmt.Errorf("crm: save push state: %w", err)
		}
	}
	// Items last: their trigger locks the push's row until commit.
	err := tx.WithContext(ctx).Exec(`UPDATE crm_push_items i SET status = u.status, crm_result = u.result,
		crm_record_id = COALESCE(NULLIF(u.record, ''), i.crm_record_id), error_code = u.code, error_message = u.message, updated_at = now()
		FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u(contact_id, status, result, record, code, message)
		WHERE i.tenant_id = ? AND i.batch_id = ? AND i.contact_id = u.contact_id`,
		uuidArray(ids), statuses, results, records, codes, msgs, tenantID, batchID).Error
	if err != nil {
		return fmt.Errorf("crm: save item outcomes: %w", err)
	}
	return nil
}

// eventRow is one crm_push_events row to insert.
type eventRow struct {
	ContactID uuid.UUID
	Attempt   int
	Outcome   string
	Code      string
	Message   string
	RecordID  string
	Answer    []byte // JSON, or nil
}

// appendEvents records one HTTP attempt for each contact it carried and
// counts the attempt on the items.
func appendEvents(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, a attempt, evs []eventRow) error {
	n := len(evs)
	ids, contacts := make([]uuid.UUID, n), make([]uuid.UUID, n)
	attempts := make(pq.Int64Array, n)
	outcomes, codes, msgs, records, answers := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n),
		make(pq.StringArray, n), make(pq.StringArray, n)
	for i, e := range evs {
		ids[i], contacts[i], attempts[i] = uuid.Must(uuid.NewV7()), e.ContactID, int64(e.Attempt)
		outcomes[i], codes[i], msgs[i], records[i] = freetext.Storable(e.Outcome, 0), freetext.Storable(e.Code, 0), freetext.Storable(e.Message, 500), freetext.Storable(e.RecordID, 0)
		answers[i] = storableJSON(e.Answer)
	}
	err := tx.WithContext(ctx).Exec(`INSERT INTO crm_push_events (tenant_id, id, batch_id, contact_id, attempt, request_id,
		occurred_at, http_status, outcome, error_code, error_message, crm_record_id, answer, duration_ms)
		SELECT ?, u.id, ?, u.contact_id, u.attempt, ?, ?, ?, u.outcome, u.code, u.message, NULLIF(u.record, ''),
		       NULLIF(u.answer, 'null')::jsonb, ?
		  FROM unnest(?::uuid[], ?::uuid[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
		       AS u(id, contact_id, attempt, outcome, code, message, record, answer)`,
		tenantID, batchID, a.RequestID, a.At, a.HTTPStatus, int(a.Duration.Milliseconds()),
		uuidArray(ids), uuidArray(contacts), attempts, outcomes, codes, msgs, records, answers).Error
	if err != nil {
		return fmt.Errorf("crm: append push events: %w", err)
	}
	err = tx.WithContext(ctx).Exec(`UPDATE crm_push_items SET attempts = attempts + 1, updated_at = now()
		WHERE tenant_id = ? AND batch_id = ? AND contact_id = ANY(?::uuid[])`, tenantID, batchID, uuidArray(contacts)).Error
	if err != nil {
		return fmt.Errorf("crm: count attempts: %w", err)
	}
	return nil
}

// MaxStoredAnswer is the longest CRM answer kept in a contact's push
// history (crm_push_events.answer).
const MaxStoredAnswer = 16 << 10

// storableJSON is the CRM's answer as the jsonb column takes it: "null"
// (stored as NULL) when it is not JSON, and without the NULs of its
// strings when it holds any (jsonb refuses \u0000).
//
// An answer longer than MaxStoredAnswer is kept as a note of its length:
// an answer to a whole request is stored once for every contact it carried
// (up to BatchSize), and the CRM's body may be megabytes (a proxy's JSON
// error page, a long details list): a hundred copies in one statement, on
// every retry, would take the worker's memory and the table's space.
func storableJSON(b []byte) string {
	if len(b) > MaxStoredAnswer {
		return `{"omitted":"The CRM's answer was ` + strconv.Itoa(len(b)) + ` bytes, too long to keep."}`
	}
	if !json.Valid(b) {
		return "null"
	}
	if !bytes.Contains(b, []byte(`\u0000`)) {
		return string(b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "null"
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(withoutNULs(v)); err != nil {
		return "null"
	}
	return strings.TrimSuffix(out.String(), "\n")
}

// withoutNULs is the decoded JSON v with NULs dropped from its strings and
// keys.
func withoutNULs(v any) any {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, "\x00", "")
	case []any:
		for i := range x {
			x[i] = withoutNULs(x[i])
		}
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[strings.ReplaceAll(k, "\x00", "")] = withoutNULs(e)
		}
		return m
	}
	return v
}

// setItemsStatus moves open items of a batch to status (paused, cancelled
// or queued) with an error code and message.
func setItemsStatus(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, ids []uuid.UUID, status, code, msg string) error {
	err := tx.WithContext(ctx).Exec(`UPDATE crm_push_items SET status = ?, error_code = ?, error_message = ?, updated_at = now()
		WHERE tenant_id = ? AND batch_id = ? AND contact_id = ANY(?::uuid[]) AND status IN ('queued', 'paused')`,
		status, code, msg, tenantID, batchID, uuidArray(ids)).Error
	if err != nil {
		return fmt.Errorf("crm: set items %s: %w", status, err)
	}
	return nil
}

// cancelOpen cancels every queued or paused item of the tenant and
// returns how many.
func cancelOpen(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, code, msg string) (int, error) {
	r := tx.WithContext(ctx).Exec(`UPDATE crm_push_items SET status = 'cancelled', error_code = ?, error_message = ?, updated_at = now()
		WHERE tenant_id = ? AND status IN ('queued', 'paused')`, code, msg, tenantID)
	if r.Error != nil {
		return 0, fmt.Errorf("crm: cancel pushes: %w", r.Error)
	}
	return int(r.RowsAffected), nil
}

// pauseQueued pauses every queued item of the tenant.
func pauseQueued(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) error {
	err := tx.WithContext(ctx).Exec(`UPDATE crm_push_items SET status = 'paused', updated_at = now()
		WHERE tenant_id = ? AND status = 'queued'`, tenantID).Error
	if err != nil {
		return fmt.Errorf("crm: pause pushes: %w", err)
	}
	return nil
}

// unpause queues the tenant's paused items again and returns them in push
// order.
func unpause(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) ([]itemRow, error) {
	var rows []itemRow
	err := tx.WithContext(ctx).Raw(`UPDATE crm_push_items SET status = 'queued', error_code = '', error_message = '', updated_at = now()
		WHERE tenant_id = ? AND status = 'paused' RETURNING batch_id, contact_id, seq`, tenantID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crm: resume pushes: %w", err)
	}
	slices.SortFunc(rows, func(a, b itemRow) int {
		if c := strings.Compare(a.BatchID.String(), b.BatchID.String()); c != 0 {
			return c
		}
		return a.Seq - b.Seq
	})
	return rows, nil
}

// forgetPushes drops the tenant's per-contact CRM state (the CRM account
// changed, so none of those records are in it).
func forgetPushes(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID) error {
	if err := tx.WithContext(ctx).Exec(`DELETE FROM crm_pushes WHERE tenant_id = ?`, tenantID).Error; err != nil {
		return fmt.Errorf("crm: forget pushes: %w", err)
	}
	return nil
}

// markDeletedInCRM records that the CRM deleted a contact's record, for a
// contact the tenant may see (the CRM's external_id is anyone's to set: one
// naming another tenant's private contact records nothing).
func markDeletedInCRM(ctx context.Context, tx *gorm.DB, tenantID, contactID uuid.UUID, recordID string) error {
	err := tx.WithContext(ctx).Exec(`INSERT INTO crm_pushes AS p (tenant_id, contact_id, status, crm_record_id, last_error_code, last_error_message)
		SELECT ?, c.id, 'deleted_in_crm', NULLIF(?, ''), 'RECORD_DELETED', 'The contact was deleted in the CRM.'
		  FROM contacts c WHERE c.id = ? AND (c.owner_tenant_id IS NULL OR c.owner_tenant_id = ?)
		ON CONFLICT (tenant_id, contact_id) DO UPDATE SET status = 'deleted_in_crm',
		  crm_record_id = COALESCE(p.crm_record_id, EXCLUDED.crm_record_id),
		  last_error_code = EXCLUDED.last_error_code, last_error_message = EXCLUDED.last_error_message, updated_at = now()`,
		tenantID, recordID, contactID, tenantID).Error
	if err != nil {
		return fmt.Errorf("crm: mark deleted in CRM: %w", err)
	}
	return nil
}

// ListParams filter and page the push history.
type ListParams struct {
	Status    string
	ContactID *uuid.UUID
	From, To  *time.Time
	Limit     int
	Cursor    string
}

func listBatches(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, p ListParams, after *pageKey) ([]batchRow, error) {
	q := tx.WithContext(ctx).Where("tenant_id = ?", tenantID)
	if p.Status != "" {
		q = q.Where("status = ?", p.Status)
	}
	if p.ContactID != nil {
		q = q.Where(`EXISTS (SELECT 1 FROM crm_push_items i WHERE i.tenant_id = crm_push_batches.tenant_id
			AND i.batch_id = crm_push_batches.id AND i.contact_id = ?)`, *p.ContactID)
	}
	if p.From != nil {
		q = q.Where("created_at >= ?", *p.From)
	}
	if p.To != nil {
		q = q.Where("created_at < ?", *p.To)
	}
	if after != nil {
		q = q.Where("(created_at, id) < (?, ?)", after.Time, after.ID)
	}
	var rows []batchRow
	if err := q.Order("created_at DESC, id DESC").Limit(p.Limit + 1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("crm: list pushes: %w", err)
	}
	return rows, nil
}

func getBatch(ctx context.Context, tx *gorm.DB, tenantID, id uuid.UUID) (*batchRow, error) {
	var rows []batchRow
	if err := tx.WithContext(ctx).Where("tenant_id = ? AND id = ?", tenantID, id).Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("crm: read push: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// listItems pages a push's items in push order, with the contact's name
// and email where the tenant may see it. The email is the one the tenant
// sees, and the CRM gets: its correction overlaid, by the rule of
// loadContents.
func listItems(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, status string, afterSeq, limit int) ([]itemRow, error) {
	args := []any{tenantID, batchID, afterSeq}
	where := ""
	if status != "" {
		where = " AND i.status = ?"
		args = append(args, status)
	}
	args = append(args, limit+1)
	var rows []itemRow
	err := tx.WithContext(ctx).Raw(`SELECT i.*, c.first_name, c.last_name, COALESCE(ce.new_value, c.email::text) AS email
		FROM crm_push_items i
		LEFT JOIN contacts c ON c.id = i.contact_id AND (c.owner_tenant_id IS NULL OR c.owner_tenant_id = i.tenant_id)
		LEFT JOIN LATERAL (SELECT cc.new_value, cc.status, cc.reviewed_at FROM contact_corrections cc
		                    WHERE cc.tenant_id = i.tenant_id AND cc.contact_id = c.id AND cc.field = 'email'
		                    ORDER BY cc.created_at DESC, cc.id DESC LIMIT 1) ce
		       ON NOT (ce.status = 'accepted' AND ce.reviewed_at < c.updated_at)
		WHERE i.tenant_id = ? AND i.batch_id = ? AND i.seq > ?`+where+` ORDER BY i.seq LIMIT ?`, args...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crm: list push items: %w", err)
	}
	return rows, nil
}

// storedEvent is a crm_push_events row.
type storedEvent struct {
	ContactID    uuid.UUID
	ID           uuid.UUID
	Attempt      int
	RequestID    uuid.UUID
	OccurredAt   time.Time
	HTTPStatus   int
	Outcome      string
	ErrorCode    string
	ErrorMessage string
	CRMRecordID  *string `gorm:"column:crm_record_id"`
	Answer       []byte
	DurationMS   int `gorm:"column:duration_ms"`
}

func listEvents(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, contacts []uuid.UUID) ([]storedEvent, error) {
	var rows []storedEvent
	err := tx.WithContext(ctx).Raw(`SELECT contact_id, id, attempt, request_id, occurred_at, http_status, outcome, error_code,
		error_message, crm_record_id, answer, duration_ms FROM crm_push_events
		WHERE tenant_id = ? AND batch_id = ? AND contact_id = ANY(?::uuid[]) ORDER BY contact_id, id`,
		tenantID, batchID, uuidArray(contacts)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crm: list push events: %w", err)
	}
	return rows, nil
}

// contactStates reads the CRM state of contacts.
func contactStates(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, ids []uuid.UUID) ([]ContactStatus, error) {
	var rows []ContactStatus
	err := tx.WithContext(ctx).Raw(`SELECT c0.id AS contact_id,
		COALESCE((SELECT oi.status FROM crm_push_items oi WHERE oi.tenant_id = ? AND oi.contact_id = c0.id
		           AND oi.status IN ('queued', 'paused') LIMIT 1), p.status, '') AS status,
		COALESCE(p.crm_record_id, '') AS crm_record_id, p.last_pushed_at, COALESCE(p.last_error_code, '') AS last_error_code
		FROM unnest(?::uuid[]) WITH ORDINALITY AS c0(id, ord)
		LEFT JOIN crm_pushes p ON p.tenant_id = ? AND p.contact_id = c0.id ORDER BY c0.ord`,
		tenantID, uuidArray(ids), tenantID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("crm: contact states: %w", err)
	}
	return rows, nil
}

// markMetered records that items were counted against the quota of the
// period starting at period; if they end without reaching the CRM, the
// crm_push_items_refund trigger gives that period the units back.
func markMetered(ctx context.Context, tx *gorm.DB, tenantID, batchID uuid.UUID, ids []uuid.UUID, period time.Time) error {
	err := tx.WithContext(ctx).Exec(`UPDATE crm_push_items SET metered = true, metered_period = ? WHERE tenant_id = ? AND batch_id = ?
		AND contact_id = ANY(?::uuid[])`, period, tenantID, batchID, uuidArray(ids)).Error
	if err != nil {
		return fmt.Errorf("crm: mark metered: %w", err)
	}
	return nil
}
