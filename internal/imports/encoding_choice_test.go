package imports_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// czechFile is a Windows-1250 file of Czech names whose words read
// plausibly enough as Windows-1252 ("Kuèera", "Mìsto") that detection
// keeps Windows-1252: the user must choose the encoding.
func czechFile(t testing.TB, word string) string {
	return encodeIn(t, charmap.Windows1250, fmt.Sprintf("Email,First name,Last name,Město\n"+
		"k1@%[1]s.example,Jan,Kučera,Brno\nk2@%[1]s.example,Petr,Novák,Plzeň\nnot-an-email,Eva,Kučera,Brno\n", word))
}

func previewValue(imp *imports.Import, row int, field string) string {
	for _, r := range imp.PreviewRows {
		if r.Row == row {
			return r.Values[field]
		}
	}
	return ""
}

// TestChooseEncoding: a file detected as Windows-1252 that is Windows-1250
// shows "Kuèera"; choosing windows-1250 reads the stored file again, so the
// header, preview and suggested mapping show "Kučera", the mapping starts
// over from the suggestion with the options sent, and the run, a dry run
// before it and errors.csv read the file in the chosen encoding.
func TestChooseEncoding(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	imp := tb.MustUpload(t, tb.tenant, "czech.csv", czechFile(t, tb.word))
	if imp.Format.Encoding != imports.EncodingWindows1252 || imp.Header[3] != "Mìsto" || previewValue(imp, 2, "last_name") != "Kuèera" {
		t.Fatalf("detected %s, header %q, last name %q: the test wants a file detection reads as Windows-1252",
			imp.Format.Encoding, imp.Header, previewValue(imp, 2, "last_name"))
	}
	dry := tb.MustRun(t, tb.tenant, imp.ID, true)
	if dry.Status != imports.StatusCompleted || !dry.DryRun {
		t.Fatalf("dry run: %s", dry.Status)
	}

	// Columns sent with a new encoding named the old text's columns: the
	// new suggestion replaces them; the options stay.
	m := imp.Mapping
	m.Columns = []string{"", "", "", ""}
	m.Mode, m.DefaultRegion = imports.ModeCreateOnly, "cz"
	got, err := tb.svc.SetMappingAndEncoding(tb.ctx, tb.tenant, imp.ID, m, imports.EncodingWindows1250)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []string{imports.FieldEmail, imports.FieldFirstName, imports.FieldLastName, ""}
	if got.Format.Encoding != imports.EncodingWindows1250 || got.Format.Delimiter != "," || got.Status != imports.StatusUploaded || got.DryRun {
		t.Fatalf("after choosing: %+v, status %s, dry run %v", got.Format, got.Status, got.DryRun)
	}
	if cols := got.Columns(); cols[3] != "Město" || got.RowCount() != 3 {
		t.Fatalf("columns %q, %d rows", cols, got.RowCount())
	}
	if v := previewValue(got, 2, "last_name"); v != "Kučera" {
		t.Fatalf("preview last name %q", v)
	}
	if !slices.Equal(got.SuggestedMapping.Columns, wantCols) || !slices.Equal(got.Mapping.Columns, wantCols) ||
		got.Mapping.Mode != imports.ModeCreateOnly || got.Mapping.DefaultRegion != "CZ" {
		t.Fatalf("suggested %q, mapping %+v", got.SuggestedMapping.Columns, got.Mapping)
	}
	if n := tb.count(t, `SELECT count(*) FROM import_records WHERE import_id = $1`, imp.ID); n != 0 {
		t.Fatalf("the dry run of the old encoding kept %d records", n)
	}
	again, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
	if err != nil || again.Format.Encoding != imports.EncodingWindows1250 || previewValue(again, 3, "city") != "" ||
		again.Header[3] != "Město" {
		t.Fatalf("stored: %v %+v %q", err, again.Format, again.Header)
	}
	// The same encoding again changes nothing but the mapping.
	m = got.Mapping
	m.Columns = []string{imports.FieldEmail, imports.FieldFirstName, imports.FieldLastName, imports.FieldCity}
	if got, err = tb.svc.SetMappingAndEncoding(tb.ctx, tb.tenant, imp.ID, m, imports.EncodingWindows1250); err != nil ||
		previewValue(got, 3, "city") != "Plzeň" {
		t.Fatalf("mapping the city: %v", err)
	}

	dry = tb.MustRun(t, tb.tenant, imp.ID, true)
	if dry.Counts != (imports.Counts{Created: 2, Invalid: 1}) {
		t.Fatalf("dry run counts %+v", dry.Counts)
	}
	done := tb.MustRun(t, tb.tenant, imp.ID, false)
	if done.Status != imports.StatusCompleted || done.Counts != (imports.Counts{Created: 2, Invalid: 1}) {
		t.Fatalf("run: %s %+v %s", done.Status, done.Counts, done.Error)
	}
	for email, want := range map[string]string{"k1": "Kučera Brno", "k2": "Novák Plzeň"} {
		var last, city string
		if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT last_name, city FROM contacts WHERE email = $1`,
			email+"@"+tb.word+".example").Scan(&last, &city); err != nil {
			t.Fatal(err)
		}
		if last+" "+city != want {
			t.Errorf("%s: %s %s, want %s", email, last, city, want)
		}
	}
	var b strings.Builder
	if err := tb.svc.WriteErrorsCSV(tb.ctx, tb.tenant, imp.ID, &b); err != nil {
		t.Fatal(err)
	}
	if csv := b.String(); !strings.HasPrefix(csv, "\uFEFF\"Email\",\"First name\",\"Last name\",\"Město\",") ||
		!strings.Contains(csv, "\"not-an-email\",\"Eva\",\"Kučera\",\"Brno\",") {
		t.Fatalf("errors.csv:\n%s", csv)
	}
	_, err = tb.svc.SetMappingAndEncoding(tb.ctx, tb.tenant, imp.ID, done.Mapping, imports.EncodingWindows1252)
	wantCode(t, err, apperr.ECONFLICT, "cannot change once the import has started")
}

// TestChooseEncodingRefused: an encoding outside the list, a workbook, an
// import without its file, and another tenant's import.
func TestChooseEncodingRefused(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	f := excelize.NewFile()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Email", "Name"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"x@" + tb.word + ".example", "Ann"}); err != nil {
		t.Fatal(err)
	}
	var xlsx bytes.Buffer
	if err := f.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	other := MustCreateTenant(t, tb.db, "pro")
	tests := []struct {
		name     string
		tenant   uuid.UUID
		file     string
		encoding string
		removed  bool
		code     string
		field    string
	}{
		{name: "ErrUnknownEncoding", tenant: tb.tenant, encoding: "latin2", code: apperr.EINVALID, field: "encoding"},
		{name: "ErrWorkbook", tenant: tb.tenant, file: xlsx.String(), encoding: imports.EncodingWindows1250, code: apperr.EINVALID, field: "encoding"},
		{name: "ErrFileRemoved", tenant: tb.tenant, encoding: imports.EncodingWindows1250, removed: true, code: apperr.ECONFLICT},
		{name: "ErrOtherTenant", tenant: other, encoding: imports.EncodingWindows1250, code: apperr.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := tt.file
			if file == "" {
				file = czechFile(t, tb.word)
			}
			imp := tb.MustUpload(t, tb.tenant, "refused.csv", file)
			if tt.removed {
				if _, err := tb.db.Pool.Exec(tb.ctx, `UPDATE imports SET file_removed_at = now() WHERE id = $1`, imp.ID); err != nil {
					t.Fatal(err)
				}
			}
			_, err := tb.svc.SetMappingAndEncoding(tb.ctx, tt.tenant, imp.ID, imp.Mapping, tt.encoding)
			e, ok := apperr.As(err)
			if !ok || e.Code != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if tt.field != "" && (len(e.Fields) != 1 || e.Fields[0].Field != tt.field) {
				t.Fatalf("fields %+v, want %s", e.Fields, tt.field)
			}
			after, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
			if err != nil || after.Format.Encoding != imp.Format.Encoding {
				t.Fatalf("encoding after a refusal: %v %s", err, after.Format.Encoding)
			}
		})
	}
}

// TestChosenEncodingResumes: a run killed part-way resumes reading the
// file in the encoding the user chose, whichever worker picks it up.
func TestChosenEncodingResumes(t *testing.T) {
	t.Parallel()
	var target atomic.Value
	target.Store(uuid.Nil)
	var crashed atomic.Bool
	hook := func(id uuid.UUID, merged int) error {
		if id == target.Load().(uuid.UUID) && merged > 20 && !crashed.Swap(true) {
			return errors.New("simulated crash")
		}
		return nil
	}
	tb := setupWith(t, imports.WithAfterBatch(imports.Options{BatchRows: 20, MinBatchRows: 20, MaxBatchRows: 20}, hook))
	var text strings.Builder
	text.WriteString("Email,First name,Last name\n")
	for i := range 60 {
		fmt.Fprintf(&text, "r%d@%s.example,Jan,Kučera\n", i, tb.word)
	}
	imp := tb.MustUpload(t, tb.tenant, "resume.csv", encodeIn(t, charmap.Windows1250, text.String()))
	if imp.Format.Encoding != imports.EncodingWindows1252 {
		t.Fatalf("detected %s: the test wants a file detection reads as Windows-1252", imp.Format.Encoding)
	}
	if _, err := tb.svc.SetMappingAndEncoding(tb.ctx, tb.tenant, imp.ID, imp.Mapping, imports.EncodingWindows1250); err != nil {
		t.Fatal(err)
	}
	target.Store(imp.ID)
	if _, err := tb.svc.Start(tb.ctx, tb.tenant, imp.ID, imports.StartParams{UserID: &tb.user}); err != nil {
		t.Fatal(err)
	}
	if err := tb.svc.Work(tb.ctx, imp.ID); err == nil || !strings.Contains(err.Error(), "simulated crash") {
		t.Fatalf("first run: %v", err)
	}
	done := tb.MustWork(t, tb.tenant, imp.ID)
	if done.Status != imports.StatusCompleted || done.Counts.Created != 60 {
		t.Fatalf("resumed: %s %+v %s", done.Status, done.Counts, done.Error)
	}
	if n := tb.count(t, `SELECT count(*) FROM contacts WHERE owner_tenant_id = $1 AND last_name = 'Kučera'`, tb.tenant); n != 60 {
		t.Fatalf("%d contacts named Kučera, want 60", n)
	}
}
