package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
)

// BenchmarkPush10k pushes 10,000 approved contacts through River workers
// (4 per queue, as in production) to the fake CRM limited to 100 requests
// per 10 s, on the wall clock, and reports the time from the push request
// to the last contact settled, the upserts and 429s it took, and that the
// CRM holds exactly one record per contact. BenchmarkPush20k doubles it
// (200 requests need two windows); BenchmarkPush10kTight allows only 25
// requests per 10 s, so waiting on the limit dominates (floor: the 4th
// window opens at 30 s). Figures are in docs/PERFORMANCE.md:
//
//	go test ./internal/crm -run '^$' -bench 'Push' -benchtime 1x -timeout 10m
func BenchmarkPush10k(b *testing.B) { benchPush(b, 10_000, 100) }

// BenchmarkPush20k is BenchmarkPush10k with 20,000 contacts.
func BenchmarkPush20k(b *testing.B) { benchPush(b, 20_000, 100) }

// BenchmarkPush10kTight is BenchmarkPush10k at 25 requests per 10 s.
func BenchmarkPush10kTight(b *testing.B) { benchPush(b, 10_000, 25) }

func benchPush(b *testing.B, n, limit int) {
	d, _ := dbtest.Fresh(b)
	workers := river.NewWorkers()
	var tbs []*testBundle
	for i := 0; i < b.N; i++ {
		tb := setupOn(b, d, setupOpts{realTime: true})
		tb.fake.SetRateLimit(limit, 10*time.Second)
		tb.MustConnect(b)
		tb.MustApproved(b, n)
		tbs = append(tbs, tb)
	}
	// One worker set for all tenants: each bundle's service is another
	// "process" view; the first one works the jobs.
	crm.RegisterWorkers(workers, tbs[0].svc)
	client, err := jobs.New(d, workers, jobs.Opts{Work: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := client.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = client.Stop(ctx) }()

	b.ResetTimer()
	var total time.Duration
	for _, tb := range tbs {
		start := time.Now()
		res, err := tb.svc.RequestPush(ctx, tb.tenantID, &tb.adminID, crm.PushParams{AllApprovedNotPushed: true})
		if err != nil {
			b.Fatal(err)
		}
		for {
			p, err := tb.svc.GetPush(ctx, tb.tenantID, *res.ID, crm.ItemParams{Limit: 1})
			if err != nil {
				b.Fatal(err)
			}
			if p.Queued+p.Paused == 0 {
				if p.Created != n {
					b.Fatalf("push %+v", p.Push)
				}
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		total += time.Since(start)
	}
	b.StopTimer()
	st := tbs[0].fake.Stats()
	for _, tb := range tbs {
		recs, live := tb.fake.Count(tb.account)
		if recs != n || live != n {
			b.Fatalf("CRM holds %d records (%d live) for %d contacts", recs, live, n)
		}
		tb.assertTruth(b)
	}
	secs := total.Seconds() / float64(len(tbs))
	b.ReportMetric(secs, "s/push")
	b.ReportMetric(float64(st.UpsertRequests), "upserts")
	b.ReportMetric(float64(st.RateLimited), "429s")
	b.ReportMetric(float64(st.MaxInFlight), "max-in-flight")
	b.ReportMetric(0, "duplicates")
}
