package api

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/google/uuid"
)

// TestReviewSavedAllOrNothing: approve and reject take the tenant's own
// saved contacts only. One id of another tenant's saved contact (or one
// not saved) fails the whole call with 404 and changes nothing, so a
// selection never half-approves.
func TestReviewSavedAllOrNothing(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"MAX_BODY_BYTES": "65536"}) // 1,001 ids are 40 KB (the default is 1 MiB)
	a := tb.MustSignup(t, "review-a")
	b := tb.MustSignup(t, "review-b")
	tb.MustSetPackage(t, a.tenantID, "starter")
	member := tb.MustJoin(t, a, "member")
	key := tb.MustCreateKey(t, a, "saved:read", "saved:write")
	mine := []string{tb.MustPrivateContact(t, a.tenantID, "Ann", "Mine"), tb.MustPrivateContact(t, a.tenantID, "Abe", "Mine")}
	theirs := tb.MustPrivateContact(t, b.tenantID, "Bob", "Theirs")
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": mine}), 200)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", b.token, map[string]any{"contact_ids": []string{theirs}}), 200)
	tooMany := make([]string, 1001)
	for i := range tooMany {
		tooMany[i] = uuid.NewString()
	}

	for _, action := range []string{"approve", "reject"} {
		path := "/api/v1/saved-contacts/" + action
		tests := []struct {
			name  string
			token string
			ids   []string
			want  int
		}{
			{"ErrNotFoundOtherTenants", a.token, []string{mine[0], theirs}, 404},
			{"ErrNotFoundNotSaved", a.token, []string{mine[0], uuid.NewString()}, 404},
			{"ErrValidationTooMany", a.token, tooMany, 422},
			{"ErrValidationEmpty", a.token, []string{}, 422},
			{"ErrForbiddenMember", member.token, mine, 403},
			{"ErrUnauthenticated", "", mine, 401},
		}
		for _, tt := range tests {
			t.Run(action+"/"+tt.name, func(t *testing.T) {
				wantStatus(t, tb.req(t, http.MethodPost, path, tt.token, map[string]any{"contact_ids": tt.ids}), tt.want)
			})
		}
		t.Run(action+"/ErrForbiddenKey", func(t *testing.T) {
			wantStatus(t, tb.keyJSON(t, http.MethodPost, path, key.Secret, map[string]any{"contact_ids": mine}), 403)
		})
		// Nothing changed: A's contacts are as saved, B's as B left it.
		for _, c := range []struct{ token, id string }{{a.token, mine[0]}, {a.token, mine[1]}, {b.token, theirs}} {
			if got := decode[ContactResponse](t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+c.id, c.token, nil)); got.SavedStatus != "saved" {
				t.Fatalf("%s: contact %s is %q after refused calls, want saved", action, c.id, got.SavedStatus)
			}
		}
	}
	res := decode[CountResponse](t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts/approve", a.token, map[string]any{"contact_ids": mine}))
	if res.Count != 2 {
		t.Fatalf("approved %d, want 2", res.Count)
	}
}

// TestListNamesUniqueAsTheyRead: two lists of a tenant cannot have names
// that read the same: not in another case (also beyond ASCII), not with
// an accent composed another way, not with other spacing. Another tenant
// may use the name.
func TestListNamesUniqueAsTheyRead(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "listnames-a")
	b := tb.MustSignup(t, "listnames-b")
	for _, name := range []string{"Berlin CTOs", "Café Owners", "Équipe Köln"} {
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": name}), 201)
	}
	tests := []struct {
		name, list string
	}{
		{"ErrConflictCase", "berlin ctos"},
		{"ErrConflictSpacing", "  Berlin   CTOs "},
		{"ErrConflictDecomposedAccent", "Cafe\u0301 Owners"},
		{"ErrConflictCaseBeyondASCII", "ÉQUIPE KÖLN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": tt.list}), 409)
		})
	}
	other := decode[ListResponse](t, tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": "Other"}))
	wantStatus(t, tb.req(t, http.MethodPatch, "/api/v1/lists/"+other.ID, a.token, map[string]string{"name": "BERLIN ctos"}), 409)
	// Its own name in another case is a rename, not a clash.
	renamed := decode[ListResponse](t, tb.req(t, http.MethodPatch, "/api/v1/lists/"+other.ID, a.token, map[string]string{"name": "OTHER"}))
	if renamed.Name != "OTHER" {
		t.Fatalf("renamed to %q", renamed.Name)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/lists", b.token, map[string]string{"name": "Berlin CTOs"}), 201)
}

// TestSavedPagingWhileChanging: a person pages through the saved view
// while teammates save, unsave and approve contacts. Every contact saved
// before the first page and still saved shows exactly once, in order,
// wherever the changes fall (the cursor's own row unsaved included), and
// total stays the first page's.
func TestSavedPagingWhileChanging(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "saved-paging")
	var rounds [3][2]string // saved in three calls: newest call first on the pages
	for r := range rounds {
		for i := range rounds[r] {
			rounds[r][i] = tb.MustPrivateContact(t, a.tenantID, "Pat", "Round"+strconv.Itoa(r))
		}
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": rounds[r][:]}), 200)
	}
	page := func(cursor string) SavedPageResponse {
		path := "/api/v1/saved-contacts?page_size=2"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		return decode[SavedPageResponse](t, tb.req(t, http.MethodGet, path, a.token, nil))
	}
	first := page("")
	if first.Total != 6 || len(first.Items) != 2 {
		t.Fatalf("first page: total %d, %d items", first.Total, len(first.Items))
	}
	seen := map[string]int{}
	for _, c := range first.Items {
		seen[c.ID]++
	}
	// Meanwhile: the first page's last row unsaved, a row of the next page
	// approved, a new contact saved (it goes on a new first page).
	last := first.Items[1].ID
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{last}}), 200)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts/approve", a.token,
		map[string]any{"contact_ids": []string{rounds[1][0]}}), 200)
	fresh := tb.MustPrivateContact(t, a.tenantID, "New", "Comer")
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": []string{fresh}}), 200)

	cursor := first.NextCursor
	for cursor != "" {
		p := page(cursor)
		if p.Total != 6 {
			t.Fatalf("total %d on a later page, want the first page's 6", p.Total)
		}
		for _, c := range p.Items {
			seen[c.ID]++
		}
		cursor = p.NextCursor
	}
	for _, id := range append(rounds[0][:], rounds[1][:]...) {
		if seen[id] != 1 {
			t.Fatalf("contact %s shown %d times, want once: %v", id, seen[id], seen)
		}
	}
	if seen[fresh] != 0 {
		t.Fatalf("the contact saved meanwhile showed on a later page")
	}
	if len(seen) != 6 {
		t.Fatalf("%d contacts seen, want the 6 saved before the first page: %v", len(seen), seen)
	}
}
