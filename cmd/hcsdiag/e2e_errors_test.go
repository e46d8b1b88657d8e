package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// codeMention is how hcsdiag names an HRESULT: "NAME (0xXXXXXXXX)".
var codeMention = regexp.MustCompile(`[A-Z][A-Z0-9_]* \(0x[0-9A-F]{8}\)`)

// wantErrorLine requires r to be a failure whose one line of stderr starts with prefix, names
// one HRESULT once, names what the caller gave (mention) and none of the service's own
// directories.
func wantErrorLine(t *testing.T, r result, prefix, mention string) {
	t.Helper()
	line := strings.TrimSuffix(r.stderr, "\n")
	if r.code != 1 || strings.Contains(line, "\n") || !strings.HasPrefix(line, prefix) {
		t.Fatalf("want exit 1 and one line starting %q, got\n%s", prefix, r)
	}
	if codes := codeMention.FindAllString(line, -1); len(codes) != 1 {
		t.Errorf("the line names %d HRESULTs %q, want one, once:\n%s", len(codes), codes, line)
	}
	if n := strings.Count(line, "0x"); n != 1 {
		t.Errorf("the line gives %d hexadecimal codes, want one:\n%s", n, line)
	}
	if !strings.Contains(line, mention) {
		t.Errorf("the line does not name %q, which the caller gave:\n%s", mention, line)
	}
	for _, internal := range []string{daemon.Base, daemon.AgentDir, "/run/hcs-vm", ".sock"} {
		if strings.Contains(line, internal) {
			t.Errorf("the line names the service's own %q:\n%s", internal, line)
		}
	}
}

// A VM's missing kernel is refused at create (boot files are checked before anything is
// made), with one code, naming the document member and the file.
func TestMissingKernelNamesItsCodeOnce(t *testing.T) {
	needDaemon(t)
	kernel := filepath.Join("/nonexistent", t.Name(), "vmlinuz")
	doc := `{"SchemaVersion":{"Major":2,"Minor":3},"VirtualMachine":{"Chipset":{"LinuxKernelDirect":` +
		`{"KernelFilePath":"` + kernel + `"}},"ComputeTopology":{"Memory":{"SizeInMB":128},"Processor":{"Count":1}}}}`
	t.Cleanup(func() { hcsdiag(t, "terminate", "nokernel") })
	r := daemon.runIn(t, doc, "create", "nokernel")
	wantErrorLine(t, r, `hcsdiag: create: ERROR_NOT_FOUND (0x80070490): compute system "nokernel": `+
		"$.VirtualMachine.Chipset.LinuxKernelDirect.KernelFilePath: "+kernel+" does not exist", kernel)
}

func TestFailedCreateNamesItsCodeOnceAndTheCallersLayer(t *testing.T) {
	needDaemon(t)
	notLayer := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notLayer, []byte("not a layer"), 0o600); err != nil {
		t.Fatal(err)
	}
	scratch := filepath.Join(t.TempDir(), "rw")
	t.Cleanup(func() { hcsdiag(t, "terminate", "filelayer") })
	r := hcsdiag(t, "create", "filelayer", example("container.json"), "--layer", notLayer, "--scratch", scratch)
	wantErrorLine(t, r, `hcsdiag: create: HCS_E_INVALID_LAYER (0x80370112): compute system "filelayer": parent layer `+notLayer+": not a directory", notLayer)
}
