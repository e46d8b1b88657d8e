package container_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/host/server"
)

// connect returns a client of h: in-process ("embedded"), or over a real socket served by
// the hcsd server code ("daemon"), where stdio descriptors cross with SCM_RIGHTS.
func connect(t *testing.T, h *host.Host, mode string) *client.Client {
	t.Helper()
	if mode != "daemon" {
		return client.New(h.Connect())
	}
	dir, err := os.MkdirTemp("/run", "hcs-itd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ln, err := server.Listen(filepath.Join(dir, "hcsd.sock"), server.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(h, server.Options{Logger: slog.New(slog.DiscardHandler)})
	go srv.Serve(ln.UnixListener)
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		ln.Close()
	})
	c, err := client.Dial(timeout(t), filepath.Join(dir, "hcsd.sock"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
