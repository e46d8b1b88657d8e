package wire

import (
	"unicode/utf8"

	"github.com/linuxhcs/hcs/hresult"
)

// MaxSystemIDLength bounds compute-system ids. A GUID is 36 characters; container runtimes
// use up to 64 hex digits; 255 leaves room for descriptive names while keeping ids usable as
// one path element.
const MaxSystemIDLength = 255

// ValidateSystemID checks a compute-system id before it touches any path, name or map. Ids
// are caller-chosen strings (GUIDs, container ids, names such as "Sample"); they must be
// non-empty valid UTF-8 of at most MaxSystemIDLength bytes, must not be "." or "..", and may
// contain no '/', '\', NUL or other control character. Anything else is E_INVALIDARG.
func ValidateSystemID(id string) error {
	bad := func(why string) error {
		return hresult.Errorf(hresult.E_INVALIDARG, "id %q: %s", truncate(id, 80), why)
	}
	switch {
	case id == "":
		return hresult.New(hresult.E_INVALIDARG, "id: required")
	case len(id) > MaxSystemIDLength:
		return bad("longer than 255 bytes")
	case !utf8.ValidString(id):
		return bad("not valid UTF-8")
	case id == "." || id == "..":
		return bad("not a valid name")
	}
	for _, r := range id {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return bad("contains a path separator or control character")
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
