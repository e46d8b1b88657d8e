package vm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
)

// DefaultRunDir holds one directory per VM with its sockets and private files. It is
// separate from the container driver's /run/hcs so its mode can let the VMs' uids reach
// their own files (0711: no listing).
const DefaultRunDir = "/run/hcs-vm"

// Options configures the VM driver.
type Options struct {
	// QEMU is the qemu-system-x86_64 binary; empty means the one on PATH.
	QEMU string
	// RunDir replaces DefaultRunDir.
	RunDir string
	// Accel forces AccelKVM or AccelTCG; empty means DetectAccel().
	Accel string
	// NoSandbox leaves QEMU's seccomp sandbox off.
	NoSandbox bool
	// Logger receives the driver's log; nil means slog.Default().
	Logger *slog.Logger
	// HandshakeTimeout bounds Start's wait for the guest agent of a VM with a
	// GuestConnection, from the moment the guest runs; zero means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
}

// DefaultHandshakeTimeout is Options.HandshakeTimeout when unset: a guest booting under TCG
// on a loaded host reaches its agent in well under a minute, and a guest whose agent never
// starts (a kernel or initrd without it) fails Start instead of holding it for ever.
const DefaultHandshakeTimeout = 60 * time.Second

// Driver creates QEMU virtual machines. It is safe for concurrent use.
type Driver struct {
	opts    Options
	qemu    string
	accel   string
	fw      Firmware // zero when OVMF is not installed (UEFI VMs then fail to create)
	kvmGID  int      // group of /dev/kvm, -1 when unknown
	sandbox bool
	vsock   bool // /dev/vhost-vsock opens
	log     *slog.Logger
	// spawnReturned is agentsession.Options.SpawnReturned for every VM; tests set it.
	spawnReturned func(pid int)
	// uids keeps two VMs from running QEMU as one uid.
	uids uidClaims
}

var _ driver.Driver = (*Driver)(nil)

// New returns a VM driver for this host.
func New(opts Options) (*Driver, error) {
	q, err := findQEMU(opts.QEMU)
	if err != nil {
		return nil, err
	}
	if opts.RunDir == "" {
		opts.RunDir = DefaultRunDir
	}
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if err := os.MkdirAll(opts.RunDir, 0o711); err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "VM run directory")
	}
	os.Chmod(opts.RunDir, 0o711)
	d := &Driver{opts: opts, qemu: q, accel: opts.Accel, kvmGID: deviceGroup("/dev/kvm"),
		sandbox: !opts.NoSandbox && hasSandbox(q), vsock: vsockAvailable(), log: opts.Logger}
	if d.accel == "" {
		d.accel = DetectAccel()
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	d.fw, _ = FindFirmware()
	return d, nil
}

// Name implements driver.Driver.
func (d *Driver) Name() string { return "vm" }

// Accel returns the accelerator new VMs use.
func (d *Driver) Accel() string { return d.accel }

// newRunID names a VM's run directory: "h-" and 96 random bits. It owes nothing to the
// compute-system id, so no choice of ids makes two VMs share a run directory; it is recorded
// in vm.json and read back on recovery.
func newRunID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", hresult.Wrap(err, hresult.E_FAIL, "allocating a VM run directory name")
	}
	return "h-" + hex.EncodeToString(b[:]), nil
}

// Create validates the document and prepares the VM's run directory; QEMU starts with
// Start.
func (d *Driver) Create(ctx context.Context, req driver.CreateRequest) (driver.System, error) {
	if req.Config == nil || req.Config.VirtualMachine == nil {
		return nil, hresult.New(hresult.E_INVALIDARG, "ComputeSystem.VirtualMachine: required by the VM driver")
	}
	rid, err := newRunID()
	if err != nil {
		return nil, err
	}
	s := newSystem(d, req, rid)
	if err := s.prepare(); err != nil {
		s.release()
		return nil, err
	}
	if err := s.checkBootFiles(s.cmd); err != nil {
		s.release()
		return nil, err
	}
	return s, nil
}

// prepare records the run directory's name, makes it, and builds the command line (which
// validates the document). A new VM's run directory must not exist: whatever is there is
// another's and would be removed by Close.
func (s *System) prepare() error {
	if err := s.saveState(); err != nil {
		return err
	}
	if err := s.makeRunDir(); err != nil {
		return err
	}
	if s.needsVarsCopy() {
		if err := s.copyVars(); err != nil {
			return err
		}
	}
	cmd, err := BuildCommand(s.commandConfig())
	if err != nil {
		return err
	}
	s.cmd = cmd
	return nil
}

// makeRunDir makes the run directory, refusing one that exists unless the VM is being
// recovered (runMade: it made the directory before the service restarted).
func (s *System) makeRunDir() error {
	if s.runMade {
		return hresult.Wrap(os.MkdirAll(s.run, 0o711), hresult.E_FAIL, "VM run directory")
	}
	err := os.Mkdir(s.run, 0o711)
	if os.IsExist(err) {
		return hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_EXISTS, "VM run directory %s already exists; refusing to take it over", s.rid)
	}
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "VM run directory")
	}
	s.runMade = true
	return nil
}

// commandConfig is the builder's input for this VM.
func (s *System) commandConfig() Config {
	return Config{ID: s.id, VM: s.cfg, Accel: s.d.accel, FirmwareCode: s.d.fw.Code, FirmwareVars: s.varsPath(),
		Sandbox: s.d.sandbox, Agent: s.cfg.GuestConnection != nil, Vsock: s.usesVsock(), Plan9HotplugDir: s.plan9Dir()}
}

// needsVarsCopy reports whether the VM boots UEFI without a variable store of its own.
func (s *System) needsVarsCopy() bool {
	c := s.cfg.Chipset
	return c != nil && c.Uefi != nil && (s.cfg.GuestState == nil || s.cfg.GuestState.GuestStateFilePath == "")
}

func (s *System) varsPath() string { return filepath.Join(s.run, "vars.fd") }

// copyVars gives the VM a private, transient copy of the empty variable store.
func (s *System) copyVars() error {
	if s.d.fw.VarsTemplate == "" {
		return hresult.New(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "$.VirtualMachine.Chipset.Uefi: no UEFI firmware (OVMF) is installed")
	}
	src, err := os.Open(s.d.fw.VarsTemplate)
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "UEFI variable store")
	}
	defer src.Close()
	dst, err := os.OpenFile(s.varsPath(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "UEFI variable store")
	}
	_, err = io.Copy(dst, src)
	dst.Close()
	if err == nil {
		err = os.Chown(s.varsPath(), int(s.uid), int(s.uid))
	}
	return hresult.Wrap(err, hresult.E_FAIL, "UEFI variable store")
}
