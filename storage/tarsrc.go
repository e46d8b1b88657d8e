package storage

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// Transport file names a source folder may hold (exactly one, and nothing else).
const (
	LayerTar     = "layer.tar"
	LayerTarGzip = "layer.tar.gz"
	LayerTarZstd = "layer.tar.zst"
)

// maxZstdWindow bounds the memory a zstd frame can make the decoder allocate.
const maxZstdWindow = 64 << 20

// decompress returns the tar stream of the transport file name read from r, and a function
// that releases the decompressor.
func decompress(name string, r io.Reader) (io.Reader, func(), error) {
	switch name {
	case LayerTarGzip:
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, invalidLayer(name, "not a gzip stream: %v", err)
		}
		return z, func() { z.Close() }, nil
	case LayerTarZstd:
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxZstdWindow))
		if err != nil {
			return nil, nil, invalidLayer(name, "not a zstd stream: %v", err)
		}
		return z, z.Close, nil
	}
	return r, func() {}, nil
}

// limitedReader fails once more than n bytes have been read: a decompression bomb ends
// there instead of filling the disk.
type limitedReader struct {
	r    io.Reader
	n    int64
	name string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("%s expands to more than the import limit allows", l.name)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n+1] // one byte more shows the limit is exceeded
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, fmt.Errorf("%s expands to more than the import limit allows", l.name)
	}
	return n, err
}

// readTar feeds every entry of the tarball r (named name, possibly compressed) to apply.
// Errors of the archive itself are HCS_E_INVALID_LAYER naming the last good entry.
func readTar(name string, r io.Reader, lim Limits, apply func(*tar.Header, io.Reader) error) error {
	stream, release, err := decompress(name, bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		return err
	}
	defer release()
	lr := &limitedReader{r: stream, n: lim.streamLimit(), name: name}
	tr := tar.NewReader(lr)
	last := ""
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return checkTrailer(name, lr, last)
		}
		if err != nil {
			return archiveError(name, last, err)
		}
		if err := apply(h, tr); err != nil {
			return err
		}
		last = h.Name
	}
}

// archiveError describes a broken archive after the entry last.
func archiveError(name, last string, err error) error {
	where := "at its first entry"
	if last != "" {
		where = "after entry " + quote(last)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return invalidLayer(name, "the archive is truncated %s", where)
	}
	return invalidLayer(name, "corrupt archive %s: %v", where, err)
}

// checkTrailer reads what follows the end-of-archive marker: only zero padding may.
func checkTrailer(name string, r io.Reader, last string) error {
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if !allZero(buf[:n]) {
			return invalidLayer(name, "data follows the end of the archive (after entry %s)", quote(last))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return archiveError(name, last, err)
		}
	}
}
