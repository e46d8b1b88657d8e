package host

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/schema"
)

// propertyField is where the answer to one property type sits in Properties.
type propertyField struct {
	// name is the member of Properties the type fills.
	name string
	// value returns that member's value, an empty list as [] rather than null.
	value func(*schema.Properties) any
}

// propertyFields maps each property type Linux HCS can answer to its member of Properties
// (HCS-SCHEMA §5.3). GuestMemory, ContainerCredentialGuard, ProcessorTopology and CpuGroup
// are missing: the spec leaves their result unconfirmed, so no shape could be promised.
var propertyFields = map[schema.SystemPropertyType]propertyField{
	schema.SystemPropertyTypeMemory:      {"Memory", func(p *schema.Properties) any { return p.Memory }},
	schema.SystemPropertyTypeStatistics:  {"Statistics", func(p *schema.Properties) any { return p.Statistics }},
	schema.SystemPropertyTypeProcessList: {"ProcessList", func(p *schema.Properties) any { return orEmpty(p.ProcessList) }},
	schema.SystemPropertyTypeTerminateOnLastHandleClosed: {"TerminateOnLastHandleClosed",
		func(p *schema.Properties) any { return p.TerminateOnLastHandleClosed }},
	schema.SystemPropertyTypeSharedMemoryRegion: {"SharedMemoryRegionInfo",
		func(p *schema.Properties) any { return orEmpty(p.SharedMemoryRegionInfo) }},
	schema.SystemPropertyTypeGuestConnection:   {"GuestConnectionInfo", func(p *schema.Properties) any { return p.GuestConnectionInfo }},
	schema.SystemPropertyTypeICHeartbeatStatus: {"ICHeartbeatStatus", func(p *schema.Properties) any { return p.ICHeartbeatStatus }},
	schema.SystemPropertyTypeSystemGUID:        {"SystemGUID", func(p *schema.Properties) any { return p.SystemGUID }},
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// encodeProperties encodes p so that every answered property type has its member, even
// when its value is false or an empty list, which the schema's omitempty encoding would
// drop: a client that asked for TerminateOnLastHandleClosed must be able to tell "false"
// from "not answered".
func encodeProperties(p schema.Properties, answered []schema.SystemPropertyType) string {
	doc := mustJSON(p)
	var present map[string]json.RawMessage
	_ = json.Unmarshal([]byte(doc), &present)
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(doc, "}"))
	for _, t := range answered {
		f := propertyFields[t]
		if _, ok := present[f.name]; ok {
			continue
		}
		v := mustJSON(f.value(&p))
		if v == "null" {
			continue
		}
		present[f.name] = nil
		if !strings.HasSuffix(b.String(), "{") {
			b.WriteString(",")
		}
		b.WriteString(strconv.Quote(f.name) + ":" + v)
	}
	b.WriteString("}")
	return b.String()
}
