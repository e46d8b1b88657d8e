package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

var createVerb = &verb{
	name:     "create",
	summary:  "create a compute system from a ComputeSystem document",
	synopsis: []string{"hcsdiag create [--layer DIR]... [--scratch DIR] [--memory MB] ID [FILE]"},
	description: `Creates the compute system ID from the ComputeSystem document in FILE, or on stdin
when FILE is - or absent (HcsCreateComputeSystem), waits until it is created and prints
its id. The system is then Created, not running: start it with hcsdiag start.

The options change a container document before it is sent, so one example document
serves any layers: --layer replaces Container.Storage.Layers (give it once per layer,
topmost first), --scratch sets Container.Storage.Path (the writable layer; an empty or
missing directory is made one), --memory sets Container.Memory.SizeInMB. Relative paths
are made absolute. Members hcsdiag does not know are passed on unchanged.

The system belongs to the service, not to hcsdiag: it stays after the command ends.`,
	opts: []option{
		{long: "layer", arg: "DIR", multi: true, help: "a read-only layer of the container, topmost first; replaces the document's layers"},
		{long: "scratch", arg: "DIR", help: "the container's writable layer (Container.Storage.Path)"},
		{long: "memory", arg: "MB", help: "the container's memory limit (Container.Memory.SizeInMB)"},
	},
	examples: `$ hcsdiag create demo examples/container.json --layer /var/lib/hcs-demo/busybox --scratch /tmp/demo-rw
demo
$ hcsdiag create vm1 < examples/vm.json`,
	minArgs: 1, maxArgs: 2, stopAfter: -1,
	run: runCreate,
}

func runCreate(e *env, p *parsed) error {
	id := p.args[0]
	file := ""
	if len(p.args) > 1 {
		file = p.args[1]
	}
	doc, err := readDocument(e, file, "ComputeSystem")
	if err != nil {
		return err
	}
	if doc, err = overrideContainer(doc, p); err != nil {
		return err
	}
	if err := createSystem(e, id, doc); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

// createSystem creates id from doc, waits for the creation and closes the handle.
func createSystem(e *env, id, doc string) error {
	c, err := e.client()
	if err != nil {
		return err
	}
	var s *client.System
	_, err = e.do(func(op *client.Operation) (err error) {
		s, err = c.CreateComputeSystem(id, doc, op)
		return err
	})
	if s != nil {
		s.Close()
	}
	return err
}

// overrideContainer applies --layer, --scratch and --memory to a document's Container,
// keeping every other member as it is.
func overrideContainer(doc string, p *parsed) (string, error) {
	if !p.has("layer") && !p.has("scratch") && !p.has("memory") {
		return doc, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return "", hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "ComputeSystem")
	}
	ctr, err := member(top, "Container")
	if err != nil {
		return "", err
	}
	storage, err := member(ctr, "Storage")
	if err != nil {
		return "", err
	}
	if p.has("layer") {
		layers, err := layerList(p.all("layer"))
		if err != nil {
			return "", err
		}
		storage["Layers"] = json.RawMessage(mustJSON(layers))
	}
	if p.has("scratch") {
		path, err := filepath.Abs(p.str("scratch"))
		if err != nil {
			return "", annotate(err, "--scratch")
		}
		storage["Path"] = json.RawMessage(mustJSON(path))
	}
	if p.has("memory") {
		mb, err := p.uint("memory", 0)
		if err != nil {
			return "", err
		}
		ctr["Memory"] = json.RawMessage(mustJSON(schema.ContainerMemory{SizeInMB: mb}))
	}
	ctr["Storage"] = json.RawMessage(mustJSON(storage))
	top["Container"] = json.RawMessage(mustJSON(ctr))
	return mustJSON(top), nil
}

// member returns the object m[name], an empty one when it is absent.
func member(m map[string]json.RawMessage, name string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, hresult.Errorf(hresult.HCS_E_INVALID_JSON, "%s: not a JSON object", name)
	}
	return out, nil
}

// layerList turns layer directories, topmost first, into Layer entries with absolute paths.
func layerList(dirs []string) ([]schema.Layer, error) {
	out := make([]schema.Layer, 0, len(dirs))
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, annotate(err, "layer "+d)
		}
		out = append(out, schema.Layer{Path: abs, PathType: schema.PathTypeAbsolutePath})
	}
	return out, nil
}
