package initrd

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// fakeKernel makes a modules directory with a small dependency graph.
func fakeKernel(t *testing.T) string {
	root := t.TempDir()
	dir := filepath.Join(root, "9.9.9-test")
	dep := "kernel/a/virtio_pci.ko: kernel/a/virtio.ko kernel/a/virtio_ring.ko\n" +
		"kernel/a/virtio.ko: kernel/a/virtio_ring.ko\n" +
		"kernel/a/virtio_ring.ko:\n" +
		"kernel/b/virtio_console.ko: kernel/a/virtio.ko kernel/a/virtio_ring.ko\n" +
		"kernel/c/9p.ko: kernel/c/9pnet.ko kernel/c/fscache.ko kernel/c/netfs.ko\n" +
		"kernel/c/9pnet.ko:\n" +
		"kernel/c/fscache.ko: kernel/c/netfs.ko\n" +
		"kernel/c/netfs.ko:\n"
	for _, d := range []string{"kernel/a", "kernel/b", "kernel/c"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	for _, m := range []string{"a/virtio_pci", "a/virtio", "a/virtio_ring", "b/virtio_console", "c/9p", "c/9pnet", "c/fscache", "c/netfs"} {
		os.WriteFile(filepath.Join(dir, "kernel", m+".ko"), []byte("module "+m), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "modules.dep"), []byte(dep), 0o644)
	os.WriteFile(filepath.Join(dir, "modules.builtin"), []byte("kernel/fs/ext4/ext4.ko\n"), 0o644)
	return root
}

func TestResolveOrder(t *testing.T) {
	root := fakeKernel(t)
	idx, err := readModuleIndex(filepath.Join(root, "9.9.9-test"))
	if err != nil {
		t.Fatal(err)
	}
	order, missing, err := idx.resolve([]string{"virtio_pci", "virtio-console", "9p", "ext4", "vsock"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kernel/a/virtio_ring.ko", "kernel/a/virtio.ko", "kernel/a/virtio_pci.ko", "kernel/b/virtio_console.ko",
		"kernel/c/9pnet.ko", "kernel/c/netfs.ko", "kernel/c/fscache.ko", "kernel/c/9p.ko"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order = %q\nwant %q", order, want)
	}
	if !reflect.DeepEqual(missing, []string{"vsock"}) {
		t.Errorf("missing = %q, want [vsock]", missing)
	}
}

func TestBuild(t *testing.T) {
	root := fakeKernel(t)
	agent := filepath.Join(t.TempDir(), "agent")
	os.WriteFile(agent, []byte("#!agent"), 0o755)
	var buf bytes.Buffer
	res, err := Build(&buf, Options{AgentPath: agent, KernelVersion: "9.9.9-test", ModulesRoot: root,
		Modules: []string{"virtio_pci", "virtio_console", "9p"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Modules) != 8 {
		t.Errorf("modules %q", res.Modules)
	}
	files := readCpio(t, buf.Bytes())
	if string(files["init"]) != "#!agent" {
		t.Errorf("init = %q", files["init"])
	}
	if _, ok := files["bin/busybox"]; !ok {
		t.Error("no bin/busybox")
	}
	if got := string(files["lib/modules/9.9.9-test/kernel/c/9p.ko"]); got != "module c/9p" {
		t.Errorf("9p.ko = %q", got)
	}
	list := string(files["etc/hcs/modules"])
	if want := "/lib/modules/9.9.9-test/kernel/a/virtio_ring.ko\n"; len(list) < len(want) || list[:len(want)] != want {
		t.Errorf("etc/hcs/modules starts %q", list)
	}
	dep := filepath.Join(root, "9.9.9-test", "modules.dep")
	os.WriteFile(dep, []byte("kernel/a/virtio_pci.ko:\n"), 0o644)
	if _, err := Build(io.Discard, Options{AgentPath: agent, KernelVersion: "9.9.9-test", ModulesRoot: root}); err == nil {
		t.Error("an initrd without virtio_console was built")
	}
}

// readCpio returns the regular files and symlink targets of a gzip-compressed newc archive.
func readCpio(t *testing.T, gz []byte) map[string][]byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for len(data) >= 110 {
		hex := func(i int) int {
			v, err := strconv.ParseUint(string(data[6+8*i:14+8*i]), 16, 32)
			if err != nil {
				t.Fatalf("bad header %q", data[:110])
			}
			return int(v)
		}
		if string(data[:6]) != "070701" {
			t.Fatalf("bad magic %q", data[:6])
		}
		size, nameSize := hex(6), hex(11)
		name := string(data[110 : 110+nameSize-1])
		off := align(110 + nameSize)
		files[name] = data[off : off+size]
		data = data[align(off+size):]
		if name == "TRAILER!!!" {
			break
		}
	}
	return files
}

func align(n int) int { return (n + 3) &^ 3 }
