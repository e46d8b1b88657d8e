package initrd

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// moduleIndex is what modules.dep and modules.builtin of one kernel say.
type moduleIndex struct {
	paths   map[string]string   // module name -> path relative to the modules directory
	deps    map[string][]string // path -> paths of its dependencies
	builtin map[string]bool     // names of modules built into the kernel
}

// moduleName turns "kernel/drivers/char/virtio_console.ko" into "virtio_console"; the
// kernel treats - and _ in module names alike.
func moduleName(path string) string {
	base := filepath.Base(path)
	if i := strings.Index(base, ".ko"); i >= 0 {
		base = base[:i]
	}
	return strings.ReplaceAll(base, "-", "_")
}

// readModuleIndex reads modules.dep and modules.builtin from dir (/lib/modules/VERSION).
func readModuleIndex(dir string) (*moduleIndex, error) {
	idx := &moduleIndex{paths: map[string]string{}, deps: map[string][]string{}, builtin: map[string]bool{}}
	if err := eachLine(filepath.Join(dir, "modules.dep"), func(line string) {
		mod, deps, ok := strings.Cut(line, ":")
		if !ok {
			return
		}
		idx.paths[moduleName(mod)] = mod
		idx.deps[mod] = strings.Fields(deps)
	}); err != nil {
		return nil, err
	}
	eachLine(filepath.Join(dir, "modules.builtin"), func(line string) {
		idx.builtin[moduleName(line)] = true
	})
	return idx, nil
}

func eachLine(path string, fn func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			fn(line)
		}
	}
	return sc.Err()
}

// resolve returns the module files needed for names, dependencies first, each once.
// Names built into the kernel need nothing; names the kernel lacks altogether are
// returned in missing.
func (idx *moduleIndex) resolve(names []string) (order, missing []string, err error) {
	seen := map[string]bool{}
	var visit func(path string) error
	visit = func(path string) error {
		if seen[path] {
			return nil
		}
		seen[path] = true
		if !strings.HasSuffix(path, ".ko") {
			return fmt.Errorf("module %s is compressed; only uncompressed modules are supported", path)
		}
		for _, d := range idx.deps[path] {
			if err := visit(d); err != nil {
				return err
			}
		}
		order = append(order, path)
		return nil
	}
	for _, n := range names {
		n = strings.ReplaceAll(n, "-", "_")
		p, ok := idx.paths[n]
		switch {
		case ok:
			if err := visit(p); err != nil {
				return nil, nil, err
			}
		case !idx.builtin[n]:
			missing = append(missing, n)
		}
	}
	return order, missing, nil
}
