package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"

	"github.com/linuxhcs/hcs/agent/protocol"
	"golang.org/x/sys/unix"
)

// The init of a container is this binary again, started with argv[0] containerInitName in
// the container's new namespaces. A process of the agent's own could not do this work: the
// mounts and pivot_root must be made from inside the new mount namespace before anything
// runs in it, and pid 1 of a pid namespace must then reap the orphans of the container and
// survive every signal sent from inside it. Re-executing the agent needs no other binary in
// the guest or in the layers, and its command line names it for what it is.

const (
	containerInitName = "hcs-container-init"
	selfExe           = "/proc/self/exe"
)

// initConfig is what the agent sends a container's init on its stdin.
type initConfig struct {
	Rootfs   string                     `json:"Rootfs"`
	Union    union                      `json:"Union"`
	Hostname string                     `json:"Hostname"`
	Mapped   []protocol.MappedDirectory `json:"Mapped,omitempty"`
}

// runContainerInit is the main function of a container's init. It reports on fd 3 whether
// the container's root is ready, then reaps until it is killed.
func runContainerInit() int {
	// Catch every signal first: the runtime's handlers would make the init exit on SIGTERM,
	// which the agent's shutdown sends to all its descendants.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs)
	rep := os.NewFile(3, "report")
	var cfg initConfig
	err := json.NewDecoder(os.Stdin).Decode(&cfg)
	if err == nil {
		err = setupRoot(&cfg)
	}
	if err != nil {
		json.NewEncoder(rep).Encode(map[string]any{"Error": protocol.ErrorFrom(err)})
		return 1
	}
	quietStdio()
	rep.WriteString("{}\n")
	rep.Close()
	initReap(sigs)
	return 0
}

// setupRoot builds the container's root and makes it the root of the init.
func setupRoot(cfg *initConfig) error {
	// Slave propagation keeps every mount below from appearing in the agent's namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return fmt.Errorf("make / a slave mount: %w", err)
	}
	if err := cfg.Union.mount(cfg.Rootfs); err != nil {
		return err
	}
	for _, m := range cfg.Mapped {
		if err := mapDirectory(cfg.Rootfs, m); err != nil {
			return err
		}
	}
	if err := mountSpecial(cfg.Rootfs); err != nil {
		return err
	}
	if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
		return fmt.Errorf("sethostname %q: %w", cfg.Hostname, err)
	}
	return pivotRoot(cfg.Rootfs)
}

// mapDirectory bind-mounts a mapped directory, read-only when asked. A bind mount takes its
// flags from the source, so read-only needs a second, remounting call.
func mapDirectory(rootfs string, m protocol.MappedDirectory) error {
	target, err := inRoot(rootfs, m.ContainerPath)
	if err != nil {
		return fmt.Errorf("MappedDirectories: %w", err)
	}
	if err := os.MkdirAll(target, 0o755); err != nil {
		return fmt.Errorf("MappedDirectories: create %s: %w", m.ContainerPath, err)
	}
	if err := unix.Mount(m.HostPath, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("MappedDirectories: bind %s on %s: %w", m.HostPath, m.ContainerPath, err)
	}
	if !m.ReadOnly {
		return nil
	}
	if err := unix.Mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("MappedDirectories: make %s read-only: %w", m.ContainerPath, err)
	}
	return nil
}

// inRoot returns rootfs/rel once it has checked that no existing component of rel is a
// symbolic link: until pivot_root, a link of a layer would resolve in the agent's root and
// put a mount outside the container. Nothing runs in the container yet, so nothing can
// change the layers between the check and the mount.
func inRoot(rootfs, rel string) (string, error) {
	rel = strings.TrimPrefix(path.Clean("/"+rel), "/")
	p := rootfs
	for _, part := range strings.Split(rel, "/") {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			break // MkdirAll creates the rest
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("/%s: /%s is a symbolic link in the container's layers", rel, strings.TrimPrefix(p, rootfs+"/"))
		}
	}
	return filepath.Join(rootfs, rel), nil
}

// pivotRoot makes rootfs the root and detaches the agent's root from the namespace, so
// nothing of the agent's file system stays reachable from the container.
func pivotRoot(rootfs string) error {
	if err := unix.Chdir(rootfs); err != nil {
		return err
	}
	// pivot_root(".", ".") stacks the old root on the new one; unmounting "." then takes
	// the old root away without needing a directory for it in the layers.
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root %s: %w", rootfs, err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach the old root: %w", err)
	}
	return unix.Chdir("/")
}

// quietStdio points the init's stdio at the container's /dev/null, so that it holds no
// descriptor of the agent's (a process of the container could reach them in /proc/1/fd).
func quietStdio() {
	fd, err := unix.Open("/dev/null", unix.O_RDWR, 0)
	if err != nil {
		return
	}
	for i := 0; i <= 2; i++ {
		unix.Dup2(fd, i)
	}
	if fd > 2 {
		unix.Close(fd)
	}
}

// initReap reaps every child for ever. Signals from inside the container are caught and
// ignored: only SIGKILL from the agent (DeleteContainer) ends the init.
func initReap(sigs <-chan os.Signal) {
	reapAll()
	for sig := range sigs {
		if sig == unix.SIGCHLD {
			reapAll()
		}
	}
}

// reapAll reaps every child that has exited. A SIGCHLD dropped because the channel was
// full is harmless: the signals still queued cause another pass.
func reapAll() {
	for {
		pid, err := unix.Wait4(-1, nil, unix.WNOHANG, nil)
		if pid <= 0 && err != unix.EINTR {
			return
		}
	}
}
