package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/platform/syncbuf"
)

// metricValue is the value of the sample of name whose labels are exactly
// labels, in a Prometheus text scrape; ok is false when there is none.
func metricValue(t testing.TB, scrape, name string, labels map[string]string) (v float64, ok bool) {
	t.Helper()
	for line := range strings.SplitSeq(scrape, "\n") {
		if strings.HasPrefix(line, "#") || !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		got := map[string]string{}
		if strings.HasPrefix(rest, "{") {
			end := strings.Index(rest, "} ")
			if end < 0 {
				continue
			}
			for pair := range strings.SplitSeq(rest[1:end], ",") {
				if k, v, found := strings.Cut(pair, "="); found {
					got[k] = strings.Trim(v, `"`)
				}
			}
			rest = rest[end+1:]
		}
		if !strings.HasPrefix(rest, " ") || len(got) != len(labels) {
			continue
		}
		same := true
		for k, v := range labels {
			if got[k] != v {
				same = false
			}
		}
		if !same {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		return f, true
	}
	return 0, false
}

func (tb *testBundle) scrape(t testing.TB) string {
	t.Helper()
	rec := tb.serve(t, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	wantStatus(t, rec, http.StatusOK)
	return rec.Body.String()
}

func wantMetric(t testing.TB, scrape, name string, labels map[string]string, want float64) {
	t.Helper()
	got, ok := metricValue(t, scrape, name, labels)
	if !ok {
		t.Errorf("no %s%v in the scrape", name, labels)
		return
	}
	if got != want {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

// TestMetricsAfterTraffic: what an operator on call reads after a failed
// sign-in that locks, Stripe deliveries and an import: the refusals by the
// limit that refused, the webhook's outcomes and the import's rows, with no
// id or address as a label.
func TestMetricsAfterTraffic(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, map[string]string{"STRIPE_WEBHOOK_SECRET": testWebhookSecret})
	admin := tb.MustSignup(t, "metrics")
	tb.MustSetPackage(t, admin.tenantID, "pro")

	// Five failures lock the account: the sixth try is a 429.
	for range 5 {
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": admin.email, "password": "wrong-password-123"}),
			http.StatusUnauthorized)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": admin.email, "password": testPassword}),
		http.StatusTooManyRequests)

	// Stripe: a forged delivery, an event the service does not act on, and
	// its redelivery.
	ev := map[string]any{"id": "evt_" + uuid.NewString()[:12], "object": "event", "type": "customer.created",
		"created": time.Now().Unix(), "api_version": "2023-10-16", "data": map[string]any{"object": map[string]any{"id": "cus_x"}}}
	wantStatus(t, tb.webhookReq(t, ev, "whsec_forged", time.Now()), http.StatusBadRequest)
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), http.StatusOK)
	wantStatus(t, tb.webhookReq(t, ev, testWebhookSecret, time.Now()), http.StatusOK)

	// An import of four rows: two new people, a repeat of the first and a
	// row without a usable email (nor a company to match a name by).
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	imp := tb.MustImport(t, admin, "email,first_name,last_name\n"+
		"a@"+w+".example,Ann,Lee\nb@"+w+".example,Bo,Ray\na@"+w+".example,Ann,Lee\nnot-an-email,Cy,Fox\n")
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+imp.ID+"/start", admin.token, nil), http.StatusAccepted)
	tb.workImport(t, imp.ID)

	s := tb.scrape(t)
	wantMetric(t, s, "rate_limit_refusals_total", map[string]string{"route": "/api/v1/auth/login", "type": "login-throttled", "quota": ""}, 1)
	wantMetric(t, s, "stripe_webhook_events_total", map[string]string{"type": "", "outcome": "bad_signature"}, 1)
	wantMetric(t, s, "stripe_webhook_events_total", map[string]string{"type": "other", "outcome": "ignored"}, 1)
	wantMetric(t, s, "stripe_webhook_events_total", map[string]string{"type": "other", "outcome": "duplicate"}, 1)
	for outcome, n := range map[string]float64{"created": 2, "matched": 0, "duplicate": 1, "invalid": 1} {
		wantMetric(t, s, "import_rows_merged_total", map[string]string{"outcome": outcome}, n)
	}
	wantMetric(t, s, "import_runs_finished_total", map[string]string{"status": "completed"}, 1)
	wantMetric(t, s, "http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/imports/:id/start", "status": "202"}, 1)
	wantMetric(t, s, "search_waiting", map[string]string{}, 0)
	for _, raw := range []string{admin.tenantID, admin.userID, imp.ID, admin.email, "customer.created", w} {
		if strings.Contains(s, raw) {
			t.Errorf("the scrape holds %q: a label of unbounded values", raw)
		}
	}
}

// TestMetricsQuotaRefusal: a 429 of a monthly quota names the quota.
func TestMetricsQuotaRefusal(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.pinLimitsClock(quotaTime)
	admin := tb.MustSignup(t, "metricsquota") // Free: 100 searches a month
	start, _ := tb.srv.svc.Limits.Period()
	if err := tb.db.Gorm.Exec(`INSERT INTO usage_counters (tenant_id, metric, period_start, count) VALUES (?, 'searches', ?, 100)`,
		admin.tenantID, start).Error; err != nil {
		t.Fatal(err)
	}
	rec := tb.req(t, http.MethodPost, "/api/v1/contacts/search", admin.token, map[string]any{"query": "engineer"})
	wantStatus(t, rec, http.StatusTooManyRequests)
	wantMetric(t, tb.scrape(t), "rate_limit_refusals_total",
		map[string]string{"route": "/api/v1/contacts/search", "type": "quota-exceeded", "quota": "searches"}, 1)
}

// TestMetricsCRMPush: a push's CRM requests by outcome with their latency,
// and its contacts by the state they settled in.
func TestMetricsCRMPush(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "crmmetrics")
	fb.MustSetPackage(t, admin.tenantID, "starter")
	fb.MustConnectCRM(t, admin)
	ids := fb.MustApprovedContacts(t, admin, 2)
	pushID := fb.mustPushNow(t, admin, ids)
	s := fb.scrape(t)
	wantMetric(t, s, "crm_push_items_total", map[string]string{"status": "pushed"}, 2)
	wantMetric(t, s, "crm_push_items_total", map[string]string{"status": "failed"}, 0)
	if n, ok := metricValue(t, s, "crm_request_duration_seconds_count", map[string]string{"outcome": "ok"}); !ok || n < 1 {
		t.Errorf("crm_request_duration_seconds_count{outcome=ok} = %v (%v), want at least 1", n, ok)
	}
	if strings.Contains(s, pushID) || strings.Contains(s, admin.tenantID) {
		t.Error("the scrape holds a push or tenant id")
	}
}

// TestAccessLogNamesProblem: the access line of a refused request names the
// problem type its client read (a forged webhook's, a locked sign-in's),
// so an operator sees why without the client's answer; a success has none.
func TestAccessLogNamesProblem(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	tb := setupLogging(t, map[string]string{"STRIPE_WEBHOOK_SECRET": testWebhookSecret}, &logs)
	ev := map[string]any{"id": "evt_" + uuid.NewString()[:12], "object": "event", "type": "customer.created",
		"created": time.Now().Unix(), "data": map[string]any{"object": map[string]any{"id": "cus_x"}}}
	forged := tb.webhookReq(t, ev, "whsec_forged", time.Now())
	wantStatus(t, forged, http.StatusBadRequest)
	ok := tb.webhookReq(t, ev, testWebhookSecret, time.Now())
	wantStatus(t, ok, http.StatusOK)
	lines := map[string]map[string]any{}
	for line := range strings.SplitSeq(logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "request" {
			lines[rec["request_id"].(string)] = rec
		}
	}
	want := decodeProblem(t, forged)["type"]
	if got := lines[forged.Header().Get(headerRequestID)]; got == nil || got["problem"] != want {
		t.Errorf("the forged delivery's access line %v, want problem %v", got, want)
	}
	if got := lines[ok.Header().Get(headerRequestID)]; got == nil || got["problem"] != nil {
		t.Errorf("the accepted delivery's access line %v names a problem", got)
	}
}
