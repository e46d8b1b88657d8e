package protocol

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
)

// Spawn starts a process and returns its pid. files are the descriptors the request
// announces: the pty slave for EmulateConsole, otherwise one per true Stdin, Stdout and
// Stderr, in that order. The caller keeps its files and may close them once Spawn returns.
func (c *Client) Spawn(ctx context.Context, req SpawnRequest, files ...*os.File) (int, error) {
	if want := req.FDCount(); len(files) != want {
		return 0, hresult.Errorf(hresult.E_INVALIDARG,
			"Spawn: %d files given, the request announces %d", len(files), want)
	}
	fds, err := dupFiles(files)
	if err != nil {
		return 0, err
	}
	defer closeFDs(fds)
	var res SpawnResult
	if err := c.call(ctx, TypeSpawn, &req, fds, &res); err != nil {
		return 0, err
	}
	return res.Pid, nil
}

// FDCount returns how many descriptors must travel with the request.
func (r *SpawnRequest) FDCount() int {
	if r.Relay != nil {
		return 0
	}
	if r.EmulateConsole {
		return 1
	}
	n := 0
	for _, b := range []bool{r.Stdin, r.Stdout, r.Stderr} {
		if b {
			n++
		}
	}
	return n
}

// dupFiles returns close-on-exec duplicates of the files' descriptors, leaving the files
// (and their blocking mode) untouched.
func dupFiles(files []*os.File) ([]int, error) {
	fds := make([]int, 0, len(files))
	for _, f := range files {
		fd, err := dupFD(f)
		if err != nil {
			closeFDs(fds)
			return nil, hresult.Wrap(err, hresult.E_INVALIDARG, "Spawn: file "+f.Name())
		}
		fds = append(fds, fd)
	}
	return fds, nil
}

// Signal sends sig to pid. A process that has exited, or that the agent did not spawn,
// gives HCS_E_PROCESS_ALREADY_STOPPED.
func (c *Client) Signal(ctx context.Context, pid int, sig syscall.Signal) error {
	return c.call(ctx, TypeSignal, &SignalRequest{Pid: pid, Signal: int(sig)}, nil, nil)
}

// ResizeConsole sets the terminal size of a process spawned with EmulateConsole.
func (c *Client) ResizeConsole(ctx context.Context, pid int, height, width uint16) error {
	req := &ResizeConsoleRequest{Pid: pid, Height: height, Width: width}
	return c.call(ctx, TypeResizeConsole, req, nil, nil)
}

// ListProcesses returns every process in the agent's pid namespace.
func (c *Client) ListProcesses(ctx context.Context) ([]ProcessInfo, error) {
	var res ListProcessesResult
	if err := c.call(ctx, TypeListProcesses, nil, nil, &res); err != nil {
		return nil, err
	}
	return res.Processes, nil
}

// WaitExits returns the unacknowledged exits, oldest first, waiting up to wait for one
// when there is none (an empty list then means none arrived in time).
func (c *Client) WaitExits(ctx context.Context, wait time.Duration) ([]ProcessExited, error) {
	req := &WaitExitsRequest{TimeoutMs: durationMs(wait)}
	var res WaitExitsResult
	if err := c.call(ctx, TypeWaitExits, req, nil, &res); err != nil {
		return nil, err
	}
	return res.Exits, nil
}

// AckExit acknowledges the exit of pid (seq 0: its oldest unacknowledged exit), so the agent
// stops reporting it.
func (c *Client) AckExit(ctx context.Context, pid int, seq uint64) error {
	return c.call(ctx, TypeAckExit, &AckExitRequest{Pid: pid, Seq: seq}, nil, nil)
}

// Shutdown asks the agent to stop every process (SIGTERM, then SIGKILL after timeout) and
// exit. It returns once the agent has done so; the connection then ends.
func (c *Client) Shutdown(ctx context.Context, timeout time.Duration) (ShutdownResult, error) {
	var res ShutdownResult
	err := c.call(ctx, TypeShutdown, &ShutdownRequest{TimeoutMs: durationMs(timeout)}, nil, &res)
	return res, err
}

// Ping checks that the agent answers.
func (c *Client) Ping(ctx context.Context) error {
	return c.call(ctx, TypePing, nil, nil, nil)
}

// UnmountTag unmounts the 9p file systems mounted from a mount tag (see UnmountTagRequest).
func (c *Client) UnmountTag(ctx context.Context, tag string) error {
	return c.call(ctx, TypeUnmountTag, &UnmountTagRequest{Tag: tag}, nil, nil)
}

// durationMs converts d to whole milliseconds, clamped to the uint32 range.
func durationMs(d time.Duration) uint32 {
	ms := d.Milliseconds()
	switch {
	case ms <= 0:
		return 0
	case ms > int64(^uint32(0)):
		return ^uint32(0)
	}
	return uint32(ms)
}

// dupFD duplicates f's descriptor to send it, refusing a nil file.
func dupFD(f *os.File) (int, error) {
	if f == nil {
		return -1, fmt.Errorf("nil file")
	}
	return fdconn.DupFD(f)
}

// GuestModify changes a resource of a VM guest (see GuestModifyRequest).
func (c *Client) GuestModify(ctx context.Context, req GuestModifyRequest) error {
	return c.call(ctx, TypeGuestModify, &req, nil, nil)
}
