package host

import (
	"context"
	"errors"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// reattachContext derives from ctx the context of the background reattaches. Only Close
// ends it: a paused system may be resumed long after Recover's caller is gone.
func (h *Host) reattachContext(ctx context.Context) context.Context {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reattachCtx == nil {
		h.reattachCtx, h.stopReattach = context.WithCancel(context.WithoutCancel(ctx))
	}
	return h.reattachCtx
}

// finishReattach runs the guest side of a system's recovery and adopts the processes it
// finds. A guest that cannot be reached leaves the system unusable: it is terminated and
// reported stopped with the reason. When the service is stopping (ctx ended) the system is
// left as it is for the next start.
func (h *Host) finishReattach(ctx context.Context, s *system, reattach func(context.Context) ([]driver.Process, error)) {
	defer close(s.recovering)
	procs, err := reattach(ctx)
	for _, dp := range procs {
		s.adoptProcess(dp)
	}
	switch {
	case err == nil:
		h.log.Info("reconnected to the guest of a recovered system", "id", s.id, "processes", len(procs))
		return
	case ctx.Err() != nil:
		return
	case errors.Is(err, driver.ErrSystemGone):
		return // the driver reports the exit itself
	}
	h.log.Error("the guest of a recovered system cannot be reached; terminating it", "id", s.id, "err", err)
	// Releasing the driver's system ends what still runs of it; the exit carries the reason.
	s.markStopped(schema.SystemExitStatus{Status: hresult.FromError(err).Int32(), ExitType: schema.NotificationTypeUnexpectedExit})
}

// awaitRecovery waits, within ctx, until a system recovered after a restart has been
// reattached to its guest; it returns at once for any other system.
func (s *system) awaitRecovery(ctx context.Context) error {
	if s.recovering == nil {
		return nil
	}
	select {
	case <-s.recovering:
		return nil
	case <-ctx.Done():
		return hresult.Wrap(ctx.Err(), 0, `compute system "`+s.id+`": waiting for its guest to be reattached after the service restarted`)
	}
}
