package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// A fixed VHD is a raw disk image followed by this 512-byte footer (Microsoft's "Virtual Hard
// Disk Image Format Specification"). Fields are big-endian.
const (
	vhdFooterSize  = 512
	vhdCookie      = "conectix"
	vhdFeatures    = 0x00000002 // the "reserved" bit, always set
	vhdVersion     = 0x00010000
	vhdFixedOffset = 0xFFFFFFFFFFFFFFFF // data offset of a fixed disk: no dynamic header
	vhdCreatorApp  = "lhcs"
	vhdCreatorVer  = 0x00010000
	vhdCreatorHost = "Wi2k"
	vhdTypeFixed   = 2
	vhdTypeDynamic = 3
	vhdTypeDiff    = 4
)

// vhdEpoch is the origin of the footer's time stamp.
var vhdEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// makeVhdFooter returns the footer of a fixed VHD whose disk holds size bytes.
func makeVhdFooter(size int64, now time.Time) []byte {
	f := make([]byte, vhdFooterSize)
	be := binary.BigEndian
	copy(f[0:8], vhdCookie)
	be.PutUint32(f[8:], vhdFeatures)
	be.PutUint32(f[12:], vhdVersion)
	be.PutUint64(f[16:], vhdFixedOffset)
	be.PutUint32(f[24:], uint32(now.Sub(vhdEpoch)/time.Second))
	copy(f[28:32], vhdCreatorApp)
	be.PutUint32(f[32:], vhdCreatorVer)
	copy(f[36:40], vhdCreatorHost)
	be.PutUint64(f[40:], uint64(size))
	be.PutUint64(f[48:], uint64(size))
	be.PutUint32(f[56:], vhdGeometry(size))
	be.PutUint32(f[60:], vhdTypeFixed)
	rand.Read(f[68:84])
	f[68+6] = f[68+6]&0x0f | 0x40 // a version 4 UUID
	f[68+8] = f[68+8]&0x3f | 0x80
	be.PutUint32(f[64:], vhdChecksum(f))
	return f
}

// vhdChecksum is the one's complement of the sum of the footer's bytes, the checksum field
// itself left out.
func vhdChecksum(f []byte) uint32 {
	var sum uint32
	for i, b := range f {
		if i < 64 || i >= 68 {
			sum += uint32(b)
		}
	}
	return ^sum
}

// vhdGeometry is the footer's cylinders/heads/sectors value for size bytes, computed as the
// specification's appendix does.
func vhdGeometry(size int64) uint32 {
	total := size / 512
	if total > 65535*16*255 {
		total = 65535 * 16 * 255
	}
	var spt, heads, cth int64
	if total >= 65535*16*63 {
		spt, heads = 255, 16
		cth = total / spt
	} else {
		spt = 17
		cth = total / spt
		heads = max((cth+1023)/1024, 4)
		if cth >= heads*1024 || heads > 16 {
			spt, heads = 31, 16
			cth = total / spt
		}
		if cth >= heads*1024 {
			spt, heads = 63, 16
			cth = total / spt
		}
	}
	cyl := cth / heads
	return uint32(cyl)<<16 | uint32(heads)<<8 | uint32(spt)
}

// vhdInfo is what a footer says about its disk.
type vhdInfo struct {
	diskType uint32
	size     int64 // current size of the disk
}

// parseVhdFooter reads a footer. ok is false when b does not start with the cookie (the
// image is raw); a footer with the cookie but a wrong checksum is an error.
func parseVhdFooter(b []byte) (info vhdInfo, ok bool, err error) {
	if len(b) != vhdFooterSize || !bytes.Equal(b[:8], []byte(vhdCookie)) {
		return info, false, nil
	}
	be := binary.BigEndian
	if got, want := be.Uint32(b[64:]), vhdChecksum(b); got != want {
		return info, true, fmt.Errorf("VHD footer checksum is %#08x, want %#08x", got, want)
	}
	info.diskType = be.Uint32(b[60:])
	size := be.Uint64(b[48:])
	if size > 1<<62 {
		return info, true, fmt.Errorf("VHD footer gives an impossible disk size %d", size)
	}
	info.size = int64(size)
	return info, true, nil
}
