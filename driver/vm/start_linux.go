package vm

import (
	"context"
	"io"
	"net"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/driver/vm/qmp"
	"github.com/linuxhcs/hcs/hresult"
)

// step is one named step of Start.
type step struct {
	name string
	run  func(ctx context.Context) error
}

// startSteps are the steps of Start, in order. The agent's socket is connected before the
// guest runs: a restored guest then sees its host connected throughout, and its agent
// starts a new session when the host sends its preamble.
func (s *System) startSteps() []step {
	return []step{
		{"launch QEMU", func(context.Context) error { return s.launch() }},
		{"connect to QMP", s.connectMonitor},
		{"connect to the console", s.connectConsole},
		{"restore the saved state", s.waitIncoming},
		{"connect to the agent's port", s.dialAgent},
		{"run the guest", s.cont},
		{"wait for the guest agent", s.handshakeAgent},
	}
}

// Start boots the VM; with a GuestConnection it returns once the guest agent connected.
func (s *System) Start(ctx context.Context) error {
	for _, st := range s.startSteps() {
		if err := st.run(ctx); err != nil {
			return s.withLog(st.name, err)
		}
	}
	s.mu.Lock()
	s.startAt = time.Now()
	s.mu.Unlock()
	return nil
}

// connectMonitor connects to QMP.
func (s *System) connectMonitor(ctx context.Context) error {
	c, err := qmp.Dial(ctx, s.qmpPath(), s.onEvent)
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "")
	}
	s.mu.Lock()
	s.qmp = c
	s.mu.Unlock()
	return nil
}

// connectConsole keeps the guest's console (COM1) when the driver owns it.
func (s *System) connectConsole(ctx context.Context) error {
	if !s.ownsConsole() {
		return nil
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", s.consolePath())
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "")
	}
	s.mu.Lock()
	s.consoleConn = c
	s.mu.Unlock()
	go func() {
		io.Copy(s.console, c)
		c.Close()
	}()
	return nil
}

// ownsConsole reports whether COM1 goes to the driver's console log.
func (s *System) ownsConsole() bool {
	for _, f := range s.cmd.Files {
		if f.Role == RoleConsole {
			return true
		}
	}
	return false
}

// waitIncoming waits until a restored guest's state has been loaded.
func (s *System) waitIncoming(ctx context.Context) error {
	if s.cfg.RestoreState == nil || s.cfg.RestoreState.SaveStateFilePath == "" {
		return nil
	}
	m := s.monitor()
	for {
		var st struct {
			Status string `json:"status"`
		}
		if err := m.Execute(ctx, "query-status", nil, &st); err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "")
		}
		if st.Status != "inmigrate" {
			return nil
		}
		select {
		case <-ctx.Done():
			return hresult.Wrap(ctx.Err(), hresult.HCS_E_OPERATION_TIMEOUT, "")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// agentStream returns the connection to the agent: the port connected by dialAgent, or a
// new vsock connection; nil without a GuestConnection.
func (s *System) agentStream(ctx context.Context) (protocol.Stream, func() error, error) {
	if s.usesVsock() {
		f, err := dialVsock(ctx, VMUID(s.id), AgentVsockPort)
		if err != nil {
			return nil, nil, s.withConsole(err)
		}
		return f, f.Close, nil
	}
	s.mu.Lock()
	c := s.pendingAgent
	s.pendingAgent = nil
	s.mu.Unlock()
	if c == nil {
		return nil, nil, nil
	}
	return c, c.Close, nil
}

// dialAgent connects to the agent's virtio-serial port before the guest runs.
func (s *System) dialAgent(ctx context.Context) error {
	if s.cfg.GuestConnection == nil || s.usesVsock() {
		return nil
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", s.agentPath())
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "")
	}
	s.mu.Lock()
	s.pendingAgent = c.(*net.UnixConn)
	s.mu.Unlock()
	return nil
}

// cont lets the guest run.
func (s *System) cont(ctx context.Context) error {
	return s.monitor().Execute(ctx, "cont", nil, nil)
}

// handshakeAgent waits for the guest agent's session on the connected port (or on vsock),
// at most Options.HandshakeTimeout: a guest that boots without the agent (or whose agent
// never answers) fails Start with HCS_E_CONNECTION_TIMEOUT, and the host then tears the VM
// down as after any failed start.
func (s *System) handshakeAgent(ctx context.Context) error {
	if s.cfg.GuestConnection == nil {
		return nil
	}
	limit := s.d.opts.HandshakeTimeout
	hctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	err := s.connectAgent(hctx, nil)
	if err != nil && hctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		return s.withConsole(hresult.Errorf(hresult.HCS_E_CONNECTION_TIMEOUT,
			"the guest agent did not connect within %v", limit))
	}
	return err
}

// connectAgent starts the guest agent's session; unclaimed receives the exits of processes
// spawned before a service restart (nil for a new VM).
func (s *System) connectAgent(ctx context.Context, unclaimed agentsession.ExitSink) error {
	ctx, cancel := withQEMUExit(ctx, s.qemuDone())
	defer cancel()
	stream, closeFn, err := s.agentStream(ctx)
	if stream == nil || err != nil {
		return err
	}
	dial := func(ctx context.Context, opts protocol.ClientOptions) (*protocol.Client, error) {
		return protocol.NewStreamClient(ctx, stream, closeFn, opts)
	}
	sess, err := s.agent.Connect(ctx, dial, agentsession.Options{
		HostVersion: "hcsd", Unclaimed: unclaimed, SpawnReturned: s.d.spawnReturned,
	})
	if err != nil {
		return s.withConsole(err)
	}
	go func() {
		<-sess.Done()
		s.notify.GuestConnectionClosed()
	}()
	return nil
}

// withQEMUExit returns a context that also ends when QEMU exits.
func withQEMUExit(ctx context.Context, done <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// launched reports whether QEMU was started (it may have exited since).
func (s *System) launched() bool { return s.qemuDone() != nil }

// qemuDone returns a channel closed when QEMU exited (never, when it did not start).
func (s *System) qemuDone() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.qemu == nil {
		return nil
	}
	return s.qemu.done
}

// exitFact is what the driver saw when the VM stopped: a crash it reported, a guest that
// powered off (or reset) by itself, else QEMU ending. Which stop was asked for is the
// host's to know.
func (s *System) exitFact() driver.Exit {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := driver.Exit{Cause: driver.ExitStopped, Attribution: s.attribution}
	switch {
	case s.panicked:
		e.Cause = driver.ExitCrashed
	case s.shutdownReason == "guest-shutdown" || s.shutdownReason == "guest-reset":
		e.Cause = driver.ExitPoweredOff
	}
	return e
}

// withConsole adds the end of the guest's console to an error.
func (s *System) withConsole(err error) error {
	tail := s.console.String()
	if len(tail) > 1500 {
		tail = tail[len(tail)-1500:]
	}
	if tail == "" {
		return err
	}
	return hresult.Wrap(err, 0, "guest console: ..."+tail)
}
