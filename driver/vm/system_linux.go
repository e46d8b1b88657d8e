package vm

import (
	"github.com/linuxhcs/hcs/internal/tail"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/driver/vm/qmp"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// System is one virtual machine.
type System struct {
	d      *Driver
	id     string // compute-system id
	rid    string // run id (names the run directory)
	cfg    *schema.VirtualMachine
	dir    string // the host's private state directory
	run    string // the run directory: sockets, private files
	notify driver.Notifier
	uid    uint32 // QEMU's uid and gid
	cmd    *Command
	// scsi maps Devices.Scsi keys to QEMU controller ids.
	scsi map[string]string
	// console keeps the end of the guest's console for crash reports.
	console *tail.Buffer

	runMade bool // the run directory exists and is removed on Close
	// exitOnce reports the VM's end once, whether QEMU exited or never ran.
	exitOnce sync.Once
	// agent is the session with the guest agent, once it connected.
	agent agentsession.Holder

	mu   sync.Mutex
	qemu *qemuProcess
	qmp  *qmp.Client
	// consoleConn is the connection to the console socket, when the driver owns COM1.
	consoleConn net.Conn
	// pendingAgent is the connection to the agent's port while Start waits for the guest.
	pendingAgent *net.UnixConn
	startAt      time.Time
	// attribution explains the exit (a save, a guest crash).
	attribution []schema.AttributionRecord
	// shutdownReason is the reason of QEMU's SHUTDOWN event.
	shutdownReason string
	// panicked is set once a crash was reported, which happens once.
	panicked bool
	disks    map[string]bool
	// hot9p are the 9p shares added while the VM runs, by hot-plug slot.
	hot9p [Plan9HotplugSlots]*schema.Plan9Share
	// modified says cfg was changed before Start (see modifyBeforeStart) and is persisted.
	modified bool
	// resumed, set while a VM recovered paused waits to be resumed, is closed by Resume: its
	// guest agent can answer only then (see reconnectGuest).
	resumed chan struct{}
}

var _ driver.System = (*System)(nil)

// newSystem returns the VM req describes, whose run directory is named rid.
func newSystem(d *Driver, req driver.CreateRequest, rid string) *System {
	return &System{
		d: d, id: req.ID, rid: rid, cfg: req.Config.VirtualMachine, dir: req.StateDir,
		run: filepath.Join(d.opts.RunDir, rid), notify: req.Notify, uid: VMUID(req.ID),
		scsi: ScsiControllerIDs(req.Config.VirtualMachine.Devices), console: tail.New(consoleKeep),
		disks: map[string]bool{},
	}
}

// Socket paths in the run directory.
func (s *System) qmpPath() string     { return filepath.Join(s.run, "qmp.sock") }
func (s *System) agentPath() string   { return filepath.Join(s.run, "agent.sock") }
func (s *System) consolePath() string { return filepath.Join(s.run, "console.sock") }

// plan9Dir holds the links of the 9p shares added while the VM runs.
func (s *System) plan9Dir() string { return filepath.Join(s.run, "9p") }

func (s *System) monitor() *qmp.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.qmp
}

// agentSession returns the guest agent's session or the error calls report without one.
func (s *System) agentSession() (*agentsession.Session, error) {
	if sess := s.agent.Get(); sess != nil {
		return sess, nil
	}
	if s.config().GuestConnection == nil {
		return nil, hresult.Errorf(hresult.HCS_E_SYSTEM_NOT_CONFIGURED_FOR_OPERATION,
			"VM %s has no GuestConnection: processes need the guest agent", s.id)
	}
	return nil, hresult.Errorf(hresult.HCS_E_CONNECTION_CLOSED, "VM %s: the guest agent is not connected", s.id)
}

// monitorOrErr returns the QMP client or the error of a call on a VM that is not running.
func (s *System) monitorOrErr() (*qmp.Client, error) {
	if m := s.monitor(); m != nil {
		return m, nil
	}
	return nil, hresult.Errorf(hresult.HCS_E_INVALID_STATE, "VM %s is not running", s.id)
}

func (s *System) startTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startAt
}

// release removes what Create made: the run directory and its sockets.
func (s *System) release() {
	if s.runMade {
		os.RemoveAll(s.run)
	}
}
