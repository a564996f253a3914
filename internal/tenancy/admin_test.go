package tenancy_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// TestListTenantsPageSize: the staff tenants list's page size, 1 to 100,
// and 25 for any other; a page with more after it names the next, the
// last names none; the status filters, and only active and suspended are
// statuses.
func TestListTenantsPageSize(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	word := dbtest.UniqueWord()
	const tenants = 101
	for range tenants {
		mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, ?)`, uuid.Must(uuid.NewV7()), "Page "+word)
	}
	for _, tc := range []struct {
		limit, want int
	}{{0, 25}, {-1, 25}, {1, 1}, {26, 26}, {100, 100}, {101, 25}} {
		got, next, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: word, Limit: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want || next != got[len(got)-1].ID.String() {
			t.Errorf("limit %d: %d tenants, next %q; want %d and a next page", tc.limit, len(got), next, tc.want)
		}
	}
	// The last page, full or not, names none; a status filters.
	for _, tc := range []struct {
		status string
		limit  int
		want   int
	}{{"", 101, 25}, {tenancy.StatusActive, 100, 100}, {tenancy.StatusSuspended, 10, 0}} {
		got, _, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: word, Status: tc.status, Limit: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("status %q: %d tenants, want %d", tc.status, len(got), tc.want)
		}
	}
	single := dbtest.UniqueWord()
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, ?)`, uuid.Must(uuid.NewV7()), "Single "+single)
	if got, next, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: single, Limit: 1}); err != nil || len(got) != 1 || next != "" {
		t.Errorf("the only tenant in a page of one: %d tenants, next %q, %v; want it and no next page", len(got), next, err)
	}
	if _, _, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Status: "archived"}); apperr.Code(err) != apperr.EINVALID {
		t.Errorf("status archived: %v, want EINVALID", err)
	}
}

// TestSetStatusReason: a suspension's reason is 3 to 500 characters once
// trimmed, counted in characters; a reactivation needs none; only active
// and suspended are statuses. A refused change leaves the tenant active.
func TestSetStatusReason(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	for _, tt := range []struct {
		name, status, reason string
		wantField            string // "" success
		wantMessage          string // the field's, where it says which rule
	}{
		{"OKShortest", tenancy.StatusSuspended, " éé\u0301 ", "", ""},
		{"ErrTooShort", tenancy.StatusSuspended, " ab ", "reason", "must be at least 3 characters long"},
		{"ErrMissing", tenancy.StatusSuspended, "   ", "reason", "is required to suspend a tenant"},
		{"OKLongest", tenancy.StatusSuspended, strings.Repeat("é", 500), "", ""},
		{"ErrOneCharTooLong", tenancy.StatusSuspended, strings.Repeat("é", 501), "reason", "must be at most 500 characters long"},
		{"OKReactivateWithoutReason", tenancy.StatusActive, "", "", ""},
		{"ErrUnknownStatus", "paused", "a good reason", "status", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := uuid.Must(uuid.NewV7())
			mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, 'Team')`, id)
			got, err := svc.SetStatus(context.Background(), id, tt.status, tt.reason)
			if tt.wantField != "" {
				if e, ok := apperr.As(err); !ok || e.Code != apperr.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != tt.wantField ||
					tt.wantMessage != "" && e.Fields[0].Message != tt.wantMessage {
					t.Fatalf("SetStatus(%s, %d characters) = %v, want EINVALID on %s %s", tt.status, len([]rune(tt.reason)), err, tt.wantField, tt.wantMessage)
				}
				if after, err := svc.Get(context.Background(), id); err != nil || after.Status != tenancy.StatusActive {
					t.Fatalf("after a refused change the tenant is %q (%v), want active", after.Status, err)
				}
				return
			}
			if err != nil || got.Status != tt.status {
				t.Fatalf("SetStatus(%s, %d characters) = %q, %v, want %s", tt.status, len([]rune(tt.reason)), got.Status, err, tt.status)
			}
		})
	}
}

// TestSuspendAndReactivate: a suspension records when and why, and is
// audited once as the staff's; suspending a suspended tenant again keeps
// the first time and reason and audits nothing; a reactivation clears both.
func TestSuspendAndReactivate(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	ctx, id := context.Background(), uuid.Must(uuid.NewV7())
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, 'Team')`, id)
	type state struct {
		Status          string
		SuspendedAt     *time.Time
		SuspendedReason *string
		Audited         string // action (reason), staff, in order
	}
	read := func() state {
		t.Helper()
		var s state
		if err := d.Gorm.Raw(`SELECT t.status, t.suspended_at, t.suspended_reason,
				(SELECT string_agg(a.action || ' (' || (a.data->>'reason') || ') ' || a.actor_staff::text, ', ' ORDER BY a.created_at, a.id)
				 FROM audit_events a WHERE a.tenant_id = t.id) AS audited
			FROM tenants t WHERE t.id = ?`, id).Scan(&s).Error; err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := svc.SetStatus(ctx, id, tenancy.StatusSuspended, "  abuse report "); err != nil {
		t.Fatal(err)
	}
	first := read()
	if first.Status != tenancy.StatusSuspended || first.SuspendedAt == nil || first.SuspendedReason == nil ||
		*first.SuspendedReason != "abuse report" || first.Audited != "tenant.suspended (abuse report) true" {
		t.Fatalf("suspended: %+v", first)
	}
	if _, err := svc.SetStatus(ctx, id, tenancy.StatusSuspended, "another reason"); err != nil {
		t.Fatal(err)
	}
	if again := read(); again.SuspendedAt == nil || !again.SuspendedAt.Equal(*first.SuspendedAt) || again.SuspendedReason == nil ||
		*again.SuspendedReason != "abuse report" || again.Audited != first.Audited {
		t.Fatalf("suspended again: %+v, want it as it was: %+v", again, first)
	}
	if _, err := svc.SetStatus(ctx, id, tenancy.StatusActive, ""); err != nil {
		t.Fatal(err)
	}
	if got, want := read(), "tenant.suspended (abuse report) true, tenant.reactivated () true"; got.Status != tenancy.StatusActive ||
		got.SuspendedAt != nil || got.SuspendedReason != nil || got.Audited != want {
		t.Fatalf("reactivated: %+v, want active, no time or reason, audited %q", got, want)
	}
}

// TestListTenantsPages: following next walks the tenants newest first,
// each once: a page starts after the tenant that ended the one before.
func TestListTenantsPages(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	word := dbtest.UniqueWord()
	var want []string // newest first
	for range 5 {
		id := uuid.Must(uuid.NewV7())
		mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, ?)`, id, "Pages "+word)
		want = append([]string{id.String()}, want...)
	}
	var got []string
	cursor := ""
	for page := 0; page < len(want); page++ {
		ts, next, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: word, Cursor: cursor, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, tn := range ts {
			got = append(got, tn.ID.String())
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("pages of 2 listed %v, want %v", got, want)
	}
}

// TestListTenantsMembers: each row counts its own tenant's members.
func TestListTenantsMembers(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	word := dbtest.UniqueWord()
	want := map[uuid.UUID]int64{}
	for _, members := range []int64{2, 1, 0} {
		id := uuid.Must(uuid.NewV7())
		mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, ?)`, id, "Members "+word)
		for range members {
			mustExec(t, d, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'member')`, id, dbtest.MustCreateUser(t, d))
		}
		want[id] = members
	}
	ts, _, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: word})
	if err != nil {
		t.Fatal(err)
	}
	got := map[uuid.UUID]int64{}
	for _, tn := range ts {
		got[tn.ID] = tn.Members
	}
	if !maps.Equal(got, want) {
		t.Fatalf("members %v, want %v", got, want)
	}
}

// TestListTenantsSearchTrimmed: a search pasted with spaces around it
// finds what it names, be it a name, a member's email or a tenant's id.
func TestListTenantsSearchTrimmed(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := tenancy.NewService(d.Gorm, nil, "", nil)
	word, id, user := dbtest.UniqueWord(), uuid.Must(uuid.NewV7()), dbtest.MustCreateUser(t, d)
	mustExec(t, d, `INSERT INTO tenants (id, name) VALUES (?, ?)`, id, "Trimmed "+word)
	mustExec(t, d, `INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, 'org_admin')`, id, user)
	for _, q := range []string{word, "u-" + user.String() + "@example.test", id.String()} {
		ts, _, err := svc.ListTenants(context.Background(), tenancy.ListTenantsParams{Query: "  " + q + " \t"})
		if err != nil || len(ts) != 1 || ts[0].ID != id {
			t.Errorf("search %q: %d tenants, %v; want %s", q, len(ts), err, id)
		}
	}
}
