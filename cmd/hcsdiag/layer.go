package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/linuxhcs/hcs/schema"
)

// layerDataOpts name a layer's parents: --parent once per layer, topmost first, or a whole
// LayerData document.
var layerDataOpts = []option{
	{long: "parent", arg: "DIR", multi: true, help: "a parent layer, topmost first (builds the LayerData document)"},
	{long: "layer-data", arg: "FILE", help: "the LayerData document, instead of --parent"},
}

// layerDataArg returns the LayerData document the options give ("" for none).
func layerDataArg(e *env, p *parsed) (string, error) {
	if p.has("layer-data") {
		if p.has("parent") {
			return "", usagef("--parent and --layer-data both name the parents; give one of them")
		}
		return readDocument(e, p.str("layer-data"), "LayerData")
	}
	layers, err := layerList(p.all("parent"))
	if err != nil {
		return "", err
	}
	return layerData(layers), nil
}

// absPath makes a path argument absolute, as the storage functions require.
func absPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", annotate(err, path)
	}
	return abs, nil
}

// makeParent creates the missing directories above a layer that is to be made, closed to
// other users (a layer may hold set-id programs).
func makeParent(layer string) error {
	if err := os.MkdirAll(filepath.Dir(layer), 0o700); err != nil {
		return annotate(err, "creating the directory of "+layer)
	}
	return nil
}

// absArgs makes every positional argument absolute.
func absArgs(args []string) ([]string, error) {
	out := make([]string, len(args))
	for i, a := range args {
		abs, err := absPath(a)
		if err != nil {
			return nil, err
		}
		out[i] = abs
	}
	return out, nil
}

var layerInitVerb = &verb{
	name:     "layer init",
	summary:  "make a writable layer",
	synopsis: []string{"hcsdiag layer init [--parent DIR]... [--layer-data FILE] LAYER"},
	description: `Makes LAYER (missing, or an empty directory) a writable layer over the given parents
(HcsInitializeWritableLayer). The parents are recorded in the layer, so a container
given LAYER as Container.Storage.Path, or hcsdiag layer attach, finds them. Missing
directories above LAYER are created, closed to other users.`,
	opts:     layerDataOpts,
	examples: "$ hcsdiag layer init --parent /var/lib/layers/base /tmp/rw",
	minArgs:  1, maxArgs: 1, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		return storageCall(e, p, func(args []string, ld string) error {
			if err := makeParent(args[0]); err != nil {
				return err
			}
			return e.svc.c.InitializeWritableLayer(e.ctx, args[0], ld, "")
		})
	},
}

var layerAttachVerb = &verb{
	name:     "layer attach",
	summary:  "show a writable layer's union at its path",
	synopsis: []string{"hcsdiag layer attach [--parent DIR]... [--layer-data FILE] LAYER"},
	description: `Mounts the union of the writable layer LAYER over its parents on LAYER itself
(HcsAttachLayerStorageFilter): the directory then shows the merged files. Without
parents, the ones recorded by hcsdiag layer init are used. Parents must be read-only
(imported) layers.`,
	opts:     layerDataOpts,
	examples: "$ hcsdiag layer attach /tmp/rw && ls /tmp/rw",
	minArgs:  1, maxArgs: 1, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		return storageCall(e, p, func(args []string, ld string) error {
			return e.svc.c.AttachLayerStorageFilter(e.ctx, args[0], ld)
		})
	},
}

var layerDetachVerb = &verb{
	name:        "layer detach",
	summary:     "unmount a writable layer's union",
	synopsis:    []string{"hcsdiag layer detach LAYER"},
	description: `Unmounts the union attached on LAYER (HcsDetachLayerStorageFilter); the layer's changes stay in it.`,
	examples:    "$ hcsdiag layer detach /tmp/rw",
	minArgs:     1, maxArgs: 1, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		return storageCall(e, p, func(args []string, _ string) error {
			return e.svc.c.DetachLayerStorageFilter(e.ctx, args[0])
		})
	},
}

var layerDestroyVerb = &verb{
	name:     "layer destroy",
	summary:  "delete layers",
	synopsis: []string{"hcsdiag layer destroy LAYER..."},
	description: `Deletes each layer (HcsDestroyLayer). Only directories marked as layers are deleted
(read-only, writable and legacy folders); anything else gives HCS_E_INVALID_LAYER, and a
layer in use (attached, or a layer of a running container) gives ERROR_BUSY.`,
	examples: "$ hcsdiag layer destroy /tmp/rw /var/lib/layers/base",
	minArgs:  1, maxArgs: -1, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		return storageCall(e, p, func(args []string, _ string) error {
			for _, l := range args {
				if err := e.svc.c.DestroyLayer(e.ctx, l); err != nil {
					return err
				}
			}
			return nil
		})
	},
}

var layerMountPathVerb = &verb{
	name:     "layer mount-path",
	summary:  "show where a layer disk image is mounted",
	synopsis: []string{"hcsdiag layer mount-path VHD"},
	description: `Prints the directory where the disk image VHD (a fixed VHD or a raw ext4 image) is
mounted (HcsGetLayerVhdMountPath). An image that is not mounted gives ERROR_NOT_FOUND.`,
	examples: "$ hcsdiag layer mount-path /var/lib/vm/scratch.vhd\n/mnt/scratch",
	minArgs:  1, maxArgs: 1, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		f, err := os.Open(p.args[0])
		if err != nil {
			return annotate(err, "opening the disk image")
		}
		defer f.Close()
		c, err := e.client()
		if err != nil {
			return err
		}
		path, err := c.GetLayerVhdMountPath(e.ctx, f)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, path)
		return nil
	},
}

// storageCall makes the arguments absolute, builds the LayerData document from the options
// the verb has, connects, and runs call.
func storageCall(e *env, p *parsed, call func(args []string, layerData string) error) error {
	args, err := absArgs(p.args)
	if err != nil {
		return err
	}
	ld := ""
	if findLong(e.verb.opts, "parent") != nil {
		if ld, err = layerDataArg(e, p); err != nil {
			return err
		}
	}
	if _, err := e.client(); err != nil {
		return err
	}
	return call(args, ld)
}

// exportOptions is the ExportLayerOptions document for --writable.
func exportOptions(writable bool) string {
	if !writable {
		return ""
	}
	return mustJSON(schema.ExportLayerOptions{IsWritableLayer: true})
}
