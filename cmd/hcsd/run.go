package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/vm"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/host/server"
	"github.com/linuxhcs/hcs/storage"
	"github.com/linuxhcs/hcs/utility"
)

// stopTimeout bounds a clean shutdown: requests in flight get this long to finish.
const stopTimeout = 30 * time.Second

// run serves until ctx ends, then stops cleanly. The socket is taken first, so a second
// hcsd gives up before touching the state of the first.
func run(ctx context.Context, cfg config, log *slog.Logger) error {
	if os.Geteuid() != 0 {
		return errors.New("hcsd must run as root")
	}
	gid, err := ensureGroup(cfg.Group, log)
	if err != nil {
		return err
	}
	ln, err := server.Listen(cfg.Socket, server.ListenOptions{GID: gid})
	if err != nil {
		return err
	}
	defer ln.Close()
	h, drv, err := newHost(ctx, cfg, log)
	if err != nil {
		return err
	}
	srv := server.New(h, server.Options{AllowedGIDs: []uint32{gid}, GroupName: cfg.Group, Version: softwareVersion(), Logger: log})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln.UnixListener) }()
	log.Info("hcsd ready", "version", softwareVersion(), "socket", cfg.Socket, "state-dir", cfg.StateDir,
		"runtime", drv.Runtime().Name, "group", cfg.Group)
	select {
	case <-ctx.Done():
		log.Info("hcsd stopping")
	case err = <-served:
		log.Error("hcsd stopped accepting connections", "err", err)
	}
	return errors.Join(err, shutdown(srv, ln, h, log))
}

// newHost builds the container driver and the host on the state directory, and reattaches
// the systems a previous hcsd left running.
func newHost(ctx context.Context, cfg config, log *slog.Logger) (*host.Host, *container.Driver, error) {
	if err := stateDir(cfg.StateDir); err != nil {
		return nil, nil, err
	}
	if err := lockStateDir(cfg.StateDir); err != nil {
		return nil, nil, err
	}
	if err := sweepStaging(cfg.StateDir, log); err != nil {
		return nil, nil, err
	}
	handshake, _ := cfg.handshakeTimeout() // validated with the rest of the settings
	drv, err := container.New(container.Options{
		Runtime: cfg.Runtime, RuntimeRoot: cfg.RuntimeRoot, CgroupParent: cfg.CgroupParent,
		SocketDir: cfg.AgentSocketDir, Logger: log, HandshakeTimeout: handshake,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("container driver: %w", err)
	}
	opts := host.Options{Container: drv, StateDir: cfg.StateDir, Logger: log, LogLevel: logLevel, Utilities: utility.Functions()}
	if vmd, err := vm.New(vm.Options{Logger: log, HandshakeTimeout: handshake}); err != nil {
		log.Warn("virtual machines are not available", "err", err)
	} else {
		opts.VirtualMachine = vmd
	}
	h, err := host.New(opts)
	if err != nil {
		return nil, nil, err
	}
	live, err := h.Recover(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("recovering the systems of the previous hcsd: %w", err)
	}
	if len(live) > 0 {
		log.Info("reattached running systems", "ids", live)
	}
	return h, drv, nil
}

// sweepStaging removes the staging folders of the layer imports a crash of the previous hcsd
// interrupted, and has this hcsd record its own (storage.RecordStaging) in the state
// directory. A folder that cannot be removed is logged and kept for the next start: it never
// stops the service.
func sweepStaging(stateDir string, log *slog.Logger) error {
	records := filepath.Join(stateDir, "staging")
	removed, err := storage.SweepStaging(records)
	if len(removed) > 0 {
		log.Info("removed the staging folders of interrupted layer imports", "folders", removed)
	}
	if err != nil {
		log.Warn("staging folders of interrupted layer imports are left", "err", err)
	}
	return storage.RecordStaging(records)
}

// shutdown stops serving: no new connections, clients disconnected, requests in flight
// finished or cancelled; compute systems keep running.
func shutdown(srv *server.Server, ln *server.Listener, h *host.Host, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if err != nil {
		log.Warn("requests still running at shutdown were cancelled", "err", err)
	}
	ln.Close()
	if err := h.Close(ctx, false); err != nil {
		return fmt.Errorf("closing the host: %w", err)
	}
	log.Info("hcsd stopped")
	return nil
}

// stateDir creates dir root-only, or checks that an existing one is a directory owned by
// root that no one else can write.
func stateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return fmt.Errorf("state directory %s is not a directory", dir)
	case st.Uid != 0:
		return fmt.Errorf("state directory %s is owned by uid %d, not root", dir, st.Uid)
	case st.Mode&0o022 != 0:
		return fmt.Errorf("state directory %s is writable by group or others (mode %04o)", dir, st.Mode&0o7777)
	}
	return nil
}

// stateLock holds the state directory's lock for the life of the process: two services on
// one state directory would each try to own (and recover) the same systems.
var stateLock *os.File

func lockStateDir(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, "hcsd.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("state directory lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("another hcsd is using the state directory %s", dir)
	}
	stateLock = f
	return nil
}
