package api

import (
	"net/http"
	"strings"
	"testing"
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
