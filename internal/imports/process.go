package imports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/jobs"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// WaitError asks the queue to run an import's job again after After: the
// tenant's concurrency slots are taken, another worker holds the import,
// this process runs its maximum, or this run handed the import back
// (After 0) to stay within the job timeout.
type WaitError struct {
	After  time.Duration
	Reason string
}

func (e *WaitError) Error() string { return "imports: wait " + e.After.String() + ": " + e.Reason }

// errCancelled ends a run whose import was cancelled.
var errCancelled = errors.New("imports: cancelled")

// producerRows is how many rows the reader hands over at a time.
const producerRows = 1000

// Work runs one import until it completes, fails, is cancelled or must
// wait (*WaitError); an error means a transient failure after which the
// job runs again and resumes. It is what the River worker calls; tests
// call it directly.
func (s *Service) Work(ctx context.Context, importID uuid.UUID) error {
	return s.work(ctx, importID, false)
}

func (s *Service) work(ctx context.Context, id uuid.UUID, lastTry bool) error {
	imp, err := loadImportByID(ctx, s.db.Gorm, id, false)
	if apperr.Is(err, apperr.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	if imp.Status != StatusQueued && imp.Status != StatusRunning {
		return nil // cancelled while queued, or a stray job
	}
	// One of this process's places (MaxRunning), shared fairly between
	// tenants (places).
	if !s.places.take(imp.TenantID) {
		return &WaitError{After: placeWait, Reason: "this process works its maximum number of imports, or another tenant's import goes first"}
	}
	yielded := false
	defer func() { s.places.leave(imp.TenantID, yielded) }()
	sess, err := s.openSession(ctx)
	if err != nil {
		return err
	}
	defer sess.close()
	// One worker per import: the lock is a session's, so it goes away with
	// a worker that dies, and a rescued job finds it free.
	if ok, err := sess.tryLock(ctx, id); err != nil {
		return err
	} else if !ok {
		return &WaitError{After: 5 * time.Second, Reason: "another worker runs this import"}
	}
	if imp, err = loadImportByID(ctx, s.db.Gorm, id, false); err != nil {
		return err
	}
	if imp.CancelRequested {
		return s.finish(ctx, imp, StatusCancelled, "")
	}
	claimed, err := s.claim(ctx, imp)
	switch {
	case errors.Is(err, errGone):
		return nil
	case err != nil:
		return suspendedWait(err)
	case !claimed:
		return &WaitError{After: 2 * time.Second, Reason: "the tenant's concurrent job limit is reached"}
	}
	defer s.release(ctx, imp)
	r, err := s.newRunner(ctx, sess, imp)
	if err != nil {
		return s.failOrRetry(ctx, imp, err, lastTry)
	}
	err = r.run(ctx)
	yielded = r.yielded
	var wait *WaitError
	switch {
	case err == nil:
		return s.finish(ctx, imp, StatusCompleted, r.note())
	case errors.As(err, &wait):
		return err
	case r.cancelled.Load() || errors.Is(err, errCancelled):
		return s.finish(ctx, imp, StatusCancelled, "")
	}
	return s.failOrRetry(ctx, imp, err, lastTry)
}

// failOrRetry ends the import as failed when err is final (a domain error
// such as a used-up quota, or the last attempt), else hands it back. An
// import stopped by its quota records when the quota resets: its file is
// kept until the retention period after that (ExpireFiles), so that it
// can resume then, as its error says.
func (s *Service) failOrRetry(ctx context.Context, imp *Import, err error, lastTry bool) error {
	if e, ok := apperr.As(err); ok && e.Code != apperr.EINTERNAL {
		var out *limits.Exhausted
		if errors.As(err, &out) {
			return s.finishWith(ctx, imp, StatusFailed, e.Message, map[string]any{"quota_reset_at": out.Quota.ResetAt})
		}
		return s.finish(ctx, imp, StatusFailed, e.Message)
	}
	if ctx.Err() != nil {
		// The worker is stopping (River runs the job again without counting
		// the attempt) or the attempt ran out of time: the next attempt
		// resumes. Out of time on the last attempt, nothing would run it
		// again, and the import would show running for good: it fails.
		err = jobs.ContextErr(ctx, err)
		if !lastTry || jobs.Interrupted(ctx, err) {
			return err
		}
		s.log.ErrorContext(ctx, "import failed", "import_id", imp.ID.String(), "final", true, "error", err)
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return s.finish(fctx, imp, StatusFailed, "The import ran out of time on its last attempt. "+
			"Rows merged so far are kept; start it again to resume, or contact support quoting the import id.")
	}
	s.log.ErrorContext(ctx, "import failed", "import_id", imp.ID.String(), "final", lastTry, "error", err)
	if lastTry {
		return s.finish(ctx, imp, StatusFailed, "The import stopped after repeated internal errors. "+
			"Rows merged so far are kept; start it again to resume, or contact support quoting the import id.")
	}
	return err
}

var errGone = errors.New("imports: the import is no longer waiting")

// suspendedWait turns limits.ErrSuspended into a wait: a suspended
// tenant's import neither runs nor fails, and goes on once the tenant is
// reactivated. Other errors pass through.
func suspendedWait(err error) error {
	if errors.Is(err, limits.ErrSuspended) {
		return &WaitError{After: limits.SuspendedWait, Reason: "the tenant is suspended"}
	}
	return err
}

// slotHolder names an import's job slot (limits.ClaimJobSlot).
func slotHolder(id uuid.UUID) string { return "import:" + id.String() }

// claim takes one of the tenant's job slots (max_concurrent_jobs, shared
// with CRM pushes; platform imports run one at a time): the import goes
// from queued to running, or stays queued when the slots are taken. The
// slot is renewed with the heartbeat, so a running import whose worker
// died holds none after StaleAfter. The caller releases it (release).
func (s *Service) claim(ctx context.Context, imp *Import) (bool, error) {
	if !imp.IsPlatform() {
		got, err := s.limits.ClaimJobSlot(ctx, imp.TenantID, slotHolder(imp.ID), s.opts.StaleAfter)
		if err != nil {
			return false, err
		}
		if !got {
			return false, updateImport(ctx, s.db.Gorm, imp.ID, map[string]any{"phase": "waiting_for_slot"})
		}
	}
	ok := false
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		if imp.IsPlatform() {
			if err := lockPlatformSlot(ctx, tx); err != nil {
				return err
			}
		}
		cur, err := loadImportByID(ctx, tx, imp.ID, true)
		if err != nil {
			return err
		}
		if cur.Status != StatusQueued && cur.Status != StatusRunning {
			imp.Status = cur.Status
			return errGone
		}
		if imp.IsPlatform() {
			n, err := countRunningPlatform(ctx, tx, imp.ID, s.opts.StaleAfter)
			if err != nil {
				return err
			}
			if n >= 1 {
				return updateImport(ctx, tx, imp.ID, map[string]any{"phase": "waiting_for_slot"})
			}
		}
		ok = true
		now := time.Now().UTC()
		set := map[string]any{"status": StatusRunning, "heartbeat_at": now, "phase": "starting"}
		if cur.StartedAt == nil {
			set["started_at"] = now
		}
		return updateImport(ctx, tx, imp.ID, set)
	})
	if !ok {
		s.release(ctx, imp)
	}
	return ok, err
}

// release gives the import's job slot back (platform imports hold none).
func (s *Service) release(ctx context.Context, imp *Import) {
	if imp.IsPlatform() {
		return
	}
	if err := s.limits.ReleaseJobSlot(ctx, imp.TenantID, slotHolder(imp.ID)); err != nil {
		s.log.WarnContext(ctx, "release import job slot", "import_id", imp.ID.String(), "error", err)
	}
}

// finish records how a run ended (only while it is still running or
// queued) and cleans up after it.
func (s *Service) finish(ctx context.Context, imp *Import, status, msg string) error {
	return s.finishWith(ctx, imp, status, msg, nil)
}

// finishWith is finish that also sets the columns of set.
func (s *Service) finishWith(ctx context.Context, imp *Import, status, msg string, set map[string]any) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	wrote, changed := false, false
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		cur, err := loadImportByID(ctx, tx, imp.ID, true)
		if err != nil {
			return err
		}
		if cur.Status != StatusRunning && cur.Status != StatusQueued {
			return nil
		}
		changed = true
		wrote = !cur.DryRun && cur.Counts.Created+cur.Counts.Updated > 0
		cols := map[string]any{"status": status, "phase": status,
			"finished_at": time.Now().UTC(), "error": msg, "eta_seconds": nil, "heartbeat_at": nil}
		maps.Copy(cols, set)
		if err := updateImport(ctx, tx, imp.ID, cols); err != nil {
			return err
		}
		if status != StatusFailed {
			// A failed run may resume; its keys save the rebuild.
			if err := dropKeys(ctx, tx, imp.ID); err != nil {
				return err
			}
		}
		// A failed run may resume from its file, and a dry run's file is
		// the one the real run reads.
		if (status == StatusCompleted || status == StatusCancelled) && !cur.DryRun {
			if err := deleteFile(ctx, tx, imp.TenantID, imp.ID); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: auditTenant(imp.TenantID), Action: "import." + status,
			TargetType: "import", TargetID: imp.ID.String(), ActorLabel: "worker",
			Data: map[string]any{"dry_run": cur.DryRun, "rows_done": cur.RowsDone, "created": cur.Counts.Created,
				"matched": cur.Counts.Matched, "updated": cur.Counts.Updated, "duplicate": cur.Counts.Duplicate,
				"invalid": cur.Counts.Invalid, "error": msg}})
	})
	if err == nil && changed {
		s.metrics.finish(status)
	}
	if err == nil && wrote {
		s.flushSearchIndex(ctx, imp.ID)
	}
	return err
}

// flushSearchIndex merges the search index's pending list into the index
// proper. The GIN index takes new contacts into a pending list (fast
// inserts) that every search reads through until it is merged; after an
// import it holds up to gin_pending_list_limit (4 MB) until autovacuum
// comes by, and a 2 MB list cost searches about a tenth of their time
// (docs/PERFORMANCE.md). Best effort: the index works either way.
func (s *Service) flushSearchIndex(ctx context.Context, id uuid.UUID) {
	if err := s.db.Gorm.WithContext(ctx).Exec(`SELECT gin_clean_pending_list('contacts_search_doc'::regclass)`).Error; err != nil {
		s.log.WarnContext(ctx, "flush the search index's pending list", "import_id", id.String(), "error", err)
	}
}

// ImportSessionName is the application_name of a worker's import session.
const ImportSessionName = "contacts-import"

// session is a database connection of the worker's own, outside the
// shared pool: a long import must not starve the API of connections, its
// temporary batch table lives in it, and its advisory lock dies with it.
type session struct {
	sqlDB  *sql.DB
	conn   *sql.Conn
	g      *gorm.DB // bound to conn
	pid    uint32
	lockID uuid.UUID
	locked bool
}

func (s *Service) openSession(ctx context.Context) (*session, error) {
	cfg := s.db.Pool.Config().ConnConfig.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = ImportSessionName // pg_stat_activity shows what it is
	// Each batch's statements see new data (the batch table's rows, the
	// contacts merged so far): they are planned for every execution
	// rather than run from a cached prepared statement whose generic plan
	// would not see it. This is per statement, not plan_cache_mode for the
	// session: that would also re-plan the foreign-key checks' cached
	// plans for every row written (a quarter of the session's CPU when it
	// was set; docs/PERFORMANCE.md).
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("imports: connect: %w", err)
	}
	ss := &session{sqlDB: sqlDB, conn: conn}
	if err := ss.pgx(func(c *pgx.Conn) error { ss.pid = c.PgConn().PID(); return nil }); err != nil {
		ss.close()
		return nil, err
	}
	for _, set := range []string{
		// A batch's plans cost little to run but look expensive (a million
		// contacts); compiling them costs more than it saves.
		`SET jit = off`,
		// A batch commits with its records and the import's counters, so a
		// commit lost in a crash is replayed whole on resume: waiting for
		// the WAL flush buys nothing.
		`SET synchronous_commit = off`,
	} {
		if _, err := conn.ExecContext(ctx, set); err != nil {
			ss.close()
			return nil, fmt.Errorf("imports: session: %w", err)
		}
	}
	g := s.db.Gorm.Session(&gorm.Session{NewDB: true, Context: ctx})
	g.Statement.ConnPool = conn
	ss.g = g
	return ss, nil
}

// pgx runs f on the session's pgx connection (COPY), inside whatever
// transaction database/sql has open on it.
func (ss *session) pgx(f func(*pgx.Conn) error) error {
	return ss.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("imports: not a pgx connection")
		}
		return f(c.Conn())
	})
}

func (ss *session) tryLock(ctx context.Context, id uuid.UUID) (bool, error) {
	var ok bool
	if err := ss.conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, "import:"+id.String()).
		Scan(&ok); err != nil {
		return false, fmt.Errorf("imports: lock: %w", err)
	}
	ss.locked, ss.lockID = ok, id
	return ok, nil
}

func (ss *session) close() {
	if ss.locked {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = ss.conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, "import:"+ss.lockID.String())
		cancel()
	}
	_ = ss.conn.Close()
	_ = ss.sqlDB.Close() // closing the connection drops its temporary table
}

// runner is one run of an import.
type runner struct {
	s        *Service
	sess     *session
	imp      *Import
	platform bool
	tkey     uuid.UUID
	norm     *normalizer
	keys     string // the import's key table
	sql      batchSQL
	began    time.Time
	rebuild  bool
	// keysThrough is the last row whose keys the key table held when the
	// run began; a rebuild registers the rows after it.
	keysThrough int
	// resumeAfter is merged_through when the run began: the reader skips
	// (or, with rebuild, re-registers) the rows up to it. The merger moves
	// imp.MergedThrough on meanwhile; the reader must not read that.
	resumeAfter int
	// analyzedRows is the batch size the batch table's statistics are of.
	analyzedRows int

	// yielded says the run handed its place back to another tenant's
	// import (places.yield).
	yielded bool

	cancelled atomic.Bool
	// listGone says the target list was deleted: the rows go on without
	// it (they are saved; there is no list to join), and the completed
	// import says so (note).
	listGone atomic.Bool
	done     atomic.Int64 // rows merged
	phase    atomic.Value // string

	mu      sync.Mutex
	samples []progressSample
}

type progressSample struct {
	at   time.Time
	done int64
}

func (s *Service) newRunner(ctx context.Context, sess *session, imp *Import) (*runner, error) {
	region, err := tenantRegion(ctx, s.db.Gorm, imp.TenantID)
	if err != nil {
		return nil, err
	}
	r := &runner{s: s, sess: sess, imp: imp, platform: imp.IsPlatform(), tkey: tenantKey(imp.TenantID),
		norm: newNormalizer(imp.Mapping, imp.ColumnCount(), region).withNumeric(imp.Format.NumericColumns), keys: keysTable(imp.ID), began: time.Now()}
	r.sql = newBatchSQL(imp.Mapping, r.keys, r.platform, imp.ID, imp.CreatedAt)
	r.phase.Store("starting")
	r.done.Store(int64(imp.RowsDone)) // before the watcher's first progress sample
	if imp.Mapping.ListID != nil {
		ok, err := listExists(ctx, s.db.Gorm, imp.TenantID, *imp.Mapping.ListID)
		if err != nil {
			return nil, err
		}
		r.listGone.Store(!ok)
	}
	return r, nil
}

// listDeletedNote is what a completed import says when its target list was
// deleted before or while it ran.
const listDeletedNote = "The target list was deleted while the import ran: every row was imported " +
	"(and its contact saved), but the rows merged after the deletion joined no list."

// note is what the completed run says besides its counts.
func (r *runner) note() string {
	if r.listGone.Load() && !r.imp.DryRun {
		return listDeletedNote
	}
	if r.listGone.Load() {
		return "The target list was deleted: choose another list (or none) before starting the import."
	}
	return ""
}

type batchMsg struct {
	rows     []row
	register bool // rows merged before: only put their keys back
}

// run merges every row after merged_through, batch by batch.
func (r *runner) run(ctx context.Context) error {
	ctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// Whatever ends the run stops the reader and the watcher first.
	defer func() {
		stop()
		wg.Wait()
	}()
	// The watcher starts before prepare: clearing a large dry run's
	// records takes a while, and all the while the import keeps its
	// heartbeat and its job slot (a slot that expired would let another
	// job of the tenant start beside it) and hears a cancel.
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.watch(ctx)
	}()
	if err := r.prepare(ctx); err != nil {
		return err
	}
	in := make(chan batchMsg, 8)
	prodErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		prodErr <- r.produce(ctx, in)
	}()

	target := r.s.opts.BatchRows
	var pending []row
	// merge merges pending rows in batches of the target size; all of them
	// when the file is read to its end.
	merge := func(all bool) error {
		for len(pending) >= target || (all && len(pending) > 0) {
			n := min(target, len(pending))
			t0 := time.Now()
			if err := r.batch(ctx, pending[:n]); err != nil {
				return err
			}
			target = adapt(target, n, time.Since(t0), r.s.opts)
			pending = append(pending[:0], pending[n:]...)
			if r.cancelled.Load() {
				return errCancelled
			}
		}
		return nil
	}
	for {
		if r.cancelled.Load() {
			return errCancelled
		}
		if time.Since(r.began) > r.s.opts.YieldAfter {
			if err := merge(true); err != nil {
				return err
			}
			return &WaitError{After: 0, Reason: "the run handed the import back to stay within the job timeout"}
		}
		if !r.yielded && r.s.places.yield(r.imp.TenantID) {
			r.yielded = true
			if err := merge(true); err != nil {
				return err
			}
			return &WaitError{After: placeWait, Reason: "the run handed its place to another tenant's import"}
		}
		var msg batchMsg
		var ok bool
		select {
		case msg, ok = <-in:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			if err := merge(true); err != nil {
				return err
			}
			if err := <-prodErr; err != nil {
				return err
			}
			return nil
		}
		if msg.register {
			r.phase.Store("rebuilding")
			if err := r.register(ctx, msg.rows); err != nil {
				return err
			}
			continue
		}
		r.phase.Store("merging")
		pending = append(pending, msg.rows...)
		if err := merge(false); err != nil {
			return err
		}
	}
}

// adapt sizes the next batch so that it takes about the target time.
func adapt(cur, n int, took time.Duration, o Options) int {
	if took <= 0 || n == 0 {
		return cur
	}
	want := int(float64(n) * float64(o.BatchTarget) / float64(took))
	next := (cur + want) / 2
	return max(o.MinBatchRows, min(o.MaxBatchRows, next))
}

// prepare clears an earlier run's records when asked, makes sure the key
// table and the batch table exist, and finds out whether the key table
// must be rebuilt, and from which row (PostgreSQL emptied it in a crash,
// or a rebuild stopped part-way).
func (r *runner) prepare(ctx context.Context) error {
	if r.imp.ResetPending {
		err := r.s.db.WithTx(ctx, func(tx *gorm.DB) error {
			if err := deleteRecords(ctx, tx, r.tkey, r.imp.ID); err != nil {
				return err
			}
			if err := dropKeys(ctx, tx, r.imp.ID); err != nil {
				return err
			}
			return updateImport(ctx, tx, r.imp.ID, map[string]any{"reset_pending": false})
		})
		if err != nil {
			return err
		}
		r.imp.ResetPending = false
	}
	var old bool
	if err := r.sess.conn.QueryRowContext(ctx, oldKeysSQL, r.keys).Scan(&old); err != nil {
		return fmt.Errorf("imports: prepare: %w", err)
	}
	if old {
		if _, err := r.sess.conn.ExecContext(ctx, `DROP TABLE `+r.keys); err != nil {
			return fmt.Errorf("imports: prepare: %w", err)
		}
	}
	for _, q := range []string{
		`CREATE UNLOGGED TABLE IF NOT EXISTS ` + r.keys + ` (LIKE import_keys INCLUDING ALL)`,
		`CREATE TEMP TABLE IF NOT EXISTS import_batch_rows (LIKE import_batch INCLUDING ALL) ON COMMIT DELETE ROWS`,
	} {
		if _, err := r.sess.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("imports: prepare: %w", err)
		}
	}
	r.resumeAfter = r.imp.MergedThrough
	// The key table's marker row says up to which row it holds the keys;
	// every batch and every rebuild transaction moves it with the keys it
	// adds. Without it (a new table, or PostgreSQL emptied it in a crash)
	// the table starts over; behind merged_through (a rebuild stopped
	// part-way: a hand-back, a shutdown, an error) the rebuild goes on
	// from there. A table without the keys of some merged rows would make
	// later repeats of them matched or created instead of duplicates.
	through, err := keysThrough(ctx, r.sess.conn, r.keys)
	if err != nil {
		return err
	}
	if through < 0 || through > r.resumeAfter { // no marker, or keys of rows not merged (any more): start over
		if _, err := r.sess.conn.ExecContext(ctx, `TRUNCATE `+r.keys); err != nil {
			return fmt.Errorf("imports: clear keys: %w", err)
		}
		if _, err := r.sess.conn.ExecContext(ctx, markKeysSQL(r.keys), 0); err != nil {
			return fmt.Errorf("imports: clear keys: %w", err)
		}
		through = 0
	}
	r.keysThrough = through
	r.rebuild = through < r.resumeAfter
	return nil
}

// produce reads the file from the database and sends normalized rows.
func (r *runner) produce(ctx context.Context, out chan<- batchMsg) error {
	defer close(out)
	send := func(m batchMsg) error {
		select {
		case out <- m:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	rd := r.imp.Format.NewReader(&fileReader{ctx: ctx, pool: r.s.db.Pool, tenant: r.tkey, id: r.imp.ID, chunks: r.imp.FileChunks})
	skipHeader := r.imp.Mapping.HasHeader
	var rows, reg []row
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if skipHeader {
			skipHeader = false
			continue
		}
		if rec.Num <= r.resumeAfter {
			if r.rebuild && rec.Num > r.keysThrough {
				if reg = append(reg, r.norm.row(rec)); len(reg) == producerRows {
					if err := send(batchMsg{rows: reg, register: true}); err != nil {
						return err
					}
					reg = nil
				}
			}
			continue
		}
		if len(reg) > 0 {
			if err := send(batchMsg{rows: reg, register: true}); err != nil {
				return err
			}
			reg = nil
		}
		if rows = append(rows, r.norm.row(rec)); len(rows) == producerRows {
			if err := send(batchMsg{rows: rows}); err != nil {
				return err
			}
			rows = nil
		}
	}
	if len(reg) > 0 {
		if err := send(batchMsg{rows: reg, register: true}); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		return send(batchMsg{rows: rows})
	}
	return nil
}

// watch polls for a cancel every CancelPollEvery (and then cancels the
// running statement, so the import stops within a poll plus a rollback)
// and writes the heartbeat, rate and ETA every ProgressEvery.
func (r *runner) watch(ctx context.Context) {
	poll := time.NewTicker(r.s.opts.CancelPollEvery)
	defer poll.Stop()
	last := time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		}
		var cancel bool
		var status string
		err := r.s.db.Pool.QueryRow(ctx, `SELECT cancel_requested, status FROM imports WHERE id = $1`, r.imp.ID).Scan(&cancel, &status)
		if err == nil && (cancel || status != StatusRunning) {
			r.cancelled.Store(true)
			_, _ = r.s.db.Pool.Exec(ctx, `SELECT pg_cancel_backend($1)`, int32(r.sess.pid))
		}
		if time.Since(last) >= r.s.opts.ProgressEvery {
			last = time.Now()
			if err := r.writeProgress(ctx); err != nil && ctx.Err() == nil {
				r.s.log.WarnContext(ctx, "import progress", "import_id", r.imp.ID.String(), "error", err)
			}
		}
	}
}

// writeProgress stores the heartbeat, phase, recent rate and ETA.
func (r *runner) writeProgress(ctx context.Context) error {
	now := time.Now()
	done := r.done.Load()
	r.mu.Lock()
	r.samples = append(r.samples, progressSample{at: now, done: done})
	for len(r.samples) > 2 && now.Sub(r.samples[1].at) >= 10*time.Second {
		r.samples = r.samples[1:]
	}
	first := r.samples[0]
	r.mu.Unlock()
	rate := 0.0
	if dt := now.Sub(first.at).Seconds(); dt > 0.5 {
		rate = float64(done-first.done) / dt
	}
	var eta *int
	if rate > 0 {
		left := int((float64(int64(r.imp.RowsTotal)-done) / rate) + 0.5)
		eta = &left
	}
	phase, _ := r.phase.Load().(string)
	if _, err := r.s.db.Pool.Exec(ctx, `UPDATE imports SET heartbeat_at = now(), updated_at = now(), rate = $2,
		eta_seconds = $3, phase = $4 WHERE id = $1 AND status = 'running'`, r.imp.ID, rate, eta, phase); err != nil {
		return err
	}
	if r.platform {
		return nil
	}
	return r.s.limits.RenewJobSlot(ctx, r.imp.TenantID, slotHolder(r.imp.ID), r.s.opts.StaleAfter)
}

// rowContactID is the id a row's new contact gets: UUIDv7 with the
// import's creation time, then the row number where the random bits go
// first (so one import's ids ascend), then a tag of the import (two bytes
// of a hash of its id, which createdBySQL recognizes with the time), and
// 26 bits of a hash of the import id and the row number. The same row of
// the same import always gets the same id, which is what makes a replayed
// batch write nothing twice. The last bits are what make the ids of one
// import unguessable from one another: the import id is random and never
// shown to whoever may read the contacts (platform imports' to staff only),
// so one id found by a search does not name the import's other contacts,
// which GET contacts/{id} would then read without a search. (The ids used
// to end in five bytes of the import's hash: every id of an import followed
// from any one of them by its row number.)
func rowContactID(importID uuid.UUID, created time.Time, num int) uuid.UUID {
	var u uuid.UUID
	ms := uint64(created.UnixMilli())
	binary.BigEndian.PutUint64(u[0:8], ms<<16)
	n := uint32(num)
	u[6] = 0x70 | byte(n>>28)
	u[7] = byte(n >> 20)
	u[8] = 0x80 | byte(n>>14)&0x3f
	u[9] = byte(n >> 6)
	tag := importTag(importID)
	var in [20]byte
	copy(in[:16], importID[:])
	binary.BigEndian.PutUint32(in[16:], n)
	r := sha256.Sum256(in[:])
	u[10] = byte(n&0x3f)<<2 | r[0]&0x03
	copy(u[11:13], tag[:])
	copy(u[13:], r[1:4])
	return u
}

// importTag is the two bytes that every contact id an import creates
// holds at bytes 11 and 12 (rowContactID). They are the bytes that ids
// made before the per-row bits held there too, so an import resumed
// across the change still recognizes the contacts it created before it.
func importTag(importID uuid.UUID) [2]byte {
	h := sha256.Sum256(importID[:])
	return [2]byte{h[1], h[2]}
}

// createdBySQL is a SQL condition on the contact id col: the contact is
// one that the import (importID, created at created) created, by the time
// and the tag of rowContactID.
func createdBySQL(col string, importID uuid.UUID, created time.Time) string {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(created.UnixMilli())<<16)
	tag := importTag(importID)
	return fmt.Sprintf(`(substring(uuid_send(%s) from 1 for 6) = '\x%x'::bytea AND substring(uuid_send(%s) from 12 for 2) = '\x%x'::bytea)`,
		col, ts[:6], col, tag[:])
}

// copyRows loads rows into the session's batch table. Their name keys are
// computed there (a generated column, migration 00023), folded exactly as
// matching folds a contact's name and company.
func (r *runner) copyRows(ctx context.Context, rows []row) error {
	src := &rowSource{rows: rows, imp: r.imp, i: -1}
	return r.sess.pgx(func(c *pgx.Conn) error {
		_, err := c.CopyFrom(ctx, pgx.Identifier{"import_batch_rows"}, batchColumns, src)
		return err
	})
}

var batchColumns = []string{"row_num", "usable", "errors", "warnings", "raw", "first_name", "last_name", "email", "phone", "title",
	"seniority", "department", "company_name", "company_domain", "email_domain", "linkedin_url", "city", "region",
	"country", "new_id"}

type rowSource struct {
	rows []row
	imp  *Import
	i    int
	vals []any
}

func (s *rowSource) Next() bool {
	s.i++
	return s.i < len(s.rows)
}

func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func (s *rowSource) Values() ([]any, error) {
	r := &s.rows[s.i]
	var errs, warns, raw any
	if len(r.Errors) > 0 {
		b, err := json.Marshal(r.Errors)
		if err != nil {
			return nil, err
		}
		errs = string(b)
	}
	if len(r.Warnings) > 0 {
		b, err := json.Marshal(r.Warnings)
		if err != nil {
			return nil, err
		}
		warns = string(b)
	}
	if r.Raw != "" {
		raw = r.Raw
	}
	s.vals = append(s.vals[:0], int32(r.Num), r.Usable, errs, warns, raw, r.FirstName, r.LastName, nullable(r.Email),
		nullable(r.Phone), r.Title, r.Seniority, r.Department, r.CompanyName, nullable(r.CompanyDomain),
		nullable(r.EmailDomain), r.LinkedIn, r.City, r.Region, r.Country,
		rowContactID(s.imp.ID, s.imp.CreatedAt, r.Num))
	return s.vals, nil
}

func (s *rowSource) Err() error { return nil }

// batch merges rows in one transaction: dedup, match, create or update,
// saved contacts and list, records, keys, counters and metering. Either
// all of it commits or none of it, so a crash replays the whole batch.
// A tenant suspended meanwhile stops the run before the batch: the import
// waits (still running, its rows so far merged) until reactivation.
func (r *runner) batch(ctx context.Context, rows []row) error {
	if !r.platform {
		if err := r.s.limits.RequireActive(ctx, r.imp.TenantID); err != nil {
			return suspendedWait(err)
		}
	}
	prev := r.imp.MergedThrough
	last := rows[len(rows)-1].Num
	var counts Counts
	err := r.sess.g.Transaction(func(tx *gorm.DB) error {
		x, err := r.newExec(ctx, tx)
		if err != nil {
			return err
		}
		if err := r.copyRows(ctx, rows); err != nil {
			return fmt.Errorf("imports: copy batch: %w", err)
		}
		// The planner needs the batch table's size and spread to pick index
		// lookups over hash joins; batches look alike, so statistics are
		// refreshed only when the size moved by half.
		if r.analyzedRows == 0 || len(rows)*2 < r.analyzedRows || len(rows) > r.analyzedRows*3/2 {
			if err := x.run(`ANALYZE import_batch_rows`); err != nil {
				return err
			}
			r.analyzedRows = len(rows)
		}
		if !r.imp.DryRun {
			// Two imports of one tenant (or two platform imports) must not
			// both create a contact for the same new person: the matching
			// and creating of a batch hold the scope's merge lock until the
			// batch commits, so the second sees the first's contacts and
			// matches them. Reading, normalizing and the COPY still overlap.
			if err := x.run(mergeLockSQL, mergeLockKey(r.tkey)); err != nil {
				return err
			}
		}
		if err := r.sql.classify(x, r.imp.TenantID, r.imp.Mapping.Mode); err != nil {
			return err
		}
		if r.imp.DryRun {
			err = r.sql.wouldUpdate(x, r.imp, r.tkey)
		} else {
			err = r.sql.write(x, r.imp)
		}
		if err != nil {
			return err
		}
		if err := x.run(r.sql.records, r.tkey, r.imp.ID); err != nil {
			return err
		}
		if err := x.run(r.sql.keys); err != nil {
			return err
		}
		if err := x.run(r.sql.keysThrough, last); err != nil {
			return err
		}
		if counts, err = x.counts(); err != nil {
			return err
		}
		// Only delivered rows are charged: a created, matched or duplicate
		// row (the duplicate resolves to its first row's contact); an
		// invalid row writes nothing and is free. A batch of invalid rows
		// only is not metered at all, so that it goes through even where a
		// downgrade left the month's count above the new limit.
		if charge := counts.Created + counts.Matched + counts.Duplicate; charge > 0 && !r.platform && !r.imp.DryRun {
			if err := r.meter(ctx, tx, charge); err != nil {
				return err
			}
		}
		if err := r.advance(x, prev, last, len(rows), counts); err != nil {
			return err
		}
		if h := r.s.opts.afterBatch; h != nil {
			return h(r.imp.ID, last)
		}
		return nil
	})
	if err != nil {
		r.analyzedRows = 0 // the statistics rolled back with the batch
		if r.cancelled.Load() || isQueryCanceled(err) {
			r.cancelled.Store(true)
			return errCancelled
		}
		return err
	}
	r.imp.MergedThrough = last
	r.imp.RowsDone += len(rows)
	r.done.Store(int64(r.imp.RowsDone))
	r.s.metrics.merged(counts)
	return nil
}

// meter counts n delivered rows against the tenant's monthly import_rows
// quota in tx. The package is read for every batch: a subscription that
// ends mid-import (a downgrade to Free) limits the rest of it. Returns
// ERATELIMIT (with *limits.Exhausted) when the quota has fewer than n left.
func (r *runner) meter(ctx context.Context, tx *gorm.DB, n int) error {
	plan, err := r.s.limits.Plan(ctx, r.imp.TenantID)
	if err != nil {
		return err
	}
	q, err := r.s.limits.ConsumeWithin(ctx, tx, r.imp.TenantID, limits.ImportRows, int64(n), plan.Limit(limits.ImportRows))
	if err == nil {
		return nil
	}
	if apperr.Is(err, apperr.ERATELIMIT) {
		return &apperr.Error{Code: apperr.ERATELIMIT, Message: fmt.Sprintf("The monthly import_rows quota ran out after %s rows (%s of %s left, "+
			"fewer than the next batch's %s valid rows); it resets at %s. Start the import again then, or once the package allows more, "+
			"and it resumes there.", thousands(int64(r.imp.RowsDone)), thousands(q.Remaining), thousands(q.Limit),
			thousands(int64(n)), q.ResetAt.Format(time.RFC3339)), Err: &limits.Exhausted{Quota: q}}
	}
	return err
}

// advance records a merged batch of n rows on the import: its counts,
// and merged_through moved from prev to last. Returns errCancelled when
// the import was cancelled, or another worker moved it on, meanwhile.
func (r *runner) advance(x *exec, prev, last, n int, counts Counts) error {
	updated, err := x.exec(`UPDATE imports SET merged_through = $2, rows_done = rows_done + $3,
		created_count = created_count + $4, matched_count = matched_count + $5, updated_count = updated_count + $6,
		duplicate_count = duplicate_count + $7, invalid_count = invalid_count + $8, warning_count = warning_count + $10,
		heartbeat_at = now(), updated_at = now(), phase = 'merging'
		WHERE id = $1 AND merged_through = $9 AND status = 'running' AND NOT cancel_requested`,
		r.imp.ID, last, n, counts.Created, counts.Matched, counts.Updated, counts.Duplicate, counts.Invalid, prev,
		counts.WithWarnings)
	if err != nil {
		return err
	}
	if updated != 1 {
		return errCancelled
	}
	return nil
}

// register puts the keys of rows merged before a crash back into the key
// table, with the outcome their records hold, and moves its marker in the
// same transaction: a rebuild that stops goes on from there.
func (r *runner) register(ctx context.Context, rows []row) error {
	return r.sess.g.Transaction(func(tx *gorm.DB) error {
		x, err := r.newExec(ctx, tx)
		if err != nil {
			return err
		}
		if err := r.copyRows(ctx, rows); err != nil {
			return err
		}
		if err := x.run(`UPDATE import_batch_rows b SET dup_of = r.duplicate_of, contact_id = r.contact_id
			FROM import_records r WHERE r.tenant_id = $1 AND r.import_id = $2 AND r.row_num = b.row_num`, r.tkey, r.imp.ID); err != nil {
			return err
		}
		if err := x.run(r.sql.keys); err != nil {
			return err
		}
		return x.run(r.sql.keysThrough, rows[len(rows)-1].Num)
	})
}

// mergeLockSQL takes a scope's merge lock (mergeLockKey) until the
// transaction ends.
const mergeLockSQL = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`

// mergeLockKey names the merge lock of a tenant's imports (Platform: of
// platform imports).
func mergeLockKey(tkey uuid.UUID) string { return "import-merge:" + tkey.String() }

func isQueryCanceled(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "57014"
}

// exec runs the batch's statements on the transaction's *sql.Tx, checking
// for a cancel before each.
type exec struct {
	ctx context.Context
	tx  *sql.Tx
	r   *runner
}

func (r *runner) newExec(ctx context.Context, tx *gorm.DB) (*exec, error) {
	sqlTx, err := db.SQLTx(tx)
	if err != nil {
		return nil, err
	}
	return &exec{ctx: ctx, tx: sqlTx, r: r}, nil
}

func (x *exec) exec(q string, args ...any) (int64, error) {
	if x.r.cancelled.Load() {
		return 0, errCancelled
	}
	res, err := x.tx.ExecContext(x.ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("imports: batch: %w", err)
	}
	return res.RowsAffected()
}

func (x *exec) run(q string, args ...any) error {
	_, err := x.exec(q, args...)
	return err
}

func (x *exec) counts() (Counts, error) {
	var c Counts
	err := x.tx.QueryRowContext(x.ctx, `SELECT count(*) FILTER (WHERE outcome = 'created'),
		count(*) FILTER (WHERE outcome = 'matched'), count(*) FILTER (WHERE updated),
		count(*) FILTER (WHERE outcome = 'duplicate'), count(*) FILTER (WHERE outcome = 'invalid'),
		count(*) FILTER (WHERE warnings IS NOT NULL AND outcome <> 'invalid')
		FROM import_batch_rows`).Scan(&c.Created, &c.Matched, &c.Updated, &c.Duplicate, &c.Invalid, &c.WithWarnings)
	if err != nil {
		return c, fmt.Errorf("imports: batch counts: %w", err)
	}
	return c, nil
}
