package limits_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// seatInvite is the state of an invitation a seat test creates.
type seatInvite int

const (
	openInvite seatInvite = iota
	expiredInvite
	revokedInvite
	acceptedInvite
)

// MustAddSeats gives tenant members (each a new user) and invitations in
// the given states.
func MustAddSeats(tb testing.TB, tenant uuid.UUID, members int, invites ...seatInvite) {
	tb.Helper()
	d := dbtest.Shared(tb)
	for range members {
		user := uuid.Must(uuid.NewV7())
		if err := d.Gorm.Exec(`INSERT INTO users (id, email, password_hash) VALUES (?, ?, 'x')`, user, user.String()+"@example.com").Error; err != nil {
			tb.Fatal(err)
		}
		if err := d.Gorm.Exec(`INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'member')`, tenant, user).Error; err != nil {
			tb.Fatal(err)
		}
	}
	for _, st := range invites {
		expires, accepted, revoked := time.Now().Add(24*time.Hour), (*time.Time)(nil), (*time.Time)(nil)
		now := time.Now()
		switch st {
		case expiredInvite:
			expires = now.Add(-time.Minute)
		case revokedInvite:
			revoked = &now
		case acceptedInvite:
			accepted = &now
		}
		id := uuid.Must(uuid.NewV7())
		if err := d.Gorm.Exec(`INSERT INTO invitations (tenant_id, id, email, role, token_hash, expires_at, accepted_at, revoked_at)
			VALUES (?, ?, ?, 'member', ?, ?, ?, ?)`, tenant, id, id.String()+"@example.com", []byte(rand.Text()), expires, accepted, revoked).Error; err != nil {
			tb.Fatal(err)
		}
	}
}

// TestRequireSeat: only members and open invitations (neither accepted,
// revoked nor expired) take seats; accepting an invitation needs a seat
// beside the members only. The Free package has 3 seats.
func TestRequireSeat(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	tests := []struct {
		name      string
		members   int
		invites   []seatInvite
		accepting bool
		wantErr   bool
		wantSeats limits.Seats
	}{
		{"OK", 1, []seatInvite{openInvite}, false, false, limits.Seats{Limit: 3, Members: 1, PendingInvites: 1, Remaining: 1}},
		{"ErrLastSeatTakenByInvitation", 2, []seatInvite{openInvite}, false, true, limits.Seats{Limit: 3, Members: 2, PendingInvites: 1}},
		{"ErrAllSeatsMembers", 3, nil, false, true, limits.Seats{Limit: 3, Members: 3}},
		{"ExpiredInvitationHoldsNoSeat", 2, []seatInvite{expiredInvite}, false, false, limits.Seats{Limit: 3, Members: 2, Remaining: 1}},
		{"RevokedInvitationHoldsNoSeat", 2, []seatInvite{revokedInvite}, false, false, limits.Seats{Limit: 3, Members: 2, Remaining: 1}},
		{"AcceptedInvitationHoldsNoSeat", 2, []seatInvite{acceptedInvite}, false, false, limits.Seats{Limit: 3, Members: 2, Remaining: 1}},
		{"AcceptingPastOpenInvitations", 2, []seatInvite{openInvite, openInvite}, true, false, limits.Seats{Limit: 3, Members: 2, PendingInvites: 2}},
		{"ErrAcceptingWithEverySeatAMember", 3, []seatInvite{openInvite}, true, true, limits.Seats{Limit: 3, Members: 3, PendingInvites: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
			MustAddSeats(t, tenant, tt.members, tt.invites...)
			ctx := context.Background()
			seats, err := svc.SeatsOf(ctx, d.Gorm, tenant, 3)
			if err != nil || seats != tt.wantSeats {
				t.Fatalf("seats %+v (%v), want %+v", seats, err, tt.wantSeats)
			}
			err = svc.RequireSeat(ctx, d.Gorm, tenant, tt.accepting)
			if e, ok := apperr.As(err); tt.wantErr != (err != nil) || (tt.wantErr && (!ok || e.Code != apperr.ECONFLICT || e.Type != "seat-limit-reached")) {
				t.Fatalf("RequireSeat: %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

// TestSeatLimitMessage: the refusal counts members and pending
// invitations in words, one in the singular, none and many in the plural.
func TestSeatLimitMessage(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	tests := []struct {
		name    string
		members int
		invites []seatInvite
		want    string
	}{
		{"NoInvitations", 3, nil, "The Free package allows 3 users; 3 members and 0 pending invitations use them all."},
		{"OneEach", 1, []seatInvite{openInvite, openInvite}, "The Free package allows 3 users; 1 member and 2 pending invitations use them all."},
		{"OneInvitation", 2, []seatInvite{openInvite}, "The Free package allows 3 users; 2 members and 1 pending invitation use them all."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
			MustAddSeats(t, tenant, tt.members, tt.invites...)
			e, ok := apperr.As(svc.RequireSeat(context.Background(), d.Gorm, tenant, false))
			if !ok || e.Message != tt.want {
				t.Fatalf("message %q, want %q", e.Message, tt.want)
			}
		})
	}
}

// TestSeatsCountEveryRole: every member takes a seat whatever their role
// (org admins and viewers too), and so does an open invitation of any role.
func TestSeatsCountEveryRole(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := limits.NewService(d.Gorm, 0)
	tenant := MustCreateTenant(t, "free", billing.StatusActive, nil)
	MustAddSeats(t, tenant, 3, openInvite, openInvite)
	for _, q := range []string{
		`UPDATE memberships SET role = 'org_admin' WHERE tenant_id = ? AND user_id = (SELECT min(user_id::text)::uuid FROM memberships WHERE tenant_id = ?)`,
		`UPDATE memberships SET role = 'viewer' WHERE tenant_id = ? AND user_id = (SELECT max(user_id::text)::uuid FROM memberships WHERE tenant_id = ?)`,
		`UPDATE invitations SET role = 'viewer' WHERE tenant_id = ? AND id = (SELECT min(id::text)::uuid FROM invitations WHERE tenant_id = ?)`,
		`UPDATE invitations SET role = 'org_admin' WHERE tenant_id = ? AND id = (SELECT max(id::text)::uuid FROM invitations WHERE tenant_id = ?)`,
	} {
		if err := d.Gorm.Exec(q, tenant, tenant).Error; err != nil {
			t.Fatal(err)
		}
	}
	want := limits.Seats{Limit: 10, Members: 3, PendingInvites: 2, Remaining: 5}
	if seats, err := svc.SeatsOf(context.Background(), d.Gorm, tenant, 10); err != nil || seats != want {
		t.Fatalf("seats %+v (%v), want %+v", seats, err, want)
	}
}
