package storage

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/internal/refusaltable"
)

// TestRefusalTable feeds every storage row of docs/refused.md to the code that refuses it
// and checks the code and message the table gives.
func TestRefusalTable(t *testing.T) {
	calls := map[string]func(t *testing.T, input string) error{
		"layer data": func(t *testing.T, input string) error {
			_, err := parseLayerData(input)
			return err
		},
		"disk image": func(t *testing.T, input string) error {
			if input != "dynamic VHD" {
				t.Fatalf("no disk image called %q", input)
			}
			_, err := openImage(dynamicVhd(t))
			return err
		},
	}
	refusaltable.CheckAll(t, "storage", calls)
}

// dynamicVhd returns an open image that ends with the footer of a dynamic VHD.
func dynamicVhd(t *testing.T) *os.File {
	t.Helper()
	footer := makeVhdFooter(4<<20, time.Now())
	footer[63] = vhdTypeDynamic
	footer[64], footer[65], footer[66], footer[67] = 0, 0, 0, 0
	sum := vhdChecksum(footer)
	footer[64], footer[65], footer[66], footer[67] = byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum)
	p := filepath.Join(t.TempDir(), "dynamic.vhd")
	if err := os.WriteFile(p, append(make([]byte, 4<<20), footer...), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
