package driver

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

func TestReadState(t *testing.T) {
	dir := t.TempDir()
	var v struct{ Pid int }
	if ok, err := ReadState(dir, "s.json", &v); ok || err != nil {
		t.Fatalf("missing file: %v, %v; want false, nil", ok, err)
	}
	os.WriteFile(filepath.Join(dir, "s.json"), []byte(`{"Pid":7}`), 0o600)
	if ok, err := ReadState(dir, "s.json", &v); !ok || err != nil || v.Pid != 7 {
		t.Fatalf("written file: %v, %v, %+v; want true, nil, Pid 7", ok, err, v)
	}
	os.WriteFile(filepath.Join(dir, "s.json"), []byte(`{`), 0o600)
	if _, err := ReadState(dir, "s.json", &v); !hresult.Is(err, hresult.E_FAIL) {
		t.Fatalf("corrupt file: %v, want E_FAIL", err)
	}
}

func TestRecoverableState(t *testing.T) {
	req := CreateRequest{ID: "sys", StateDir: t.TempDir()}
	var v struct{ Pid int }
	if err := RecoverableState(req, "s.json", &v, true); !errors.Is(err, ErrSystemGone) {
		t.Fatalf("no state: %v, want ErrSystemGone", err)
	}
	os.WriteFile(filepath.Join(req.StateDir, "s.json"), []byte(`{"Pid":7}`), 0o600)
	if err := RecoverableState(req, "s.json", &v, false); !errors.Is(err, ErrSystemGone) {
		t.Fatalf("no configuration: %v, want ErrSystemGone", err)
	}
	if err := RecoverableState(req, "s.json", &v, true); err != nil || v.Pid != 7 {
		t.Fatalf("state and configuration: %v, %+v", err, v)
	}
}
