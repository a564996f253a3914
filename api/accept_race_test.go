package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/identity"
)

// TestOneInvitationAcceptedAtOnce: requests accepting one invitation at
// once (a double click, a retried submit, two tabs) all hash the password
// before the first uses the link up; exactly one joins, and every other
// gets the answer of a used link (404), not an error about a field the
// accept form does not have.
func TestOneInvitationAcceptedAtOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tc := range []struct {
		name     string
		existing bool
	}{{"NewAccount", false}, {"ExistingAccount", true}} {
		t.Run(tc.name, func(t *testing.T) {
			admin := tb.MustSignup(t, "race-accept")
			email := uniqueEmail("race-invitee")
			if tc.existing {
				email = tb.MustSignup(t, "race-invitee").email
			}
			rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": email, "role": "member"})
			wantStatus(t, rec, http.StatusCreated)
			_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
			const n = 4
			bodies := make([]string, n)
			got := tb.race(t, n, func(i int) int {
				rec := tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword})
				bodies[i] = rec.Body.String()
				return rec.Code
			})
			if got[http.StatusOK] != 1 || got[http.StatusNotFound] != n-1 {
				t.Fatalf("statuses %v, answers %q", got, bodies)
			}
			var members int64
			tb.db.Gorm.Table("memberships m").Joins("JOIN users u ON u.id = m.user_id").
				Where("m.tenant_id = ? AND u.email = ?", admin.tenantID, email).Count(&members)
			if members != 1 {
				t.Fatalf("%d memberships", members)
			}
		})
	}
}

// TestAcceptAsTheAddressGetsAnAccount: an invitation accepted for an address
// that had no account when the request looked, and has one when it creates
// it (another organization's invitation accepted, or a sign-up, committed
// meanwhile), stays open and says to enter that account's password, on the
// form's password field; then that password accepts it.
func TestAcceptAsTheAddressGetsAnAccount(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "late-account")
	email := uniqueEmail("late-account-invitee")
	rec := tb.req(t, http.MethodPost, "/api/v1/tenant/invitations", admin.token, map[string]string{"email": email, "role": "viewer"})
	wantStatus(t, rec, http.StatusCreated)
	_, token, _ := strings.Cut(decode[InvitationResponse](t, rec).AcceptURL, "token=")
	hash, err := identity.HashPassword(t.Context(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	// The account another request makes, not committed yet: the accept
	// finds no account, and waits to create its own.
	hold, err := tb.db.Pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(t.Context()) }()
	var holder int
	if err := hold.QueryRow(t.Context(), `INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3) RETURNING pg_backend_pid()`,
		uuid.Must(uuid.NewV7()), email, hash).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	accepted := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		accepted <- tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": "the invitee's own passphrase 3"})
	}()
	waitBlocked(t, tb, []int{holder}, nil)
	if err := hold.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	rec = <-accepted
	wantStatus(t, rec, http.StatusUnprocessableEntity)
	p := decodeProblem(t, rec)
	fields, _ := p["errors"].([]any)
	if len(fields) != 1 || fields[0].(map[string]any)["field"] != "password" {
		t.Fatalf("answer %v: want one error, on password", p)
	}
	rec = tb.req(t, http.MethodPost, "/api/v1/invitations/accept", "", map[string]string{"token": token, "password": testPassword})
	wantStatus(t, rec, http.StatusOK)
	if tr := decode[TokenResponse](t, rec); tr.Tenant == nil || tr.Tenant.ID != admin.tenantID {
		t.Fatalf("accepted into %+v", tr.Tenant)
	}
}
