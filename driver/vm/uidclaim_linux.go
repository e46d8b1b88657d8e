package vm

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/linuxhcs/hcs/hresult"
)

// uidClaims keeps two VMs from running as one uid. VMUID derives the uid from the VM's id
// alone (a grant made before the VM exists must name it), so two ids can share one; what
// is checked is that no process already runs as the uid a VM is about to start QEMU as.
type uidClaims struct {
	mu       sync.Mutex
	starting map[uint32]string // uid → id of the VM whose QEMU is being started
}

// claim reserves uid for the VM id until release, refusing with HCS_E_SYSTEM_ALREADY_EXISTS
// a uid that another VM is starting with or that a process already runs as (another VM's
// QEMU, whose files the new VM would otherwise share).
func (c *uidClaims) claim(uid uint32, id string) (release func(), err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if other, ok := c.starting[uid]; ok {
		return nil, uidTaken(id, uid, "VM "+other+" is starting as it")
	}
	if pid := processOfUID(uid); pid > 0 {
		return nil, uidTaken(id, uid, "process "+strconv.Itoa(pid)+" runs as it")
	}
	if c.starting == nil {
		c.starting = map[uint32]string{}
	}
	c.starting[uid] = id
	return func() {
		c.mu.Lock()
		delete(c.starting, uid)
		c.mu.Unlock()
	}, nil
}

func uidTaken(id string, uid uint32, why string) error {
	return hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_EXISTS,
		"VM %s would run as uid %d (VMUID of its id), but %s; a VM of another id must use it", id, uid, why)
}

// processOfUID returns a process whose real uid is uid, or 0.
func processOfUID(uid uint32) int {
	procs, _ := filepath.Glob("/proc/[0-9]*/status")
	want := strconv.FormatUint(uint64(uid), 10)
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "Uid:" {
				if f[1] == want {
					pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
					return pid
				}
				break
			}
		}
	}
	return 0
}
