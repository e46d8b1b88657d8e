package container_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// tenMB is the size of the large outputs and inputs.
const tenMB = 10 << 20

func TestStdoutIsByteExact(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("stdout-"+e.runtime, nil)
		t.Run("small with control bytes", func(t *testing.T) {
			p := spawn(t, sys, sh(`printf 'a\000b\r\n\377\tz'; printf 'to stderr' >&2`))
			if out := p.stdout.all(t); !bytes.Equal(out, []byte("a\x00b\r\n\xff\tz")) {
				t.Errorf("stdout %q", out)
			}
			if errOut := p.stderr.all(t); string(errOut) != "to stderr" {
				t.Errorf("stderr %q", errOut)
			}
			if code := p.exitCode(t); code != 0 {
				t.Errorf("exit code %d", code)
			}
		})
		t.Run("10 MB", func(t *testing.T) {
			p := spawn(t, sys, sh(`yes 0123456789abcdef | head -c 10485760`))
			out := p.stdout.all(t)
			want := bytes.Repeat([]byte("0123456789abcdef\n"), tenMB/17+1)[:tenMB]
			if len(out) != len(want) || sha256.Sum256(out) != sha256.Sum256(want) {
				t.Errorf("stdout: %d bytes, sha256 %x; want %d bytes, sha256 %x",
					len(out), sha256.Sum256(out), len(want), sha256.Sum256(want))
			}
			if errOut := p.stderr.all(t); len(errOut) != 0 {
				t.Errorf("stderr %q", errOut)
			}
			if code := p.exitCode(t); code != 0 {
				t.Errorf("exit code %d", code)
			}
		})
	})
}

func TestStdinEchoesThroughCatUntilCloseHandle(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("stdin-"+e.runtime, nil)
		p := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"cat"}, CreateStdInPipe: true, CreateStdOutPipe: true})
		in := make([]byte, tenMB)
		rng := rand.NewChaCha8([32]byte{7})
		rng.Read(in)
		// cat writes back while it reads: the collector drains stdout meanwhile.
		if _, err := io.Copy(p.info.StdInput, bytes.NewReader(in)); err != nil {
			t.Fatalf("writing stdin: %v", err)
		}
		mustDo(t, func(op *client.Operation) error {
			return p.Modify(op, `{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}`)
		})
		out := p.stdout.all(t)
		if !bytes.Equal(out, in) {
			t.Errorf("echo: %d bytes, sha256 %x; want %d bytes, sha256 %x", len(out), sha256.Sum256(out), len(in), sha256.Sum256(in))
		}
		if code := p.exitCode(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
	})
}

func TestConsoleSizeAndResize(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("tty-"+e.runtime, nil)
		p := spawn(t, sys, schema.ProcessParameters{
			CommandArgs:    []string{"/bin/sh", "-c", "stty size; read x; stty size"},
			EmulateConsole: true, ConsoleSize: []uint16{24, 80},
			CreateStdInPipe: true, CreateStdOutPipe: true,
		})
		if p.info.StdError != nil {
			t.Error("a console process has no separate stderr, yet a StdError handle was returned")
		}
		p.stdout.waitFor(t, "24 80")
		mustDo(t, func(op *client.Operation) error {
			return p.Modify(op, `{"Operation":"ConsoleSize","ConsoleSize":{"Height":50,"Width":132}}`)
		})
		if _, err := io.WriteString(p.info.StdInput, "\n"); err != nil {
			t.Fatal(err)
		}
		p.stdout.waitFor(t, "50 132")
		if code := p.exitCode(t); code != 0 {
			t.Errorf("exit code %d; console output %q", code, p.stdout)
		}
	})
}
