package main

import (
	"encoding/json"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

var propertiesVerb = &verb{
	name:     "properties",
	summary:  "show a compute system's properties",
	synopsis: []string{"hcsdiag properties [--memory] [--statistics] [--process-list] [--all] [--query JSON] ID"},
	description: `Prints the system's Properties document (HcsGetComputeSystemProperties), indented.
Without options it holds the basic properties: Id, SystemType, Name, Owner, RuntimeId,
RuntimeOsType, State and, once stopped, Stopped and ExitType. Each option adds a
property type to the System_PropertyQuery; --query sends a query document of your own
instead.

Memory reports a container's limit in the VM-shaped MemoryInformationForVm document;
Statistics holds CPU time in 100 ns units, memory and block I/O; ProcessList has one
entry per process. A property type the system's driver does not have fails the call
with ERROR_NOT_SUPPORTED naming the type.`,
	opts: []option{
		{long: "memory", help: "add the Memory property type"},
		{long: "statistics", help: "add the Statistics property type"},
		{long: "process-list", help: "add the ProcessList property type"},
		{long: "all", help: "every type the system has: Memory, Statistics, ProcessList, and GuestConnection for a VM with a guest agent"},
		{long: "query", arg: "JSON", help: `the System_PropertyQuery document, e.g. '{"PropertyTypes":["Statistics"]}'`},
	},
	examples: `$ hcsdiag properties demo
$ hcsdiag properties --statistics demo
$ hcsdiag properties --query '{"PropertyTypes":["ProcessList"]}' demo`,
	minArgs: 1, maxArgs: 1, stopAfter: -1,
	run: runProperties,
}

func runProperties(e *env, p *parsed) error {
	query, err := jsonArg(p, "query")
	if err != nil {
		return err
	}
	if query != "" && (p.has("memory") || p.has("statistics") || p.has("process-list") || p.has("all")) {
		return usagef("--query replaces the other options; give one or the other")
	}
	return e.withSystem(p.args[0], func(s *client.System) error {
		if query == "" {
			q, err := propertyQuery(e, s, p)
			if err != nil {
				return err
			}
			query = q
		}
		doc, err := e.properties(s, query)
		if err != nil {
			return err
		}
		return printJSON(e.stdout, doc)
	})
}

// propertyQuery builds the query the options ask for ("" for the basic properties).
func propertyQuery(e *env, s *client.System, p *parsed) (string, error) {
	var types []schema.SystemPropertyType
	add := func(on bool, t schema.SystemPropertyType) {
		if on {
			types = append(types, t)
		}
	}
	all := p.has("all")
	add(all || p.has("memory"), schema.SystemPropertyTypeMemory)
	add(all || p.has("statistics"), schema.SystemPropertyTypeStatistics)
	add(all || p.has("process-list"), schema.SystemPropertyTypeProcessList)
	if all {
		doc, err := e.properties(s, "")
		if err != nil {
			return "", err
		}
		var basic schema.Properties
		json.Unmarshal([]byte(doc), &basic)
		add(basic.SystemType == schema.SystemTypeVirtualMachine && hasGuestConnection(e, s), schema.SystemPropertyTypeGuestConnection)
	}
	if len(types) == 0 {
		return "", nil
	}
	return mustJSON(schema.SystemPropertyQuery{PropertyTypes: types}), nil
}

// hasGuestConnection reports whether the VM answers the GuestConnection property: one
// without a guest agent does not, and --all lists only what the system has.
func hasGuestConnection(e *env, s *client.System) bool {
	_, err := e.properties(s, mustJSON(schema.SystemPropertyQuery{PropertyTypes: []schema.SystemPropertyType{schema.SystemPropertyTypeGuestConnection}}))
	return err == nil
}

var modifyVerb = &verb{
	name:     "modify",
	summary:  "change a created or running compute system",
	synopsis: []string{"hcsdiag modify ID [FILE]"},
	description: `Sends the ModifySettingRequest document in FILE, or on stdin when FILE is - or absent,
to the system (HcsModifyComputeSystem) and waits for the change. A container takes
Container/Memory/SizeInMB and Container/Processor updates and adds or removes
Container/MappedDirectories; a VM takes the VirtualMachine/... resource paths its
driver supports. A system that was created but not started takes them too: the change is
part of the system when it starts (a VM then also takes 9p shares and a new memory
size). examples/modify.json changes the memory limit.`,
	examples: `$ hcsdiag modify demo examples/modify.json
$ echo '{"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Update","Settings":256}' | hcsdiag modify demo`,
	minArgs: 1, maxArgs: 2, stopAfter: -1,
	run: runModify,
}

func runModify(e *env, p *parsed) error {
	file := ""
	if len(p.args) > 1 {
		file = p.args[1]
	}
	doc, err := readDocument(e, file, "ModifySettingRequest")
	if err != nil {
		return err
	}
	return e.withSystem(p.args[0], func(s *client.System) error {
		_, err := e.do(func(op *client.Operation) error { return s.Modify(op, doc) })
		return err
	})
}
