package imports_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/onecloudai/contacts/internal/imports"
)

// TestPreamble: lines above the table are not its header. LinkedIn's
// Connections.csv starts with notes, a file made for Excel in a
// semicolon locale with "sep=;", a report with its title: the header is
// the row after them, the rows keep the numbers a spreadsheet shows, and a
// header narrower than its rows is still the header.
func TestPreamble(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.word
	notes := "Notes:\r\n\"When exporting your connection data, you may notice that some of the email addresses are missing. " +
		"You will only see email addresses for connections who have allowed their connections to see or download their email " +
		"address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here " +
		"https://www.linkedin.com/help/linkedin/answer/261\"\r\n\r\n"
	tests := []struct {
		name, body string
		skip       int
		delimiter  string
		columns    []string
		firstRow   int
		created    int
	}{
		{"LinkedInConnections", notes + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n" +
			fmt.Sprintf("Ann,Lee,https://www.linkedin.com/in/ann-%s,,Acme %s,CTO,12 Mar 2024\r\n", w, w) +
			fmt.Sprintf("Bob,Roe,https://www.linkedin.com/in/bob-%s,bob@%s.example,Foo,CEO,01 Jan 2023\r\n", w, w),
			2, ",", []string{"first_name", "last_name", "linkedin_url", "email", "company_name", "title", ""}, 5, 2},
		{"ExcelSepLine", "sep=;\nE-mail;Name;Firma, Ort\n" + fmt.Sprintf("sep1@%s.example;Zoë Müller;Acme, Berlin\n", w),
			1, ";", []string{"email", "full_name", ""}, 3, 1},
		{"ReportTitle", "Contacts export,,\nCreated 2024-03-01,,\nEmail,First Name,Last Name\n" +
			fmt.Sprintf("t1@%s.example,Ann,Lee\nt2@%s.example,Bob,Roe\n", w, w),
			2, ",", []string{"email", "first_name", "last_name"}, 4, 2},
		{"WorkbookTitle", xlsxOf(t, [][]any{{"Contacts Q3"}, {}, {"Email", "First Name"}, {"x1@" + w + ".example", "Ann"}}),
			1, ",", []string{"email", "first_name"}, 4, 1},
		// A title of several values (a report's name, date and owner)
		// above a header naming two fields or more, in a CSV file and a
		// workbook.
		{"ReportTitleWide", "Contacts report,Exported 2024-03-01,by Ann\nOwner: Ann,Region: EMEA,\n\nEmail,First Name,Last Name\n" +
			fmt.Sprintf("w1@%s.example,Ann,Lee\nw2@%s.example,Bob,Roe\n", w, w),
			2, ",", []string{"email", "first_name", "last_name"}, 5, 2},
		{"WorkbookTitleWide", xlsxOf(t, [][]any{{"Contacts Q3", "Exported 2024-10-01"}, {}, {"Email", "First Name"}, {"x2@" + w + ".example", "Ann"}}),
			1, ",", []string{"email", "first_name"}, 4, 1},
		// Not a preamble: a header narrower than its rows, and a file
		// whose first line is its only header.
		{"NarrowHeader", "Email\n" + fmt.Sprintf("n1@%s.example,extra\nn2@%s.example,extra\n", w, w),
			0, ",", []string{"email"}, 2, 0},
		{"PlainFile", "Email,Name\n" + fmt.Sprintf("p1@%s.example,Ann Lee\n", w),
			0, ",", []string{"email", "full_name"}, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp := tb.MustUpload(t, tb.tenant, tt.name, tt.body)
			if imp.Format.SkipRecords != tt.skip || imp.Format.Delimiter != tt.delimiter {
				t.Fatalf("format %+v, want %d records skipped and delimiter %q", imp.Format, tt.skip, tt.delimiter)
			}
			if !imp.Mapping.HasHeader || !slices.Equal(imp.Mapping.Columns, tt.columns) {
				t.Fatalf("header %v, columns %q, mapping %q; want %q", imp.Mapping.HasHeader, imp.Columns(), imp.Mapping.Columns, tt.columns)
			}
			prev := imp.Preview("DE")
			if len(prev) == 0 || prev[0].Row != tt.firstRow {
				t.Fatalf("preview %+v, want the first row %d", prev, tt.firstRow)
			}
			if tt.created == 0 {
				return
			}
			if imp.RowCount() != tt.created {
				t.Fatalf("%d rows, want %d", imp.RowCount(), tt.created)
			}
			done := tb.MustRun(t, tb.tenant, imp.ID, false)
			if done.Counts.Created != tt.created || done.Counts.Invalid != 0 || done.RowsDone != tt.created {
				t.Fatalf("counts %+v, rows done %d (%s)", done.Counts, done.RowsDone, done.Error)
			}
			recs := tb.records(t, tb.tenant, imp.ID)
			if recs[tt.firstRow].Outcome != imports.OutcomeCreated {
				t.Fatalf("records %+v", recs)
			}
			if tt.name == "LinkedInConnections" && !strings.Contains(recs[tt.firstRow].Contact.FirstName, "Ann") {
				t.Fatalf("row %d is %+v", tt.firstRow, recs[tt.firstRow].Contact)
			}
		})
	}
}

// TestPreambleNotData: rows of data above a row with one value that
// names a field ("Email" as a company's name) are no preamble.
func TestPreambleNotData(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	imp := tb.MustUpload(t, tb.tenant, "data.csv", "Ann,Lee,Acme "+tb.word+"\nBob,Roe,Email\nCy,Poe,Foo\n")
	if imp.Format.SkipRecords != 0 {
		t.Fatalf("format %+v, want no records skipped", imp.Format)
	}
}

// xlsxOf returns a workbook of rows on its first sheet.
func xlsxOf(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
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
}
