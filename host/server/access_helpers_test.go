package server_test

import (
	"os"

	"github.com/linuxhcs/hcs/host/server"
)

func osMode(m uint32) os.FileMode { return os.FileMode(m) }

// serverOptionsRootOnly allows no group at all.
func serverOptionsRootOnly() server.Options { return server.Options{AllowedGIDs: []uint32{}} }
