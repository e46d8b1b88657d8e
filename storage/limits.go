package storage

import "fmt"

// Limits bound what one import may create, so that a hostile or broken layer cannot fill the
// host's disk or memory. Zero fields take the defaults.
type Limits struct {
	// MaxEntries is the most entries (files, directories, links, whiteouts...) a layer may
	// hold. Default 1,000,000.
	MaxEntries int64
	// MaxBytes is the most file data, counted by logical size (holes included), a layer
	// may hold. Default 64 GiB.
	MaxBytes int64
}

// Default limits.
const (
	DefaultMaxEntries = 1_000_000
	DefaultMaxBytes   = 64 << 30
)

// withDefaults returns l with zero fields set to the defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// streamLimit is how many bytes a decompressed tar stream may hold: the file data plus room
// for headers, padding and the end-of-archive blocks.
func (l Limits) streamLimit() int64 {
	return l.MaxBytes + l.MaxEntries*2048 + 1<<20
}

// quota counts what an import has created against its Limits.
type quota struct {
	lim     Limits
	entries int64
	bytes   int64
}

// entry counts one more entry.
func (q *quota) entry() error {
	q.entries++
	if q.entries > q.lim.MaxEntries {
		return fmt.Errorf("the layer has more than %d entries (the import limit)", q.lim.MaxEntries)
	}
	return nil
}

// data counts n more bytes of file data.
func (q *quota) data(n int64) error {
	if n < 0 || n > q.lim.MaxBytes-q.bytes {
		return fmt.Errorf("the layer's files exceed the import limit of %d bytes", q.lim.MaxBytes)
	}
	q.bytes += n
	return nil
}
