package container

import (
	"strings"
)

const (
	// maxHostname is the kernel's limit on a host name (__NEW_UTS_LEN).
	maxHostname = 64
	// maxLabel is the longest DNS label (RFC 1035), and so the longest derived host name.
	maxLabel = 63
	// fallbackHostname names a container whose id has no usable character.
	fallbackHostname = "container"
)

// hostnameFor picks the container's host name: GuestOs.HostName, else the caller's default,
// else one derived from the id. Names given by the document or the caller must already be
// valid; a derived one is made valid.
func hostnameFor(in SpecInput) (string, error) {
	if g := in.Container.GuestOs; g != nil && g.HostName != "" {
		if why := hostnameProblem(g.HostName); why != "" {
			return "", invalidArg("$.Container.GuestOs.HostName", "%s, got %q", why, g.HostName)
		}
		return g.HostName, nil
	}
	if in.DefaultHostname != "" {
		if why := hostnameProblem(in.DefaultHostname); why != "" {
			return "", invalidArg("SpecInput.DefaultHostname", "%s, got %q", why, in.DefaultHostname)
		}
		return in.DefaultHostname, nil
	}
	return hostnameFromID(in.ID), nil
}

// hostnameProblem says why name is not a valid host name (RFC 1123 labels separated by dots,
// at most 64 bytes in all), or returns "".
func hostnameProblem(name string) string {
	if len(name) > maxHostname {
		return "must be at most 64 characters"
	}
	for _, label := range strings.Split(name, ".") {
		switch {
		case label == "":
			return "must not have an empty label"
		case len(label) > maxLabel:
			return "labels must be at most 63 characters"
		case label[0] == '-' || label[len(label)-1] == '-':
			return "labels must not begin or end with '-'"
		}
		for i := 0; i < len(label); i++ {
			if !isHostnameByte(label[i]) {
				return "may hold only letters, digits, '-' and '.'"
			}
		}
	}
	return ""
}

// hostnameFromID makes a single-label host name from an id: every byte that is not a letter
// or digit becomes '-', the result is cut to 63 bytes and trimmed of '-' at either end.
func hostnameFromID(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !isHostnameByte(c) {
			b[i] = '-'
		}
	}
	if len(b) > maxLabel {
		b = b[:maxLabel]
	}
	name := strings.Trim(string(b), "-")
	if name == "" {
		return fallbackHostname
	}
	return name
}

// isHostnameByte reports whether c may appear in a host name label.
func isHostnameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}
