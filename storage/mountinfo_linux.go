package storage

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// mount is one line of /proc/self/mountinfo.
type mount struct {
	point   string   // where it is mounted
	fstype  string   // filesystem type
	source  string   // mount source
	dev     string   // major:minor of the filesystem
	layers  []string // overlay: every lower, upper and work directory
	options string   // super options
}

// mounts reads the mount table of this process's mount namespace.
func mounts() ([]mount, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var list []mount
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if m, ok := parseMountinfo(sc.Text()); ok {
			list = append(list, m)
		}
	}
	return list, sc.Err()
}

// parseMountinfo parses one mountinfo line:
// "id parent major:minor root point options [optional...] - fstype source superoptions".
func parseMountinfo(line string) (mount, bool) {
	pre, post, ok := strings.Cut(line, " - ")
	f, g := strings.Fields(pre), strings.Fields(post)
	if !ok || len(f) < 5 || len(g) < 3 {
		return mount{}, false
	}
	m := mount{dev: f[2], point: unescapeMount(f[4]), fstype: g[0], source: unescapeMount(g[1]), options: g[2]}
	if m.fstype == "overlay" {
		m.layers = overlayLayers(g[2])
	}
	return m, true
}

// overlayLayers lists the directories named in overlay super options (lowerdir, lowerdir+,
// datadir+, upperdir, workdir), unescaped.
func overlayLayers(opts string) []string {
	var dirs []string
	for _, opt := range splitEscaped(opts, ',') {
		key, val, _ := strings.Cut(opt, "=")
		switch key {
		case "lowerdir":
			for _, d := range splitEscaped(val, ':') {
				dirs = append(dirs, unescapeMount(d))
			}
		case "lowerdir+", "datadir+", "upperdir", "workdir":
			dirs = append(dirs, unescapeMount(val))
		}
	}
	return dirs
}

// splitEscaped splits s at sep, except where sep follows a backslash.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space, \054 for a comma...)
// and overlay's backslash escapes.
func unescapeMount(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' {
			if i+4 <= len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
					b.WriteByte(byte(v))
					i += 3
					continue
				}
			}
			if i+1 < len(s) {
				i++
				c = s[i]
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// within reports whether p is dir or lies below it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}
