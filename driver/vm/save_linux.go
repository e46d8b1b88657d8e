package vm

import (
	"context"
	"os"
	"sort"
	"time"

	"github.com/linuxhcs/hcs/driver/vm/qmp"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Pause stops the guest's processors (QMP stop): its clock stops too. Options it cannot
// honour are refused (see CheckPauseOptions).
func (s *System) Pause(ctx context.Context, opts *schema.PauseOptions) error {
	if err := CheckPauseOptions(opts); err != nil {
		return err
	}
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	if err := m.Execute(ctx, "stop", nil, nil); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "pause")
	}
	return nil
}

// Resume lets a paused guest run again (QMP cont).
func (s *System) Resume(ctx context.Context) error {
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	if err := m.Execute(ctx, "cont", nil, nil); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "resume")
	}
	s.guestResumed()
	return nil
}

// guestRunning asks QEMU whether the guest's processors run; QEMU, not a copy of the
// host's state, knows whether the guest is paused.
func (s *System) guestRunning(ctx context.Context, m *qmp.Client) (bool, error) {
	var st struct {
		Running bool `json:"running"`
	}
	if err := m.Execute(ctx, "query-status", nil, &st); err != nil {
		return false, hresult.Wrap(err, hresult.E_FAIL, "query the VM's run state")
	}
	return st.Running, nil
}

// Save writes a paused VM's state to SaveOptions.SaveStateFilePath (by default
// GuestState.RuntimeStateFilePath): a SavedHeader, then QEMU's migration stream, written
// through a descriptor passed to QEMU. The VM then stops, with a GracefulExit attributed to
// the save (WorkerExit Saved); a new system with RestoreState continues it.
func (s *System) Save(ctx context.Context, opts *schema.SaveOptions) error {
	path, err := s.savePath(opts)
	if err != nil {
		return err
	}
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	running, err := s.guestRunning(ctx, m)
	if err != nil {
		return err
	}
	if running {
		return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "VM %s: pause it before saving", s.id)
	}
	if err := s.migrateTo(ctx, m, path); err != nil {
		return err
	}
	s.mu.Lock()
	s.attribution = []schema.AttributionRecord{{WorkerExit: &schema.WorkerExit{Type: schema.WorkerExitTypeSaved, Initiator: schema.ExitInitiatorClient}}}
	p := s.qemu
	s.mu.Unlock()
	s.quit(ctx, p)
	return waitDone(ctx, p.done)
}

// savePath checks the options and returns the file to save to.
func (s *System) savePath(opts *schema.SaveOptions) (string, error) {
	var path string
	if opts != nil {
		if err := CheckSaveOptions(opts); err != nil {
			return "", err
		}
		path = opts.SaveStateFilePath
	}
	if path == "" && s.cfg.GuestState != nil {
		path = s.cfg.GuestState.RuntimeStateFilePath
	}
	if path == "" {
		return "", hresult.New(hresult.E_INVALIDARG, "SaveOptions.SaveStateFilePath: required (the VM has no GuestState.RuntimeStateFilePath)")
	}
	return path, nil
}

// migrateTo writes the header and the migration stream to path.
func (s *System) migrateTo(ctx context.Context, m *qmp.Client, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return hresult.Wrap(err, 0, "SaveOptions.SaveStateFilePath")
	}
	defer f.Close()
	if err := writeSavedHeader(f, s.savedHeader(ctx, m)); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "save")
	}
	if err := m.ExecuteWithFile(ctx, "getfd", map[string]any{"fdname": "hcs-save"}, f, nil); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "save: pass the file to QEMU")
	}
	if err := m.Execute(ctx, "migrate", map[string]any{"uri": "fd:hcs-save"}, nil); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "save")
	}
	if err := waitMigration(ctx, m); err != nil {
		return err
	}
	return hresult.Wrap(f.Sync(), hresult.E_FAIL, "save")
}

// waitMigration polls the migration until it completed or failed.
func waitMigration(ctx context.Context, m *qmp.Client) error {
	for {
		var st struct {
			Status   string `json:"status"`
			ErrorDes string `json:"error-desc"`
		}
		if err := m.Execute(ctx, "query-migrate", nil, &st); err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "save")
		}
		switch st.Status {
		case "completed":
			return nil
		case "failed", "cancelled":
			return hresult.Errorf(hresult.E_FAIL, "save: migration %s: %s", st.Status, st.ErrorDes)
		}
		select {
		case <-ctx.Done():
			m.Execute(context.Background(), "migrate_cancel", nil, nil)
			return hresult.Wrap(ctx.Err(), hresult.HCS_E_OPERATION_TIMEOUT, "save")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// savedHeader describes the running VM's processor for the runtime state file.
func (s *System) savedHeader(ctx context.Context, m *qmp.Client) SavedHeader {
	h := SavedHeader{Accel: s.d.accel, CPUModel: "qemu64"}
	if s.d.accel == AccelKVM {
		h.CPUModel = "host"
	}
	var exp struct {
		Model struct {
			Props map[string]any `json:"props"`
		} `json:"model"`
	}
	args := map[string]any{"type": "full", "model": map[string]any{"name": h.CPUModel}}
	if m.Execute(ctx, "query-cpu-model-expansion", args, &exp) == nil {
		for name, v := range exp.Model.Props {
			if b, ok := v.(bool); ok && b {
				h.CPUFeatures = append(h.CPUFeatures, name)
			}
		}
		sort.Strings(h.CPUFeatures)
	}
	var ver struct {
		Package string `json:"package"`
	}
	if m.Execute(ctx, "query-version", nil, &ver) == nil {
		h.QEMUVersion = ver.Package
	}
	return h
}
