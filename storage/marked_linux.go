package storage

import (
	"sort"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
)

// MarkedUnion is a union attached with a mark (AttachMarked).
type MarkedUnion struct {
	// Path is where the union is mounted: the writable layer's path.
	Path string
	// Mark is the source it was attached with.
	Mark string
}

// MarkedUnions lists the unions mounted in this mount namespace whose mark starts with
// prefix, deepest first (so that one is detached before any it sits on).
func MarkedUnions(prefix string) ([]MarkedUnion, error) {
	list, err := mounts()
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "reading the mount table")
	}
	var out []MarkedUnion
	for _, m := range list {
		if m.fstype == "overlay" && strings.HasPrefix(m.source, prefix) {
			out = append(out, MarkedUnion{Path: m.point, Mark: m.source})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path > out[j].Path })
	return out, nil
}

// MountPointsBelow lists the mount points of this mount namespace on dir or below it,
// deepest first, read with the mount table's escapes undone (a path with a blank is one
// path).
func MountPointsBelow(dir string) ([]string, error) {
	list, err := mounts()
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "reading the mount table")
	}
	var out []string
	for _, m := range list {
		if m.point == dir || strings.HasPrefix(m.point, dir+"/") {
			out = append(out, m.point)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}
