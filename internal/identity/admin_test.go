package identity

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// mustInsertUser adds a user with name and systemRole straight to the
// table (no password needed here) and returns its id.
func mustInsertUser(t *testing.T, d *db.DB, name, systemRole string) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	if err := d.Gorm.Exec(`INSERT INTO users (id, email, name, password_hash, system_role) VALUES (?, ?, ?, 'x', ?)`,
		id, "u-"+id.String()+"@example.test", name, systemRole).Error; err != nil {
		t.Fatalf("insert user: %v", err)
	}
	return id
}

// TestListUsersPages: paging the staff users search returns every match
// once, newest first, and a next cursor exactly while more remain (a
// cursor on the last page would send the console to an empty page).
func TestListUsersPages(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	marker := "Pager " + dbtest.UniqueWord()
	var want []uuid.UUID
	for range 3 {
		want = append(want, mustInsertUser(t, d, marker, tenancy.SystemUser))
	}
	slices.Reverse(want) // newest first
	tests := []struct {
		name  string
		limit int
		pages int
	}{
		{"OKOnePerPage", 1, 3},
		{"OKPartialLastPage", 2, 2},
		{"OKExactlyOnePage", 3, 1},
		{"OKRoomToSpare", 4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []uuid.UUID
			cursor, pages := "", 0
			for {
				us, next, err := svc.ListUsers(context.Background(), ListUsersParams{Query: marker, Cursor: cursor, Limit: tt.limit})
				if err != nil {
					t.Fatalf("page %d: %v", pages+1, err)
				}
				pages++
				for _, u := range us {
					got = append(got, u.ID)
				}
				if next == "" || pages > 5 {
					break
				}
				cursor = next
			}
			if !slices.Equal(got, want) || pages != tt.pages {
				t.Fatalf("%d pages of %v, want %d pages of %v", pages, got, tt.pages, want)
			}
		})
	}
}

// TestSetSystemRole: what a system admin's role change does to the
// target, to the actor and to the platform log, by who acts on whom.
func TestSetSystemRole(t *testing.T) {
	t.Parallel()
	d := dbtest.Shared(t)
	svc := testService(d)
	ctx := context.Background()
	tests := []struct {
		name      string
		actorRole string // the actor's role in the table when the change runs
		self      bool   // the actor is the target
		missing   bool   // the target does not exist
		from, to  string
		wantCode  string
		wantRole  string // the target's role afterwards
		audited   bool   // one user.system_role_changed event from -> to
	}{
		{"OK", tenancy.SystemAdmin, false, false, tenancy.SystemUser, tenancy.Support, "", tenancy.Support, true},
		{"OKDemoted", tenancy.SystemAdmin, false, false, tenancy.SystemAdmin, tenancy.SystemUser, "", tenancy.SystemUser, true},
		{"OKSameRoleNotAudited", tenancy.SystemAdmin, false, false, tenancy.Support, tenancy.Support, "", tenancy.Support, false},
		{"ErrInvalidRole", tenancy.SystemAdmin, false, false, tenancy.SystemUser, "god", apperr.EINVALID, tenancy.SystemUser, false},
		{"ErrConflictOwnRole", tenancy.SystemAdmin, true, false, tenancy.SystemAdmin, tenancy.SystemUser, apperr.ECONFLICT, tenancy.SystemAdmin, false},
		// Demoted while the request waited: the authority read before the
		// locks is gone.
		{"ErrForbiddenActorDemoted", tenancy.Support, false, false, tenancy.SystemUser, tenancy.SystemAdmin, apperr.EFORBIDDEN, tenancy.SystemUser, false},
		{"ErrNotFound", tenancy.SystemAdmin, false, true, "", tenancy.Support, apperr.ENOTFOUND, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			actorID := mustInsertUser(t, d, "Actor", tt.actorRole)
			target := uuid.Must(uuid.NewV7())
			switch {
			case tt.self:
				target = actorID
			case !tt.missing:
				target = mustInsertUser(t, d, "Target", tt.from)
			}
			actor := &tenancy.Principal{UserID: actorID, SystemRole: tenancy.SystemAdmin}
			u, err := svc.SetSystemRole(ctx, actor, target, tt.to)
			if code := apperr.Code(err); code != tt.wantCode {
				t.Fatalf("SetSystemRole: %v (code %q), want code %q", err, code, tt.wantCode)
			}
			if err == nil && (u.ID != target || u.SystemRole != tt.wantRole) {
				t.Errorf("returned %s as %q, want %s as %q", u.ID, u.SystemRole, target, tt.wantRole)
			}
			roles := map[uuid.UUID]string{}
			var rows []User
			if err := d.Gorm.Where("id IN ?", []uuid.UUID{actorID, target}).Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				roles[r.ID] = r.SystemRole
			}
			if !tt.self && roles[actorID] != tt.actorRole {
				t.Errorf("the actor's role became %q, want %q kept", roles[actorID], tt.actorRole)
			}
			if roles[target] != tt.wantRole {
				t.Errorf("the target's role is %q, want %q", roles[target], tt.wantRole)
			}
			var data []string
			if err := d.Gorm.Raw(`SELECT data->>'from' || '->' || (data->>'to') FROM audit_events
				WHERE action = 'user.system_role_changed' AND target_id = ?`, target.String()).Scan(&data).Error; err != nil {
				t.Fatal(err)
			}
			want := ""
			if tt.audited {
				want = tt.from + "->" + tt.to
			}
			if strings.Join(data, ",") != want {
				t.Errorf("audited %q, want %q", data, want)
			}
		})
	}
}
