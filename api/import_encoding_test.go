package api

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/text/encoding/charmap"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestImportEncoding: PUT mapping's encoding reads a file detected as
// Windows-1252 in Windows-1250, and the answer's columns and preview show
// the names as written; an encoding outside the list is a 422 naming the
// field; the usual access rules hold; once started, 409.
func TestImportEncoding(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "impenc")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	viewer := tb.MustJoin(t, admin, "viewer")
	other := tb.MustSignup(t, "impenc-other")
	w := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	file, err := charmap.Windows1250.NewEncoder().String("Email,First name,Last name,Město\n" +
		"k1@" + w + ".example,Jan,Kučera,Brno\nk2@" + w + ".example,Petr,Novák,Plzeň\n")
	if err != nil {
		t.Fatal(err)
	}
	imp := tb.MustImport(t, admin, file)
	if imp.Encoding != "windows-1252" || imp.Columns[3].Name != "Mìsto" || imp.Preview[0].Values["last_name"] != "Kuèera" {
		t.Fatalf("preflight %s %+v %+v: the test wants a file detected as windows-1252", imp.Encoding, imp.Columns, imp.Preview)
	}
	path := "/api/v1/imports/" + imp.ID + "/mapping"
	body := func(encoding string) map[string]any {
		return map[string]any{"has_header": true, "columns": imp.Mapping.Columns, "mode": "create_only", "encoding": encoding}
	}
	tests := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		field  string
	}{
		{name: "ErrUnknownEncoding", token: admin.token, body: body("latin-2"), status: 422, field: "encoding"},
		{name: "ErrUnauthenticated", body: body("windows-1250"), status: 401},
		{name: "ErrForbiddenViewer", token: viewer.token, body: body("windows-1250"), status: 403},
		{name: "ErrNotFoundOtherTenant", token: other.token, body: body("windows-1250"), status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tb.req(t, http.MethodPut, path, tt.token, tt.body)
			wantStatus(t, rec, tt.status)
			if tt.field != "" && !strings.Contains(rec.Body.String(), `"field":"`+tt.field+`"`) {
				t.Fatalf("problem does not name %s: %s", tt.field, rec.Body.String())
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		rec := tb.req(t, http.MethodPut, path, admin.token, body("windows-1250"))
		wantStatus(t, rec, http.StatusOK)
		got := decode[ImportResponse](t, rec)
		if got.Encoding != "windows-1250" || got.Columns[3].Name != "Město" || got.RowCount != 2 || got.Mapping.Mode != "create_only" {
			t.Fatalf("after choosing: %s %+v %d %+v", got.Encoding, got.Columns, got.RowCount, got.Mapping)
		}
		if got.Preview[0].Values["last_name"] != "Kučera" || strings.Join(got.SuggestedMapping.Columns, ",") != "email,first_name,last_name," {
			t.Fatalf("preview %+v, suggested %q", got.Preview, got.SuggestedMapping.Columns)
		}
		again := decode[ImportResponse](t, tb.req(t, http.MethodGet, "/api/v1/imports/"+imp.ID, admin.token, nil))
		if again.Encoding != "windows-1250" || again.Preview[1].Values["last_name"] != "Novák" {
			t.Fatalf("stored: %s %+v", again.Encoding, again.Preview)
		}
	})
	t.Run("ErrConflictAfterStart", func(t *testing.T) {
		wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/imports/"+imp.ID+"/start", admin.token, nil), http.StatusAccepted)
		tb.workImport(t, imp.ID)
		rec := tb.req(t, http.MethodPut, path, admin.token, body("windows-1252"))
		wantStatus(t, rec, http.StatusConflict)
		rec = tb.req(t, http.MethodGet, "/api/v1/imports/"+imp.ID+"/records", admin.token, nil)
		wantStatus(t, rec, http.StatusOK)
		if got := decode[ImportRecordList](t, rec); len(got.Items) != 2 || got.Items[0].Contact == nil || got.Items[0].Contact.LastName != "Kučera" {
			t.Fatalf("records %+v", got.Items)
		}
	})
}

// TestImportEncodingsDocumented: the request's list of encodings is the
// service's.
func TestImportEncodingsDocumented(t *testing.T) {
	t.Parallel()
	f, _ := reflect.TypeFor[ImportMappingRequest]().FieldByName("Encoding")
	oneof := strings.Fields(strings.TrimPrefix(f.Tag.Get("validate"), "omitempty,oneof="))
	enums := strings.Split(f.Tag.Get("enums"), ",")
	if !slices.Equal(oneof, imports.Encodings) || !slices.Equal(enums, imports.Encodings) {
		t.Fatalf("validate %q, enums %q, want %q", oneof, enums, imports.Encodings)
	}
	r, _ := reflect.TypeFor[ImportResponse]().FieldByName("Encoding")
	if got := strings.Split(r.Tag.Get("enums"), ","); !slices.Equal(got, imports.Encodings) {
		t.Fatalf("response enums %q, want %q", got, imports.Encodings)
	}
}
