package vm

import (
	"context"
	"encoding/json"
	"time"

	"github.com/linuxhcs/hcs/driver/vm/qmp"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

const (
	// drainGrace bounds the wait for the agent's last exit reports after QEMU exited.
	drainGrace = 2 * time.Second
	// quitGrace is how long QEMU gets to quit before it is killed.
	quitGrace = 3 * time.Second
	// crashGrace is how long a guest gets to panic after the NMI before it is stopped anyway.
	crashGrace = 20 * time.Second
	// consoleSettle lets the console deliver the end of a panic message.
	consoleSettle = 300 * time.Millisecond
	// defaultShutdownTimeout is the agent's SIGTERM-to-SIGKILL wait without a deadline.
	defaultShutdownTimeout = 10 * time.Second
	// shutdownMargin is kept from the caller's deadline for the guest to power off.
	shutdownMargin = time.Second
)

// onEvent records what QEMU reports; it runs on the QMP reader and must not block.
func (s *System) onEvent(ev qmp.Event) {
	switch ev.Name {
	case "SHUTDOWN":
		var d struct {
			Reason string `json:"reason"`
		}
		json.Unmarshal(ev.Data, &d)
		s.mu.Lock()
		s.shutdownReason = d.Reason
		s.mu.Unlock()
	case "GUEST_PANICKED":
		go s.crashed("the guest kernel panicked", true)
	}
}

// waitExit reaps QEMU and reports the end of the VM: the agent's last exits first, then
// the processes it never reported (they died with the guest: 137), then Exited.
func (s *System) waitExit(p *qemuProcess) {
	p.wait()
	close(p.done)
	if m := s.monitor(); m != nil {
		m.Close()
	}
	s.agent.Get().Finish(drainGrace)
	s.reportExit()
}

// reportExit tells the host, once, that the VM stopped.
func (s *System) reportExit() {
	s.exitOnce.Do(func() { s.notify.Exited(s.exitFact()) })
}

func (s *System) qemuProc() *qemuProcess {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.qemu
}

// Terminate stops QEMU (quit, then SIGKILL) and returns once it exited. A VM that never
// started is reported stopped at once.
func (s *System) Terminate(ctx context.Context) error {
	p := s.qemuProc()
	if p == nil {
		s.reportExit()
		return nil
	}
	s.quit(ctx, p)
	return waitDone(ctx, p.done)
}

// quit asks QEMU to quit and kills it when it does not within quitGrace.
func (s *System) quit(ctx context.Context, p *qemuProcess) {
	if m := s.monitor(); m != nil {
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		m.Execute(qctx, "quit", nil, nil)
		cancel()
	}
	select {
	case <-p.done:
	case <-time.After(quitGrace):
		p.kill()
	case <-ctx.Done():
		p.kill()
	}
}

func waitDone(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return hresult.Wrap(ctx.Err(), hresult.HCS_E_OPERATION_TIMEOUT, "waiting for QEMU to exit")
	}
}

// Shutdown asks the guest to stop, by the Mechanism the options name: GuestConnection
// through the agent (which stops every process and powers the guest off), IntegrationService
// with an ACPI power-button press, and no Mechanism through the agent when one is connected,
// else ACPI. Force stops QEMU at once, as Terminate does. Options it cannot honour are
// refused before anything is asked (see CheckShutdownOptions). It returns once QEMU exited,
// or ctx's error (the host then terminates).
func (s *System) Shutdown(ctx context.Context, opts *schema.ShutdownOptions) error {
	if err := CheckShutdownOptions(opts); err != nil {
		return err
	}
	p := s.qemuProc()
	if p == nil {
		return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "VM %s is not running", s.id)
	}
	var mech schema.ShutdownMechanism
	if opts != nil {
		if opts.Force {
			return s.Terminate(ctx)
		}
		mech = opts.Mechanism
	}
	sess := s.agent.Get()
	if err := checkMechanism(mech, sess != nil); err != nil {
		return err
	}
	m := s.monitor()
	if m != nil {
		m.Execute(ctx, "cont", nil, nil) // a paused guest cannot power off
	}
	if sess != nil && mech != schema.ShutdownMechanismIntegrationService {
		timeout := defaultShutdownTimeout
		if dl, ok := ctx.Deadline(); ok {
			timeout = max(time.Until(dl)-shutdownMargin, 0)
		}
		go sess.Client().Shutdown(ctx, timeout) // its answer may be lost as the guest powers off
	} else if m != nil {
		if err := m.Execute(ctx, "system_powerdown", nil, nil); err != nil && !isDone(p.done) {
			return hresult.Wrap(err, hresult.E_FAIL, "ACPI power-down")
		}
	}
	return waitDone(ctx, p.done)
}

func isDone(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// Crash injects a non-maskable interrupt, which the guest agent makes the guest kernel
// panic on; the pvpanic device reports the panic and the driver reports the crash with the
// end of the console. A guest that does not panic within crashGrace is stopped and
// reported as crashed all the same.
func (s *System) Crash(ctx context.Context, opts *schema.CrashOptions) error {
	if err := CheckCrashOptions(opts); err != nil {
		return err
	}
	p := s.qemuProc()
	m := s.monitor()
	if p == nil || m == nil {
		return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "VM %s is not running", s.id)
	}
	m.Execute(ctx, "cont", nil, nil) // a paused guest cannot panic
	if err := m.Execute(ctx, "inject-nmi", nil, nil); err != nil {
		go s.crashed("injecting a non-maskable interrupt failed: "+err.Error(), false)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(crashGrace):
		go s.crashed("the guest did not panic after a non-maskable interrupt", false)
	case <-ctx.Done():
		go s.crashed("the guest did not panic after a non-maskable interrupt", false)
	}
	return waitDone(ctx, p.done)
}

// crashed reports a crash (initiated, then completed with the console's end) once, and
// stops QEMU. panicked says whether the guest itself reported a panic.
func (s *System) crashed(why string, panicked bool) {
	s.mu.Lock()
	if s.panicked {
		s.mu.Unlock()
		return
	}
	s.panicked = true
	s.attribution = []schema.AttributionRecord{{GuestCrash: &schema.GuestCrash{}}}
	p := s.qemu
	s.mu.Unlock()
	report := schema.CrashReport{SystemId: s.id, CrashLog: why}
	s.notify.Crashed(report, false)
	if panicked {
		time.Sleep(consoleSettle)
	}
	report.CrashLog = why + "\n" + s.console.String()
	s.notify.Crashed(report, true)
	if p != nil {
		s.quit(context.Background(), p)
	}
}
