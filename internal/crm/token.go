package crm

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/audit"
)

// token is a usable access token, the version of the stored tokens it
// came from and the CRM account it is for.
type token struct {
	access     string
	refresh    string
	version    int64
	refreshDue time.Time
	expires    time.Time // zero: unknown, taken as expired
	account    string
}

// refreshAt is when a token that lives expiresIn should be refreshed: at
// 80 % of its life, as the contract advises.
func refreshAt(now time.Time, expiresIn time.Duration) time.Time {
	return now.Add(expiresIn * 8 / 10)
}

func aad(tenantID uuid.UUID, column string) []byte {
	return []byte("crm_connections:" + tenantID.String() + ":" + column)
}

// openTokens decrypts a connection's tokens.
func (s *Service) openTokens(c *connRow) (token, error) {
	if c.KeyID == nil || c.AccessTokenEnc == nil || c.RefreshTokenEnc == nil {
		return token{}, errNotConnected
	}
	at, err := s.keys.Open(*c.KeyID, c.AccessTokenEnc, aad(c.TenantID, "access"))
	if err != nil {
		return token{}, err
	}
	rt, err := s.keys.Open(*c.KeyID, c.RefreshTokenEnc, aad(c.TenantID, "refresh"))
	if err != nil {
		return token{}, err
	}
	t := token{access: string(at), refresh: string(rt), version: c.TokenVersion, account: c.AccountID}
	if c.RefreshDueAt != nil {
		t.refreshDue = *c.RefreshDueAt
	}
	if c.AccessExpiresAt != nil {
		t.expires = *c.AccessExpiresAt
	}
	return t, nil
}

// sealTokens fills the token columns of c from tok (always with the
// current key, which is how keys rotate out).
func (s *Service) sealTokens(c *connRow, tok *oauth2.Token) {
	keyID, access := s.keys.Seal([]byte(tok.AccessToken), aad(c.TenantID, "access"))
	_, refresh := s.keys.Seal([]byte(tok.RefreshToken), aad(c.TenantID, "refresh"))
	now := s.now()
	life := time.Duration(tok.ExpiresIn) * time.Second
	if life <= 0 {
		life = 30 * time.Minute
	}
	exp, due := now.Add(life), refreshAt(now, life)
	c.KeyID, c.AccessTokenEnc, c.RefreshTokenEnc = &keyID, access, refresh
	c.AccessExpiresAt, c.RefreshDueAt = &exp, &due
}

// accessToken returns a usable access token for tenantID, refreshing first
// when 80 % of its life has passed. Returns errNotConnected or
// errNeedsReauth when there is nothing to use.
func (s *Service) accessToken(ctx context.Context, tenantID uuid.UUID) (token, error) {
	c, err := connected(ctx, s.db.Gorm, tenantID, false)
	if err != nil {
		return token{}, err
	}
	t, err := s.openTokens(c)
	if err != nil {
		return token{}, err
	}
	return s.renew(ctx, tenantID, t)
}

// connected reads the tenant's connection (locked when lock is set), or
// returns errNotConnected or errNeedsReauth when it has no tokens to use.
func connected(ctx context.Context, tx *gorm.DB, tenantID uuid.UUID, lock bool) (*connRow, error) {
	c, err := getConnection(ctx, tx, tenantID, lock)
	switch {
	case err != nil:
		return nil, err
	case c == nil || c.Status == StatusDisconnected:
		return nil, errNotConnected
	case c.Status == StatusNeedsReauth:
		return nil, errNeedsReauth
	}
	return c, nil
}

// renew returns t, refreshed first when 80 % of its life has passed. A
// refresh that fails for a passing reason (the CRM's token endpoint down
// or slow: *TransientError) leaves t in use while it has not expired;
// refreshing early is what leaves room for that, and the next call or
// attempt tries again. Past its expiry, the failure is returned.
func (s *Service) renew(ctx context.Context, tenantID uuid.UUID, t token) (token, error) {
	if s.now().Before(t.refreshDue) {
		return t, nil
	}
	nt, err := s.refresh(ctx, tenantID, t.version)
	var te *TransientError
	if errors.As(err, &te) && s.now().Before(t.expires) {
		s.log.WarnContext(ctx, "crm: token refresh failed; using the current token until it expires",
			"tenant_id", tenantID.String(), "expires_at", t.expires)
		return t, nil
	}
	return nt, err
}

// refresh replaces the tokens of version stale. In this process it is
// single-flight per tenant and token version: workers that hit a 401 with
// the same token share one refresh, and a worker whose newer token was
// refused does not join a refresh of an older one (that would answer the
// very token refused). Across processes, the refresh takes a lease on the
// connection row (refreshOnce; no lock or transaction is held while the
// CRM answers) and first checks whether the stored version moved on
// (another process refreshed), in which case it uses the stored token
// instead of spending the refresh token again; a process that finds
// another's lease waits for its result. An invalid_grant re-reads the stored tokens
// (a reconnect may have replaced them) before it marks the connection as
// needing re-authorization.
//
// A refresh that fails for a passing reason is tried again at once (up to
// refreshRetries times): the CRM may have rotated the refresh token and
// lost only its answer (a timeout), and the token we hold is then good for
// just 60 s more (CRM_API §1). Retried within them, it answers the same
// successor; retried by the next push, minutes later, it would answer
// invalid_grant and the connection would need an org admin.
func (s *Service) refresh(ctx context.Context, tenantID uuid.UUID, stale int64) (token, error) {
	ch := s.refreshes.DoChan(tenantID.String()+"/"+strconv.FormatInt(stale, 10), func() (any, error) {
		// Shared by every waiter: not cancelled with the first caller.
		ctx := context.WithoutCancel(ctx)
		lease := uuid.Must(uuid.NewV7()) // the flight's claim, kept by its tries
		for n := 0; ; n++ {
			tctx, cancel := context.WithTimeout(ctx, s.refreshTry())
			tok, err := s.refreshOnce(tctx, tenantID, stale, lease)
			cancel()
			var te *TransientError
			if !errors.As(err, &te) || n >= refreshRetries {
				return tok, err
			}
			s.log.WarnContext(ctx, "crm: token refresh failed; trying again", "tenant_id", tenantID.String(), "try", n+1)
			if err := s.opts.Sleep(ctx, s.backoff(n+1)); err != nil {
				return tok, err
			}
		}
	})
	// A caller that stops (its job is interrupted) does not wait for the
	// retries; the refresh goes on for the others, and stores what it gets.
	select {
	case <-ctx.Done():
		return token{}, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return token{}, r.Err
		}
		return r.Val.(token), nil
	}
}

// refreshRetries is how many times a refresh that failed for a passing
// reason is tried again at once.
const refreshRetries = 2

// refreshTry bounds one try of a refresh: the token endpoint's request
// and the wait for another worker's refresh.
func (s *Service) refreshTry() time.Duration { return s.opts.RequestTimeout + 10*time.Second }

// refreshLeaseTTL is how long a refresh's lease holds without its holder:
// one try and the store after it, with room to spare. It stays under the
// CRM's 60 s grace of an old refresh token (with the default 30 s request
// timeout: 45 s), so that a worker that takes over the lease of a holder
// that died after the CRM rotated still gets the same successor.
func (s *Service) refreshLeaseTTL() time.Duration { return s.refreshTry() + 5*time.Second }

// refreshLeasePoll is how often a worker waiting for another's refresh
// looks whether it ended (wall time: the service's clock may be a test's).
const refreshLeasePoll = 100 * time.Millisecond

// refreshStoreTimeout bounds storing a refresh's answer (or giving its
// lease back), which must not fail for want of time left in the try: the
// CRM has rotated the refresh token by then.
const refreshStoreTimeout = 10 * time.Second

type claimed int

const (
	claimSettled claimed = iota // the tokens moved on: use them
	claimTaken                  // the lease is ours: refresh
	claimBusy                   // another worker's lease is live: wait
)

// refreshOnce is one try of a refresh of the tokens of version stale. It
// holds no transaction (nor a pooled connection) while the CRM's token
// endpoint answers: it claims the refresh with a lease on the connection
// row in a short transaction, calls the endpoint, and stores the answer in
// a second short transaction only while the lease is still its own. A
// worker (of any process) that finds another's lease live waits for that
// refresh's result, until the try's context ends (a *TransientError); a
// lease whose holder died expires (refreshLeaseTTL) and is taken over.
func (s *Service) refreshOnce(ctx context.Context, tenantID uuid.UUID, stale int64, lease uuid.UUID) (token, error) {
	var cur token
	for {
		st, t, err := s.claimRefresh(ctx, tenantID, stale, lease)
		if err != nil {
			return token{}, err
		}
		if st == claimSettled {
			return t, nil
		}
		if st == claimTaken {
			cur = t
			break
		}
		if err := s.awaitRefresh(ctx, tenantID, stale); err != nil {
			return token{}, err
		}
	}
	oc := context.WithValue(ctx, oauth2.HTTPClient, s.http)
	tok, err := s.oauth.TokenSource(oc, &oauth2.Token{RefreshToken: cur.refresh, Expiry: time.Unix(1, 0)}).Token()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshStoreTimeout)
	defer cancel()
	if err != nil {
		if derr := dropRefreshLease(sctx, s.db.Gorm, tenantID, lease); derr != nil {
			// It expires by itself; others wait for it meanwhile.
			s.log.WarnContext(ctx, "crm: give back the refresh lease", "tenant_id", tenantID.String(), "error", derr)
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			return s.afterInvalidGrant(sctx, tenantID, stale)
		}
		return token{}, &TransientError{Last: "token refresh failed"}
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = cur.refresh
	}
	return s.storeRefresh(sctx, tenantID, stale, lease, tok)
}

// claimRefresh takes the refresh lease of the tokens of version stale, or
// says why not.
func (s *Service) claimRefresh(ctx context.Context, tenantID uuid.UUID, stale int64, lease uuid.UUID) (claimed, token, error) {
	st, out := claimBusy, token{}
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		c, err := connected(ctx, tx, tenantID, true)
		if err != nil {
			return err
		}
		cur, err := s.openTokens(c)
		if err != nil {
			return err
		}
		if c.TokenVersion != stale {
			st, out = claimSettled, cur // someone refreshed meanwhile
			return nil
		}
		ok, err := takeRefreshLease(ctx, tx, tenantID, lease, s.refreshLeaseTTL())
		if err != nil || !ok {
			return err
		}
		st, out = claimTaken, cur
		return nil
	})
	return st, out, err
}

// awaitRefresh waits until another worker's refresh of the tokens of
// version stale ended (or its lease expired); the caller then claims again.
func (s *Service) awaitRefresh(ctx context.Context, tenantID uuid.UUID, stale int64) error {
	t := time.NewTicker(refreshLeasePoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return &TransientError{Last: "token refresh by another worker did not end in time"}
		case <-t.C:
		}
		over, err := refreshWaitOver(ctx, s.db.Gorm, tenantID, stale)
		if ctx.Err() != nil {
			continue // reported above
		}
		if err != nil || over {
			return err
		}
	}
}

// storeRefresh stores the new tokens tok while lease is still the
// connection's. A lease lost meanwhile (it expired and another worker took
// it over, or a reconnect or disconnect replaced the tokens) stores
// nothing: the tokens stored by then are answered, or a *TransientError
// while the other worker's refresh is still going on (the retry waits for
// it).
func (s *Service) storeRefresh(ctx context.Context, tenantID uuid.UUID, stale int64, lease uuid.UUID, tok *oauth2.Token) (token, error) {
	var out token
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		c, err := connected(ctx, tx, tenantID, true)
		if err != nil {
			return err
		}
		switch {
		case c.TokenVersion != stale:
			out, err = s.openTokens(c)
			return err
		case c.RefreshLeaseID == nil || *c.RefreshLeaseID != lease:
			return &TransientError{Last: "token refresh taken over by another worker"}
		}
		s.sealTokens(c, tok)
		c.TokenVersion++
		if err := saveTokens(ctx, tx, c); err != nil {
			return err
		}
		out = token{access: tok.AccessToken, refresh: tok.RefreshToken, version: c.TokenVersion, refreshDue: *c.RefreshDueAt,
			expires: *c.AccessExpiresAt, account: c.AccountID}
		return nil
	})
	return out, err
}

// afterInvalidGrant handles the CRM refusing the refresh token of version
// stale: maybe a racing refresh or a reconnect stored newer tokens after
// our read; they are used if so. Otherwise the connection needs an org
// admin.
func (s *Service) afterInvalidGrant(ctx context.Context, tenantID uuid.UUID, stale int64) (token, error) {
	c, err := getConnection(ctx, s.db.Gorm, tenantID, false)
	if err != nil {
		return token{}, err
	}
	if c != nil && c.Status == StatusConnected && c.TokenVersion != stale {
		return s.openTokens(c)
	}
	s.markNeedsReauth(ctx, tenantID, stale, "The CRM refused the refresh token (invalid_grant): an org admin must reconnect.")
	return token{}, errNeedsReauth
}

// markNeedsReauth flags the connection (if it still holds tokens of
// version) and pauses every queued push of the tenant; Connect resumes them.
func (s *Service) markNeedsReauth(ctx context.Context, tenantID uuid.UUID, version int64, reason string) {
	ctx = context.WithoutCancel(ctx)
	err := s.db.WithTx(ctx, func(tx *gorm.DB) error {
		n, err := setNeedsReauth(ctx, tx, tenantID, version, reason, s.now())
		if err != nil || n == 0 {
			return err
		}
		if err := pauseQueued(ctx, tx, tenantID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Event{TenantID: &tenantID, Action: "crm.needs_reauth", TargetType: "crm_connection",
			TargetID: tenantID.String(), ActorLabel: "1CloudAI CRM", Data: map[string]any{"reason": reason}})
	})
	if err != nil {
		s.log.ErrorContext(ctx, "crm: mark needs_reauth", "tenant_id", tenantID.String(), "error", err)
	}
}
