package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// union is an overlay of read-only layers (topmost first) over a scratch directory that
// holds its upper and work directories: the root of a container, and what CombinedLayers
// mounts.
type union struct {
	Lower []string `json:"Lower"`
	Upper string   `json:"Upper"`
	Work  string   `json:"Work"`
}

// newUnion checks the layers (layerField names each in messages) and the scratch, whose
// upper and work directories it makes.
func newUnion(layers []string, scratch string, layerField func(int) string, scratchField string) (union, error) {
	if len(layers) == 0 {
		return union{}, hresult.Errorf(hresult.E_INVALIDARG, "%s: at least one layer is required", layerField(0))
	}
	var u union
	for i, l := range layers {
		if err := overlayDir(l, layerField(i)); err != nil {
			return union{}, err
		}
		u.Lower = append(u.Lower, filepath.Clean(l))
	}
	if err := overlayPath(scratch, scratchField); err != nil {
		return union{}, err
	}
	u.Upper, u.Work = filepath.Join(scratch, "upper"), filepath.Join(scratch, "work")
	for _, d := range []string{u.Upper, u.Work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return union{}, hresult.Wrap(err, 0, scratchField+": create "+d)
		}
	}
	if len(u.options()) >= os.Getpagesize() {
		return union{}, hresult.Errorf(hresult.E_INVALIDARG, "%s: the overlay options are longer than a page", layerField(0))
	}
	return u, nil
}

// options are the overlay's mount options.
func (u union) options() string {
	return fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(u.Lower, ":"), u.Upper, u.Work)
}

// mount mounts the union on target.
func (u union) mount(target string) error {
	if err := unix.Mount("overlay", target, "overlay", 0, u.options()); err != nil {
		return fmt.Errorf("mount the overlay of the layers (%s) on %s: %w", u.options(), target, err)
	}
	return nil
}

// overlayPath checks a path that goes into the overlay's options, where ',' and ':'
// separate values and cannot be escaped portably.
func overlayPath(dir, field string) error {
	if !filepath.IsAbs(dir) || strings.ContainsAny(dir, ",:\x00") {
		return hresult.Errorf(hresult.E_INVALIDARG, "%s %q: expected an absolute path without ',' or ':'", field, dir)
	}
	return nil
}

// overlayDir checks a layer: an existing directory whose path the options can carry.
func overlayDir(dir, field string) error {
	if err := overlayPath(dir, field); err != nil {
		return err
	}
	return existingDir(dir, field)
}

// existingDir checks that dir is a directory, naming field when it is not.
func existingDir(dir, field string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return hresult.Errorf(hresult.ERROR_NOT_FOUND, "%s %q: no such directory", field, dir)
	case err != nil:
		return hresult.Wrap(err, 0, field)
	case !fi.IsDir():
		return hresult.Errorf(hresult.E_INVALIDARG, "%s %q: not a directory", field, dir)
	}
	return nil
}
