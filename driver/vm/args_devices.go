package vm

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// maxLUN is the highest LUN of a virtio-scsi target that the driver uses.
const maxLUN = 255

// Plan9ReadOnly is the Plan9Share.Flags bit that shares a directory read-only.
const Plan9ReadOnly = 0x1

// ScsiControllerIDs maps each Devices.Scsi key to the QEMU id of its virtio-scsi
// controller ("scsi0", "scsi1", ... in the keys' sorted order).
func ScsiControllerIDs(d *schema.Devices) map[string]string {
	ids := map[string]string{}
	if d == nil {
		return ids
	}
	for i, k := range slices.Sorted(maps.Keys(d.Scsi)) {
		ids[k] = "scsi" + strconv.Itoa(i)
	}
	return ids
}

// scsi adds a virtio-scsi controller per Scsi entry and a disk per attachment.
func (b *builder) scsi() error {
	d := b.cfg.VM.Devices
	if d == nil {
		return nil
	}
	ids := ScsiControllerIDs(d)
	for _, key := range slices.Sorted(maps.Keys(d.Scsi)) {
		ctrl := ids[key]
		b.add("-device", "virtio-scsi-pci,id="+ctrl)
		atts := d.Scsi[key].Attachments
		for _, lun := range slices.Sorted(maps.Keys(atts)) {
			field := fmt.Sprintf("$.VirtualMachine.Devices.Scsi[%q].Attachments[%q]", key, lun)
			boot := b.boot == bootTarget{controller: key, lun: lun}
			args, err := b.diskArgs(ctrl, lun, atts[lun], field, boot)
			if err != nil {
				return err
			}
			b.add(args...)
		}
	}
	return nil
}

// Disk is one SCSI disk as QEMU sees it: its block nodes and its device.
type Disk struct {
	// Blockdevs are -blockdev values (JSON), the protocol node first.
	Blockdevs []map[string]any
	// Device is the -device value's properties, driver first.
	Device [][2]string
}

// DiskFor returns the QEMU objects of an attachment at lun of controller ctrl; field names
// the attachment in errors. The format comes from the file name (see FormatOf) and is
// always given explicitly, and backing files are never opened, so a guest cannot make QEMU
// read another file by writing a header into its disk.
func DiskFor(ctrl, lun string, a schema.Attachment, field string) (*Disk, error) {
	n, err := strconv.ParseUint(lun, 10, 8)
	if err != nil || n > maxLUN {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "%s: the LUN must be 0..%d", field, maxLUN)
	}
	if a.Path == "" || !filepath.IsAbs(a.Path) {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "%s.Path: an absolute path is required", field)
	}
	dev, format := "scsi-hd", FormatOf(a.Path)
	readOnly := a.ReadOnly
	switch a.Type {
	case schema.AttachmentTypeVirtualDisk, "":
	case schema.AttachmentTypeIso:
		dev, format, readOnly = "scsi-cd", "raw", true
	default:
		return nil, notSupported(field+".Type", "attachment type "+string(a.Type))
	}
	node := "disk-" + ctrl + "-" + lun
	file := map[string]any{"driver": "file", "filename": a.Path, "node-name": node + "-file", "read-only": readOnly}
	fmtNode := map[string]any{"driver": format, "file": node + "-file", "node-name": node, "read-only": readOnly}
	if format == "qcow2" {
		fmtNode["backing"] = nil // never open a backing file the image names
	}
	device := [][2]string{{"driver", dev}, {"id", node}, {"bus", ctrl + ".0"}, {"channel", "0"}, {"scsi-id", "0"},
		{"lun", lun}, {"drive", node}}
	return &Disk{Blockdevs: []map[string]any{file, fmtNode}, Device: device}, nil
}

// diskArgs returns the command-line arguments of an attachment, whose file QEMU inherits
// (see bootFile); boot makes it the first boot device.
func (b *builder) diskArgs(ctrl, lun string, a schema.Attachment, field string, boot bool) ([]string, error) {
	d, err := DiskFor(ctrl, lun, a, field)
	if err != nil {
		return nil, err
	}
	file := d.Blockdevs[0]
	if file["filename"], err = b.bootFile(field+".Path", a.Path, !file["read-only"].(bool)); err != nil {
		return nil, err
	}
	var args []string
	for _, bd := range d.Blockdevs {
		j, _ := json.Marshal(bd)
		args = append(args, "-blockdev", string(j))
	}
	dev := d.Device
	if boot {
		dev = append(dev, [2]string{"bootindex", "1"})
	}
	var parts []string
	for _, kv := range dev {
		if kv[0] == "driver" {
			parts = append(parts, kv[1])
		} else {
			parts = append(parts, kv[0]+"="+qemuString(kv[1]))
		}
	}
	return append(args, "-device", strings.Join(parts, ",")), nil
}

// FormatOf returns QEMU's format driver for a disk file, decided by its extension: .vhd is
// "vpc", .vhdx "vhdx", .qcow2 "qcow2", anything else "raw". The content is never probed.
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".vhd":
		return "vpc"
	case ".vhdx":
		return "vhdx"
	case ".qcow2":
		return "qcow2"
	}
	return "raw"
}
