package vm

import "testing"

func TestVMUID(t *testing.T) {
	a, b := VMUID("vm-a"), VMUID("vm-b")
	if a == b {
		t.Errorf("two ids share uid %#x", a)
	}
	for _, u := range []uint32{a, b, VMUID("")} {
		if u <= VMGroupID || u > VMGroupID+vmUIDSpan {
			t.Errorf("uid %#x outside the VM range", u)
		}
	}
	if VMUID("vm-a") != a {
		t.Error("VMUID is not stable")
	}
	if got := VMUID("golden"); got != 0x20000000+1+goldenHash {
		t.Errorf("VMUID(golden) = %#x: the derivation changed, which breaks existing grants", got)
	}
}

// goldenHash pins the derivation: SHA-256("linuxhcs-vm-uid:golden")[:4] mod 0xFFFFFF.
const goldenHash = 0xa04c23
