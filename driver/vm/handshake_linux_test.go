package vm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

// TestStartWithoutAgent: a guest that boots but never starts the agent (its init is cat,
// reading the console for ever) fails Start with HCS_E_CONNECTION_TIMEOUT once
// Options.HandshakeTimeout passed, and the VM can then be terminated.
func TestStartWithoutAgent(t *testing.T) {
	requireVM(t)
	const limit = 4 * time.Second
	d, err := New(Options{RunDir: env.runDir, HandshakeTimeout: limit})
	if err != nil {
		t.Fatal(err)
	}
	doc := vmDoc(env.kernel, env.initrd)
	doc.VirtualMachine.Chipset.LinuxKernelDirect.KernelCmdLine += " rdinit=/bin/cat"
	v := createVM(t, d, doc)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t0 := time.Now()
	err = v.sys.Start(ctx)
	took := time.Since(t0)
	if !hresult.Is(err, hresult.HCS_E_CONNECTION_TIMEOUT) || !strings.Contains(err.Error(), "the guest agent did not connect within 4s") {
		t.Fatalf("Start of a guest without the agent: %v, want HCS_E_CONNECTION_TIMEOUT", err)
	}
	t.Logf("Start: %v", err)
	if took < limit || took > limit+10*time.Second {
		t.Errorf("Start failed after %v, want a little more than %v", took, limit)
	}
	v.must("Terminate", v.sys.Terminate)
	v.waitExit()
}
