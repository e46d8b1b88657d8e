package host_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/schema"
)

// exitsWhileRecovering is a back-end whose systems end while Recover tries, and fails, to
// reattach to them. Cleanup reports whether the driver's state was still there to read.
type exitsWhileRecovering struct{ stateLeft chan bool }

func (exitsWhileRecovering) Name() string { return "container" }

func (exitsWhileRecovering) Create(context.Context, driver.CreateRequest) (driver.System, error) {
	return nil, errors.New("this back-end only recovers")
}

func (exitsWhileRecovering) Recover(_ context.Context, req driver.CreateRequest) (driver.Recovered, error) {
	req.Notify.Exited(driver.Exit{Cause: driver.ExitStopped})
	time.Sleep(200 * time.Millisecond) // room for the host to act on the report
	return driver.Recovered{}, errors.New("the agent does not answer")
}

func (d exitsWhileRecovering) Cleanup(_ context.Context, req driver.CreateRequest) error {
	_, err := os.Stat(filepath.Join(req.StateDir, "driver.json"))
	d.stateLeft <- err == nil
	return nil
}

// TestFailedReattachIsReleasedByCleanupAlone: a system that reports its end while the host
// fails to reattach it is released by the driver's Cleanup, which must still find the state
// the driver kept; the report must not tear the system down on its own.
func TestFailedReattachIsReleasedByCleanupAlone(t *testing.T) {
	dir := t.TempDir()
	sys := filepath.Join(dir, "systems", "ending")
	if err := os.MkdirAll(sys, 0o700); err != nil {
		t.Fatal(err)
	}
	rec := `{"Id":"ending","Config":` + containerDoc + `,"Driver":"container","State":"Running"}`
	os.WriteFile(filepath.Join(sys, "system.json"), []byte(rec), 0o600)
	os.WriteFile(filepath.Join(sys, "driver.json"), []byte(`{}`), 0o600)
	drv := exitsWhileRecovering{stateLeft: make(chan bool, 1)}
	h, err := host.New(host.Options{Container: drv, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background(), true)
	if live, err := h.Recover(ctx(t)); err != nil || len(live) != 0 {
		t.Fatalf("Recover = %v, %v; want nothing reattached", live, err)
	}
	if !<-drv.stateLeft {
		t.Fatal("the driver's state was removed before its Cleanup could read it")
	}
	if _, err := os.Stat(sys); !os.IsNotExist(err) {
		t.Fatalf("the released system's state directory is left: %v", err)
	}
}

// seesRecover is a back-end that reports the configuration each Recover is given, then
// fails to reattach.
type seesRecover struct {
	exitsWhileRecovering
	configs chan *schema.ComputeSystem
}

func (d seesRecover) Recover(_ context.Context, req driver.CreateRequest) (driver.Recovered, error) {
	d.configs <- req.Config
	return driver.Recovered{}, errors.New("the agent does not answer")
}

// TestRecordedConfigurationWithUnknownMembersIsRecovered: a configuration a service
// accepted before decoding was strict may hold members the schema does not know; read back
// after a restart it still reaches the driver, instead of being swept as invalid.
func TestRecordedConfigurationWithUnknownMembersIsRecovered(t *testing.T) {
	dir := t.TempDir()
	sys := filepath.Join(dir, "systems", "older")
	if err := os.MkdirAll(sys, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `{"Owner":"test","Container":{"HostName":"h","GuestOs":{"HostName":"g"}}}`
	rec := `{"Id":"older","Config":` + cfg + `,"Driver":"container","State":"Running"}`
	os.WriteFile(filepath.Join(sys, "system.json"), []byte(rec), 0o600)
	drv := seesRecover{exitsWhileRecovering{stateLeft: make(chan bool, 1)}, make(chan *schema.ComputeSystem, 1)}
	h, err := host.New(host.Options{Container: drv, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background(), true)
	h.Recover(ctx(t))
	select {
	case c := <-drv.configs:
		if c.Container == nil || c.Container.GuestOs == nil || c.Container.GuestOs.HostName != "g" {
			t.Fatalf("recovered configuration %+v", c)
		}
	default:
		t.Fatal("the recorded configuration never reached the driver")
	}
}
