package audit_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestWriteFillsTheActor: what Write records of the request's actor (in
// the context) beside what the event names itself. Staff in the context
// marks the event as staff's even when its writer did not, or a tenant's
// log would show who at 1CloudAI acted.
func TestWriteFillsTheActor(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := audit.NewService(d.Gorm)
	user, other, key := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	ctxActor := audit.Actor{UserID: &user, Label: "ctx@example.test", IP: "192.0.2.1", RequestID: "req-ctx"}
	staff := ctxActor
	staff.Staff = true
	badIP := ctxActor
	badIP.IP = "not an address"
	tests := []struct {
		name  string
		actor audit.Actor
		event audit.Event
		want  audit.Event // the fields compared: actor ids, label, staff, IP, request id
	}{
		{"OKActorFromContext", ctxActor, audit.Event{},
			audit.Event{ActorUserID: &user, ActorLabel: "ctx@example.test", IP: "192.0.2.1", RequestID: "req-ctx"}},
		{"OKStaffFromContext", staff, audit.Event{},
			audit.Event{ActorUserID: &user, ActorLabel: "ctx@example.test", ActorStaff: true, IP: "192.0.2.1", RequestID: "req-ctx"}},
		{"OKStaffFromEvent", ctxActor, audit.Event{ActorStaff: true},
			audit.Event{ActorUserID: &user, ActorLabel: "ctx@example.test", ActorStaff: true, IP: "192.0.2.1", RequestID: "req-ctx"}},
		{"OKEventsOwnUserKept", ctxActor, audit.Event{ActorUserID: &other},
			audit.Event{ActorUserID: &other, ActorLabel: "ctx@example.test", IP: "192.0.2.1", RequestID: "req-ctx"}},
		{"OKEventsOwnKeyKept", ctxActor, audit.Event{ActorAPIKeyID: &key},
			audit.Event{ActorAPIKeyID: &key, ActorLabel: "ctx@example.test", IP: "192.0.2.1", RequestID: "req-ctx"}},
		{"OKEventsOwnFieldsKept", ctxActor, audit.Event{ActorLabel: "own", IP: "2001:db8::1", RequestID: "req-own"},
			audit.Event{ActorUserID: &user, ActorLabel: "own", IP: "2001:db8::1", RequestID: "req-own"}},
		{"OKBadAddressLeftOut", badIP, audit.Event{},
			audit.Event{ActorUserID: &user, ActorLabel: "ctx@example.test", RequestID: "req-ctx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := uuid.Must(uuid.NewV7())
			e := tt.event
			e.TenantID, e.Action, e.TargetType, e.TargetID = &tenant, "member.added", "user", "u1"
			ctx := audit.WithActor(context.Background(), tt.actor)
			if err := audit.Write(ctx, d.Gorm, e); err != nil {
				t.Fatalf("write: %v", err)
			}
			evs, _, err := svc.List(context.Background(), audit.ListParams{TenantID: &tenant})
			if err != nil || len(evs) != 1 {
				t.Fatalf("list = %+v, %v; want the one event", evs, err)
			}
			got, w := evs[0], tt.want
			if !sameID(got.ActorUserID, w.ActorUserID) || !sameID(got.ActorAPIKeyID, w.ActorAPIKeyID) ||
				got.ActorLabel != w.ActorLabel || got.ActorStaff != w.ActorStaff || got.IP != w.IP || got.RequestID != w.RequestID {
				t.Fatalf("stored user %v key %v label %q staff %v ip %q request %q; want user %v key %v label %q staff %v ip %q request %q",
					got.ActorUserID, got.ActorAPIKeyID, got.ActorLabel, got.ActorStaff, got.IP, got.RequestID,
					w.ActorUserID, w.ActorAPIKeyID, w.ActorLabel, w.ActorStaff, w.IP, w.RequestID)
			}
		})
	}
}

func sameID(a, b *uuid.UUID) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// TestListFilters: which of a tenant's events each filter of its log
// lists, newest first, and that paging them returns each once with a next
// cursor exactly while more remain.
func TestListFilters(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := audit.NewService(d.Gorm)
	ctx := context.Background()
	tenant, otherTenant := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	user, key := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	write := func(tid uuid.UUID, action string, byKey, staff bool) string {
		t.Helper()
		e := audit.Event{TenantID: &tid, Action: action, TargetType: "user", TargetID: "t", ActorUserID: &user, ActorStaff: staff}
		if byKey {
			e.ActorUserID, e.ActorAPIKeyID = nil, &key
		}
		if err := audit.Write(ctx, d.Gorm, e); err != nil {
			t.Fatal(err)
		}
		return action
	}
	// Oldest first; the lists below are newest first.
	added := write(tenant, "member.added", false, false)
	removed := write(tenant, "member.removed", false, false)
	roleless := write(tenant, "memberxrole.changed", false, false) // "member_*" must not match it
	underscored := write(tenant, "member_role.changed", false, false)
	keyed := write(tenant, "api_key.created", true, false)
	staffed := write(tenant, "subscription.changed", false, true)
	write(otherTenant, "member.added", false, false)

	tests := []struct {
		name string
		p    audit.ListParams
		want []string
	}{
		{"OKAllOfTheTenant", audit.ListParams{}, []string{staffed, keyed, underscored, roleless, removed, added}},
		{"OKActionExact", audit.ListParams{Action: "member.added"}, []string{added}},
		{"OKActionAnyCase", audit.ListParams{Action: "Member.Added"}, []string{added}},
		{"OKActionPrefix", audit.ListParams{Action: "member.*"}, []string{removed, added}},
		{"OKActionPrefixLiteralUnderscore", audit.ListParams{Action: "member_*"}, []string{underscored}},
		{"OKActorUser", audit.ListParams{ActorID: &user}, []string{staffed, underscored, roleless, removed, added}},
		{"OKActorAPIKey", audit.ListParams{ActorID: &key}, []string{keyed}},
		{"OKActorStaffHidden", audit.ListParams{ActorID: &user, StaffHidden: true}, []string{underscored, roleless, removed, added}},
		{"OKPages", audit.ListParams{Limit: 2}, []string{staffed, keyed, underscored, roleless, removed, added}},
		{"OKPagesExactlyFull", audit.ListParams{Action: "member.*", Limit: 2}, []string{removed, added}},
		{"OKPagesPartialLast", audit.ListParams{Action: "member*", Limit: 3}, []string{underscored, roleless, removed, added}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.p
			p.TenantID = &tenant
			limit := p.Limit
			if limit == 0 {
				limit = 50
			}
			var got []string
			for page := 0; ; page++ {
				evs, next, err := svc.List(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range evs {
					got = append(got, e.Action)
				}
				if more := len(got) < len(tt.want); (next != "") != more || page > len(tt.want) {
					t.Fatalf("page %d (%d events so far of %d): next cursor %q", page+1, len(got), len(tt.want), next)
				}
				if next == "" {
					break
				}
				if len(evs) != limit {
					t.Fatalf("page %d has %d events with a next cursor, want %d", page+1, len(evs), limit)
				}
				p.Cursor = next
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("listed %v, want %v", got, tt.want)
			}
		})
	}
}
