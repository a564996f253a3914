package imports_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// TestBadInput is the list of bad files: each gets a clear
// outcome, a problem (EINVALID, ETOOLARGE) at upload or start, or
// per-row invalid records, and never a crash or a stuck import.
func TestBadInput(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	email := func(i int) string { return fmt.Sprintf("p%d@%s.example", i, w) }
	wide := func(n int) string {
		cols := make([]string, n)
		vals := make([]string, n)
		for i := range cols {
			cols[i] = fmt.Sprintf("c%d", i)
			vals[i] = "v"
		}
		cols[n-1], vals[n-1] = "Email", email(1000+n)
		return strings.Join(cols, ",") + "\n" + strings.Join(vals, ",") + "\n"
	}
	type result struct {
		imp  *imports.Import
		err  error
		done *imports.Import
		recs map[int]imports.ImportRecord
	}
	tests := []struct {
		name  string
		body  string
		pkg   string // tenant package; "" uses the bundle's Pro tenant
		run   bool   // start and work it
		check func(t *testing.T, r result)
	}{
		{name: "EmptyFile", body: "", check: func(t *testing.T, r result) {
			wantCode(t, r.err, apperr.EINVALID, "empty")
		}},
		{name: "HeaderOnly", body: "Email,First Name\n", check: func(t *testing.T, r result) {
			if r.err != nil || r.imp.RowCount() != 0 || !r.imp.Mapping.HasHeader {
				t.Fatalf("upload: %v, %d rows", r.err, r.imp.RowCount())
			}
			_, err := tb.svc.Start(tb.ctx, tb.tenant, r.imp.ID, imports.StartParams{})
			wantCode(t, err, apperr.EINVALID, "no data rows")
		}},
		{name: "OnlyBlankLines", body: "\n\n,,,\n", check: func(t *testing.T, r result) {
			wantCode(t, r.err, apperr.EINVALID, "no rows")
		}},
		{name: "NoHeader", run: true, body: email(1) + ",Ann,Lee\n" + email(2) + ",Bo,Kim\n", check: func(t *testing.T, r result) {
			if r.imp.Mapping.HasHeader || r.imp.Columns()[0] != "Column 1" || r.imp.Mapping.Columns[0] != imports.FieldEmail {
				t.Fatalf("header %v, columns %v, mapping %v", r.imp.Mapping.HasHeader, r.imp.Columns(), r.imp.Mapping.Columns)
			}
			if r.done.Counts.Created != 2 || r.recs[1].Outcome != imports.OutcomeCreated {
				t.Fatalf("counts %+v, row 1 %+v", r.done.Counts, r.recs[1])
			}
		}},
		{name: "RaggedRows", run: true, body: "Email,Name\n" + email(3) + "\n" + email(4) + ",Ann,extra\n" + email(5) + ",Bo,,\n",
			check: func(t *testing.T, r result) {
				if r.recs[2].Outcome != imports.OutcomeCreated || r.recs[4].Outcome != imports.OutcomeCreated {
					t.Fatalf("short and trailing-empty rows: %+v %+v", r.recs[2], r.recs[4])
				}
				if r.recs[3].Outcome != imports.OutcomeInvalid || r.recs[3].Errors[0].Code != "ragged_row" {
					t.Fatalf("ragged row: %+v", r.recs[3])
				}
			}},
		{name: "QuotedNewlinesAndQuotes", run: true,
			body: "Email,Full Name,Title\n" + email(6) + ",\"Anne \"\"Nan\"\" O'Neil\",\"Head of\nSales, EMEA\"\n" + email(7) + ",Bo Kim,CTO\n",
			check: func(t *testing.T, r result) {
				if r.done.Counts.Created != 2 || r.recs[3].Outcome != imports.OutcomeCreated {
					t.Fatalf("counts %+v; records %+v", r.done.Counts, r.recs)
				}
				var first, last, title string
				if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT first_name, last_name, title FROM contacts WHERE id = $1`,
					*r.recs[2].ContactID).Scan(&first, &last, &title); err != nil {
					t.Fatal(err)
				}
				if first != "Anne" || last != `"Nan" O'Neil` || title != "Head of Sales, EMEA" {
					t.Fatalf("contact %q %q %q", first, last, title)
				}
			}},
		{name: "TenMegabyteField", run: true, body: "Email,Notes\n" + email(8) + "," + strings.Repeat("z", 10<<20) + "\n" + email(9) + ",ok\n",
			check: func(t *testing.T, r result) {
				if r.recs[2].Outcome != imports.OutcomeInvalid || r.recs[2].Errors[0].Code != imports.ProblemTooLong {
					t.Fatalf("long row: %+v", r.recs[2].Errors)
				}
				if r.recs[3].Outcome != imports.OutcomeCreated {
					t.Fatalf("the row after it: %+v", r.recs[3])
				}
				if len(imports.RecordLine(r.recs[2].Values)) > 8000 {
					t.Fatal("the whole 10 MB field was kept for errors.csv")
				}
			}},
		{name: "BinaryGarbage", body: "\x00\x01\x02\x03garbage\xff\xfe\x00\x00\x10\x11\x12\x13\x14\x15", check: func(t *testing.T, r result) {
			wantCode(t, r.err, apperr.EINVALID, "binary")
		}},
		// The byte order mark declares UTF-8, so bytes outside it are not
		// guessed at (without the mark they would be read as Windows-1252:
		// TestUploadFormats).
		{name: "InvalidUTF8", run: true, body: "\xEF\xBB\xBFEmail,Name\n" + strings.Repeat(email(10)+",Zoë Müller\n", 1) + email(11) + ",bad\xff\xfe\n" +
			email(12) + ",José\n", check: func(t *testing.T, r result) {
			if r.imp.Format.Encoding != imports.EncodingUTF8BOM {
				t.Fatalf("encoding %s", r.imp.Format.Encoding)
			}
			if r.recs[3].Outcome != imports.OutcomeInvalid || r.recs[3].Errors[0].Code != imports.ProblemInvalidUTF8 {
				t.Fatalf("bad row: %+v", r.recs[3])
			}
			if r.recs[2].Outcome != imports.OutcomeCreated || r.recs[4].Outcome != imports.OutcomeCreated {
				t.Fatalf("good rows: %+v %+v", r.recs[2], r.recs[4])
			}
		}},
		{name: "Latin1", run: true, body: "Email,First Name,Last Name\n" + email(13) + ",Jos\xe9,M\xfcller\n", check: func(t *testing.T, r result) {
			if r.imp.Format.Encoding != imports.EncodingWindows1252 {
				t.Fatalf("encoding %s", r.imp.Format.Encoding)
			}
			var first, last string
			if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT first_name, last_name FROM contacts WHERE id = $1`, *r.recs[2].ContactID).
				Scan(&first, &last); err != nil || first != "José" || last != "Müller" {
				t.Fatalf("contact %q %q %v", first, last, err)
			}
		}},
		{name: "CROnlyLineEndings", run: true, body: "Email,Name\r" + email(14) + ",Ann\r" + email(15) + ",Bo\r", check: func(t *testing.T, r result) {
			if r.imp.Format.LineEnding != imports.LineCR || r.done.Counts.Created != 2 {
				t.Fatalf("line ending %s, counts %+v", r.imp.Format.LineEnding, r.done.Counts)
			}
		}},
		{name: "DuplicateHeaderNames", run: true, body: "Email,Email,Name,Name\n" + email(16) + "," + email(17) + ",Ann,Other\n",
			check: func(t *testing.T, r result) {
				cols := r.imp.Columns()
				if cols[0] != "Email" || cols[1] != "Email (2)" || cols[3] != "Name (2)" {
					t.Fatalf("columns %v", cols)
				}
				if r.imp.Mapping.Columns[0] != imports.FieldEmail || r.imp.Mapping.Columns[1] != "" {
					t.Fatalf("mapping %v", r.imp.Mapping.Columns)
				}
				if r.done.Counts.Created != 1 {
					t.Fatalf("counts %+v", r.done.Counts)
				}
			}},
		{name: "ThousandColumns", run: true, body: wide(imports.MaxColumns), check: func(t *testing.T, r result) {
			if r.err != nil || len(r.imp.Columns()) != imports.MaxColumns || r.imp.Mapping.Columns[imports.MaxColumns-1] != imports.FieldEmail {
				t.Fatalf("upload: %v", r.err)
			}
			if r.done.Counts.Created != 1 {
				t.Fatalf("counts %+v", r.done.Counts)
			}
		}},
		{name: "ErrThousandAndOneColumns", body: wide(imports.MaxColumns + 1), check: func(t *testing.T, r result) {
			wantCode(t, r.err, apperr.EINVALID, "1,000 columns")
		}},
		{name: "ErrOverTheCap", pkg: "free", body: "Email\n" + strings.Repeat("x", 5<<20), check: func(t *testing.T, r result) {
			wantCode(t, r.err, apperr.ETOOLARGE, "5 MiB limit of the Free package")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tenant := tb.tenant
			if tt.pkg != "" {
				tenant = MustCreateTenant(t, tb.db, tt.pkg)
			}
			var r result
			r.imp, r.err = tb.svc.Upload(tb.ctx, tenant, imports.UploadParams{FileName: tt.name + ".csv",
				Body: strings.NewReader(tt.body), Size: -1, UserID: &tb.user})
			if tt.run {
				if r.err != nil {
					t.Fatalf("upload: %v", r.err)
				}
				r.done = tb.MustRun(t, tenant, r.imp.ID, false)
				if r.done.Status != imports.StatusCompleted {
					t.Fatalf("status %s: %s", r.done.Status, r.done.Error)
				}
				r.recs = tb.records(t, tenant, r.imp.ID)
				if len(r.recs) != r.done.RowsDone || r.done.RowsDone != r.imp.RowCount() {
					t.Fatalf("%d records, %d rows done, %d rows in the file", len(r.recs), r.done.RowsDone, r.imp.RowCount())
				}
			}
			tt.check(t, r)
		})
	}
}

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || !strings.Contains(e.Message, msg) {
		t.Fatalf("err = %v, want %s saying %q", err, code, msg)
	}
}

// TestUploadFormats covers the encodings and XLSX end to end.
func TestUploadFormats(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	xlsx := func() string {
		f := excelize.NewFile()
		rows := [][]any{{"Work Email", "Full Name", "Organization", "Position"},
			{"x1@" + w + ".example", "Zoë Müller", "Xl Co", "CTO"}, {}, {"x2@" + w + ".example", "Bo Kim", "Xl Co", "=1+1"}}
		for i, r := range rows {
			if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}()
	tests := []struct {
		name, body, encoding, kind string
		created                    int
		values                     map[string]string // of the first preview row
	}{
		{"UTF8BOM", "\xEF\xBB\xBFEmail;Name\n" + "b1@" + w + ".example;Zoë\n", imports.EncodingUTF8BOM, imports.KindCSV, 1, nil},
		{"UTF16LE", string(utf16Of("Email\tName\r\nu1@"+w+".example\tJosé\r\n", false, true)), imports.EncodingUTF16LE, imports.KindCSV, 1, nil},
		{"XLSX", xlsx, imports.EncodingUTF8, imports.KindXLSX, 2, nil},
		// UTF-8 with two stray Windows-1252 bytes (0x92, 0x96), as a sheet
		// pasted together from mixed sources exports: the accents and the
		// stray bytes both come out right.
		{"UTF8WithWindows1252Bytes", "Email,First Name,Last Name,Company,Title\n" + "m1@" + w + ".example,Zoë,Müller,Müller\x92s Café,Head \x96 Sales\n" +
			"m2@" + w + ".example,José,Núñez,Acme,CTO\n", imports.EncodingUTF8, imports.KindCSV, 2,
			map[string]string{"first_name": "Zoë", "last_name": "Müller", "company_name": "Müller’s Café", "title": "Head – Sales"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, tt.name, tt.body)
			if imp.Format.Encoding != tt.encoding || imp.Format.Kind != tt.kind {
				t.Fatalf("format %+v", imp.Format)
			}
			prev := imp.Preview("DE")
			if len(prev) == 0 || !prev[0].Usable {
				t.Fatalf("preview %+v", prev)
			}
			for k, v := range tt.values {
				if prev[0].Values[k] != v {
					t.Fatalf("preview %s = %q, want %q", k, prev[0].Values[k], v)
				}
			}
			done := tb.MustRun(t, tb.tenant, imp.ID, false)
			if done.Counts.Created != tt.created {
				t.Fatalf("counts %+v (%s)", done.Counts, done.Error)
			}
			if tt.values != nil {
				var first, last, company, title string
				if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT first_name, last_name, company_name, title FROM contacts WHERE email = $1`,
					"m1@"+w+".example").Scan(&first, &last, &company, &title); err != nil {
					t.Fatal(err)
				}
				got := map[string]string{"first_name": first, "last_name": last, "company_name": company, "title": title}
				for k, v := range tt.values {
					if got[k] != v {
						t.Fatalf("contact %s = %q, want %q", k, got[k], v)
					}
				}
			}
			if tt.kind == imports.KindXLSX {
				recs := tb.records(t, tb.tenant, imp.ID)
				if recs[2].Outcome != imports.OutcomeCreated || recs[4].Outcome != imports.OutcomeCreated || len(recs) != 2 {
					t.Fatalf("xlsx records (row 3 blank): %+v", recs)
				}
				if prev[0].Values["first_name"] != "Zoë" || prev[0].Values["company_name"] != "Xl Co" {
					t.Fatalf("preview values %v", prev[0].Values)
				}
			}
		})
	}
}

// TestXLSXConversionsTakeTurns: a workbook converts only with a turn
// (Options.MaxConverting), waited for before the upload's transaction and
// given up with the request; a CSV upload needs none; an upload gives its
// turn back when it ends, refused or not.
func TestXLSXConversionsTakeTurns(t *testing.T) {
	t.Parallel()
	tb := setupWith(t, imports.Options{MaxConverting: 1})
	f := excelize.NewFile()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Email", "Name"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"t1@" + tb.word + ".example", "Ana"}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	upload := func(ctx context.Context, name, body string) error {
		_, err := tb.svc.Upload(ctx, tb.tenant, imports.UploadParams{FileName: name, Body: strings.NewReader(body), Size: -1, UserID: &tb.user})
		return err
	}

	release := imports.HoldConversion(tb.svc)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := upload(ctx, "waits.xlsx", b.String()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("XLSX upload with every turn taken: %v, want it to wait until the request ends", err)
	}
	if err := upload(context.Background(), "plain.csv", "Email\nt2@"+tb.word+".example\n"); err != nil {
		t.Fatalf("CSV upload while a conversion runs: %v", err)
	}
	release()
	if err := upload(context.Background(), "turn.xlsx", b.String()); err != nil {
		t.Fatalf("XLSX upload with a turn free: %v", err)
	}
	if n := imports.ConversionTurnsTaken(tb.svc); n != 0 {
		t.Fatalf("%d turns held after the upload", n)
	}
	_, err := tb.svc.Upload(context.Background(), tb.tenant, imports.UploadParams{FileName: "refused.xlsx", Body: bytes.NewReader(b.Bytes()),
		Size: -1, UserID: &tb.user, Sheet: "No such sheet"})
	if e, ok := apperr.As(err); !ok || e.Code != apperr.EINVALID {
		t.Fatalf("upload naming no sheet of the workbook: %v", err)
	}
	if n := imports.ConversionTurnsTaken(tb.svc); n != 0 {
		t.Fatalf("%d turns held after a refused upload", n)
	}
}

// TestXLSXActiveSheet: a workbook imports the sheet it opens on; when
// that sheet is empty or hidden and others are not, the first visible
// sheet with data; and the sheet the upload names when it names one. The preflight
// lists the sheets, whether each has data, and which are hidden.
func TestXLSXActiveSheet(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	book := func(t *testing.T, active string) []byte {
		f := excelize.NewFile()
		for _, name := range []string{"Hidden", "Contacts", "Others"} {
			if _, err := f.NewSheet(name); err != nil {
				t.Fatal(err)
			}
		}
		for sheet, rows := range map[string][][]any{
			"Hidden":   {{"Email"}, {"hid@" + tb.word + ".example"}},
			"Contacts": {{"Email", "Name"}, {"ann@" + tb.word + ".example", "Ann"}},
			"Others":   {{"Email", "Name", "City"}, {"bo@" + tb.word + ".example", "Bo", "Berlin"}, {"cy@" + tb.word + ".example", "Cy", "Bonn"}},
		} {
			for i, r := range rows {
				if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := f.SetSheetVisible("Hidden", false); err != nil {
			t.Fatal(err)
		}
		idx, err := f.GetSheetIndex(active)
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
	upload := func(file []byte, sheet string) (*imports.Import, error) {
		return tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "book.xlsx", Body: bytes.NewReader(file), Size: -1, Sheet: sheet})
	}
	wantSheets := "[{Sheet1 false false} {Hidden true true} {Contacts true false} {Others true false}]"
	cases := []struct {
		name, active, sheet string
		read, columns       string
		rows                int
	}{
		{"ActiveSheetWithData", "Contacts", "", "Contacts", "Email,Name", 1},
		{"EmptyActiveSheetReadsFirstVisibleWithData", "Sheet1", "", "Contacts", "Email,Name", 1},
		// A program that wrote the workbook left a hidden sheet active:
		// Excel shows a visible one, and that is the one read.
		{"HiddenActiveSheetReadsFirstVisibleWithData", "Hidden", "", "Contacts", "Email,Name", 1},
		{"ChosenSheet", "Contacts", "Others", "Others", "Email,Name,City", 2},
		{"ChosenSheetIgnoringCase", "Contacts", "others", "Others", "Email,Name,City", 2},
		{"ChosenHiddenSheet", "Contacts", "Hidden", "Hidden", "Email", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			imp, err := upload(book(t, c.active), c.sheet)
			if err != nil || imp.RowCount() != c.rows || strings.Join(imp.Columns(), ",") != c.columns {
				t.Fatalf("upload: %v", err)
			}
			// The preflight names the sheet it read, and lists them all.
			if imp.Format.Sheet != c.read || imp.Format.SheetCount != 4 || fmt.Sprint(imp.Format.Sheets) != wantSheets {
				t.Fatalf("sheet %q of %d %v, want %s of 4 %s", imp.Format.Sheet, imp.Format.SheetCount, imp.Format.Sheets, c.read, wantSheets)
			}
			got, err := tb.svc.Get(tb.ctx, tb.tenant, imp.ID)
			if err != nil || got.Format.Sheet != c.read || got.Format.SheetCount != 4 || fmt.Sprint(got.Format.Sheets) != wantSheets {
				t.Fatalf("stored sheet %q of %d %v (%v)", got.Format.Sheet, got.Format.SheetCount, got.Format.Sheets, err)
			}
		})
	}
	t.Run("ErrUnknownSheet", func(t *testing.T) {
		t.Parallel()
		_, err := upload(book(t, "Contacts"), "Kontakte")
		wantCode(t, err, apperr.EINVALID, `The workbook has no sheet named "Kontakte"; its sheets are "Sheet1", "Hidden", "Contacts", "Others".`)
	})
	t.Run("ErrChosenSheetEmpty", func(t *testing.T) {
		t.Parallel()
		_, err := upload(book(t, "Contacts"), "Sheet1")
		wantCode(t, err, apperr.EINVALID, `The sheet "Sheet1" is empty`)
	})
	t.Run("ErrSheetOfCSV", func(t *testing.T) {
		t.Parallel()
		_, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "a.csv", Body: strings.NewReader("Email\na@b.example\n"), Size: -1, Sheet: "Contacts"})
		wantCode(t, err, apperr.EINVALID, "Only an XLSX workbook has sheets")
	})
	t.Run("ErrEveryVisibleSheetEmpty", func(t *testing.T) {
		t.Parallel()
		f := excelize.NewFile()
		if _, err := f.NewSheet("Empty too"); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		_, err := upload(b.Bytes(), "")
		wantCode(t, err, apperr.EINVALID, `The sheet "Sheet1" the workbook opens on is empty`)
	})
}

// TestUploadNameNotStorable: a multipart file name of nothing but a NUL,
// bytes of no character or control characters was stored empty, which the
// imports table's check refused: the upload failed with a 500. It is
// listed as "upload.csv".
func TestUploadNameNotStorable(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tt := range []struct{ name, file string }{
		{"OKNUL", "\x00"},
		{"OKInvalidUTF8", "\xff\xfe"},
		{"OKControlAndSpaces", " \x1b\x00 "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if imp := tb.MustUpload(t, tb.tenant, tt.file, "email\na@b.example\n"); imp.FileName != "upload.csv" {
				t.Fatalf("file name %q, want upload.csv", imp.FileName)
			}
		})
	}
}
