package rpc

import "runtime/debug"

// SoftwareVersion describes the running binary for Hello messages: the module version it was
// built as, or "devel" with the commit of the checkout it was built from.
func SoftwareVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}
