package main

import (
	"encoding/json"
	"fmt"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

var servicePropertiesVerb = &verb{
	name:     "service properties",
	summary:  "show the service's properties",
	synopsis: []string{"hcsdiag service properties [--query JSON]"},
	description: `Prints the ServiceProperties document (HcsGetServiceProperties), indented. The default
query is {"PropertyTypes":["Basic","ServiceSettings"]}: Properties[0] lists the schema
versions the service accepts, Properties[1] its settings (DefaultRuntime, LogLevel).
CrashReports lists the stored crash reports (see hcsdiag report list). The Windows
property types (CpuGroup, ProcessorTopology, ...) fail with ERROR_NOT_SUPPORTED naming the type.`,
	opts: []option{{long: "query", arg: "JSON", help: "the Service_PropertyQuery document"}},
	examples: `$ hcsdiag service properties
$ hcsdiag service properties --query '{"PropertyTypes":["Basic"]}'`,
	maxArgs: 0, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		query, err := jsonArg(p, "query")
		if err != nil {
			return err
		}
		if query == "" {
			query = `{"PropertyTypes":["Basic","ServiceSettings"]}`
		}
		c, err := e.client()
		if err != nil {
			return err
		}
		doc, err := c.GetServiceProperties(e.ctx, query)
		if err != nil {
			return err
		}
		return printJSON(e.stdout, doc)
	},
}

var serviceSetVerb = &verb{
	name:     "service set",
	summary:  "change the service's settings",
	synopsis: []string{"hcsdiag service set [--runtime crun|runc] [--log-level debug|info|warn|error]"},
	description: `Changes the settings of the running service (HcsModifyServiceSettings with
{"PropertyType":"ServiceSettings","Settings":{...}}). --runtime chooses the OCI runtime
for containers created from now on; running containers keep theirs. --log-level sets
the level of the service's log. The change lasts until the service stops; hcsd's flags
and config file set the values it starts with. A private service (when hcsd is not
running) stops after the command, so the change is lost with it.`,
	opts: []option{
		{long: "runtime", arg: "NAME", help: "crun or runc"},
		{long: "log-level", arg: "LEVEL", help: "debug, info, warn or error"},
	},
	examples: `$ hcsdiag service set --runtime runc
$ hcsdiag service set --log-level debug`,
	maxArgs: 0, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		set := schema.ServiceSettings{DefaultRuntime: p.str("runtime"), LogLevel: p.str("log-level")}
		if set.DefaultRuntime == "" && set.LogLevel == "" {
			return usagef("nothing to change: give --runtime or --log-level")
		}
		req := schema.ModificationRequest{PropertyType: schema.ModifyPropertyTypeServiceSettings, Settings: json.RawMessage(mustJSON(set))}
		c, err := e.client()
		if err != nil {
			return err
		}
		if err := c.ModifyServiceSettings(e.ctx, mustJSON(req)); err != nil {
			return err
		}
		if e.svc.isPrivate() {
			fmt.Fprintln(e.stderr, "hcsdiag: service set: the private service stops now, and the setting with it; start hcsd to keep settings")
		}
		return nil
	},
}

var reportSubmitVerb = &verb{
	name:     "report submit",
	summary:  "store a crash report",
	synopsis: []string{"hcsdiag report submit FILE|-"},
	description: `Stores the CrashReport document in FILE, or on stdin for -, in the service's state
directory (HcsSubmitWerReport). A CrashReport is the data of a SystemCrashReport event,
as hcsdiag events --json prints it.`,
	examples: `$ hcsdiag report submit crash.json`,
	minArgs:  1, maxArgs: 1, stopAfter: -1,
	run: func(e *env, p *parsed) error {
		doc, err := readDocument(e, p.args[0], "CrashReport")
		if err != nil {
			return err
		}
		c, err := e.client()
		if err != nil {
			return err
		}
		return c.SubmitWerReport(e.ctx, doc)
	},
}

var reportListVerb = &verb{
	name:     "report list",
	summary:  "list the stored crash reports",
	synopsis: []string{"hcsdiag report list [--json]"},
	description: `Lists the crash reports the service has stored, oldest first (the CrashReports service
property): SUBMITTED, SYSTEM (the report's SystemId) and NAME (its file in the state
directory).`,
	opts:     []option{{long: "json", help: "print the CrashReports document, reports included"}},
	examples: "$ hcsdiag report list",
	maxArgs:  0, stopAfter: -1,
	run: runReportList,
}

func runReportList(e *env, p *parsed) error {
	c, err := e.client()
	if err != nil {
		return err
	}
	doc, err := c.GetServiceProperties(e.ctx, `{"PropertyTypes":["CrashReports"]}`)
	if err != nil {
		return err
	}
	var props schema.ServiceProperties
	var reports schema.CrashReports
	if err := json.Unmarshal([]byte(doc), &props); err != nil || len(props.Properties) != 1 {
		return hresult.Errorf(hresult.HCS_E_INVALID_JSON, "the service's CrashReports answer: %s", doc)
	}
	if err := json.Unmarshal(props.Properties[0], &reports); err != nil {
		return hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "the service's CrashReports answer")
	}
	if p.has("json") {
		return printJSON(e.stdout, string(props.Properties[0]))
	}
	t := newTable(e.stdout)
	fmt.Fprintln(t, "SUBMITTED\tSYSTEM\tNAME")
	for _, r := range reports.Reports {
		var cr schema.CrashReport
		json.Unmarshal(r.Report, &cr)
		fmt.Fprintf(t, "%s\t%s\t%s\n", r.Submitted, dash(cr.SystemId), r.Name)
	}
	return t.Flush()
}
