package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// helperEnv makes the test binary act as a client program instead of running tests; the
// value names what it does (see runHelperMode).
const helperEnv = "HCS_SERVER_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelperMode(mode, os.Args[1:]))
	}
	code := m.Run()
	if helperPath != "" {
		os.RemoveAll(filepath.Dir(helperPath))
	}
	os.Exit(code)
}

// runHelperMode is a client in its own process:
//
//	dial SOCKET                 connect, ask for the service properties, print "ok" or the error code
//	hold SOCKET ID...           create and start each system ID (those ending in "-last" with
//	                            ShouldTerminateOnLastHandleClosed), print "ready", then wait to be killed
func runHelperMode(mode string, args []string) int {
	ctx := context.Background()
	c, err := client.Dial(ctx, args[0])
	if err == nil && mode == "dial" {
		_, err = c.GetServiceProperties(ctx, "")
	}
	if err != nil {
		fmt.Printf("0x%08X %v\n", uint32(hresult.FromError(err)), err)
		return 0
	}
	if mode == "hold" {
		for _, id := range args[1:] {
			doc := containerDoc
			if strings.HasSuffix(id, "-last") {
				doc = `{"Container":{},"ShouldTerminateOnLastHandleClosed":true}`
			}
			if err := holdSystem(ctx, c, id, doc); err != nil {
				fmt.Println(err)
				return 1
			}
		}
		fmt.Println("ready")
		select {}
	}
	fmt.Println("ok")
	return 0
}

func holdSystem(ctx context.Context, c *client.Client, id, doc string) error {
	var sys *client.System
	_, err := client.Do(ctx, func(op *client.Operation) error {
		var err error
		sys, err = c.CreateComputeSystem(id, doc, op)
		return err
	})
	if err == nil {
		_, err = client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") })
	}
	return err
}

var (
	helperOnce sync.Once
	helperPath string
	helperErr  error
)

// helperBinary returns a copy of the test binary that every user may run.
func helperBinary(t *testing.T) string {
	helperOnce.Do(func() {
		helperPath, helperErr = copyExecutable()
	})
	if helperErr != nil {
		t.Fatal(helperErr)
	}
	return helperPath
}

func copyExecutable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "hcsd-helper-")
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	src, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer src.Close()
	path := filepath.Join(dir, "helper")
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return "", err
	}
	return path, dst.Close()
}

// helper starts the test binary as a client program in mode, as the given user (nil: this
// one), and returns the command and its standard output.
func helper(t *testing.T, cred *syscall.Credential, mode string, args ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(helperBinary(t), args...)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
	cmd.Dir = "/"
	cmd.Stderr = os.Stderr
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

// helperLine returns the next line the helper printed.
func helperLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("helper output: %q, %v", line, err)
	}
	return strings.TrimSpace(line)
}
