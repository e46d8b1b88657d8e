package utility_test

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/host/server"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/utility"
	"github.com/linuxhcs/hcs/wire"
)

// daemon serves a host with the utility functions on a socket and dials it.
func daemon(t *testing.T) *client.Client {
	t.Helper()
	h, err := host.New(host.Options{StateDir: t.TempDir(), Utilities: utility.Functions()})
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "hcsd.sock")
	ln, err := server.Listen(sock, server.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(h, server.Options{Logger: slog.New(slog.DiscardHandler)})
	go srv.Serve(ln.UnixListener)
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		ln.Close()
		h.Close(context.Background(), true)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestEveryUtilityFunctionHasAHandler(t *testing.T) {
	fns := utility.Functions()
	for _, fn := range []wire.UtilityFunc{
		wire.FuncImportLayer, wire.FuncExportLayer, wire.FuncExportLegacyWritableLayer, wire.FuncDestroyLayer,
		wire.FuncSetupBaseOSLayer, wire.FuncSetupBaseOSVolume, wire.FuncInitializeWritableLayer,
		wire.FuncInitializeLegacyWritableLayer, wire.FuncAttachLayerStorageFilter, wire.FuncDetachLayerStorageFilter,
		wire.FuncFormatWritableLayerVhd, wire.FuncGetLayerVhdMountPath,
		wire.FuncCreateEmptyGuestStateFile, wire.FuncCreateEmptyRuntimeStateFile, wire.FuncGrantVmAccess,
		wire.FuncRevokeVmAccess, wire.FuncGrantVmGroupAccess, wire.FuncRevokeVmGroupAccess,
		wire.FuncGetProcessorCompatibilityFromSavedState,
	} {
		if fns[fn] == nil {
			t.Errorf("%s has no handler", fn)
		}
	}
	if _, err := fns[wire.FuncDestroyLayer](context.Background(), []string{"a", "b"}, nil); !hresult.Is(err, hresult.E_INVALIDARG) {
		t.Errorf("wrong argument count: %v", err)
	}
}

func TestStorageThroughTheSocket(t *testing.T) {
	testutil.RequireRoot(t)
	c := daemon(t)
	dir := t.TempDir()
	src, layer, rw := filepath.Join(dir, "src"), filepath.Join(dir, "layer"), filepath.Join(dir, "rw")
	os.MkdirAll(filepath.Join(src, "etc"), 0o755)
	os.WriteFile(filepath.Join(src, "etc", "motd"), []byte("hello layer\n"), 0o644)
	if out, err := exec.Command("tar", "-C", src, "-cf", filepath.Join(dir, "layer.tar"), ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v %s", err, out)
	}
	os.Mkdir(filepath.Join(dir, "transport"), 0o755)
	os.Rename(filepath.Join(dir, "layer.tar"), filepath.Join(dir, "transport", "layer.tar"))
	if err := c.ImportLayer(t.Context(), layer, filepath.Join(dir, "transport"), ""); err != nil {
		t.Fatal(err)
	}
	data := `{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[{"Id":"00000000-0000-0000-0000-000000000001","Path":"` + layer + `"}]}`
	if err := c.InitializeWritableLayer(t.Context(), rw, data, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.AttachLayerStorageFilter(t.Context(), rw, data); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(rw, "etc", "motd"))
	if err := c.DetachLayerStorageFilter(t.Context(), rw); err != nil {
		t.Fatal(err)
	}
	if string(b) != "hello layer\n" {
		t.Fatalf("through the attached layer: %q", b)
	}
	err := c.DestroyLayer(t.Context(), dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("destroying what is not a layer: %v", err)
	}
	if err := c.DestroyLayer(t.Context(), layer); err != nil {
		t.Fatal(err)
	}
}

func TestVhdHandleCrossesTheSocket(t *testing.T) {
	testutil.RequireRoot(t)
	c := daemon(t)
	img := filepath.Join(t.TempDir(), "scratch.vhd")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(64 << 20)
	defer f.Close()
	if err := c.FormatWritableLayerVhd(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("dumpe2fs", "-h", img).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Filesystem magic number:  0xEF53") {
		t.Fatalf("the image was not formatted ext4: %v\n%s", err, out)
	}
}

// wantHresult fails unless err carries code and its message holds each of want.
func wantHresult(t *testing.T, what string, err error, code hresult.HRESULT, want ...string) {
	t.Helper()
	if !hresult.Is(err, code) {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: message %q does not say %q", what, err.Error(), w)
		}
	}
}

// HcsInitializeWritableLayer takes plain directories as parents, as containers do, and the
// layer attaches over the parents it recorded.
func TestWritableLayerOverAPlainDirectoryThroughTheSocket(t *testing.T) {
	testutil.RequireRoot(t)
	c := daemon(t)
	dir := t.TempDir()
	plain, rw := filepath.Join(dir, "plain"), filepath.Join(dir, "rw")
	os.MkdirAll(filepath.Join(plain, "etc"), 0o755)
	os.WriteFile(filepath.Join(plain, "etc", "motd"), []byte("plain\n"), 0o644)
	data := `{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[{"Id":"00000000-0000-0000-0000-000000000001","Path":"` + plain + `"}]}`
	if err := c.InitializeWritableLayer(t.Context(), rw, data, ""); err != nil {
		t.Fatalf("InitializeWritableLayer over a plain directory: %v", err)
	}
	if err := c.AttachLayerStorageFilter(t.Context(), rw, ""); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(rw, "etc", "motd"))
	if err := c.DetachLayerStorageFilter(t.Context(), rw); err != nil {
		t.Fatal(err)
	}
	if string(b) != "plain\n" {
		t.Fatalf("through the attached layer: %q", b)
	}
	nested := `{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[{"Id":"00000000-0000-0000-0000-000000000001","Path":"` + rw + `"}]}`
	wantHresult(t, "a writable layer as a parent", c.InitializeWritableLayer(t.Context(), filepath.Join(dir, "rw2"), nested, ""),
		hresult.HCS_E_INVALID_LAYER, "LayerData.Layers[0].Path: "+rw+" is a writable layer, not a read-only layer or a plain directory")
}

// A writable layer initialised with no parents cannot be attached: the union would be an
// empty root filesystem.
func TestWritableLayerWithoutParentsIsRefusedAtAttachThroughTheSocket(t *testing.T) {
	testutil.RequireRoot(t)
	c := daemon(t)
	rw := filepath.Join(t.TempDir(), "rw")
	if err := c.InitializeWritableLayer(t.Context(), rw, "", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.DetachLayerStorageFilter(context.Background(), rw) }) // should it attach after all
	wantHresult(t, "AttachLayerStorageFilter", c.AttachLayerStorageFilter(t.Context(), rw, ""),
		hresult.HCS_E_INVALID_LAYER, "writable layer "+rw+" has no parent layers")
}
