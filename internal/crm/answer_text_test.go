package crm_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/crm"
)

// TestPushKeepsAnyTextTheCRMAnswers: the CRM's answer is stored as the
// contacts' history and outcome whatever text it holds. A NUL (JSON
// \u0000: PostgreSQL's text and jsonb refuse it) or a long message in
// a language written with multi-byte characters (cut to 500 bytes in the
// middle of one: not UTF-8) made the statements storing the outcome fail:
// the attempt was lost from the history and the job failed, to send the
// contacts again and fail the same way.
func TestPushKeepsAnyTextTheCRMAnswers(t *testing.T) {
	t.Parallel()
	long := "x" + strings.Repeat("é", 400) // 801 bytes, the 500th in the middle of an é
	tests := []struct {
		name          string
		code, message string
		existingID    string
	}{
		{"NULs", "BAD\x00CODE", "The value\x00 is refused.", "rec\x00_1"},
		{"LongMultiByteMessage", "VALIDATION_ERROR", long, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			// Between the service and the fake CRM: every item of an
			// upsert refused with the test's words.
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/contacts/batch/upsert" {
					tb.fake.ServeHTTP(w, r)
					return
				}
				rec := httptest.NewRecorder()
				tb.fake.ServeHTTP(rec, r)
				var body struct {
					Results []map[string]any `json:"results"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Errorf("fake CRM answer: %v", err)
				}
				for _, res := range body.Results {
					res["status"] = "error"
					res["error"] = map[string]any{"code": tt.code, "message": tt.message, "field": "properties.email\x00",
						"existing_id": tt.existingID}
				}
				out, _ := json.Marshal(map[string]any{"results": body.Results, "num_errors": len(body.Results)})
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusMultiStatus)
				w.Write(out)
			}))
			t.Cleanup(proxy.Close)
			tb.cfg.APIBase = proxy.URL
			tb.svc = tb.newService()

			ids := tb.MustApproved(t, 2)
			id := tb.MustPush(t, ids)
			tb.mustRunAll(t, id)

			d := tb.push(t, id)
			if d.Status != "failed" && d.Status != "completed_with_errors" || d.Failed != 2 {
				t.Fatalf("push %+v", d.Push)
			}
			for _, it := range d.Items {
				if it.Status != crm.ItemFailed || it.ErrorCode == "" || it.ErrorMessage == "" ||
					!utf8.ValidString(it.ErrorMessage) || strings.ContainsRune(it.ErrorMessage+it.ErrorCode, 0) {
					t.Fatalf("item %+v", it)
				}
				wantOutcomes(t, it, "207:error")
				if at := it.Attempts[0]; at.ErrorMessage == "" || !json.Valid(at.Answer) || bytes.Equal(at.Answer, []byte("null")) {
					t.Fatalf("attempt %+v", at)
				}
			}
		})
	}
}

// TestPushKeepsNoHugeAnswer: an answer to a whole request is stored once
// for each contact it carried. A CRM (or a proxy before it) answering a
// 503 with a large JSON body had it copied into every contact's history
// on every retry (100 copies of up to 8 MB in one statement); an answer
// over MaxStoredAnswer is kept as a note of its length instead.
func TestPushKeepsNoHugeAnswer(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustConnect(t)
	huge, _ := json.Marshal(map[string]any{"error": map[string]any{"status": 503, "code": "UNAVAILABLE",
		"message": "Upstream unavailable.", "details": strings.Repeat("x", 256<<10)}})
	var failed atomic.Bool
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/contacts/batch/upsert" && failed.CompareAndSwap(false, true) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write(huge)
			return
		}
		tb.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	tb.cfg.APIBase = proxy.URL
	tb.svc = tb.newService()

	ids := tb.MustApproved(t, 3)
	id := tb.MustPush(t, ids)
	tb.mustRunAll(t, id)

	d := tb.push(t, id)
	if d.Status != "completed" || d.Created != 3 {
		t.Fatalf("push %+v", d.Push)
	}
	for _, it := range d.Items {
		wantOutcomes(t, it, "503:unavailable", "200:created")
		at := it.Attempts[0]
		if at.ErrorCode != "UNAVAILABLE" || len(at.Answer) > crm.MaxStoredAnswer || !json.Valid(at.Answer) ||
			!strings.Contains(string(at.Answer), "too long to keep") {
			t.Fatalf("attempt %s %s kept an answer of %d bytes: %.200s", at.Outcome, at.ErrorCode, len(at.Answer), at.Answer)
		}
	}
	tb.assertTruth(t, id)
}

// TestPushUnreadableRecordOverwritesNothing: before an update, a
// fill_if_empty field's record is read to see whether the CRM holds a
// value of its own. A read answered 200 with a body that is not the record
// (a proxy's page, a truncated answer) was taken for a record with every
// field empty, and the update wrote over the value someone had entered in
// the CRM. The contact now fails, and the CRM keeps its value. A record
// that holds a property of another JSON type (a number in a custom field)
// is still a record: the push goes on.
func TestPushUnreadableRecordOverwritesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		answer   func(record []byte) []byte
		wantCode string // "" when the push succeeds
	}{
		{"a page that is not the record", func([]byte) []byte { return []byte("<html><body>Service notice</body></html>") }, "UNREADABLE_RECORD"},
		{"a record with a numeric property", func(record []byte) []byte {
			var rec map[string]any
			if err := json.Unmarshal(record, &rec); err != nil {
				return record
			}
			props, _ := rec["properties"].(map[string]any)
			props["cf_headcount"] = 250
			props["cf_archived"] = nil
			out, _ := json.Marshal(rec)
			return out
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			var rewrite atomic.Bool
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/contacts/by-external-id/") && rewrite.Load() {
					rec := httptest.NewRecorder()
					tb.fake.ServeHTTP(rec, r)
					for k, v := range rec.Header() {
						w.Header()[k] = v
					}
					w.Header().Del("Content-Length")
					w.WriteHeader(rec.Code)
					_, _ = w.Write(tc.answer(rec.Body.Bytes()))
					return
				}
				tb.fake.ServeHTTP(w, r)
			}))
			t.Cleanup(proxy.Close)
			tb.cfg.APIBase = proxy.URL
			tb.svc = tb.newService()

			ids := tb.MustApproved(t, 1)
			tb.mustRunAll(t, tb.MustPush(t, ids))
			ext := ids[0].String()
			tb.fake.EditRecord(tb.account, ext, map[string]string{"job_title": "VP (set in CRM)"})
			tb.mustExec(t, `UPDATE contacts SET title = 'CTO', updated_at = now() WHERE id = ?`, ids[0])
			rewrite.Store(true)
			second := tb.MustPush(t, ids)
			tb.mustRunAll(t, second)

			for _, r := range tb.fake.Records(tb.account) {
				if r.ExternalID == ext && r.Properties["job_title"] != "VP (set in CRM)" {
					t.Fatalf("the CRM's own title was overwritten: %v", r.Properties)
				}
			}
			it := tb.item(t, tb.push(t, second), ids[0])
			if tc.wantCode != "" && (it.Status != crm.ItemFailed || it.ErrorCode != tc.wantCode) {
				t.Fatalf("item %s %s, want failed %s", it.Status, it.ErrorCode, tc.wantCode)
			}
			if tc.wantCode == "" && it.Status == crm.ItemFailed {
				t.Fatalf("item failed %s: a record with a numeric property is still a record", it.ErrorCode)
			}
		})
	}
}
