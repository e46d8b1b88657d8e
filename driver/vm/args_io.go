package vm

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// comPortIndex maps a ComPorts key to the ISA serial index (COM1 is "0").
var comPortIndex = map[string]int{"0": 0, "1": 1}

// comPorts adds COM1 and COM2. A port with a NamedPipe listens on that path (a unix
// socket the caller connects to); COM1 without one goes to the driver's console log, which
// feeds CrashReport.CrashLog.
func (b *builder) comPorts() error {
	var ports map[string]schema.ComPort
	if d := b.cfg.VM.Devices; d != nil {
		ports = d.ComPorts
	}
	if _, ok := ports["0"]; !ok {
		fd := b.inherit(InheritedFile{Role: RoleConsole})
		b.serial("com0", fd, 0)
	}
	for _, key := range slices.Sorted(maps.Keys(ports)) {
		idx, ok := comPortIndex[key]
		field := fmt.Sprintf("$.VirtualMachine.Devices.ComPorts[%q]", key)
		if !ok {
			return hresult.Errorf(hresult.E_INVALIDARG, "%s: the COM port index must be 0 or 1", field)
		}
		p := ports[key].NamedPipe
		if p == "" || !filepath.IsAbs(p) {
			return hresult.Errorf(hresult.E_INVALIDARG, "%s.NamedPipe: the absolute path of a unix socket to create is required", field)
		}
		fd := b.inherit(InheritedFile{Role: RoleComPort, Key: key, Path: p})
		b.serial("com"+key, fd, idx)
	}
	return nil
}

// serial adds an ISA serial port on an inherited listening socket.
func (b *builder) serial(id string, fd, index int) {
	b.add("-chardev", fmt.Sprintf("socket,id=%s,fd=%d,server=on,wait=off", id, fd))
	b.add("-device", fmt.Sprintf("isa-serial,chardev=%s,index=%d", id, index))
}

// tagPattern is what a 9p mount tag may be.
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,31}$`)

// plan9 adds a virtio-9p device per share. The tag the guest mounts is the share's Name
// (AccessName when Name is empty); Flags bit 0x1 makes it read-only.
func (b *builder) plan9() error {
	d := b.cfg.VM.Devices
	if d == nil || d.Plan9 == nil {
		return nil
	}
	for i, s := range d.Plan9.Shares {
		args, err := Plan9Args(i, s, fmt.Sprintf("$.VirtualMachine.Devices.Plan9.Shares[%d]", i))
		if err != nil {
			return err
		}
		b.add(args...)
	}
	return nil
}

// Plan9Tag returns the mount tag of a share.
func Plan9Tag(s schema.Plan9Share) string {
	if s.Name != "" {
		return s.Name
	}
	return s.AccessName
}

// Plan9Args returns the arguments of share number i.
func Plan9Args(i int, s schema.Plan9Share, field string) ([]string, error) {
	tag := Plan9Tag(s)
	switch {
	case !tagPattern.MatchString(tag):
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "%s.Name: %q is not a valid 9p mount tag (1-31 of A-Z a-z 0-9 _ . -)", field, tag)
	case s.Path == "" || !filepath.IsAbs(s.Path):
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "%s.Path: an absolute path is required", field)
	case len(s.AllowedFiles) > 0:
		return nil, notSupported(field+".AllowedFiles", "sharing single files")
	}
	id := "fs" + strconv.Itoa(i)
	fsdev := "local,id=" + id + ",path=" + qemuString(s.Path) + ",security_model=none"
	if s.Flags&Plan9ReadOnly != 0 {
		fsdev += ",readonly=on"
	}
	return []string{"-fsdev", fsdev, "-device", "virtio-9p-pci,fsdev=" + id + ",mount_tag=" + tag}, nil
}

// network adds a user-mode (slirp) network per adapter. The guest gets a private network
// with no route beyond it (restrict=on) and no port forwarded to it, so no traffic leaves
// the host's loopback.
func (b *builder) network() error {
	d := b.cfg.VM.Devices
	if d == nil {
		return nil
	}
	for i, key := range slices.Sorted(maps.Keys(d.NetworkAdapters)) {
		a := d.NetworkAdapters[key]
		id := "net" + strconv.Itoa(i)
		b.add("-netdev", "user,id="+id+",restrict=on")
		dev := "virtio-net-pci,netdev=" + id
		if a.MacAddress != "" {
			mac, err := macAddress(a.MacAddress)
			if err != nil {
				return hresult.Errorf(hresult.E_INVALIDARG, "$.VirtualMachine.Devices.NetworkAdapters[%q].MacAddress: %v", key, err)
			}
			dev += ",mac=" + mac
		}
		b.add("-device", dev)
	}
	return nil
}

// macPattern is a MAC address in HNS dash form or colon form.
var macPattern = regexp.MustCompile(`^[0-9A-Fa-f]{2}([-:][0-9A-Fa-f]{2}){5}$`)

// macAddress converts "00-15-5D-01-02-03" (or colon form) to QEMU's lower-case colon form.
func macAddress(s string) (string, error) {
	if !macPattern.MatchString(s) {
		return "", fmt.Errorf("%q is not a MAC address", s)
	}
	return strings.ToLower(strings.ReplaceAll(s, "-", ":")), nil
}
