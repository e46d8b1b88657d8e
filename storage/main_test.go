package storage

import (
	"os"
	"testing"

	"github.com/linuxhcs/hcs/internal/testlayer"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testlayer.Cleanup()
	os.Exit(code)
}
