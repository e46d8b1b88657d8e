package vm

import (
	"bytes"
	"testing"
)

func TestSavedHeaderRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	h := SavedHeader{Accel: AccelTCG, CPUModel: "qemu64", CPUFeatures: []string{"pni", "sse2"}}
	if err := writeSavedHeader(&buf, h); err != nil {
		t.Fatal(err)
	}
	buf.WriteString("QEVM")
	got, err := readSavedHeader(&buf)
	if err != nil || got.CPUModel != "qemu64" || len(got.CPUFeatures) != 2 {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if rest := buf.String(); rest != "QEVM" {
		t.Errorf("the stream after the header is %q", rest)
	}
	if _, err := readSavedHeader(bytes.NewReader([]byte("QEVM\x00\x00\x00\x03"))); err == nil {
		t.Error("a bare migration stream was accepted as a saved state")
	}
}

func FuzzReadSavedHeader(f *testing.F) {
	var buf bytes.Buffer
	writeSavedHeader(&buf, SavedHeader{Accel: AccelKVM, CPUModel: "host"})
	f.Add(buf.Bytes())
	f.Add([]byte(savedMagic + "\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		readSavedHeader(bytes.NewReader(b))
	})
}
