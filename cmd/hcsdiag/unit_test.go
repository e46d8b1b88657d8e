package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

func TestErrorLines(t *testing.T) {
	var b bytes.Buffer
	code := report(&b, listVerb, hresult.New(hresult.HCS_E_SYSTEM_NOT_FOUND, `compute system "x" not found`))
	if want := "hcsdiag: list: HCS_E_SYSTEM_NOT_FOUND (0x8037010E): compute system \"x\" not found\n"; code != 1 || b.String() != want {
		t.Errorf("report = %d %q, want 1 %q", code, b.String(), want)
	}
	b.Reset()
	err := annotate(annotate(fs.ErrNotExist, "reading x.json"), "create")
	report(&b, createVerb, err)
	if want := "hcsdiag: create: ERROR_NOT_FOUND (0x80070490): create: reading x.json: file does not exist\n"; b.String() != want {
		t.Errorf("annotated error line %q, want %q", b.String(), want)
	}
	b.Reset()
	report(&b, listVerb, fmt.Errorf("plain"))
	if !strings.HasPrefix(b.String(), "hcsdiag: list: E_FAIL (0x80004005): plain") {
		t.Errorf("a plain error: %q", b.String())
	}
	if code := report(&b, execVerb, exitStatus(42)); code != 42 {
		t.Errorf("exit status passed through as %d", code)
	}
	b.Reset()
	if code := report(&b, execVerb, usagef("no command")); code != 2 || !strings.Contains(b.String(), "Usage: hcsdiag exec") {
		t.Errorf("usage error: %d %q", code, b.String())
	}
}

func TestOverrideContainer(t *testing.T) {
	doc := `{"SchemaVersion":{"Major":2,"Minor":1},"Future":{"x":1},"Container":{"GuestOs":{"HostName":"h"},"Storage":{"Layers":[{"Path":"/old"}],"Path":"/old-rw","QoS":{"IopsMaximum":5}}}}`
	p, err := parseArgs(createVerb.opts, []string{"--layer", "/a", "--layer", "b", "--scratch", "/rw", "--memory", "64", "id"}, -1)
	if err != nil {
		t.Fatal(err)
	}
	out, err := overrideContainer(doc, p)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Future    map[string]int
		Container struct {
			GuestOs struct{ HostName string }
			Storage struct {
				Layers []struct{ Path, PathType string }
				Path   string
				QoS    map[string]int
			}
			Memory struct{ SizeInMB int }
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	c := got.Container
	if len(c.Storage.Layers) != 2 || c.Storage.Layers[0].Path != "/a" || c.Storage.Layers[1].Path != wd+"/b" ||
		c.Storage.Layers[0].PathType != "AbsolutePath" || c.Storage.Path != "/rw" || c.Memory.SizeInMB != 64 {
		t.Errorf("overridden: %s", out)
	}
	if got.Future["x"] != 1 || c.GuestOs.HostName != "h" || c.Storage.QoS["IopsMaximum"] != 5 {
		t.Errorf("members hcsdiag does not change were lost: %s", out)
	}
	if _, err := overrideContainer(`{"Container":[]}`, p); !hresult.Is(err, hresult.HCS_E_INVALID_JSON) {
		t.Errorf("a Container that is not an object: %v", err)
	}
}

func TestExitCodeOf(t *testing.T) {
	if code, err := exitCodeOf(`{"ProcessId":3,"Exited":true,"ExitCode":7,"LastWaitResult":0}`); code != 7 || err != nil {
		t.Errorf("exit code %d, %v", code, err)
	}
	_, err := exitCodeOf(fmt.Sprintf(`{"ProcessId":3,"Exited":true,"ExitCode":0,"LastWaitResult":%d}`, hresult.HCS_E_SERVICE_DISCONNECT.Int32()))
	if !hresult.Is(err, hresult.HCS_E_SERVICE_DISCONNECT) || !strings.Contains(err.Error(), "process 3") {
		t.Errorf("an unknown exit: %v", err)
	}
}

func TestProcessSpec(t *testing.T) {
	t.Setenv("FROM_HERE", "x")
	t.Setenv("TERM", "screen")
	p, _ := parseArgs(processOpts, []string{"-t", "-e", "A=1", "-e", "FROM_HERE", "-e", "NOT_SET_ANYWHERE_X", "-w", "/w", "-u", "1:2"}, -1)
	spec, err := newProcessSpec(p, []string{"sh"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{stdin: os.Stdin, stdout: &bytes.Buffer{}}
	pp := spec.parameters(e)
	want := map[string]string{"A": "1", "FROM_HERE": "x", "TERM": "screen"}
	if fmt.Sprint(pp.Environment) != fmt.Sprint(want) || pp.WorkingDirectory != "/w" || pp.User != "1:2" ||
		!pp.EmulateConsole || pp.CreateStdErrPipe || !pp.CreateStdOutPipe {
		t.Errorf("parameters %+v", pp)
	}
	if _, err := newProcessSpec(p, nil); err == nil {
		t.Error("no command accepted")
	}
}

func TestProgressLine(t *testing.T) {
	p := &progress{label: "importing layer.tar", total: 4 << 20}
	line := p.line(0, 120, 1<<20, true)
	for _, want := range []string{"importing layer.tar", "[#####---------------]  25%", "120 files", "1.0 MiB", "/s", "(of 4.0 MiB)"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	if line := p.line(1, 0, 0, false); !strings.Contains(line, " / ") || !strings.Contains(line, "(4.0 MiB)") {
		t.Errorf("spinner line %q", line)
	}
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 5 << 30: "5.0 GiB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrapHanging("aaa bbb ccc ddd", 2, 4, 10)
	if want := "  aaa bbb\n    ccc\n    ddd\n"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
}
