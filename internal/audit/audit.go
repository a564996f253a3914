// Package audit records who changed what, append-only. Services write an
// Event inside the transaction of the change it describes (Write), so an
// event exists exactly when its change does; the actor (user or API key, IP,
// request id) travels in the context, put there by the HTTP middleware.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/db"
)

// Actor is who performs the request.
type Actor struct {
	UserID    *uuid.UUID
	APIKeyID  *uuid.UUID
	Label     string // email or key name, kept so the log reads after deletions
	IP        string
	RequestID string
	// Staff: the request acts as 1CloudAI staff (a platform route), so a
	// tenant's view of the event hides who it was.
	Staff bool
}

type actorKey struct{}

// WithActor returns ctx carrying the actor of the request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, if any.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Event is one audited action.
type Event struct {
	ID            uuid.UUID      `json:"id"`
	TenantID      *uuid.UUID     `json:"tenant_id,omitempty"`
	ActorUserID   *uuid.UUID     `json:"actor_user_id,omitempty"`
	ActorAPIKeyID *uuid.UUID     `json:"actor_api_key_id,omitempty"`
	ActorLabel    string         `json:"actor_label"`
	ActorStaff    bool           `json:"actor_staff,omitempty"`
	Action        string         `json:"action"`
	TargetType    string         `json:"target_type"`
	TargetID      string         `json:"target_id"`
	Data          map[string]any `json:"data"`
	IP            string         `json:"ip,omitempty"`
	RequestID     string         `json:"request_id"`
	CreatedAt     time.Time      `json:"created_at"`
}

// row is the audit_events table.
type row struct {
	ID            uuid.UUID
	TenantID      *uuid.UUID
	ActorUserID   *uuid.UUID
	ActorAPIKeyID *uuid.UUID
	ActorLabel    string
	ActorStaff    bool
	Action        string
	TargetType    string
	TargetID      string
	Data          []byte `gorm:"type:jsonb"`
	IP            *string
	RequestID     string
	CreatedAt     time.Time
}

func (row) TableName() string { return "audit_events" }

// Write appends e using tx (a transaction or the plain handle). Actor fields
// left empty are filled from the context.
func Write(ctx context.Context, tx *gorm.DB, e Event) error {
	a := ActorFrom(ctx)
	if e.ActorUserID == nil && e.ActorAPIKeyID == nil {
		e.ActorUserID, e.ActorAPIKeyID = a.UserID, a.APIKeyID
	}
	if e.ActorLabel == "" {
		e.ActorLabel = a.Label
	}
	e.ActorStaff = e.ActorStaff || a.Staff
	if e.IP == "" {
		e.IP = a.IP
	}
	if e.RequestID == "" {
		e.RequestID = a.RequestID
	}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	data, err := json.Marshal(e.Data)
	if err != nil {
		return fmt.Errorf("audit: encode data: %w", err)
	}
	r := row{
		ID: uuid.Must(uuid.NewV7()), TenantID: e.TenantID, ActorUserID: e.ActorUserID, ActorAPIKeyID: e.ActorAPIKeyID,
		ActorLabel: e.ActorLabel, ActorStaff: e.ActorStaff, Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID,
		Data: data, RequestID: e.RequestID, CreatedAt: time.Now().UTC(),
	}
	if addr, err := netip.ParseAddr(e.IP); err == nil {
		ip := addr.String()
		r.IP = &ip
	}
	if err := tx.WithContext(ctx).Create(&r).Error; err != nil {
		return fmt.Errorf("audit: write %s: %w", e.Action, err)
	}
	return nil
}

// Service reads the audit log.
type Service struct {
	db *gorm.DB
}

// NewService returns a Service over db.
func NewService(db *gorm.DB) *Service { return &Service{db: db} }

// ListParams filters and pages the log. TenantID nil lists platform-wide.
type ListParams struct {
	TenantID *uuid.UUID
	Action   string // exact, or a prefix ending in '*' ("member.*"); any case
	ActorID  *uuid.UUID
	// StaffHidden is the tenant's view, which does not name 1CloudAI
	// staff: an actor filter never matches an event of staff, or it would
	// tell who at 1CloudAI did what the view hides.
	StaffHidden bool
	Cursor      string // the id of the last event seen
	Limit       int
}

// List returns events newest first and the cursor of the next page.
// Returns EMALFORMED for a bad cursor.
func (s *Service) List(ctx context.Context, p ListParams) ([]Event, string, error) {
	if p.Limit <= 0 || p.Limit > 200 {
		p.Limit = 50
	}
	q, err := listQuery(s.db.WithContext(ctx), p)
	if err != nil {
		return nil, "", err
	}
	var rows []row
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", fmt.Errorf("audit: list: %w", err)
	}
	next := ""
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		next = rows[len(rows)-1].ID.String()
	}
	events := make([]Event, len(rows))
	for i, r := range rows {
		events[i] = Event{
			ID: r.ID, TenantID: r.TenantID, ActorUserID: r.ActorUserID, ActorAPIKeyID: r.ActorAPIKeyID,
			ActorLabel: r.ActorLabel, ActorStaff: r.ActorStaff, Action: r.Action, TargetType: r.TargetType, TargetID: r.TargetID,
			RequestID: r.RequestID, CreatedAt: r.CreatedAt.UTC(),
		}
		if r.IP != nil {
			events[i].IP = *r.IP
		}
		_ = json.Unmarshal(r.Data, &events[i].Data)
	}
	return events, next, nil
}

// listQuery is List's statement for p (its Limit already set). Each filter
// has an index (migrations 00002, 00031, 00061), so that a filter matching
// few events does not read every tenant's: the action, exact or a prefix
// (text_pattern_ops), alone or with the tenant, and the actor.
func listQuery(d *gorm.DB, p ListParams) (*gorm.DB, error) {
	q := d.Model(&row{}).
		Select("id, tenant_id, actor_user_id, actor_api_key_id, actor_label, actor_staff, action, target_type, target_id, data, host(ip) AS ip, request_id, created_at").
		Order("id DESC").Limit(p.Limit + 1)
	if p.TenantID != nil {
		q = q.Where("tenant_id = ?", *p.TenantID)
	}
	if p.Action != "" {
		// Every action is written in lowercase (Write's callers name them
		// as constants), so lowering the filter matches in any case and
		// keeps the index on action usable, which lower(action) would not.
		action := strings.ToLower(p.Action)
		if prefix, ok := strings.CutSuffix(action, "*"); ok {
			q = q.Where("action LIKE ?", db.EscapeLike(prefix)+"%")
		} else {
			q = q.Where("action = ?", action)
		}
	}
	if p.ActorID != nil {
		q = q.Where("actor_user_id = ? OR actor_api_key_id = ?", *p.ActorID, *p.ActorID)
		if p.StaffHidden {
			q = q.Where("NOT actor_staff")
		}
	}
	if p.Cursor != "" {
		id, err := db.IDCursor(p.Cursor)
		if err != nil {
			return nil, err
		}
		q = q.Where("id < ?", id)
	}
	return q, nil
}
