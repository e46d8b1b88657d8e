package vm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// getfacl returns getfacl's numeric listing of path.
func getfacl(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("getfacl", "-n", "-p", path).CombinedOutput()
	if err != nil {
		t.Fatalf("getfacl %s: %v\n%s", path, err, out)
	}
	return string(out)
}

func TestGrantRevokeVmAccess(t *testing.T) {
	testutil.RequireRoot(t)
	path := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(path, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	user := fmt.Sprintf("user:%d:rw-", VMUID("grant-test"))
	group := fmt.Sprintf("group:%d:r--", VMGroupID)
	if err := GrantVmAccess("grant-test", path); err != nil {
		t.Fatal(err)
	}
	if err := GrantVmGroupAccess(path); err != nil {
		t.Fatal(err)
	}
	acl := getfacl(t, path)
	if !strings.Contains(acl, user) || !strings.Contains(acl, group) || !strings.Contains(acl, "mask::rw-") {
		t.Errorf("after the grants getfacl shows:\n%s\nwant %q, %q and mask::rw-", acl, user, group)
	}
	if err := RevokeVmAccess("grant-test", path); err != nil {
		t.Fatal(err)
	}
	if err := RevokeVmGroupAccess(path); err != nil {
		t.Fatal(err)
	}
	acl = getfacl(t, path)
	if strings.Contains(acl, user) || strings.Contains(acl, group) || strings.Contains(acl, "mask") {
		t.Errorf("after the revocations getfacl shows:\n%s", acl)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after the revocations = %v, want -rw-r-----", fi.Mode().Perm())
	}
	if err := RevokeVmAccess("grant-test", path); err != nil {
		t.Errorf("revoking again: %v", err)
	}
	if err := GrantVmAccess("x", filepath.Join(t.TempDir(), "missing")); !hresult.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Errorf("grant on a missing file: %v", err)
	}
}

func TestGrantDirectory(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	if err := GrantVmAccess("dir-test", dir); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("user:%d:rwx", VMUID("dir-test")); !strings.Contains(getfacl(t, dir), want) {
		t.Errorf("getfacl lacks %q:\n%s", want, getfacl(t, dir))
	}
}

func TestCreateEmptyStateFiles(t *testing.T) {
	dir := t.TempDir()
	rs := filepath.Join(dir, "vm.vmrs")
	if err := CreateEmptyRuntimeStateFile(rs); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(rs); err != nil || fi.Size() != 0 {
		t.Errorf("runtime state file: %v, %v", fi, err)
	}
	if err := CreateEmptyRuntimeStateFile(rs); !hresult.Is(err, hresult.ERROR_ALREADY_EXISTS) {
		t.Errorf("second create: %v, want ERROR_ALREADY_EXISTS", err)
	}
	fw, err := FindFirmware()
	if err != nil {
		testutil.SkipOrFail(t, err.Error())
	}
	gs := filepath.Join(dir, "vm.vmgs")
	if err := CreateEmptyGuestStateFile(gs); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(fw.VarsTemplate)
	if got, _ := os.ReadFile(gs); string(got) != string(want) {
		t.Errorf("guest state file differs from %s", fw.VarsTemplate)
	}
}

func TestProcessorRequirements(t *testing.T) {
	r := processorRequirements([]string{"pni", "sse4.1", "sse4_1", "avx", "xsave", "fpu"})
	if fmt.Sprint(r.ProcessorFeatures) != "[Sse3 Sse4_1]" || fmt.Sprint(r.XsaveProcessorFeatures) != "[Avx Xsave]" {
		t.Errorf("requirements = %+v", r)
	}
}
