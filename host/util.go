package host

import (
	"crypto/rand"
	"encoding/json"
	"fmt"

	"github.com/linuxhcs/hcs/wire"
)

const (
	eventSystemExited  = wire.EventSystemExited
	eventProcessExited = wire.EventProcessExited
	wireTerminate      = wire.OpTerminate
)

// newGUID returns a random (version 4) GUID in HCS's form, without braces.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// mustJSON encodes a document the host built itself; such documents always encode.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("host: encoding %T: %v", v, err))
	}
	return string(b)
}
