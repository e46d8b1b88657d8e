package main

import (
	"fmt"
	"sort"

	"github.com/linuxhcs/hcs/schema"
)

var listVerb = &verb{
	name:     "list",
	summary:  "list the compute systems",
	synopsis: []string{"hcsdiag list [--json] [--owner NAME]... [--type Container|VirtualMachine]"},
	description: `Lists the compute systems the service knows (HcsEnumerateComputeSystems), one line
each, sorted by id: ID, TYPE (Container or VirtualMachine), STATE (Created, Running,
Paused, Stopped, ...), OWNER (the Owner of the document the system was created from) and
RUNTIME, what runs it: the OCI runtime the service starts containers with (crun or
runc, the service's current DefaultRuntime setting; a container created before that
setting changed keeps the runtime it was created with), or qemu for a virtual machine.

A stopped system is listed while some program still holds a handle to it.`,
	opts: []option{
		{long: "json", help: "print the service's answer, a JSON array of Properties documents"},
		{long: "owner", arg: "NAME", multi: true, help: "only systems with this owner (SystemQuery.Owners)"},
		{long: "type", arg: "TYPE", multi: true, help: "only systems of this type (SystemQuery.Types)"},
	},
	examples: `$ hcsdiag list
ID     TYPE        STATE     OWNER     RUNTIME
demo   Container   Running   hcsdiag   crun
$ hcsdiag list --owner demo --json`,
	maxArgs: 0, stopAfter: -1,
	run: runList,
}

func runList(e *env, p *parsed) error {
	query := ""
	if p.has("owner") || p.has("type") {
		q := schema.SystemQuery{Owners: p.all("owner")}
		for _, t := range p.all("type") {
			q.Types = append(q.Types, schema.SystemType(t))
		}
		query = mustJSON(q)
	}
	systems, err := e.enumerate(query)
	if err != nil {
		return err
	}
	sort.Slice(systems, func(i, j int) bool { return systems[i].Id < systems[j].Id })
	if p.has("json") {
		if systems == nil {
			systems = []schema.Properties{}
		}
		return printValue(e.stdout, systems)
	}
	settings := e.serviceSettings()
	t := newTable(e.stdout)
	fmt.Fprintln(t, "ID\tTYPE\tSTATE\tOWNER\tRUNTIME")
	for _, s := range systems {
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\n", s.Id, s.SystemType, s.State, dash(s.Owner), runtimeOf(s, settings))
	}
	return t.Flush()
}

// runtimeOf names what runs the system (see the list verb's description).
func runtimeOf(s schema.Properties, set schema.ServiceSettings) string {
	switch {
	case s.SystemType == schema.SystemTypeVirtualMachine:
		return "qemu"
	case set.DefaultRuntime != "":
		return set.DefaultRuntime
	}
	return "-"
}

// dash stands in for an empty column.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
