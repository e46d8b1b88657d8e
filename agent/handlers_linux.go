package agent

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// handler runs one request type. It owns fds (only Spawn accepts any).
type handler func(a *Agent, ctx context.Context, m *protocol.Message, fds []int) (any, error)

var handlers = map[protocol.Type]handler{
	protocol.TypeSpawn: func(a *Agent, ctx context.Context, m *protocol.Message, fds []int) (any, error) {
		var req protocol.SpawnRequest
		if err := m.DecodeBody(&req); err != nil {
			protocol.CloseFDs(fds)
			return nil, err
		}
		return a.spawn(ctx, &req, fds)
	},
	protocol.TypeSignal: noFDs(func(a *Agent, _ context.Context, req *protocol.SignalRequest) (any, error) {
		return nil, a.signal(req.Pid, req.Signal)
	}),
	protocol.TypeResizeConsole: noFDs(func(a *Agent, _ context.Context, req *protocol.ResizeConsoleRequest) (any, error) {
		return nil, a.resizeConsole(req.Pid, req.Height, req.Width)
	}),
	protocol.TypeListProcesses: noFDs(func(a *Agent, _ context.Context, _ *struct{}) (any, error) {
		ps, err := listProcesses(procRoot)
		a.markSpawned(ps)
		a.markContainers(ps)
		return protocol.ListProcessesResult{Processes: ps}, err
	}),
	protocol.TypeWaitExits: noFDs(func(a *Agent, ctx context.Context, req *protocol.WaitExitsRequest) (any, error) {
		return a.waitExits(ctx, time.Duration(req.TimeoutMs)*time.Millisecond)
	}),
	protocol.TypeAckExit: noFDs(func(a *Agent, _ context.Context, req *protocol.AckExitRequest) (any, error) {
		return nil, a.ackExit(req.Pid, req.Seq)
	}),
	protocol.TypeShutdown: noFDs(func(a *Agent, _ context.Context, req *protocol.ShutdownRequest) (any, error) {
		return a.shutdown(time.Duration(req.TimeoutMs) * time.Millisecond), nil
	}),
	protocol.TypeCreateContainer: noFDs(func(a *Agent, _ context.Context, req *protocol.CreateContainerRequest) (any, error) {
		return nil, a.createContainer(req)
	}),
	protocol.TypeDeleteContainer: noFDs(func(a *Agent, _ context.Context, req *protocol.DeleteContainerRequest) (any, error) {
		return nil, a.deleteContainer(req.ID)
	}),
	protocol.TypePing: noFDs(func(*Agent, context.Context, *struct{}) (any, error) {
		return nil, nil
	}),
	protocol.TypeUnmountTag: noFDs(func(_ *Agent, _ context.Context, req *protocol.UnmountTagRequest) (any, error) {
		return nil, unmountTag("/proc/self/mountinfo", req.Tag)
	}),
	protocol.TypeGuestModify: noFDs(func(_ *Agent, ctx context.Context, req *protocol.GuestModifyRequest) (any, error) {
		return nil, guestModify(ctx, req)
	}),
}

// noFDs adapts a handler of requests that carry no descriptors: it decodes the body into a
// T and refuses (and closes) descriptors that came along.
func noFDs[T any](f func(a *Agent, ctx context.Context, req *T) (any, error)) handler {
	return func(a *Agent, ctx context.Context, m *protocol.Message, fds []int) (any, error) {
		if len(fds) > 0 {
			protocol.CloseFDs(fds)
			return nil, hresult.Errorf(hresult.E_INVALIDARG,
				"%s: %d unexpected file descriptors", m.Type, len(fds))
		}
		var req T
		if err := m.DecodeBody(&req); err != nil {
			return nil, err
		}
		return f(a, ctx, &req)
	}
}

// dispatchSafe runs the handler of m. A panic in a handler fails that request only.
func (a *Agent) dispatchSafe(ctx context.Context, m *protocol.Message, fds []int) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Printf("panic handling %s: %v\n%s", m.Type, p, debug.Stack())
			res, err = nil, hresult.New(hresult.E_FAIL, fmt.Sprintf("%s: internal error: %v", m.Type, p))
		}
	}()
	h := handlers[m.Type]
	if h == nil {
		protocol.CloseFDs(fds)
		return nil, hresult.Errorf(hresult.HCS_E_UNKNOWN_MESSAGE, "unknown request type %q", m.Type)
	}
	return h(a, ctx, m, fds)
}

// waitExits returns the unacknowledged exits, waiting up to wait for one when there are
// none, or until the connection ends.
func (a *Agent) waitExits(ctx context.Context, wait time.Duration) (protocol.WaitExitsResult, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		a.mu.Lock()
		list := a.exits.pending(protocol.MaxExitsPerResponse)
		changed := a.exits.changed
		a.mu.Unlock()
		if len(list) > 0 || wait <= 0 {
			return protocol.WaitExitsResult{Exits: list}, nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return protocol.WaitExitsResult{Exits: list}, nil
		case <-ctx.Done():
			return protocol.WaitExitsResult{}, hresult.Wrap(ctx.Err(), hresult.HCS_E_CONNECTION_CLOSED, "WaitExits")
		}
	}
}

// ackExit acknowledges an exit.
func (a *Agent) ackExit(pid int, seq uint64) error {
	a.mu.Lock()
	ok := a.exits.ack(pid, seq)
	a.mu.Unlock()
	if !ok {
		return hresult.Errorf(hresult.ERROR_NOT_FOUND, "AckExit: no exit of pid %d (seq %d) is known", pid, seq)
	}
	return nil
}
