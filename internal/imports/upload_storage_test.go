package imports_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/imports"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// MustCreateCapTenant creates a tenant on a package of its own whose file
// cap is capBytes, named name.
func MustCreateCapTenant(tb testing.TB, d *db.DB, name string, capBytes int64) uuid.UUID {
	tb.Helper()
	tenant := MustCreateTenant(tb, d, "")
	pkg := uuid.Must(uuid.NewV7())
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, `INSERT INTO packages (id, code, name, max_users, searches_per_month, max_contacts_per_query,
		api_requests_per_minute, import_rows_per_month, max_concurrent_jobs, crm_pushes_per_month, max_import_file_bytes)
		VALUES ($1, $2, $3, 1, 0, 1, 0, 1000, 1, 0, $4)`, pkg, "cap-"+pkg.String(), name, capBytes); err != nil {
		tb.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `INSERT INTO subscriptions (tenant_id, package_id, status, source) VALUES ($1, $2, 'active', 'manual')`,
		tenant, pkg); err != nil {
		tb.Fatal(err)
	}
	return tenant
}

// csvOfSize is a CSV file of exactly n bytes (n at least 64): a header and
// rows of one email each, the last padded to fill.
func csvOfSize(n int, word string) string {
	var b strings.Builder
	b.WriteString("Email\n")
	for i := 0; b.Len()+64 < n; i++ {
		fmt.Fprintf(&b, "p%d@%s.example\n", i, word)
	}
	b.WriteString("last@" + word + ".example")
	b.WriteString(strings.Repeat(" ", n-b.Len()-1))
	b.WriteString("\n")
	return b.String()
}

// unreadable is a body that must not be read.
type unreadable struct{ t *testing.T }

func (u unreadable) Read([]byte) (int, error) {
	u.t.Error("the body was read")
	return 0, io.EOF
}

// TestUploadFileCap: a file may be as large as its package's cap, not one
// byte more; a declared upload size may exceed the cap by the multipart
// envelope, and one over that is refused before the body is read.
func TestUploadFileCap(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	const capBytes = 100_000
	tenant := MustCreateCapTenant(t, tb.db, "Tiny", capBytes)
	atCap := csvOfSize(capBytes, tb.word)
	tests := []struct {
		name string
		body io.Reader
		size int64
		err  bool
	}{
		{"OKAtTheCap", strings.NewReader(atCap), -1, false},
		{"OKDeclaredWithTheEnvelope", strings.NewReader(atCap), capBytes + imports.EnvelopeBytes, false},
		{"ErrOneByteOver", strings.NewReader(atCap + "x"), -1, true},
		{"ErrOneByteOverDeclaredUnder", strings.NewReader(atCap + "x"), capBytes, true},
		{"ErrDeclaredOverTheEnvelope", unreadable{t}, capBytes + imports.EnvelopeBytes + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp, err := tb.svc.Upload(tb.ctx, tenant, imports.UploadParams{FileName: "cap.csv", Body: tt.body, Size: tt.size, UserID: &tb.user})
			if tt.err {
				wantCode(t, err, apperr.ETOOLARGE, "larger than the 100000 bytes limit of the Tiny package")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if imp.FileBytes != capBytes {
				t.Fatalf("stored %d bytes, want %d", imp.FileBytes, capBytes)
			}
		})
	}
}

// failingBody gives data, then fails with err, as a request body does
// when its client goes away or the server's body limit cuts it.
type failingBody struct {
	data string
	err  error
}

func (b *failingBody) Read(p []byte) (int, error) {
	if b.data == "" {
		return 0, b.err
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

// TestUploadBodyErrors: how an upload whose body fails is answered. A cut
// or broken body is the client's fault (EMALFORMED, a 400, not a 500); the
// server's request body limit is the file cap's 413; the handler's own
// refusal (an apperr) and a cancelled request pass through as they are.
func TestUploadBodyErrors(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	refusal := apperr.Invalid("The sheet field must come before the file in the multipart body.")
	tests := []struct {
		name  string
		err   error
		check func(t *testing.T, err error)
	}{
		{"Interrupted", io.ErrUnexpectedEOF, func(t *testing.T, err error) {
			wantCode(t, err, apperr.EMALFORMED, "interrupted")
		}},
		{"ServerBodyLimit", &http.MaxBytesError{Limit: 1 << 20}, func(t *testing.T, err error) {
			wantCode(t, err, apperr.ETOOLARGE, "limit of the Pro package")
		}},
		{"HandlerRefusal", refusal, func(t *testing.T, err error) {
			wantCode(t, err, apperr.EINVALID, "sheet field must come before")
		}},
		{"Cancelled", context.Canceled, func(t *testing.T, err error) {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want the cancellation", err)
			}
			if _, ok := apperr.As(err); ok {
				t.Fatalf("err = %v: a cancelled upload is not the client's mistake", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "cut.csv",
				Body: &failingBody{data: "Email\na@b.example\n", err: tt.err}, Size: -1, UserID: &tb.user})
			tt.check(t, err)
		})
	}
}

// TestUploadChunks: a file is stored in ChunkBytes pieces, numbered from
// 0, the last holding the rest (no empty one when the file fills its
// chunks), which together are the file as it was sent.
func TestUploadChunks(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tt := range []struct {
		name   string
		size   int
		chunks []int
	}{
		{"Exact", 2 * imports.ChunkBytes, []int{imports.ChunkBytes, imports.ChunkBytes}},
		{"WithARest", 2*imports.ChunkBytes + 123, []int{imports.ChunkBytes, imports.ChunkBytes, 123}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := csvOfSize(tt.size, tb.word+strings.ToLower(tt.name))
			imp := tb.MustUpload(t, tb.tenant, tt.name+".csv", body)
			rows, err := tb.db.Pool.Query(tb.ctx, `SELECT seq, data FROM import_files WHERE import_id = $1 ORDER BY seq`, imp.ID)
			if err != nil {
				t.Fatal(err)
			}
			var stored bytes.Buffer
			var sizes []int
			for rows.Next() {
				var seq int
				var data []byte
				if err := rows.Scan(&seq, &data); err != nil {
					t.Fatal(err)
				}
				if seq != len(sizes) {
					t.Fatalf("chunk %d numbered %d", len(sizes), seq)
				}
				sizes = append(sizes, len(data))
				stored.Write(data)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tt.chunks) || imp.FileChunks != len(tt.chunks) || imp.FileBytes != int64(tt.size) {
				t.Fatalf("chunks %v (%d counted, %d bytes), want %v", sizes, imp.FileChunks, imp.FileBytes, tt.chunks)
			}
			if stored.String() != body {
				t.Fatal("the stored file differs from the upload")
			}
			want := strings.Count(body, "\n") - 1
			if imp.RowCount() != want {
				t.Fatalf("%d rows counted, want %d", imp.RowCount(), want)
			}
		})
	}
}

// TestUploadSniffsAWholeFileOfSniffBytes: a file of exactly SniffBytes is
// sniffed as a whole file, not as the start of a longer one: its last
// line break is one, not a CRLF cut in two, so a classic Mac file (CR
// only) reads as such and not as mixed line endings.
func TestUploadSniffsAWholeFileOfSniffBytes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	body := strings.ReplaceAll(csvOfSize(imports.SniffBytes, tb.word), "\n", "\r")
	imp := tb.MustUpload(t, tb.tenant, "mac.csv", body)
	if imp.FileBytes != imports.SniffBytes || imp.Format.LineEnding != imports.LineCR {
		t.Fatalf("%d bytes read with line endings %q, want %d with %q", imp.FileBytes, imp.Format.LineEnding, imports.SniffBytes, imports.LineCR)
	}
	if want := strings.Count(body, "\r") - 1; imp.RowCount() != want {
		t.Fatalf("%d rows, want %d", imp.RowCount(), want)
	}
}

// TestUploadPreflight: what the preflight keeps and refuses. It keeps the
// header and PreviewRows rows, each field cut to 4,096 characters (the
// sample is stored with the import and sent with it); it refuses a file
// whose first row holds binary data (a NUL) even when the rest reads as text; and
// the upload is audited under its tenant (a platform import under none).
func TestUploadPreflight(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	t.Run("SampleKept", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		b.WriteString("Email,Notes\n")
		for i := range imports.PreviewRows + 10 {
			fmt.Fprintf(&b, "s%d@%s.example,%s\n", i, tb.word, strings.Repeat("z", 5000))
		}
		imp := tb.MustUpload(t, tb.tenant, "sample.csv", b.String())
		if len(imp.Sample) != imports.PreviewRows+1 || imp.Sample[0].Num != 1 || imp.Sample[1].Num != 2 {
			t.Fatalf("%d sample records, want the header and %d rows", len(imp.Sample), imports.PreviewRows)
		}
		if got := imp.Sample[1].Fields[1]; got != strings.Repeat("z", 4096)+"…" {
			t.Fatalf("a 5,000-character field kept as %d bytes", len(got))
		}
	})
	t.Run("ErrBinaryFirstRow", func(t *testing.T) {
		t.Parallel()
		// A UTF-8 sample with a NUL is refused by Sniff; UTF-16 text may
		// hold one character U+0000 among many.
		body := utf16Of("Em\x00ail,Name\n"+strings.Repeat("b@"+tb.word+".example,Ann Lee\n", 20), false, true)
		_, err := tb.svc.Upload(tb.ctx, tb.tenant, imports.UploadParams{FileName: "nul.csv", Body: bytes.NewReader(body), Size: -1, UserID: &tb.user})
		wantCode(t, err, apperr.EINVALID, "binary data")
	})
	for _, tt := range []struct {
		name   string
		tenant uuid.UUID
	}{{"AuditedUnderTheTenant", tb.tenant}, {"AuditedPlatform", imports.Platform}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			imp, err := tb.svc.Upload(tb.ctx, tt.tenant, imports.UploadParams{FileName: "audit.csv",
				Body: strings.NewReader("Email\na@" + tb.word + ".example\n"), Size: -1})
			if err != nil {
				t.Fatal(err)
			}
			var tenant *uuid.UUID
			if err := tb.db.Pool.QueryRow(tb.ctx, `SELECT tenant_id FROM audit_events WHERE action = 'import.uploaded' AND target_id = $1`,
				imp.ID.String()).Scan(&tenant); err != nil {
				t.Fatal(err)
			}
			if want := tt.tenant; (want == imports.Platform) != (tenant == nil) || tenant != nil && *tenant != want {
				t.Fatalf("audited under tenant %v, want %v", tenant, want)
			}
		})
	}
}
