package crm_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/crm/fakecrm"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestWebhookBodyNotStorable: a signed body that JSON decoding reads but
// PostgreSQL's jsonb (where deliveries are kept) refuses is a 400, not a
// 500 the CRM retries for a day.
func TestWebhookBodyNotStorable(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	envelope := `{"event_id":"evt_` + uuid.NewString() + `","type":"contact.deleted","account_id":"` + tb.account + `"`
	tests := []struct {
		name, body string
	}{
		{"ErrTrailingData", envelope + `} trailing`},
		{"ErrTwoValues", envelope + `} {}`},
		{"ErrNULEscape", envelope + `,"id":"c\u0000"}`},
		{"ErrNULInEventID", `{"event_id":"evt\u0000","type":"contact.deleted","account_id":"a"}`},
		{"ErrInvalidUTF8", envelope + ",\"id\":\"\xff\"}"},
		{"ErrLoneSurrogate", envelope + `,"id":"\ud800"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := tb.clock.Now().Unix()
			body := []byte(tt.body)
			_, err := tb.svc.HandleWebhook(context.Background(), body, strconv.FormatInt(ts, 10), fakecrm.Sign(testClientSecret, ts, body))
			if !apperr.Is(err, apperr.EMALFORMED) {
				t.Fatalf("HandleWebhook(%q): %v, want EMALFORMED", tt.body, err)
			}
		})
	}
}

// FuzzWebhookBody delivers arbitrary bodies, signed as the CRM signs them,
// to the webhook: whatever the CRM sends, the answer is handled or a 400
// (EMALFORMED), never a 500 from the database refusing what was read
// (a 500 has the CRM retry the delivery for a day). Seeds are in
// testdata/fuzz/FuzzWebhookBody; run with
// go test ./internal/crm -run '^$' -fuzz FuzzWebhookBody -fuzztime 1m.
func FuzzWebhookBody(f *testing.F) {
	tb := setup(f)
	ctx := context.Background()
	for _, body := range []string{
		`{"event_id":"evt_1","type":"contact.deleted","account_id":"` + tb.account + `","client_id":"` + testClientID +
			`","id":"c_1","external_id":"01900000-0000-7000-8000-000000000001"}`,
		`{"event_id":"evt_2","type":"app.uninstalled","account_id":"` + tb.account + `","occurred_at":"2026-11-15T12:00:00Z"}`,
		`{"event_id":"evt_3","type":"app.uninstalled","account_id":"a","occurred_at":"yesterday"}`,
		`{"event_id":"evt_4","type":"x","account_id":"a"} trailing`,
		`{"event_id":"evt_5\u0000","type":"x","account_id":"a"}`,
		"{\"event_id\":\"evt_6\",\"type\":\"x\",\"account_id\":\"a\",\"note\":\"\xff\"}",
		`[]`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ts := tb.clock.Now().Unix()
		_, err := tb.svc.HandleWebhook(ctx, body, strconv.FormatInt(ts, 10), fakecrm.Sign(testClientSecret, ts, body))
		if err != nil && !apperr.Is(err, apperr.EMALFORMED) {
			t.Fatalf("HandleWebhook(%q): %v, want handled or EMALFORMED", body, err)
		}
	})
}
