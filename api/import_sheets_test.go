package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheetsWorkbook is a workbook of an empty first sheet, a hidden one,
// "Contacts" (where it opens) and "Others".
func sheetsWorkbook(t *testing.T, w string) []byte {
	t.Helper()
	f := excelize.NewFile()
	// In this order (a map's would change from run to run, and so would
	// the preflight's list of sheets).
	for _, sh := range []struct {
		name string
		rows [][]any
	}{
		{"Hidden", [][]any{{"Email"}, {"hid@" + w + ".example"}}},
		{"Contacts", [][]any{{"Email", "Name"}, {"ann@" + w + ".example", "Ann"}}},
		{"Others", [][]any{{"Email", "Name"}, {"bo@" + w + ".example", "Bo"}, {"cy@" + w + ".example", "Cy"}}},
	} {
		sheet, rows := sh.name, sh.rows
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SetSheetVisible("Hidden", false); err != nil {
		t.Fatal(err)
	}
	idx, err := f.GetSheetIndex("Contacts")
	if err != nil {
		t.Fatal(err)
	}
	f.SetActiveSheet(idx)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadSheet posts content as the part "file" with a part "sheet"
// before it (or after, late), with a bearer token or (key) an API key.
func (tb *testBundle) uploadSheet(t testing.TB, path, credential string, key bool, name string, content []byte, sheet string, late bool) *httptest.ResponseRecorder {
	t.Helper()
	f := []formField{{"sheet", sheet}}
	if late {
		return tb.uploadParts(t, path, credential, key, name, content, nil, f)
	}
	return tb.uploadParts(t, path, credential, key, name, content, f, nil)
}

// TestImportSheetChoice: POST imports reads the sheet its sheet field
// names; the preflight lists the workbook's sheets.
func TestImportSheetChoice(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "imps")
	tb.MustSetPackage(t, admin.tenantID, "starter")
	viewer := tb.MustJoin(t, admin, "viewer")
	member := tb.MustJoin(t, admin, "member")
	other := tb.MustSignup(t, "imps-other")
	staff := tb.MustSystemUser(t, "system_admin")
	readKey := tb.MustCreateKey(t, admin, "imports:read")
	writeKey := tb.MustCreateKey(t, admin, "imports:write", "imports:read")
	book := sheetsWorkbook(t, "sheets")
	const sheets = `[{"name":"Sheet1","has_data":false,"hidden":false},{"name":"Hidden","has_data":true,"hidden":true},{"name":"Contacts","has_data":true,"hidden":false},{"name":"Others","has_data":true,"hidden":false}]`

	ok := []struct {
		name, path, credential string
		key                    bool
		sheet, read            string
		rows                   int
	}{
		{"OKMemberChoosesSheet", "/api/v1/imports", member.token, false, "Others", "Others", 2},
		{"OKKeyWithWriteScope", "/api/v1/imports", writeKey.Secret, true, "Hidden", "Hidden", 1},
		{"OKEmptySheetFieldReadsActiveSheet", "/api/v1/imports", admin.token, false, "", "Contacts", 1},
		{"OKPlatformImport", "/api/v1/admin/imports", staff.token, false, "others", "Others", 2},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.uploadSheet(t, tt.path, tt.credential, tt.key, "book.xlsx", book, tt.sheet, false)
			wantStatus(t, rec, http.StatusCreated)
			imp := decode[ImportResponse](t, rec)
			if imp.Sheet != tt.read || imp.SheetCount != 4 || imp.RowCount != tt.rows {
				t.Fatalf("read sheet %q of %d, %d rows; want %s of 4, %d rows", imp.Sheet, imp.SheetCount, imp.RowCount, tt.read, tt.rows)
			}
			if !strings.Contains(rec.Body.String(), `"sheets":`+sheets) {
				t.Fatalf("sheets not listed as %s: %s", sheets, rec.Body.String())
			}
		})
	}

	t.Run("OKCSVListsNoSheets", func(t *testing.T) {
		rec := tb.uploadFile(t, "/api/v1/imports", admin.token, false, "a.csv", []byte("Email\na@sheets.example\n"))
		wantStatus(t, rec, http.StatusCreated)
		if !strings.Contains(rec.Body.String(), `"sheets":[]`) {
			t.Fatalf("CSV sheets: %s", rec.Body.String())
		}
	})

	invalid := []struct {
		name, file, sheet string
		content           []byte
		late              bool
		detail            string
	}{
		{"ErrUnknownSheet", "book.xlsx", "Kontakte", book, false, `no sheet named "Kontakte"`},
		{"ErrEmptySheet", "book.xlsx", "Sheet1", book, false, `The sheet "Sheet1" is empty`},
		{"ErrSheetAfterFile", "book.xlsx", "Others", book, true, "must come before the file"},
		{"ErrSheetOfCSV", "a.csv", "Others", []byte("Email\na@sheets.example\n"), false, "Only an XLSX workbook"},
		{"ErrSheetNotUTF8", "book.xlsx", "Oth\xffers", book, false, "not valid UTF-8"},
		{"ErrSheetWithNUL", "book.xlsx", "Oth\x00ers", book, false, "not valid UTF-8"},
		{"ErrSheetTooLong", "book.xlsx", strings.Repeat("x", 2000), book, false, "too long"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.uploadSheet(t, "/api/v1/imports", admin.token, false, tt.file, tt.content, tt.sheet, tt.late)
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			p := decodeProblem(t, rec)
			if !strings.Contains(fmt.Sprint(p["detail"]), tt.detail) || !strings.Contains(rec.Body.String(), `"field":"sheet"`) {
				t.Fatalf("problem does not say %q about sheet: %s", tt.detail, rec.Body.String())
			}
		})
	}

	// A sheet upload is an import like any other: the same access.
	rec := tb.uploadSheet(t, "/api/v1/imports", admin.token, false, "book.xlsx", book, "Others", false)
	wantStatus(t, rec, http.StatusCreated)
	chosen := decode[ImportResponse](t, rec)
	denied := []struct {
		name   string
		rec    func() *httptest.ResponseRecorder
		status int
	}{
		{"ErrUnauthenticated", func() *httptest.ResponseRecorder {
			return tb.uploadSheet(t, "/api/v1/imports", "", false, "book.xlsx", book, "Others", false)
		}, 401},
		{"ErrForbiddenViewer", func() *httptest.ResponseRecorder {
			return tb.uploadSheet(t, "/api/v1/imports", viewer.token, false, "book.xlsx", book, "Others", false)
		}, 403},
		{"ErrForbiddenKeyWithoutWriteScope", func() *httptest.ResponseRecorder {
			return tb.uploadSheet(t, "/api/v1/imports", readKey.Secret, true, "book.xlsx", book, "Others", false)
		}, 403},
		{"ErrForbiddenTenantOnAdminRoute", func() *httptest.ResponseRecorder {
			return tb.uploadSheet(t, "/api/v1/admin/imports", admin.token, false, "book.xlsx", book, "Others", false)
		}, 403},
		{"ErrNotFoundOtherTenant", func() *httptest.ResponseRecorder {
			return tb.req(t, http.MethodGet, "/api/v1/imports/"+chosen.ID, other.token, nil)
		}, 404},
	}
	for _, tt := range denied {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.rec()
			wantStatus(t, rec, tt.status)
			decodeProblem(t, rec)
		})
	}
	// The import keeps the sheet it read.
	rec = tb.req(t, http.MethodGet, "/api/v1/imports/"+chosen.ID, admin.token, nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[ImportResponse](t, rec); got.Sheet != "Others" || len(got.Sheets) != 4 || got.RowCount != 2 {
		t.Fatalf("stored: sheet %q, %d sheets, %d rows", got.Sheet, len(got.Sheets), got.RowCount)
	}
}
