package storage

import (
	"archive/tar"
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// The benchmark layer: 20,000 entries (1,000 directories, 19,000 files) and about 200 MB.
const (
	benchDirs  = 1000
	benchFiles = 19000
)

var (
	benchOnce sync.Once
	benchTar  string
	benchSize int64
	benchErr  error
)

// benchLayer writes the benchmark layer tarball once per process, on tmpfs.
func benchLayer(b *testing.B) (string, int64) {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("/dev/shm", "hcs-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchTar = filepath.Join(dir, LayerTar)
		benchErr = writeBenchTar(benchTar)
		if st, err := os.Stat(benchTar); err == nil {
			benchSize = st.Size()
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchTar, benchSize
}

// writeBenchTar writes the layer: directories, then files of 0-21 KB of non-zero data owned
// by a few users, grouped by directory as a tree walk writes them.
func writeBenchTar(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	tw := tar.NewWriter(w)
	data := randomBytes(1 << 20)
	mtime := time.Unix(1700000000, 0)
	for d := 0; d < benchDirs; d++ {
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("d%03d/", d), Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime})
	}
	for i := 0; i < benchFiles; i++ {
		size := int64(i * 7919 % 21000)
		h := &tar.Header{Name: fmt.Sprintf("d%03d/f%05d", i/(benchFiles/benchDirs+1), i), Typeflag: tar.TypeReg, Mode: 0o644,
			Size: size, Uid: i % 3, Gid: i % 3, ModTime: mtime}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		off := int64(i*4099) % (int64(len(data)) - size)
		tw.Write(data[off : off+size])
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return w.Flush()
}

// BenchmarkImportLayer imports the layer tarball into a fresh layer on tmpfs.
func BenchmarkImportLayer(b *testing.B) {
	testutil.RequireRoot(b)
	tarball, size := benchLayer(b)
	out := scratch(b)
	runExtract(b, size, out, func(dst string) error { return ImportLayer(dst, filepath.Dir(tarball), "") })
}

// BenchmarkTarExtract is the baseline: GNU tar -x of the same tarball on the same tmpfs.
func BenchmarkTarExtract(b *testing.B) {
	testutil.RequireRoot(b)
	tarball, size := benchLayer(b)
	out := scratch(b)
	runExtract(b, size, out, func(dst string) error {
		os.Mkdir(dst, 0o700)
		if o, err := exec.Command("tar", "-xpf", tarball, "-C", dst).CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %s", err, o)
		}
		return nil
	})
}

// runExtract runs extract into a fresh directory per iteration, removing it untimed, and
// reports bytes and files per second.
func runExtract(b *testing.B, size int64, out string, extract func(dst string) error) {
	b.SetBytes(size)
	b.ReportAllocs()
	var spent time.Duration
	for i := 0; i < b.N; i++ {
		dst := filepath.Join(out, fmt.Sprintf("l%d", i))
		start := time.Now()
		if err := extract(dst); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(start)
		b.StopTimer()
		os.RemoveAll(dst)
		b.StartTimer()
	}
	b.ReportMetric(float64(benchDirs+benchFiles)*float64(b.N)/spent.Seconds(), "files/s")
}
