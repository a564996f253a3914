package api

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// firstWriteHook runs fn once, when the handler first writes the body.
type firstWriteHook struct {
	http.ResponseWriter
	once sync.Once
	fn   func()
}

func (w *firstWriteHook) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.once.Do(w.fn)
	return n, err
}

func (w *firstWriteHook) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// TestExportCutShortIsNotAWholeFile: an export that fails after its first
// byte (here its list, deleted while the file streams; a database that
// stops answering does the same) cannot become a problem document, as its
// 200 went out. It used to end the response as if the file were whole: a
// short CSV that curl, a browser or a CSV library took for the complete
// export. Now the connection is cut, so the client sees a failed download
// (curl: "transfer closed with outstanding read data remaining"). Through a
// real HTTP server, since a cut connection is not a response the recorder
// of tb.serve could check against the API description.
func TestExportCutShortIsNotAWholeFile(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "export-cut")
	list := decode[ListResponse](t, tb.req(t, http.MethodPost, "/api/v1/lists", a.token, map[string]string{"name": "Big"}))
	// More members than one batch of the export (1,000).
	if err := tb.db.Gorm.Exec(`WITH c AS (
			INSERT INTO contacts (id, first_name, last_name, owner_tenant_id, source)
			SELECT gen_random_uuid(), 'Row', 'R' || i, ?, 'import' FROM generate_series(1, 1200) i RETURNING id),
		s AS (INSERT INTO saved_contacts (tenant_id, contact_id) SELECT ?, id FROM c RETURNING contact_id)
		INSERT INTO list_members (tenant_id, list_id, contact_id) SELECT ?, ?, contact_id FROM s`,
		a.tenantID, a.tenantID, a.tenantID, list.ID).Error; err != nil {
		t.Fatal(err)
	}
	h := tb.srv.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&firstWriteHook{ResponseWriter: w, fn: func() {
			if err := tb.db.Gorm.Exec(`DELETE FROM lists WHERE tenant_id = ? AND id = ?`, a.tenantID, list.ID).Error; err != nil {
				t.Error(err)
			}
		}}, r)
	}))
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/saved-contacts/export?list_id="+list.ID, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200 (the list is deleted only once the file streams)", res.StatusCode)
	}
	body, err := io.ReadAll(res.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		rows, _ := csv.NewReader(bytes.NewReader(body)).ReadAll()
		t.Fatalf("the download ended with %v after %d rows; want a cut connection (io.ErrUnexpectedEOF): "+
			"a clean end says the file is whole", err, len(rows)-1)
	}
}

// TestExportAudited: an export is the organization's contacts leaving the
// product, so its audit log records each one (who, which filters, how many
// rows, whether the file went out whole), whether a person or an API key
// asked.
func TestExportAudited(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	a := tb.MustSignup(t, "export-audit")
	tb.MustSetPackage(t, a.tenantID, "starter")
	key := tb.MustCreateKey(t, a, "saved:read")
	ids := []string{tb.MustPrivateContact(t, a.tenantID, "Ann", "One"), tb.MustPrivateContact(t, a.tenantID, "Bo", "Two")}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", a.token, map[string]any{"contact_ids": ids}), 200)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts/approve", a.token, map[string]any{"contact_ids": ids[:1]}), 200)

	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export", a.token, nil), 200)
	wantStatus(t, tb.keyReq(t, http.MethodGet, "/api/v1/saved-contacts/export?status=approved", key.Secret, false), 200)
	// A refused export wrote nothing and is not an export.
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/saved-contacts/export?status=bogus", a.token, nil), 422)

	got := decode[AuditEventList](t, tb.req(t, http.MethodGet, "/api/v1/tenant/audit-events?action=saved_contacts.exported", a.token, nil))
	if len(got.Items) != 2 {
		t.Fatalf("%d export events, want 2: %+v", len(got.Items), got.Items)
	}
	byKey, byPerson := got.Items[0], got.Items[1] // newest first
	if byPerson.ActorType != "user" || byPerson.Data["rows"] != float64(2) || byPerson.Data["complete"] != true || byPerson.Data["filtered"] != false {
		t.Fatalf("the person's export: %+v", byPerson)
	}
	if byKey.ActorType != "api_key" || byKey.Data["rows"] != float64(1) || byKey.Data["filtered"] != true {
		t.Fatalf("the key's export: %+v", byKey)
	}
}
