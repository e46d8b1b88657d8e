package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

var runVerb = &verb{
	name:    "run",
	summary: "run a command in a new container",
	synopsis: []string{"hcsdiag run [--rm] [--name ID] [--memory MB] --layer DIR [--layer DIR]... [-i] [-t] [-e KEY=VALUE]... " +
		"[-w DIR] [-u USER] [--] COMMAND [ARG]..."},
	description: `Creates a container over the read-only layers given with --layer (topmost first) and a
new writable layer in a temporary directory (HcsInitializeWritableLayer), starts it,
runs COMMAND in it as hcsdiag exec does, and exits with the command's exit status.
Options are read up to the command; everything from COMMAND on belongs to it.

With --rm the container is terminated when the command has exited, and its writable
layer destroyed; the container is also created with ShouldTerminateOnLastHandleClosed,
so it goes away even if hcsdiag is killed. Without --rm the container keeps running
(its init is hcs-agent, not the command) and hcsdiag says how to remove it.

The container's id is --name, or run- and eight random hex digits; its Owner is hcsdiag.
A layer is any directory holding a root filesystem: an imported layer, or a plain
directory tree.`,
	opts: append([]option{
		{long: "rm", help: "remove the container and its writable layer when the command has exited"},
		{long: "name", arg: "ID", help: "the container's id"},
		{long: "memory", arg: "MB", help: "the container's memory limit"},
		{long: "layer", arg: "DIR", multi: true, help: "a read-only layer, topmost first (at least one)"},
	}, processOpts...),
	examples: `$ hcsdiag run --rm --layer /var/lib/hcs-demo/busybox -- uname -a
$ hcsdiag run --rm -it --layer ./app --layer ./base -- sh
$ echo 'print me' | hcsdiag run --rm -i --layer ./base -- rev`,
	minArgs: 1, maxArgs: -1, stopAfter: 0, forwardSignals: true,
	run: runRun,
}

func runRun(e *env, p *parsed) error {
	if !p.has("layer") {
		return usagef("--layer is required: the container needs at least one layer")
	}
	spec, err := newProcessSpec(p, p.args)
	if err != nil {
		return err
	}
	mb, err := p.uint("memory", 0)
	if err != nil {
		return err
	}
	layers, err := layerList(p.all("layer"))
	if err != nil {
		return err
	}
	id := p.str("name")
	if id == "" {
		id = "run-" + randomHex(4)
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	r := &container{e: e, c: c, id: id}
	defer r.cleanup()
	if err := r.setUp(layers, mb, p.has("rm")); err != nil {
		return err
	}
	code, err := runProcess(e, r.sys, spec)
	if err != nil {
		return err
	}
	if p.has("rm") {
		r.failed = true // the clean-up removes the container now
	} else {
		r.keep()
	}
	return exitCode(code)
}

// container is the container of one hcsdiag run and its writable layer.
type container struct {
	e      *env
	c      *client.Client
	id     string
	rw     string // the writable layer, a new temporary directory
	sys    *client.System
	failed bool // clean up everything
}

// setUp makes the writable layer, creates and starts the container.
func (r *container) setUp(layers []schema.Layer, mb uint64, rm bool) error {
	r.failed = true
	var err error
	if r.rw, err = os.MkdirTemp("", "hcsdiag-run-"); err != nil {
		return annotate(err, "writable layer")
	}
	// The writable layer records its parents, imported layers or plain directory trees.
	if err := r.c.InitializeWritableLayer(r.e.ctx, r.rw, layerData(layers), ""); err != nil {
		return err
	}
	doc := schema.ComputeSystem{
		SchemaVersion:                     &schema.Version{Major: 2, Minor: 1},
		Owner:                             "hcsdiag",
		ShouldTerminateOnLastHandleClosed: rm,
		Container:                         &schema.Container{Storage: &schema.Storage{Layers: layers, Path: r.rw}},
	}
	if mb > 0 {
		doc.Container.Memory = &schema.ContainerMemory{SizeInMB: mb}
	}
	_, err = r.e.do(func(op *client.Operation) (err error) {
		r.sys, err = r.c.CreateComputeSystem(r.id, mustJSON(doc), op)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := r.e.do(func(op *client.Operation) error { return r.sys.Start(op, "") }); err != nil {
		return err
	}
	r.failed = false
	return nil
}

// keep leaves the container running and says how to remove it.
func (r *container) keep() {
	fmt.Fprintf(r.e.stderr, "hcsdiag: run: %s keeps running; remove it with: hcsdiag terminate %s && hcsdiag layer destroy %s\n",
		r.id, r.id, r.rw)
}

// cleanup closes the handle and, when the run failed or asked for --rm, terminates the
// container and destroys its writable layer. It runs to its end even when the run was
// interrupted: nothing else would remove what the run made.
func (r *container) cleanup() {
	ctx := context.WithoutCancel(r.e.ctx)
	if r.failed && r.sys != nil {
		_, err := client.Do(ctx, func(op *client.Operation) error { return r.sys.Terminate(op, "") })
		if err != nil && !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_STOPPED) && !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
			fmt.Fprintf(r.e.stderr, "hcsdiag: run: terminating %s: %v\n", r.id, toHresult(err))
		}
	}
	if r.sys != nil {
		r.sys.Close()
	}
	if !r.failed || r.rw == "" {
		return
	}
	if err := r.c.DestroyLayer(ctx, r.rw); err != nil && !hresult.Is(err, hresult.HCS_E_INVALID_LAYER) {
		fmt.Fprintf(r.e.stderr, "hcsdiag: run: destroying the writable layer %s: %v\n", r.rw, toHresult(err))
		return
	}
	os.Remove(r.rw) // still there when it never became a layer
}

// layerData is the LayerData document naming layers as parents.
func layerData(layers []schema.Layer) string {
	if len(layers) == 0 {
		return ""
	}
	return mustJSON(schema.LayerData{SchemaVersion: &schema.Version{Major: 2, Minor: 1}, Layers: layers})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
