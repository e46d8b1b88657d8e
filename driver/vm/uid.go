package vm

import (
	"crypto/sha256"
	"encoding/binary"
)

// VMGroupID is the gid of the group every VM's QEMU belongs to (a supplementary group);
// GrantVmGroupAccess gives it read access to a file.
const VMGroupID = 0x20000000

// vmUIDSpan is the number of uids VMUID can return.
const vmUIDSpan = 0xFFFFFF

// VMUID returns the uid (and gid) the QEMU of the VM with compute-system id runs as:
// VMGroupID + 1 + (the first four bytes of SHA-256("linuxhcs-vm-uid:" + id), big-endian,
// modulo 0xFFFFFF), in 0x20000001..0x20FFFFFF. It is stable across restarts and hosts, so a
// grant made before the VM exists (HcsGrantVmAccess) stays valid. Two ids can share a uid;
// Start refuses to run a VM's QEMU as a uid something already runs as (see uidClaims), so
// two running VMs never share their files.
func VMUID(id string) uint32 {
	sum := sha256.Sum256([]byte("linuxhcs-vm-uid:" + id))
	return VMGroupID + 1 + binary.BigEndian.Uint32(sum[:4])%vmUIDSpan
}
