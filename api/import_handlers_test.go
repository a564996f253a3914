package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/onecloudai/contacts/internal/imports"
)

// uploadFile posts content as the multipart part "file", after a part the
// handler ignores, with a bearer token or (key) an API key.
func (tb *testBundle) uploadFile(t testing.TB, path, credential string, key bool, name string, content []byte) *httptest.ResponseRecorder {
	t.Helper()
	return tb.uploadParts(t, path, credential, key, name, content, []formField{{"note", "ignored"}}, nil)
}

// formField is a multipart text part sent beside the file.
type formField struct{ name, value string }

// uploadParts posts content as the multipart part "file" with the text
// parts before and after it, with a bearer token or (key) an API key.
func (tb *testBundle) uploadParts(t testing.TB, path, credential string, key bool, name string, content []byte, before, after []formField) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	writeFields := func(fields []formField) {
		for _, f := range fields {
			if err := mw.WriteField(f.name, f.value); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeFields(before)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	writeFields(after)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set(echo.HeaderContentType, mw.FormDataContentType())
	switch {
	case key:
		req.Header.Set("X-API-Key", credential)
		req.RemoteAddr = keyTestAddr()
	case credential != "":
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+credential)
	}
	return tb.serve(t, req)
}

// MustImport uploads content for the session's tenant.
func (tb *testBundle) MustImport(t testing.TB, s session, content string) ImportResponse {
	t.Helper()
	rec := tb.uploadFile(t, "/api/v1/imports", s.token, false, "contacts.csv", []byte(content))
	wantStatus(t, rec, http.StatusCreated)
	return decode[ImportResponse](t, rec)
}

// workImport runs the import's job as the queue would, until it ends.
func (tb *testBundle) workImport(t testing.TB, id string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		err := tb.srv.svc.Imports.Work(t.Context(), uuid.MustParse(id))
		var wait *imports.WaitError
		if errors.As(err, &wait) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatalf("work: %v", err)
		}
		return
	}
	t.Fatal("import job kept waiting")
}

func TestImportLifecycle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "imp")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	// A BOM, semicolons, accents, a duplicate, bad rows and a formula.
	file := "\xEF\xBB\xBFE-mail;Vorname;Nachname;Firma;Job Title\r\n" +
		"zoe@" + w + ".example;Zoë;Müller;Ärzte GmbH;CTO\r\n" +
		"jose@" + w + ".example;José;Núñez;Acme;=CMD()\r\n" +
		"ZOE@" + w + ".example;Zoe;Muller;Ärzte GmbH;\r\n" +
		"broken@;=HYPERLINK(\"x\");Y;;\r\n" // invalid: a bad email and no other key
	imp := tb.MustImport(t, admin, file)
	if imp.Status != "uploaded" || imp.Encoding != "utf-8-bom" || imp.Delimiter != ";" || imp.DelimiterName != "semicolon" ||
		imp.LineEnding != "crlf" || !imp.HasHeader || imp.RowCount != 4 || len(imp.Columns) != 5 {
		t.Fatalf("preflight: %+v", imp)
	}
	if got := strings.Join(imp.Mapping.Columns, ","); got != "email,first_name,last_name,company_name,title" {
		t.Fatalf("suggested mapping %s", got)
	}
	if len(imp.Preview) != 4 || imp.Preview[0].Values["first_name"] != "Zoë" || imp.Preview[3].Usable || imp.Preview[3].Errors[0].Field != "email" {
		t.Fatalf("preview %+v", imp.Preview)
	}

	path := "/api/v1/imports/" + imp.ID
	for _, tt := range []struct {
		name      string
		body      any
		wantField string
	}{
		{"ErrColumnMappedTwice", map[string]any{"has_header": true, "columns": []string{"email", "email", "", "", ""}}, "columns[1]"},
		{"ErrWrongColumnCount", map[string]any{"has_header": true, "columns": []string{"email"}}, "columns"},
		{"ErrUnknownField", map[string]any{"has_header": true, "columns": []string{"email", "shoe_size", "", "", ""}}, "columns[1]"},
		{"ErrKeyNotMapped", map[string]any{"has_header": true, "columns": []string{"email", "", "", "", ""}, "match_keys": []string{"linkedin_url"}}, "match_keys[0]"},
		{"ErrBadMode", map[string]any{"has_header": true, "columns": []string{"email", "", "", "", ""}, "mode": "merge"}, "mode"},
		{"ErrMissingHeaderFlag", map[string]any{"columns": []string{"email", "", "", "", ""}}, "has_header"},
		{"ErrNoSuchList", map[string]any{"has_header": true, "columns": []string{"email", "", "", "", ""}, "list_id": uuid.NewString()}, "list_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPut, path+"/mapping", admin.token, tt.body)
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			if !strings.Contains(rec.Body.String(), `"field":"`+tt.wantField+`"`) {
				t.Fatalf("problem does not name %s: %s", tt.wantField, rec.Body.String())
			}
		})
	}
	rec := tb.req(t, http.MethodPost, "/api/v1/lists", admin.token, map[string]string{"name": "Imported " + w})
	wantStatus(t, rec, http.StatusCreated)
	list := decode[ListResponse](t, rec)
	rec = tb.req(t, http.MethodPut, path+"/mapping", admin.token, map[string]any{"has_header": true,
		"columns": []string{"email", "first_name", "last_name", "company_name", "title"}, "match_keys": []string{"email"},
		"mode": "create_and_update", "list_id": list.ID})
	wantStatus(t, rec, http.StatusOK)
	if got := decode[ImportResponse](t, rec); *got.Mapping.ListID != list.ID || len(got.Preview) != 4 {
		t.Fatalf("mapping: %+v", got.Mapping)
	}

	// Dry run first: outcomes, no contacts.
	rec = tb.req(t, http.MethodPost, path+"/start?dry_run=true", admin.token, nil)
	wantStatus(t, rec, http.StatusAccepted)
	if got := decode[ImportResponse](t, rec); got.Status != "queued" || !got.DryRun {
		t.Fatalf("dry run start: %s %v", got.Status, got.DryRun)
	}
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start", admin.token, nil), http.StatusConflict) // already queued
	tb.workImport(t, imp.ID)
	rec = tb.req(t, http.MethodGet, path, admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	dry := decode[ImportResponse](t, rec)
	want := ImportCounts{Created: 2, Duplicate: 1, Invalid: 1}
	if dry.Status != "completed" || !dry.DryRun || dry.Counts != want || dry.Progress.Percent != 100 {
		t.Fatalf("dry run: %s %+v %+v", dry.Status, dry.Counts, dry.Progress)
	}

	// A dry run's new contacts do not exist: no summary.
	dryRecs := decode[ImportRecordList](t, tb.req(t, http.MethodGet, path+"/records?outcome=created", admin.token, nil))
	if len(dryRecs.Items) != 2 || dryRecs.Items[0].Contact != nil || dryRecs.Items[0].ContactID == nil {
		t.Fatalf("dry run created records: %+v", dryRecs.Items)
	}

	rec = tb.req(t, http.MethodPost, path+"/start", admin.token, nil)
	wantStatus(t, rec, http.StatusAccepted)
	tb.workImport(t, imp.ID)
	done := decode[ImportResponse](t, tb.req(t, http.MethodGet, path, admin.token, nil))
	if done.Status != "completed" || done.DryRun || done.Counts != want || done.Progress.RowsDone != 4 || done.FinishedAt == nil {
		t.Fatalf("import: %s %+v %+v", done.Status, done.Counts, done.Progress)
	}

	rec = tb.req(t, http.MethodGet, path+"/records?outcome=duplicate", admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	dups := decode[ImportRecordList](t, rec)
	if len(dups.Items) != 1 || dups.Items[0].Row != 4 || *dups.Items[0].DuplicateOf != 2 {
		t.Fatalf("duplicates: %+v", dups.Items)
	}
	// Records carry the contact's summary (the formula title stays as
	// typed in JSON; only CSV output neutralizes it); invalid rows none.
	all := decode[ImportRecordList](t, tb.req(t, http.MethodGet, path+"/records", admin.token, nil))
	if len(all.Items) != 4 {
		t.Fatalf("%d records, want 4", len(all.Items))
	}
	for i, want := range []*ImportRecordContact{
		{FirstName: "Zoë", LastName: "Müller", Email: "zoe@" + w + ".example", Title: "CTO", CompanyName: "Ärzte GmbH"},
		{FirstName: "José", LastName: "Núñez", Email: "jose@" + w + ".example", Title: "=CMD()", CompanyName: "Acme"},
		{FirstName: "Zoë", LastName: "Müller", Email: "zoe@" + w + ".example", Title: "CTO", CompanyName: "Ärzte GmbH"},
		nil,
	} {
		got := all.Items[i].Contact
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Fatalf("record %d contact = %+v, want %+v", all.Items[i].Row, got, want)
		}
	}
	page := decode[ImportRecordList](t, tb.req(t, http.MethodGet, path+"/records?limit=2", admin.token, nil))
	next := decode[ImportRecordList](t, tb.req(t, http.MethodGet, path+"/records?limit=2&cursor="+page.NextCursor, admin.token, nil))
	if len(page.Items) != 2 || page.NextCursor == "" || len(next.Items) != 2 || next.Items[0].Row != 4 || next.NextCursor != "" {
		t.Fatalf("paging: %+v then %+v", page, next)
	}
	wantStatus(t, tb.req(t, http.MethodGet, path+"/records?outcome=lost", admin.token, nil), http.StatusUnprocessableEntity)
	// A row number past what the column holds is no cursor (it was a 500:
	// the database refused the parameter).
	for _, bad := range []string{"x", "-1", "2147483648", "99999999999999999999"} {
		wantStatus(t, tb.req(t, http.MethodGet, path+"/records?cursor="+bad, admin.token, nil), http.StatusBadRequest)
	}

	// The created and matched contacts are saved and on the list.
	rec = tb.req(t, http.MethodGet, "/api/v1/saved-contacts?list_id="+list.ID, admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[SavedPageResponse](t, rec); len(got.Items) != 2 {
		t.Fatalf("%d saved contacts on the list, want 2", len(got.Items))
	}
	// And findable by search.
	if page := tb.search(t, admin.token, map[string]any{"query": "Zoe Muller", "page_size": 25}); page.Total == 0 {
		t.Fatal("an imported contact is not found by search")
	}

	rec = tb.req(t, http.MethodGet, path+"/errors.csv", admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	// In the upload's dialect: a byte order mark, semicolons.
	body, bom := strings.CutPrefix(rec.Body.String(), "\ufeff")
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if !bom || err != nil || len(rows) != 2 || rows[0][5] != "error" || rows[1][1] != `'=HYPERLINK("x")` || !strings.HasPrefix(rows[1][5], "Row 5:") {
		t.Fatalf("errors.csv (BOM %v, %v): %q", bom, err, rows)
	}
	if !strings.HasPrefix(rec.Header().Get(echo.HeaderContentType), "text/csv") {
		t.Fatalf("content type %s", rec.Header().Get(echo.HeaderContentType))
	}

	hist := decode[ImportList](t, tb.req(t, http.MethodGet, "/api/v1/imports?status=completed", admin.token, nil))
	if len(hist.Items) != 1 || hist.Items[0].ID != imp.ID || hist.Items[0].Counts != want {
		t.Fatalf("history: %+v", hist.Items)
	}
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/imports?status=lost", admin.token, nil), http.StatusUnprocessableEntity)
	wantStatus(t, tb.req(t, http.MethodPut, path+"/mapping", admin.token, map[string]any{"has_header": true,
		"columns": []string{"email", "", "", "", ""}}), http.StatusConflict)
	wantStatus(t, tb.req(t, http.MethodPost, path+"/cancel", admin.token, nil), http.StatusConflict)
}

// TestImportWarnings: a row with a good email and a bad phone is created
// without the phone; the import counts it, its record says what was
// dropped (has_warnings filters), and errors.csv lists it after the file's
// columns with a dropped column, neutralized like every cell.
func TestImportWarnings(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "impw")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	file := "Email,Phone,Country\n" +
		"ann@" + w + ".example,=1+2,DE\n" + // created without the phone
		"bob@" + w + ".example,+49 30 1234567,DE\n" + // created, clean
		"cy@,+49 30 1234567,DE\n" // invalid: its only key is a bad email
	imp := tb.MustImport(t, admin, file)
	if p := imp.Preview; len(p) != 3 || !p[0].Usable || len(p[0].Warnings) != 1 || p[0].Warnings[0].Field != "phone" ||
		len(p[1].Warnings) != 0 || p[2].Usable || len(p[2].Warnings) != 0 {
		t.Fatalf("preview %+v", p)
	}
	path := "/api/v1/imports/" + imp.ID
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start", admin.token, nil), http.StatusAccepted)
	tb.workImport(t, imp.ID)
	done := decode[ImportResponse](t, tb.req(t, http.MethodGet, path, admin.token, nil))
	if done.Counts != (ImportCounts{Created: 2, Invalid: 1, WithWarnings: 1}) {
		t.Fatalf("counts %+v", done.Counts)
	}
	tests := []struct {
		name  string
		query string
		rows  []int
	}{
		{"OK", "", []int{2, 3, 4}},
		{"OKWithWarnings", "?has_warnings=true", []int{2}},
		{"OKWithoutWarnings", "?has_warnings=false", []int{3, 4}},
		{"OKWithWarningsAndOutcome", "?has_warnings=true&outcome=created", []int{2}},
		{"OKWithWarningsInvalid", "?has_warnings=true&outcome=invalid", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodGet, path+"/records"+tt.query, admin.token, nil)
			wantStatus(t, rec, http.StatusOK)
			var rows []int
			for _, r := range decode[ImportRecordList](t, rec).Items {
				rows = append(rows, r.Row)
				if r.Row == 2 && (len(r.Warnings) != 1 || r.Warnings[0].Code != "invalid_phone" ||
					!strings.Contains(r.Warnings[0].Message, `"=1+2"`) || len(r.Values) != 3 || r.Values[1] != "=1+2") {
					t.Errorf("row 2: %+v", r)
				}
				if r.Row != 2 && len(r.Warnings) != 0 {
					t.Errorf("row %d warnings %+v", r.Row, r.Warnings)
				}
			}
			if fmt.Sprint(rows) != fmt.Sprint(tt.rows) {
				t.Fatalf("rows %v, want %v", rows, tt.rows)
			}
		})
	}
	wantStatus(t, tb.req(t, http.MethodGet, path+"/records?has_warnings=maybe", admin.token, nil), http.StatusUnprocessableEntity)

	rec := tb.req(t, http.MethodGet, path+"/errors.csv", admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], "|") != "Email|Phone|Country|error|dropped" {
		t.Fatalf("errors.csv (%v): %q", err, rows)
	}
	if r := rows[1]; r[1] != "'=1+2" || r[3] != "" || !strings.HasPrefix(r[4], "Row 2 was imported without these values. Phone: ") {
		t.Errorf("errors.csv row 2: %q", r)
	}
	if r := rows[2]; !strings.HasPrefix(r[3], "Row 4: ") || r[4] != "" {
		t.Errorf("errors.csv row 4: %q", r)
	}
	var phone *string
	if err := tb.db.Pool.QueryRow(t.Context(), `SELECT phone FROM contacts WHERE email = $1`, "ann@"+w+".example").Scan(&phone); err != nil || phone != nil {
		t.Fatalf("created contact's phone %v (%v), want none", phone, err)
	}
}

func TestImportCancel(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "impc")
	imp := tb.MustImport(t, admin, "Email\nc1@cancel.example\n")
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+imp.ID+"/start", admin.token, nil), http.StatusAccepted)
	rec := tb.req(t, http.MethodPost, "/api/v1/imports/"+imp.ID+"/cancel", admin.token, nil)
	wantStatus(t, rec, http.StatusAccepted)
	if got := decode[ImportResponse](t, rec); got.Status != "cancelled" || !got.CancelRequested {
		t.Fatalf("cancel: %s", got.Status)
	}
	tb.workImport(t, imp.ID) // the job finds it cancelled
	if got := decode[ImportResponse](t, tb.req(t, http.MethodGet, "/api/v1/imports/"+imp.ID, admin.token, nil)); got.Counts.Created != 0 {
		t.Fatalf("a cancelled import merged rows: %+v", got.Counts)
	}
}

func TestImportAccess(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "impa")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	viewer := tb.MustJoin(t, admin, "viewer")
	member := tb.MustJoin(t, admin, "member")
	other := tb.MustSignup(t, "impa-other")
	imp := tb.MustImport(t, admin, "Email\na1@access.example\n")
	readKey := tb.MustCreateKey(t, admin, "imports:read")
	writeKey := tb.MustCreateKey(t, admin, "imports:write", "imports:read")
	file := []byte("Email\nk1@access.example\n")

	tests := []struct {
		name   string
		rec    func() *httptest.ResponseRecorder
		status int
	}{
		{"OKMemberUploads", func() *httptest.ResponseRecorder {
			return tb.uploadFile(t, "/api/v1/imports", member.token, false, "m.csv", file)
		}, 201},
		{"OKKeyWithWriteScope", func() *httptest.ResponseRecorder {
			return tb.uploadFile(t, "/api/v1/imports", writeKey.Secret, true, "k.csv", file)
		}, 201},
		{"OKKeyReads", func() *httptest.ResponseRecorder {
			return tb.keyReq(t, http.MethodGet, "/api/v1/imports/"+imp.ID, readKey.Secret, false)
		}, 200},
		{"ErrUnauthenticated", func() *httptest.ResponseRecorder {
			return tb.uploadFile(t, "/api/v1/imports", "", false, "x.csv", file)
		}, 401},
		{"ErrForbiddenViewerUpload", func() *httptest.ResponseRecorder {
			return tb.uploadFile(t, "/api/v1/imports", viewer.token, false, "v.csv", file)
		}, 403},
		{"ErrForbiddenViewerRead", func() *httptest.ResponseRecorder {
			return tb.req(t, http.MethodGet, "/api/v1/imports/"+imp.ID, viewer.token, nil)
		}, 403},
		{"ErrForbiddenKeyWithoutWriteScope", func() *httptest.ResponseRecorder {
			return tb.uploadFile(t, "/api/v1/imports", readKey.Secret, true, "r.csv", file)
		}, 403},
		{"ErrForbiddenKeyStart", func() *httptest.ResponseRecorder {
			return tb.keyReq(t, http.MethodPost, "/api/v1/imports/"+imp.ID+"/start", readKey.Secret, true)
		}, 403},
		{"ErrForbiddenTenantOnAdminRoute", func() *httptest.ResponseRecorder {
			return tb.uploadFile(t, "/api/v1/admin/imports", admin.token, false, "a.csv", file)
		}, 403},
	}
	for _, suffix := range []string{"", "/records", "/errors.csv"} {
		tests = append(tests, struct {
			name   string
			rec    func() *httptest.ResponseRecorder
			status int
		}{"ErrNotFoundOtherTenantGET" + suffix, func() *httptest.ResponseRecorder {
			return tb.req(t, http.MethodGet, "/api/v1/imports/"+imp.ID+suffix, other.token, nil)
		}, 404})
	}
	for _, action := range []string{"/start", "/cancel"} {
		tests = append(tests, struct {
			name   string
			rec    func() *httptest.ResponseRecorder
			status int
		}{"ErrNotFoundOtherTenant" + action, func() *httptest.ResponseRecorder {
			return tb.req(t, http.MethodPost, "/api/v1/imports/"+imp.ID+action, other.token, nil)
		}, 404})
	}
	tests = append(tests, struct {
		name   string
		rec    func() *httptest.ResponseRecorder
		status int
	}{"ErrNotFoundOtherTenantMapping", func() *httptest.ResponseRecorder {
		return tb.req(t, http.MethodPut, "/api/v1/imports/"+imp.ID+"/mapping", other.token, map[string]any{"has_header": true, "columns": []string{"email"}})
	}, 404})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.rec()
			wantStatus(t, rec, tt.status)
			if tt.status >= 400 {
				decodeProblem(t, rec)
			}
		})
	}
	// Another tenant's history does not list it.
	if got := decode[ImportList](t, tb.req(t, http.MethodGet, "/api/v1/imports", other.token, nil)); len(got.Items) != 0 {
		t.Fatalf("another tenant lists %d imports", len(got.Items))
	}
}

func TestImportBadUploads(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "impb") // Free: 5 MiB files
	tests := []struct {
		name   string
		body   []byte
		status int
		detail string
	}{
		{"ErrEmptyFile", nil, 422, "empty"},
		{"ErrBinaryGarbage", []byte("\x00\x01\x02\x03\xff\xfe\x00\x00garbage\x10\x11"), 422, "binary"},
		{"ErrTooManyColumns", []byte(strings.Repeat("c,", imports.MaxColumns) + "c\n"), 422, "1,000 columns"},
		{"ErrFileOverTheCap", append([]byte("Email\n"), bytes.Repeat([]byte("x"), 5<<20)...), 413, "5 MiB limit of the Free package"},
		// An XLSX with a password is an OLE compound file, as a legacy
		// .xls is: it is not one, and saving it as .xlsx does not help.
		{"ErrPasswordProtectedWorkbook", encryptedWorkbook(t), 422, "password-protected"},
		{"ErrLegacyXLS", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1024)...), 422, "Legacy Excel (.xls)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.uploadFile(t, "/api/v1/imports", admin.token, false, "bad.csv", tt.body)
			wantStatus(t, rec, tt.status)
			if p := decodeProblem(t, rec); !strings.Contains(fmt.Sprint(p["detail"]), tt.detail) {
				t.Fatalf("detail %q does not say %q", p["detail"], tt.detail)
			}
		})
	}
	t.Run("ErrNotMultipart", func(t *testing.T) {
		t.Parallel()
		rec := tb.do(t, http.MethodPost, "/api/v1/imports", "text/csv", "Email\na@b.co\n", "Authorization", "Bearer "+admin.token)
		wantStatus(t, rec, http.StatusUnsupportedMediaType)
	})
	t.Run("ErrNoFilePart", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("other", "x")
		_ = mw.Close()
		rec := tb.do(t, http.MethodPost, "/api/v1/imports", mw.FormDataContentType(), buf.String(), "Authorization", "Bearer "+admin.token)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if !strings.Contains(rec.Body.String(), `"field":"file"`) {
			t.Fatalf("problem does not name file: %s", rec.Body.String())
		}
	})
}

// encryptedWorkbook is an XLSX saved with a password.
func encryptedWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Email", "Name"}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportQuota(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.pinLimitsClock(quotaTime)
	admin := tb.MustSignup(t, "impq") // Free: 1,000 rows a month
	var b strings.Builder
	b.WriteString("Email\n")
	for i := range 1001 {
		fmt.Fprintf(&b, "q%d@quota.example\n", i)
	}
	imp := tb.MustImport(t, admin, b.String())
	rec := tb.req(t, http.MethodPost, "/api/v1/imports/"+imp.ID+"/start", admin.token, nil)
	wantStatus(t, rec, http.StatusTooManyRequests)
	p := decodeProblem(t, rec)
	if p["type"] != "quota-exceeded" || p["remaining"] != float64(1000) || !strings.Contains(fmt.Sprint(p["detail"]), "only 1,000") {
		t.Fatalf("problem %v", p)
	}
	if h := rec.Header(); h.Get("Retry-After") != "1339200" || h.Get("X-Quota-Import-Rows-Remaining") != "1000" ||
		h.Get("RateLimit-Remaining") != "1000" || h.Get("X-Quota-Import-Rows-Reset") != "2026-12-01T00:00:00Z" {
		t.Fatalf("quota 429 headers %v", h)
	}
	// A dry run needs no quota.
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+imp.ID+"/start?dry_run=true", admin.token, nil), http.StatusAccepted)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+uuid.NewString()+"/start?dry_run=maybe", admin.token, nil), http.StatusUnprocessableEntity)
}

func TestPlatformImportAPI(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "system_admin")
	support := tb.MustSystemUser(t, "support")
	admin := tb.MustSignup(t, "impp")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	rec := tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "vendor.csv",
		[]byte("Email,Full Name,Company\nplat@"+w+".example,Pat Form,Vendor Co "+w+"\n"))
	wantStatus(t, rec, http.StatusCreated)
	imp := decode[ImportResponse](t, rec)
	if imp.Scope != "platform" || imp.Mapping.Columns[1] != "full_name" {
		t.Fatalf("platform preflight: %+v", imp)
	}
	path := "/api/v1/admin/imports/" + imp.ID
	rec = tb.req(t, http.MethodPut, path+"/mapping", staff.token, map[string]any{"has_header": true,
		"columns": []string{"email", "full_name", "company_name"}, "source": "vendor", "overwrite": true})
	wantStatus(t, rec, http.StatusOK)
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start", support.token, nil), http.StatusForbidden)
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start", staff.token, nil), http.StatusAccepted)
	tb.workImport(t, imp.ID)
	rec = tb.req(t, http.MethodGet, path, support.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[ImportResponse](t, rec); got.Status != "completed" || got.Counts.Created != 1 {
		t.Fatalf("platform import: %s %+v", got.Status, got.Counts)
	}
	// The new shared contact is visible to every tenant.
	if page := tb.search(t, admin.token, map[string]any{"query": "Vendor Co " + w, "page_size": 5}); page.Total != 1 {
		t.Fatalf("a tenant finds %d shared contacts from the platform import", page.Total)
	}
	// Tenants do not see platform imports, and staff routes do not show tenant imports.
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/imports/"+imp.ID, admin.token, nil), http.StatusNotFound)
	own := tb.MustImport(t, admin, "Email\nx@"+w+".example\n")
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/admin/imports/"+own.ID, staff.token, nil), http.StatusNotFound)
	if got := decode[ImportList](t, tb.req(t, http.MethodGet, "/api/v1/admin/imports", support.token, nil)); len(got.Items) == 0 {
		t.Fatal("support does not see the platform history")
	}
}

// TestStalledUploadsHoldNoConnections: uploads whose clients stop sending
// (as many as the pool has connections) hold no database connection while
// they wait, so every other request is still served. Not parallel: it
// watches the shared pool.
func TestStalledUploadsHoldNoConnections(t *testing.T) {
	tb := setup(t)
	s := tb.MustSignup(t, "stalled")
	n := int(tb.db.Pool.Config().MaxConns)
	var wg sync.WaitGroup
	sent := make(chan struct{}, n)
	pipes := make([]*io.PipeWriter, n)
	for i := range n {
		pr, pw := io.Pipe()
		pipes[i] = pw
		mw := multipart.NewWriter(pw)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/imports", pr)
		req.Header.Set(echo.HeaderContentType, mw.FormDataContentType())
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+s.token)
		wg.Add(2)
		go func() { defer wg.Done(); tb.serve(t, req) }()
		go func() {
			defer wg.Done()
			fw, err := mw.CreateFormFile("file", "stalled.csv")
			if err == nil { // more than the 64 KiB sniffed, then nothing
				_, err = fmt.Fprint(fw, "email,first_name\n"+strings.Repeat("a@b.example,Ann\n", 6000))
			}
			if err == nil {
				sent <- struct{}{}
			}
		}()
	}
	for range n { // each server side has read what its client sent
		<-sent
	}
	defer func() {
		for _, pw := range pipes {
			pw.CloseWithError(errors.New("client gone"))
		}
		wg.Wait()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil).WithContext(ctx)
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+s.token)
	rec := tb.serve(t, req)
	wantStatus(t, rec, http.StatusOK)
	if busy := tb.db.Pool.Stat().AcquiredConns(); busy >= int32(n) {
		t.Fatalf("%d stalled uploads hold %d of %d connections", n, busy, n)
	}
}

// TestSlowUploadOutlastsConnectionTimeouts: an upload within the package's
// file cap may take longer than the server's read and write timeouts (a
// 512 MiB Pro file over a 10 Mbit/s uplink takes seven minutes) as long as
// it keeps arriving; one that stops arriving is ended. The timeouts are
// scaled down so the upload outlasts them in a few seconds.
func TestSlowUploadOutlastsConnectionTimeouts(t *testing.T) {
	tests := []struct {
		name   string
		chunks int  // chunks of CSV rows sent, one every 50 ms
		size   int  // bytes a chunk
		stall  bool // then stop sending without ending the body
		// want is the status answered; 0 also accepts a connection the
		// server ends without an answer.
		want int
	}{
		// 3 s, three times the read timeout.
		{name: "OKSlowButSteady", chunks: 60, size: 2048, want: http.StatusCreated},
		{name: "ErrStalled", chunks: 2, size: 2048, stall: true, want: http.StatusBadRequest},
		// 320 bytes a second: under the least rate an upload must keep, so
		// it is ended a little after the read timeout, long before its 3 s.
		{name: "ErrDripping", chunks: 60, size: 16, want: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := setup(t)
			s := tb.MustSignup(t, "slowupload")
			// Wide margins over the 50 ms between chunks: a loaded CI
			// machine may stall the client or the handler for a while.
			tb.srv.timeouts = serverTimeouts{
				readHeader: 2 * time.Second, read: time.Second, write: 4 * time.Second,
				idle: 2 * time.Second, uploadIdle: 2 * time.Second,
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- tb.srv.ServeListener(ctx, ln) }()
			defer func() { cancel(); <-served }()

			pr, pw := io.Pipe()
			mw := multipart.NewWriter(pw)
			go func() {
				fw, err := mw.CreateFormFile("file", "slow.csv")
				if err == nil {
					_, err = io.WriteString(fw, "email,first_name\n")
				}
				var rows strings.Builder
				for i := 0; rows.Len() < tt.chunks*tt.size; i++ {
					fmt.Fprintf(&rows, "%06d%s@slow.example,Ann\n", i, strings.Repeat("x", 100))
				}
				data := rows.String()[:tt.chunks*tt.size]
				for i := 0; err == nil && i < tt.chunks; i++ {
					time.Sleep(50 * time.Millisecond)
					_, err = io.WriteString(fw, data[i*tt.size:(i+1)*tt.size])
				}
				if err == nil && !tt.stall {
					err = mw.Close()
				}
				if tt.stall {
					<-ctx.Done() // the body never ends
				}
				pw.CloseWithError(err)
			}()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+ln.Addr().String()+"/api/v1/imports", pr)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(echo.HeaderContentType, mw.FormDataContentType())
			req.Header.Set(echo.HeaderAuthorization, "Bearer "+s.token)
			resp, err := http.DefaultClient.Do(req)
			switch {
			case err != nil && tt.stall:
				// Ended without an answer: a client that stopped sending may
				// not read one either.
			case err != nil:
				t.Fatalf("no answer: %v", err)
			default:
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
				}
			}
		})
	}
}

// TestDryRunRevealsNoUnpaidContacts: a dry run costs no import rows, so its
// records must not disclose the shared contacts its rows matched (id, email,
// title): otherwise a file of names and companies, dry-run again and again,
// looks up the shared database for free. A contact the tenant already saved,
// or its own private one, still shows, and the real run (paid, and saving
// every matched contact) shows them all.
func TestDryRunRevealsNoUnpaidContacts(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.MustSeedContacts(t)
	admin := tb.MustSignup(t, "dryleak") // Free
	var shared []struct{ ID, FirstName, LastName, CompanyName, Email string }
	if err := tb.db.Gorm.Raw(`SELECT id, first_name, last_name, company_name, email FROM contacts
		WHERE owner_tenant_id IS NULL AND company_name <> '' AND email IS NOT NULL AND first_name <> '' AND last_name <> ''
		ORDER BY id LIMIT 2`).Scan(&shared).Error; err != nil || len(shared) != 2 {
		t.Fatalf("shared contacts: %v (%d)", err, len(shared))
	}
	unpaid, saved := shared[0], shared[1]
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", admin.token, map[string]any{"contact_ids": []string{saved.ID}}), http.StatusOK)
	own := tb.MustPrivateContact(t, admin.tenantID, "Olive", "Own")
	if err := tb.db.Gorm.Exec(`UPDATE contacts SET email = ? WHERE id = ?`, "olive."+own[:8]+"@own.example", own).Error; err != nil {
		t.Fatal(err)
	}
	file := "First Name,Last Name,Company,Email\n" +
		unpaid.FirstName + "," + unpaid.LastName + "," + unpaid.CompanyName + ",\n" +
		saved.FirstName + "," + saved.LastName + "," + saved.CompanyName + ",\n" +
		",,,olive." + own[:8] + "@own.example\n" +
		unpaid.FirstName + "," + unpaid.LastName + "," + unpaid.CompanyName + ",\n" // a duplicate of row 2
	imp := tb.MustImport(t, admin, file)
	path := "/api/v1/imports/" + imp.ID
	wantStatus(t, tb.req(t, http.MethodPut, path+"/mapping", admin.token, map[string]any{"has_header": true,
		"columns": []string{"first_name", "last_name", "company_name", "email"}, "match_keys": []string{"email", "name_company"}}), http.StatusOK)
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start?dry_run=true", admin.token, nil), http.StatusAccepted)
	tb.workImport(t, imp.ID)

	records := func() []ImportRecordResponse {
		t.Helper()
		rec := tb.req(t, http.MethodGet, path+"/records", admin.token, nil)
		wantStatus(t, rec, http.StatusOK)
		if strings.Contains(rec.Body.String(), unpaid.ID) || strings.Contains(rec.Body.String(), unpaid.Email) {
			t.Errorf("the records disclose the unpaid shared contact %s <%s>: %s", unpaid.ID, unpaid.Email, rec.Body.String())
		}
		return decode[ImportRecordList](t, rec).Items
	}
	tests := []struct {
		name      string
		row       int
		outcome   string
		wantID    string // "" = withheld
		wantEmail string
	}{
		{"UnpaidSharedWithheld", 2, "matched", "", ""},
		{"SavedSharedShown", 3, "matched", saved.ID, saved.Email},
		{"OwnPrivateShown", 4, "matched", own, "olive." + own[:8] + "@own.example"},
		{"DuplicateOfUnpaidWithheld", 5, "duplicate", "", ""},
	}
	got := records()
	if len(got) != 4 {
		t.Fatalf("%d dry-run records, want 4", len(got))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := got[tt.row-2]
			if r.Row != tt.row || r.Outcome != tt.outcome {
				t.Fatalf("row %d: %s, want row %d %s", r.Row, r.Outcome, tt.row, tt.outcome)
			}
			id, email := "", ""
			if r.ContactID != nil {
				id = *r.ContactID
			}
			if r.Contact != nil {
				email = r.Contact.Email
			}
			if id != tt.wantID || email != tt.wantEmail {
				t.Fatalf("row %d: contact %q <%s>, want %q <%s>", r.Row, id, email, tt.wantID, tt.wantEmail)
			}
		})
	}
	// Nothing was charged, and the contact is not saved.
	for _, q := range decode[UsageResponse](t, tb.req(t, http.MethodGet, "/api/v1/tenant/usage", admin.token, nil)).Quotas {
		if q.Used != 0 {
			t.Fatalf("the dry run used %d %s", q.Used, q.Metric)
		}
	}
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start", admin.token, nil), http.StatusAccepted)
	// Queued, the dry run's records still stand until the worker clears them.
	records()
	tb.workImport(t, imp.ID)
	rec := tb.req(t, http.MethodGet, path+"/records?outcome=matched", admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if paid := decode[ImportRecordList](t, rec).Items; len(paid) != 3 || paid[0].ContactID == nil || *paid[0].ContactID != unpaid.ID ||
		paid[0].Contact == nil || paid[0].Contact.Email != unpaid.Email {
		t.Fatalf("the real run's matched records: %s", rec.Body.String())
	}
}

// TestImportedContactIDsCannotBeGuessed: the ids of the contacts an import
// creates must not follow from one another. They used to be the import's
// time, the row number and a hash of the import id, so one contact of a
// platform import, found by one search, named every other contact of it:
// GET contacts/{id} with the row number changed read the whole import
// without another search, past searches_per_month and the page limit.
func TestImportedContactIDsCannotBeGuessed(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	staff := tb.MustSystemUser(t, "system_admin")
	admin := tb.MustSignup(t, "guess") // Free
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	var file strings.Builder
	file.WriteString("Email,First Name,Last Name,Company\n")
	for i := range 6 {
		fmt.Fprintf(&file, "p%d@%s.example,Pat%d,Guess%s,Guessable %s\n", i, w, i, w, w)
	}
	rec := tb.uploadFile(t, "/api/v1/admin/imports", staff.token, false, "vendor.csv", []byte(file.String()))
	wantStatus(t, rec, http.StatusCreated)
	imp := decode[ImportResponse](t, rec)
	path := "/api/v1/admin/imports/" + imp.ID
	wantStatus(t, tb.req(t, http.MethodPut, path+"/mapping", staff.token, map[string]any{"has_header": true,
		"columns": []string{"email", "first_name", "last_name", "company_name"}, "source": "vendor"}), http.StatusOK)
	wantStatus(t, tb.req(t, http.MethodPost, path+"/start", staff.token, nil), http.StatusAccepted)
	tb.workImport(t, imp.ID)
	recs := decode[ImportRecordList](t, tb.req(t, http.MethodGet, path+"/records", staff.token, nil)).Items
	if len(recs) != 6 {
		t.Fatalf("%d records, want 6", len(recs))
	}
	ids := make([]uuid.UUID, len(recs))
	for i, r := range recs {
		if r.Outcome != "created" || r.ContactID == nil {
			t.Fatalf("record %+v", r)
		}
		ids[i] = uuid.MustParse(*r.ContactID)
		if i > 0 && ids[i].String() <= ids[i-1].String() {
			t.Fatalf("ids do not ascend in row order: %s after %s", ids[i], ids[i-1])
		}
	}
	// The tenant has one of them (as from a search) and guesses the others
	// the way the old layout allowed: the same bytes, another row number.
	wantStatus(t, tb.req(t, http.MethodGet, "/api/v1/contacts/"+ids[0].String(), admin.token, nil), http.StatusOK)
	row := func(u uuid.UUID) uint32 {
		return uint32(u[6]&0x0f)<<28 | uint32(u[7])<<20 | uint32(u[8]&0x3f)<<14 | uint32(u[9])<<6 | uint32(u[10]>>2)
	}
	withRow := func(u uuid.UUID, n uint32) uuid.UUID {
		u[6] = 0x70 | byte(n>>28)
		u[7] = byte(n >> 20)
		u[8] = 0x80 | byte(n>>14)&0x3f
		u[9] = byte(n >> 6)
		u[10] = byte(n&0x3f)<<2 | u[10]&0x03
		return u
	}
	for i := 1; i < len(ids); i++ {
		guess := withRow(ids[0], row(ids[0])+uint32(i))
		if guess == ids[i] {
			t.Errorf("row %d's contact id %s follows from row 2's %s", recs[i].Row, ids[i], ids[0])
		}
		if rec := tb.req(t, http.MethodGet, "/api/v1/contacts/"+guess.String(), admin.token, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET a guessed contact id %s: %d, want 404", guess, rec.Code)
		}
	}
}
