package host

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// runtimeSwitcher is implemented by a container driver that can change the OCI runtime of
// the containers it creates from now on.
type runtimeSwitcher interface {
	SetRuntime(name string) error
	RuntimeName() string
}

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// settings returns the service's current settings.
func (h *Host) settings() schema.ServiceSettings {
	var s schema.ServiceSettings
	if rs, ok := h.opts.Container.(runtimeSwitcher); ok {
		s.DefaultRuntime = rs.RuntimeName()
	}
	if h.opts.LogLevel != nil {
		s.LogLevel = strings.ToLower(h.opts.LogLevel.Level().String())
	}
	return s
}

// applySettings changes the settings that are set; all are checked before any changes.
func (h *Host) applySettings(set schema.ServiceSettings) error {
	level, levelOK := logLevels[set.LogLevel]
	switch {
	case set.LogLevel != "" && !levelOK:
		return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings.LogLevel: %q is not one of debug, info, warn, error", set.LogLevel)
	case set.LogLevel != "" && h.opts.LogLevel == nil:
		return hresult.New(hresult.ERROR_NOT_SUPPORTED, "$.Settings.LogLevel: this service's log level cannot be changed")
	case set.DefaultRuntime != "" && set.DefaultRuntime != "runc" && set.DefaultRuntime != "crun":
		return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings.DefaultRuntime: %q is not one of runc, crun", set.DefaultRuntime)
	}
	if set.DefaultRuntime != "" {
		rs, ok := h.opts.Container.(runtimeSwitcher)
		if !ok {
			return hresult.New(hresult.ERROR_NOT_SUPPORTED, "$.Settings.DefaultRuntime: the container driver has no runtime to choose")
		}
		if err := rs.SetRuntime(set.DefaultRuntime); err != nil {
			return err
		}
	}
	if set.LogLevel != "" {
		h.opts.LogLevel.Set(level)
	}
	h.log.Info("service settings changed", "defaultRuntime", set.DefaultRuntime, "logLevel", set.LogLevel)
	return nil
}

// crashReports lists the stored crash reports, oldest first.
func (h *Host) crashReports() (schema.CrashReports, error) {
	out := schema.CrashReports{Reports: []schema.StoredCrashReport{}}
	dir := filepath.Join(h.opts.StateDir, "reports")
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return out, nil
	}
	if err != nil {
		return out, hresult.Wrap(err, hresult.E_FAIL, "listing crash reports")
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || !json.Valid(b) {
			continue
		}
		info, _ := e.Info()
		out.Reports = append(out.Reports, schema.StoredCrashReport{
			Name: e.Name(), Submitted: info.ModTime().UTC().Format("2006-01-02T15:04:05.000Z07:00"), Report: b,
		})
	}
	return out, nil
}
