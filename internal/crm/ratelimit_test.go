package crm_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/onecloudai/contacts/internal/crm"
	"github.com/onecloudai/contacts/internal/crm/fakecrm"
)

// limitTransport answers the first upsert a 429 with the contract's body
// and the given headers (the fake's own 429s always carry both Retry-After
// and X-RateLimit-Reset, equal), and sends every other request on.
type limitTransport struct {
	next   http.RoundTripper
	header map[string]string
	done   atomic.Bool
}

func (l *limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/batch/upsert") || l.done.Swap(true) {
		return l.next.RoundTrip(r)
	}
	if r.Body != nil {
		_ = r.Body.Close()
	}
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range l.header {
		h.Set(k, v)
	}
	body := `{"error":{"status":429,"code":"RATE_LIMITED","message":"Too many requests.","policy":"TEN_SECONDLY"}}`
	return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests", Proto: "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// TestPushRateLimitWait: how long a 429 is sat out (CRM_API §4, §5).
// Retry-After says it, in whole seconds; without a usable one (absent,
// negative, not a number), X-RateLimit-Reset does; without either, or with
// a Retry-After of 0, one second. An answer that says the window is used
// up (X-RateLimit-Remaining: 0) holds every request until its reset, even
// when a Retry-After is shorter. A wait up to crm.InlineWaitMax (30 s, the
// CRM's windows are 10 s) is sat out inline; a longer one snoozes the job.
func TestPushRateLimitWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		header     map[string]string
		wantSleep  time.Duration // the one wait before the retry
		wantSnooze time.Duration // instead, the job snoozes this long
	}{
		{"OKRetryAfter", map[string]string{"Retry-After": "7"}, 7 * time.Second, 0},
		{"OKRetryAfterOverReset", map[string]string{"Retry-After": "7", "X-RateLimit-Reset": "3"}, 7 * time.Second, 0},
		{"OKResetWithoutRetryAfter", map[string]string{"X-RateLimit-Reset": "7"}, 7 * time.Second, 0},
		{"OKNegativeRetryAfterTakesReset", map[string]string{"Retry-After": "-5", "X-RateLimit-Reset": "7"}, 7 * time.Second, 0},
		{"OKDateRetryAfterTakesReset", map[string]string{"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT", "X-RateLimit-Reset": "7"},
			7 * time.Second, 0},
		{"OKZeroRetryAfterWaitsASecond", map[string]string{"Retry-After": "0", "X-RateLimit-Reset": "7"}, time.Second, 0},
		{"OKNoHeadersWaitsASecond", nil, time.Second, 0},
		{"OKWindowUsedUpOverShorterRetryAfter", map[string]string{"Retry-After": "2", "X-RateLimit-Remaining": "0",
			"X-RateLimit-Reset": "7"}, 7 * time.Second, 0},
		{"OKInlineUpToInlineWaitMax", map[string]string{"Retry-After": "30"}, 30 * time.Second, 0},
		{"SnoozedPastInlineWaitMax", map[string]string{"Retry-After": "31"}, 0, 31 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			id := tb.MustPush(t, tb.MustApproved(t, 2))
			opts := tb.opts
			opts.HTTPClient = &http.Client{Transport: &limitTransport{next: tb.opts.HTTPClient.Transport, header: tt.header}}
			svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
			a := tb.jobsOf(t, id)[0]

			err := tb.work(context.Background(), svc, a)
			if tt.wantSnooze != 0 {
				var snooze *river.JobSnoozeError
				if !errors.As(err, &snooze) || snooze.Duration != tt.wantSnooze {
					t.Fatalf("job: %v, want a snooze of %s", err, tt.wantSnooze)
				}
				if s := tb.clock.Sleeps(); len(s) != 0 {
					t.Fatalf("sleeps %v before the snooze, want none", s)
				}
				if d := tb.push(t, id); d.Queued != 2 {
					t.Fatalf("push while snoozed %+v, want its contacts queued", d.Push)
				}
				return
			}
			if err != nil {
				t.Fatalf("job: %v", err)
			}
			if s := tb.clock.Sleeps(); !slices.Equal(s, []time.Duration{tt.wantSleep}) {
				t.Fatalf("sleeps %v, want %v", s, tt.wantSleep)
			}
			d := tb.push(t, id)
			if d.Status != "completed" || d.Created != 2 {
				t.Fatalf("push %+v", d.Push)
			}
			for _, it := range d.Items {
				wantOutcomes(t, it, "429:rate_limited", "200:created")
			}
			tb.assertTruth(t, id)
		})
	}
}

// netFailTransport fails the first n upserts with a refused connection.
type netFailTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (f *netFailTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/batch/upsert") && f.n.Add(-1) >= 0 {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	return f.next.RoundTrip(r)
}

// TestPushRetriesPerCall: one call sits out 20 429s
// (Options.MaxRateLimitWaits' default) and sends again after each; the
// 21st ends the job's attempt with its contacts queued for River's retry.
// It retries 5 times (Options.MaxRetries' default) after a 5xx or a
// network error, and the 6th ends the attempt. 429s are not 5xx: they do
// not count against those 5 retries.
func TestPushRetriesPerCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		limited     int // 429s first
		unavailable int // then 503s
		network     int // or refused connections
		wantDone    bool
		wantWaits   int
	}{
		{"OKTwentySatOut", 20, 0, 0, true, 20},
		{"ErrTwentyFirstGivesUp", 21, 0, 0, false, 20},
		{"OKFiveUnavailableAfterRateLimits", 6, 5, 0, true, 11},
		{"ErrSixthUnavailableGivesUp", 0, 6, 0, false, 5},
		{"OKFiveNetworkErrors", 0, 0, 5, true, 5},
		{"ErrSixthNetworkErrorGivesUp", 0, 0, 6, false, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.MustConnect(t)
			id := tb.MustPush(t, tb.MustApproved(t, 2))
			if tt.limited > 0 {
				tb.fake.InjectFault(fakecrm.FaultRateLimit, tt.limited)
			}
			if tt.unavailable > 0 {
				tb.fake.InjectFault(fakecrm.FaultUnavailable, tt.unavailable)
			}
			fail := &netFailTransport{next: tb.opts.HTTPClient.Transport}
			fail.n.Store(int32(tt.network))
			opts := tb.opts
			opts.HTTPClient = &http.Client{Transport: fail}
			svc := crm.NewService(tb.db, tb.pinnedLimits(), tb.cfg, opts)
			err := svc.PushChunk(context.Background(), tb.jobsOf(t, id)[0], false)
			d := tb.push(t, id)
			want := slices.Repeat([]string{"429:rate_limited"}, tt.limited)
			want = append(want, slices.Repeat([]string{"503:unavailable"}, tt.unavailable)...)
			want = append(want, slices.Repeat([]string{"0:network_error"}, tt.network)...)
			if tt.wantDone {
				if err != nil || d.Status != "completed" || d.Created != 2 {
					t.Fatalf("job: %v, push %+v", err, d.Push)
				}
				want = append(want, "200:created")
			} else {
				var te *crm.TransientError
				if !errors.As(err, &te) || d.Queued != 2 {
					t.Fatalf("job: %v, push %+v; want a failed attempt with the contacts queued", err, d.Push)
				}
			}
			for _, it := range d.Items {
				wantOutcomes(t, it, want...)
			}
			if n := len(tb.clock.Sleeps()); n != tt.wantWaits {
				t.Fatalf("%d waits (%v), want %d", n, tb.clock.Sleeps(), tt.wantWaits)
			}
			tb.assertTruth(t, id)
		})
	}
}

// TestPushRateLimitPatience: a long rate-limit wait snoozes the job while
// it ends no later than crm.RateLimitPatience (24 h) after the job was
// queued, even on the job's last attempt (a snooze is not an attempt, so
// nothing is given up); a wait that ends later is a failed attempt.
func TestPushRateLimitPatience(t *testing.T) {
	t.Parallel()
	const retryAfter = 10 * time.Minute
	tests := []struct {
		name       string
		queuedAgo  time.Duration // before the 429; the wait ends retryAfter after it
		attempt    int
		wantSnooze bool
	}{
		{"OKSnoozedToThePatience", 24*time.Hour - retryAfter, 1, true},
		{"OKSnoozedOnTheLastAttempt", time.Hour, crm.PushMaxAttempts, true},
		{"ErrASecondPastThePatience", 24*time.Hour - retryAfter + time.Second, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t, setupOpts{retryAfter: retryAfter})
			tb.MustConnect(t)
			id := tb.MustPush(t, tb.MustApproved(t, 2))
			a := tb.jobsOf(t, id)[0]
			tb.fake.InjectFault(fakecrm.FaultRateLimit, 1)
			err := workerOf(tb.svc).Work(context.Background(), &river.Job[crm.PushArgs]{JobRow: &rivertype.JobRow{
				Attempt: tt.attempt, MaxAttempts: crm.PushMaxAttempts, CreatedAt: tb.clock.Now().Add(-tt.queuedAgo)}, Args: a})
			var snooze *river.JobSnoozeError
			var te *crm.TransientError
			switch {
			case tt.wantSnooze && (!errors.As(err, &snooze) || snooze.Duration != retryAfter):
				t.Fatalf("job: %v, want a snooze of %s", err, retryAfter)
			case !tt.wantSnooze && (errors.As(err, &snooze) || !errors.As(err, &te)):
				t.Fatalf("job: %v, want a failed attempt", err)
			}
			if d := tb.push(t, id); d.Queued != 2 {
				t.Fatalf("push %+v, want its contacts queued", d.Push)
			}
		})
	}
}
