package cli

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/onecloudai/contacts/api"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/db/dbtest"
	"github.com/onecloudai/contacts/internal/jobs"
)

// TestSchedules: every sweep and prune the product promises runs on its
// schedule, on its queue and at most once a period. A domain's workers are
// tested where they live; this is what the serve and worker processes
// schedule (a prune left out, or made daily, would keep personal data past
// what the privacy policy says).
func TestSchedules(t *testing.T) {
	type want struct {
		interval   time.Duration
		runOnStart bool
		queue      string
		uniqueFor  time.Duration
	}
	wants := map[string]want{
		"contacts.compact_search_terms":     {time.Hour, false, jobs.QueueDefault, time.Hour},
		"imports.expire_files":              {time.Hour, true, jobs.QueueImports, time.Hour},
		"crm.sweep_abandoned_pushes":        {time.Hour, true, jobs.QueueCRM, time.Hour},
		"identity.prune":                    {time.Hour, false, jobs.QueueDefault, time.Hour},
		"mail.prune":                        {24 * time.Hour, false, jobs.QueueDefault, 24 * time.Hour},
		"billing.sweep_abandoned_checkouts": {time.Hour, false, jobs.QueueBilling, time.Hour},
		"idempotency.prune":                 {time.Hour, false, jobs.QueueDefault, time.Hour},
	}
	got := map[string]bool{}
	for _, s := range schedules() {
		kind := s.Args.Kind()
		w, ok := wants[kind]
		if !ok {
			t.Errorf("%s is scheduled but not in this test: add it with its interval", kind)
			continue
		}
		if got[kind] {
			t.Errorf("%s is scheduled twice", kind)
		}
		got[kind] = true
		if s.Interval != w.interval || s.RunOnStart != w.runOnStart {
			t.Errorf("%s: every %v, on start %v; want every %v, on start %v", kind, s.Interval, s.RunOnStart, w.interval, w.runOnStart)
		}
		a, ok := s.Args.(river.JobArgsWithInsertOpts)
		if !ok {
			t.Errorf("%s has no InsertOpts: it would run on the default queue and stack up", kind)
			continue
		}
		opts := a.InsertOpts()
		if opts.Queue != w.queue || !opts.UniqueOpts.ByArgs || opts.UniqueOpts.ByPeriod != w.uniqueFor {
			t.Errorf("%s: queue %q, unique by args %v for %v; want %q, once per %v", kind, opts.Queue,
				opts.UniqueOpts.ByArgs, opts.UniqueOpts.ByPeriod, w.queue, w.uniqueFor)
		}
	}
	for kind := range wants {
		if !got[kind] {
			t.Errorf("%s is not scheduled", kind)
		}
	}
}

// TestSchedulesHaveWorkers: the client serve and worker run has a worker
// for every job it schedules. River refuses to insert a kind no worker is
// registered for, so each schedule is inserted (and rolled back) through it.
func TestSchedulesHaveWorkers(t *testing.T) {
	d, dsn := dbtest.Fresh(t)
	t.Setenv("APP_ENV", "development")
	t.Setenv("DATABASE_URL", dsn)
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := newJobs(d, api.NewServices(cfg, log, d), log)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, s := range schedules() {
		tx, err := d.SQL.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.InsertTx(ctx, tx, s.Args, nil); err != nil {
			t.Errorf("%s: %v", s.Args.Kind(), err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
}
