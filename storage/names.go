package storage

import (
	"errors"
	"strconv"
	"strings"
)

// Whiteout names of the OCI / Docker layer format.
const (
	// WhiteoutPrefix marks a whiteout entry: ".wh.NAME" deletes NAME from the layers below.
	WhiteoutPrefix = ".wh."
	// WhiteoutMetaPrefix starts the names aufs kept for itself; such entries are skipped.
	WhiteoutMetaPrefix = WhiteoutPrefix + WhiteoutPrefix
	// WhiteoutOpaque marks its directory opaque: nothing below it shows through.
	WhiteoutOpaque = WhiteoutMetaPrefix + ".opq"
)

// Limits on entry names, as Linux has them.
const (
	maxNameLen      = 4096
	maxComponentLen = 255
)

// whiteoutKind classifies one path component.
type whiteoutKind int

const (
	notWhiteout    whiteoutKind = iota // an ordinary name
	whiteoutFile                       // ".wh.NAME": delete NAME
	whiteoutOpaque                     // ".wh..wh..opq": the directory is opaque
	whiteoutMeta                       // ".wh..wh.*": aufs metadata, skipped
)

// parseWhiteout classifies the path component base. For a whiteout it returns the name it
// deletes. A whiteout of "", "." or ".." is an error: it would name no entry, the directory
// itself or its parent.
func parseWhiteout(base string) (whiteoutKind, string, error) {
	switch {
	case base == WhiteoutOpaque:
		return whiteoutOpaque, "", nil
	case strings.HasPrefix(base, WhiteoutMetaPrefix):
		return whiteoutMeta, "", nil
	case !strings.HasPrefix(base, WhiteoutPrefix):
		return notWhiteout, "", nil
	}
	target := base[len(WhiteoutPrefix):]
	if target == "" || target == "." || target == ".." || strings.ContainsAny(target, "/\x00") {
		return notWhiteout, "", errors.New("invalid whiteout name " + quote(base))
	}
	return whiteoutFile, target, nil
}

// splitName turns an entry name into its path components below the layer root. Leading
// slashes and "." components are dropped, so absolute names are relative to the layer root
// (as tar extracts them). A ".." component, a NUL byte or a name or component longer than
// Linux allows is an error: such entries are refused, never clamped.
func splitName(name string) ([]string, error) {
	if len(name) > maxNameLen {
		return nil, errors.New("the name is longer than 4096 bytes")
	}
	if strings.IndexByte(name, 0) >= 0 {
		return nil, errors.New("the name contains a NUL byte")
	}
	var comps []string
	for _, c := range strings.Split(name, "/") {
		switch {
		case c == "" || c == ".":
			continue
		case c == "..":
			return nil, errors.New("the name has a \"..\" component")
		case len(c) > maxComponentLen:
			return nil, errors.New("a name component is longer than 255 bytes")
		}
		comps = append(comps, c)
	}
	return comps, nil
}

// quote quotes s for messages (Go syntax, so odd bytes show), shortening very long names.
func quote(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
