package contacts_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// mustSaveMany creates n contacts of company co and saves them for tenant,
// in rounds of saves (several statements, so created_at differs between
// rounds and ties within one: the export's order breaks them by id).
// It returns the ids in the export's order: newest saved first.
func mustSaveMany(tb testing.TB, d *db.DB, tenant uuid.UUID, n, rounds int) []uuid.UUID {
	tb.Helper()
	ctx := context.Background()
	var order []uuid.UUID
	per := (n + rounds - 1) / rounds
	for r := 0; r < rounds && len(order) < n; r++ {
		k := min(per, n-len(order))
		ids := make([]uuid.UUID, k)
		for i := range ids {
			ids[i] = uuid.Must(uuid.NewV7())
		}
		if _, err := d.Pool.Exec(ctx, `INSERT INTO contacts (id, first_name, last_name, title, seniority, department, email,
				phone, city, country, source, company_name, industry, employee_range)
			SELECT id, 'Zoë ' || i, 'Müller-' || i, 'Head of Engineering', 'director', 'engineering',
				'zoe' || i || '@' || $2 || '.example', '+4930' || (1000000 + i), 'Köln', 'DE', 'test', 'Ärzte GmbH', 'Software', '51-200'
			FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, i)`, ids, tenant.String()[:8]); err != nil {
			tb.Fatalf("create contacts: %v", err)
		}
		if _, err := d.Pool.Exec(ctx, `INSERT INTO saved_contacts (tenant_id, contact_id) SELECT $1, unnest($2::uuid[])`,
			tenant, ids); err != nil {
			tb.Fatalf("save contacts: %v", err)
		}
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return -bytes.Compare(a[:], b[:]) })
		order = append(ids, order...)
	}
	return order
}

// connCheckWriter records, at every write the export makes, how many of
// the pool's connections are taken.
type connCheckWriter struct {
	d       *db.DB
	writes  int
	maxHeld int32
	buf     bytes.Buffer
}

func (w *connCheckWriter) Write(p []byte) (int, error) {
	w.writes++
	w.maxHeld = max(w.maxHeld, w.d.Pool.Stat().AcquiredConns())
	return w.buf.Write(p)
}

// TestExportHoldsNoConnectionWhileWriting: the export reads its rows in
// batches and writes each batch with no database connection taken, so a
// client that downloads slowly (or not at all, until the write timeout)
// does not keep one of the pool's few connections for minutes: a handful
// of such downloads took the whole pool, and every other request of the
// instance waited DB_ACQUIRE_TIMEOUT and failed with 503. The file is the
// same: every saved contact once, newest saved first, across batches.
func TestExportHoldsNoConnectionWhileWriting(t *testing.T) {
	t.Parallel()
	d, _ := dbtest.Fresh(t) // a pool of its own: nothing else takes its connections
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	tenant := MustCreateTenant(t, d, "DE")
	want := mustSaveMany(t, d, tenant, 2600, 3)

	w := &connCheckWriter{d: d}
	if err := svc.ExportSaved(context.Background(), tenant, contacts.SavedParams{}, contacts.ExportOptions{}, w); err != nil {
		t.Fatal(err)
	}
	if w.writes < 3 {
		t.Fatalf("the export wrote %d times; the test needs a file written in several pieces", w.writes)
	}
	if w.maxHeld != 0 {
		t.Fatalf("the export held %d database connection(s) while it wrote to the client", w.maxHeld)
	}
	recs, err := csv.NewReader(&w.buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := make([]uuid.UUID, 0, len(recs)-1)
	for _, r := range recs[1:] {
		got = append(got, uuid.MustParse(r[0]))
	}
	if fmtIDs(got) != fmtIDs(want) {
		t.Fatalf("the export has %d rows in another order or with repeats; want the %d saved, newest first", len(got), len(want))
	}
}

// heapPeakWriter discards the file and samples the heap every 256 writes.
type heapPeakWriter struct {
	n, bytes int
	peak     uint64
}

func (w *heapPeakWriter) Write(p []byte) (int, error) {
	if w.n++; w.n%256 == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		w.peak = max(w.peak, ms.HeapInuse)
	}
	w.bytes += len(p)
	return len(p), nil
}

// BenchmarkExportSaved streams a tenant's 10,000 and 50,000 saved contacts
// as CSV and reports the peak heap in use while writing (peak-heap-MB) next
// to the file's size: flat whatever the size (docs/PERFORMANCE.md).
//
//	go test ./internal/contacts -run '^$' -bench ExportSaved -benchtime 3x
func BenchmarkExportSaved(b *testing.B) {
	d, _ := dbtest.Fresh(b)
	svc := contacts.NewService(d, []byte("test-cursor-key-0123456789"))
	for _, n := range []int{10_000, 50_000} {
		tenant := MustCreateTenant(b, d, "DE")
		mustSaveMany(b, d, tenant, n, n/1000)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			var w *heapPeakWriter
			runtime.GC()
			start := time.Now()
			for b.Loop() {
				w = &heapPeakWriter{}
				if err := svc.ExportSaved(context.Background(), tenant, contacts.SavedParams{}, contacts.ExportOptions{BOM: true}, w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(w.bytes)/(1<<20), "file-MB")
			b.ReportMetric(float64(n)/(time.Since(start).Seconds()/float64(b.N)), "rows/s")
		})
	}
}

var _ io.Writer = (*heapPeakWriter)(nil)

// TestExportOfDeletedList: a list deleted while its export streams ends the
// export with ENOTFOUND, as the saved view's next page does, not with the
// rows read so far as if they were all; the audit records the export cut
// short.
func TestExportOfDeletedList(t *testing.T) {
	t.Parallel()
	b := setup(t)
	l := MustCreateList(t, b, b.tenant, "Going away")
	ids := mustSaveMany(t, b.db, b.tenant, 1500, 2)
	if _, err := b.db.Pool.Exec(b.ctx, `INSERT INTO list_members (tenant_id, list_id, contact_id) SELECT $1, $2, unnest($3::uuid[])`,
		b.tenant, l.ID, ids); err != nil {
		t.Fatal(err)
	}
	w := &deleteOnWrite{fn: func() {
		if err := b.svc.DeleteList(b.ctx, b.tenant, l.ID); err != nil {
			t.Error(err)
		}
	}}
	err := b.svc.ExportSaved(b.ctx, b.tenant, contacts.SavedParams{ListID: &l.ID}, contacts.ExportOptions{}, w)
	wantCode(t, err, apperr.ENOTFOUND)
	// The audit says what went out: the first batch, of the list (a
	// filter), not the whole file.
	var data map[string]any
	if err := b.db.Pool.QueryRow(b.ctx, `SELECT data FROM audit_events WHERE tenant_id = $1 AND action = 'saved_contacts.exported'`,
		b.tenant).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if data["rows"] != float64(1000) || data["complete"] != false || data["filtered"] != true || data["list_id"] != l.ID.String() {
		t.Fatalf("audited %v", data)
	}
}

type deleteOnWrite struct {
	fn   func()
	done bool
}

func (w *deleteOnWrite) Write(p []byte) (int, error) {
	if !w.done {
		w.done = true
		w.fn()
	}
	return len(p), nil
}

// TestExportRowHasEveryColumn: each column of the export holds its own
// field of the contact as the tenant sees it, the saved state, note and
// times included, and its lists in the order the workspace shows them.
func TestExportRowHasEveryColumn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	co := b.company(t, CompanyOpts{Industry: "Biotech", EmployeeRange: "11-50"})
	id := MustCreateContact(t, b.db, ContactOpts{FirstName: "Every", LastName: "Column", Title: "Head of Data", Seniority: "director",
		Department: "data", Email: "every@" + b.word + ".example", Phone: "+4930999888", City: "Lyon", Region: "Rhône",
		Country: "FR", LinkedIn: "https://linkedin.com/in/" + b.word, CompanyID: co})
	// A record older than its save: the two times differ in the file.
	if _, err := b.db.Pool.Exec(b.ctx, `UPDATE contacts SET updated_at = '2024-01-02T03:04:05Z' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	// Created out of their order: "List 10" sorts after "List 2".
	for _, name := range []string{"List 10", "List 2"} {
		if _, err := b.svc.AddListMembers(b.ctx, b.tenant, b.user, MustCreateList(t, b, b.tenant, name).ID, []uuid.UUID{id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.RejectSaved(b.ctx, b.tenant, b.user, []uuid.UUID{id}); err != nil {
		t.Fatal(err)
	}
	c, err := b.svc.SetSavedNotes(b.ctx, b.tenant, id, "call in May")
	if err != nil {
		t.Fatal(err)
	}
	if !c.UpdatedAt.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("updated_at = %v", c.UpdatedAt)
	}
	recs := b.mustExport(t)
	if len(recs) != 2 {
		t.Fatalf("csv = %q", recs)
	}
	got := map[string]string{}
	for i, col := range recs[0] {
		got[col] = recs[1][i]
	}
	want := map[string]string{"id": id.String(), "first_name": "Every", "last_name": "Column", "email": "every@" + b.word + ".example",
		"email_status": c.EmailStatus, "phone": "'+4930999888", "title": "Head of Data", "seniority": "director", "department": "data",
		"company_name": c.CompanyName, "company_domain": b.word + ".example", "industry": "Biotech", "employee_range": "11-50",
		"city": "Lyon", "region": "Rhône", "country": "FR", "linkedin_url": "https://linkedin.com/in/" + b.word,
		"saved_status": "rejected", "saved_at": c.SavedAt.Format(time.RFC3339), "lists": "List 2; List 10",
		"updated_at": c.UpdatedAt.Format(time.RFC3339), "notes": "call in May"}
	if len(got) != len(want) {
		t.Fatalf("columns %q, want %d", recs[0], len(want))
	}
	for col, w := range want {
		if got[col] != w {
			t.Errorf("%s = %q, want %q", col, got[col], w)
		}
	}
}
