package crm

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// PauseChunk pauses a chunk's contacts as a push job does when the
// connection needs re-authorization, for tests of the race with a reconnect.
func (s *Service) PauseChunk(ctx context.Context, a PushArgs, ids []uuid.UUID) error {
	return s.pause(ctx, a, ids)
}

// Refresh replaces the tokens of version stale as a worker that got a 401
// with them does, and returns the version of the token it answers with.
func (s *Service) Refresh(ctx context.Context, tenantID uuid.UUID, stale int64) (int64, error) {
	t, err := s.refresh(ctx, tenantID, stale)
	return t.version, err
}

// AccountChangedCodes is accountChanged for outcomes of the given item
// statuses, answering each one's status and code.
func AccountChangedCodes(statuses []string) []string {
	outs := make([]outcome, len(statuses))
	for i, st := range statuses {
		outs[i] = outcome{ContactID: uuid.New(), Status: st, Code: "OWN_CODE"}
	}
	got := make([]string, len(outs))
	for i, o := range accountChanged(outs) {
		got[i] = o.Status + "/" + o.Code
	}
	return got
}

// MarkNeedsReauth marks the connection as a worker whose token of version
// the CRM refused does.
func (s *Service) MarkNeedsReauth(ctx context.Context, tenantID uuid.UUID, version int64) {
	s.markNeedsReauth(ctx, tenantID, version, "refused in a test")
}

// Backoff is the wait before the nth retry of a transient failure.
func (s *Service) Backoff(n int) time.Duration { return s.backoff(n) }

// RefreshAccess is Refresh answering the access token the refresh gave.
func (s *Service) RefreshAccess(ctx context.Context, tenantID uuid.UUID, stale int64) (string, error) {
	t, err := s.refresh(ctx, tenantID, stale)
	return t.access, err
}

// StoredAccess is the access token the tenant's next call would send.
func (s *Service) StoredAccess(ctx context.Context, tenantID uuid.UUID) (string, error) {
	t, err := s.accessToken(ctx, tenantID)
	return t.access, err
}
