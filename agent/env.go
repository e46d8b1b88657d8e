package agent

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
)

// DefaultPath is the PATH a process gets when its Environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// buildEnv returns the process environment as sorted NAME=value strings. PATH defaults to
// DefaultPath and HOME to home. Names must be non-empty and free of "=" and NUL; values free
// of NUL.
func buildEnv(vars map[string]string, home string) ([]string, error) {
	env := make([]string, 0, len(vars)+2)
	for k, v := range vars {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return nil, hresult.Errorf(hresult.E_INVALIDARG,
				"Environment: invalid variable name %q", k)
		}
		if strings.IndexByte(v, 0) >= 0 {
			return nil, hresult.Errorf(hresult.E_INVALIDARG,
				"Environment[%q]: value contains a NUL byte", k)
		}
		env = append(env, k+"="+v)
	}
	if _, ok := vars["PATH"]; !ok {
		env = append(env, "PATH="+DefaultPath)
	}
	if _, ok := vars["HOME"]; !ok {
		env = append(env, "HOME="+home)
	}
	sort.Strings(env)
	return env, nil
}

// lookPath finds the executable for argv[0]. A name containing a slash is used as it is
// (relative to the working directory, like a shell does); exec reports its errors. Otherwise
// each absolute directory of path is tried in order; empty and relative entries are skipped,
// so a process never runs a program from its working directory by accident.
func lookPath(file, path string) (string, error) {
	if strings.Contains(file, "/") {
		return file, nil
	}
	if file == "" {
		return "", hresult.New(hresult.E_INVALIDARG, "CommandArgs[0]: empty program name")
	}
	denied := ""
	for _, dir := range filepath.SplitList(path) {
		if !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, file)
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			return p, nil
		}
		if denied == "" {
			denied = p
		}
	}
	if denied != "" {
		return "", hresult.Errorf(hresult.E_ACCESSDENIED, "executable %q: %s is not an executable file", file, denied)
	}
	return "", hresult.Errorf(hresult.ERROR_NOT_FOUND, "executable file %q not found in PATH %q", file, path)
}
