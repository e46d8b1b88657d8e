package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

var versionVerb = &verb{
	name:     "version",
	summary:  "show hcsdiag's version and the service's",
	synopsis: []string{"hcsdiag version"},
	description: `Prints hcsdiag's version, the socket protocol version it speaks, and, when hcsd answers
at the socket, the schema versions the service accepts (the Basic service property; an
entry 2.6 means 2.0 to 2.6). version never starts a private service.`,
	examples: `$ hcsdiag version
hcsdiag:          devel-3f2a1c9d8e7b (go1.26.0)
protocol:         1
service:          hcsd at /run/hcs/hcsd.sock
schema versions:  2.0-2.6`,
	maxArgs: 0, stopAfter: -1,
	run: runVersion,
}

func runVersion(e *env, p *parsed) error {
	t := newTable(e.stdout)
	fmt.Fprintf(t, "hcsdiag:\t%s (%s)\n", softwareVersion(), runtime.Version())
	fmt.Fprintf(t, "protocol:\t%d\n", wire.ProtocolVersion)
	socket := client.SocketPath()
	c, err := dial(e.ctx, socket)
	switch {
	case hresult.Is(err, hresult.HCS_E_SERVICE_NOT_AVAILABLE):
		fmt.Fprintf(t, "service:\tnot reachable at %s: no hcsd answers there\n", socket)
		return t.Flush()
	case err != nil:
		fmt.Fprintf(t, "service:\tnot reachable at %s: %v\n", socket, toHresult(err))
		return t.Flush()
	}
	defer c.Close()
	fmt.Fprintf(t, "service:\thcsd at %s\n", socket)
	doc, err := c.GetServiceProperties(e.ctx, `{"PropertyTypes":["Basic"]}`)
	var props schema.ServiceProperties
	var basic schema.BasicInformation
	if err == nil && json.Unmarshal([]byte(doc), &props) == nil && len(props.Properties) == 1 &&
		json.Unmarshal(props.Properties[0], &basic) == nil {
		var vs []string
		for _, v := range basic.SupportedSchemaVersions {
			vs = append(vs, fmt.Sprintf("%d.0-%d.%d", v.Major, v.Major, v.Minor))
		}
		fmt.Fprintf(t, "schema versions:\t%s\n", strings.Join(vs, ", "))
	}
	return t.Flush()
}

// softwareVersion is the -X main.version value, or the module's version, or "devel" with
// the commit of the checkout it was built from.
func softwareVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}
