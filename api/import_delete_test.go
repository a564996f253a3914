package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// importLeft counts what an import leaves in the database: its row, its
// file chunks and its records.
func (tb *testBundle) importLeft(t testing.TB, id string) (rows, chunks, records int64) {
	t.Helper()
	for _, q := range []struct {
		sql string
		n   *int64
	}{
		{`SELECT count(*) FROM imports WHERE id = ?`, &rows},
		{`SELECT count(*) FROM import_files WHERE import_id = ?`, &chunks},
		{`SELECT count(*) FROM import_records WHERE import_id = ?`, &records},
	} {
		if err := tb.db.Gorm.Raw(q.sql, id).Scan(q.n).Error; err != nil {
			t.Fatal(err)
		}
	}
	return rows, chunks, records
}

// TestImportDelete: an import that never started (uploaded, dry-ran, or
// cancelled before a worker took it up) can be deleted with its file and
// records, audited; one that is queued or ran (also one cancelled while
// running) stays (409 saying why).
func TestImportDelete(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "impdel")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	file := "Email\nd1@" + w + ".example\nd2@" + w + ".example\n"

	uploaded := tb.MustImport(t, admin, file)
	dryRan := tb.MustImport(t, admin, file)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+dryRan.ID+"/start?dry_run=true", admin.token, nil), http.StatusAccepted)
	tb.workImport(t, dryRan.ID)
	queued := tb.MustImport(t, admin, file)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+queued.ID+"/start", admin.token, nil), http.StatusAccepted)
	ran := tb.MustImport(t, admin, file)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+ran.ID+"/start", admin.token, nil), http.StatusAccepted)
	tb.workImport(t, ran.ID)
	cancelledUploaded := tb.MustImport(t, admin, file)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+cancelledUploaded.ID+"/cancel", admin.token, nil), http.StatusAccepted)
	cancelledQueued := tb.MustImport(t, admin, file)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+cancelledQueued.ID+"/start", admin.token, nil), http.StatusAccepted)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+cancelledQueued.ID+"/cancel", admin.token, nil), http.StatusAccepted)
	// A worker took this one up and died: the cancel finds it running
	// without a heartbeat and ends it, but it had started.
	cancelledRunning := tb.MustImport(t, admin, file)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+cancelledRunning.ID+"/start", admin.token, nil), http.StatusAccepted)
	if err := tb.db.Gorm.Exec(`UPDATE imports SET status = 'running', started_at = now() - interval '1 hour',
		heartbeat_at = now() - interval '1 hour' WHERE id = ?`, cancelledRunning.ID).Error; err != nil {
		t.Fatal(err)
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+cancelledRunning.ID+"/cancel", admin.token, nil), http.StatusAccepted)

	if _, chunks, records := tb.importLeft(t, dryRan.ID); chunks == 0 || records == 0 {
		t.Fatalf("the dry run kept %d chunks and %d records; the test needs both", chunks, records)
	}

	tests := []struct {
		name, id string
		status   int
		detail   string
	}{
		{"OKUploaded", uploaded.ID, http.StatusNoContent, ""},
		{"OKDryRan", dryRan.ID, http.StatusNoContent, ""},
		{"ErrConflictQueued", queued.ID, http.StatusConflict, "The import is queued"},
		{"ErrConflictRan", ran.ID, http.StatusConflict, "The import completed"},
		{"OKCancelledUploaded", cancelledUploaded.ID, http.StatusNoContent, ""},
		{"OKCancelledQueued", cancelledQueued.ID, http.StatusNoContent, ""},
		{"ErrConflictCancelledRunning", cancelledRunning.ID, http.StatusConflict, "The import was cancelled"},
		{"ErrNotFoundUnknown", uuid.NewString(), http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodDelete, "/api/v1/imports/"+tt.id, admin.token, nil)
			wantStatus(t, rec, tt.status)
			rows, chunks, records := tb.importLeft(t, tt.id)
			if tt.status != http.StatusNoContent {
				if tt.detail != "" {
					if p := decodeProblem(t, rec); !strings.HasPrefix(p["detail"].(string), tt.detail) {
						t.Fatalf("detail %q, want it to start %q", p["detail"], tt.detail)
					}
					if rows != 1 {
						t.Fatalf("a refused delete removed the import")
					}
				}
				return
			}
			if rows+chunks+records != 0 {
				t.Fatalf("left %d import rows, %d file chunks, %d records", rows, chunks, records)
			}
			wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/imports/"+tt.id, admin.token, nil), http.StatusNotFound)
			data := tb.auditData(t, rec)
			if len(data) != 1 || !strings.Contains(data[0], `"file_name": "contacts.csv"`) {
				t.Fatalf("audit data %q, want one import.deleted naming the file", data)
			}
			var action string
			if err := tb.db.Gorm.Raw(`SELECT action FROM audit_events WHERE request_id = ?`,
				rec.Header().Get("X-Request-Id")).Scan(&action).Error; err != nil || action != "import.deleted" {
				t.Fatalf("audit action %q (%v)", action, err)
			}
		})
	}
	hist := decode[ImportList](t, tb.req(t, http.MethodGet, "/api/v1/imports", admin.token, nil))
	for _, it := range hist.Items {
		if it.ID == uploaded.ID || it.ID == dryRan.ID || it.ID == cancelledUploaded.ID || it.ID == cancelledQueued.ID {
			t.Fatalf("the history still lists deleted import %s", it.ID)
		}
	}
	if len(hist.Items) != 3 {
		t.Fatalf("history holds %d imports, want the 3 that started", len(hist.Items))
	}
}

// TestImportDeleteAccessAndIsolation: deleting is an import write (members, the
// imports:write scope), another tenant's import is 404, and the platform's
// imports are deleted under /admin/imports by system admins only.
func TestImportDeleteAccessAndIsolation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "impdela")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	viewer := tb.MustJoin(t, admin, "viewer")
	member := tb.MustJoin(t, admin, "member")
	other := tb.MustSignup(t, "impdela-other")
	staff := tb.MustSystemUser(t, "system_admin")
	support := tb.MustSystemUser(t, "support")
	readKey := tb.MustCreateKey(t, admin, "imports:read")
	writeKey := tb.MustCreateKey(t, admin, "imports:write")
	file := "Email\na1@delete-access.example\n"
	fresh := func() string { return "/api/v1/imports/" + tb.MustImport(t, admin, file).ID }
	platform := func() string {
		rec := tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "vendor.csv", []byte(file))
		wantStatus(t, rec, http.StatusCreated)
		return "/api/v1/admin/imports/" + decode[ImportResponse](t, rec).ID
	}
	bearer := func(tok string) func(string) *httptest.ResponseRecorder {
		return func(path string) *httptest.ResponseRecorder { return tb.req(t, http.MethodDelete, path, tok, nil) }
	}
	key := func(secret string) func(string) *httptest.ResponseRecorder {
		return func(path string) *httptest.ResponseRecorder {
			return tb.keyReq(t, http.MethodDelete, path, secret, false)
		}
	}

	tests := []struct {
		name   string
		path   func() string
		as     func(string) *httptest.ResponseRecorder
		status int
	}{
		{"OKAdmin", fresh, bearer(admin.token), 204},
		{"OKMember", fresh, bearer(member.token), 204},
		{"OKKeyWithWriteScope", fresh, key(writeKey.Secret), 204},
		{"OKPlatformSystemAdmin", platform, bearer(staff.token), 204},
		{"ErrUnauthenticated", fresh, bearer(""), 401},
		{"ErrForbiddenViewer", fresh, bearer(viewer.token), 403},
		{"ErrForbiddenKeyWithoutWriteScope", fresh, key(readKey.Secret), 403},
		{"ErrForbiddenSupportOnPlatform", platform, bearer(support.token), 403},
		{"ErrForbiddenTenantOnAdminRoute", platform, bearer(admin.token), 403},
		{"ErrNotFoundOtherTenant", fresh, bearer(other.token), 404},
		{"ErrNotFoundTenantImportOnAdminRoute", func() string {
			return strings.Replace(fresh(), "/imports/", "/admin/imports/", 1)
		}, bearer(staff.token), 404},
		{"ErrNotFoundPlatformImportOnTenantRoute", func() string {
			return strings.Replace(platform(), "/admin/imports/", "/imports/", 1)
		}, bearer(admin.token), 404},
		{"ErrNotFoundMalformedID", func() string { return "/api/v1/imports/not-a-uuid" }, bearer(admin.token), 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path()
			rec := tt.as(path)
			wantStatus(t, rec, tt.status)
			id := path[strings.LastIndex(path, "/")+1:]
			if tt.status >= 400 {
				decodeProblem(t, rec)
				if !strings.HasSuffix(path, "not-a-uuid") {
					if rows, _, _ := tb.importLeft(t, id); rows != 1 {
						t.Fatalf("a refused delete removed the import")
					}
				}
			} else if rows, _, _ := tb.importLeft(t, id); rows != 0 {
				t.Fatalf("the import is still there")
			}
		})
	}
}
