package crm

import (
	"context"

	"github.com/google/uuid"
)

// PauseChunk pauses a chunk's contacts as a push job does when the
// connection needs re-authorization, for tests of the race with a reconnect.
func (s *Service) PauseChunk(ctx context.Context, a PushArgs, ids []uuid.UUID) error {
	return s.pause(ctx, a, ids)
}
