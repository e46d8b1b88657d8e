package schema

import (
	"fmt"
	"strings"
)

// Limits of Container_Processor (spec §3.3).
const (
	maxProcessorWeight  = 10000
	maxProcessorMaximum = 10000
)

// Validate checks a HcsCreateComputeSystem document: exactly one of Container,
// VirtualMachine and HostedSystem; HostedSystem needs HostingSystemId; schema major 2;
// the container and VM rules below; and every enumeration value in the tree.
func (c *ComputeSystem) Validate() error {
	if c == nil {
		return missing("ComputeSystem")
	}
	return validate(c, c.rules)
}

// rules applies the ComputeSystem rules at p.
func (c *ComputeSystem) rules(p path) *Error {
	if e := checkSchemaVersion(p.field("SchemaVersion"), c.SchemaVersion); e != nil {
		return e
	}
	if e := c.checkKind(p); e != nil {
		return e
	}
	switch {
	case c.Container != nil:
		return c.Container.rules(p.field("Container"))
	case c.VirtualMachine != nil:
		return c.VirtualMachine.rules(p.field("VirtualMachine"))
	}
	return c.HostedSystem.rules(p.field("HostedSystem"))
}

// checkKind requires exactly one system kind, and HostingSystemId with HostedSystem.
func (c *ComputeSystem) checkKind(p path) *Error {
	var kinds []string
	if c.Container != nil {
		kinds = append(kinds, "Container")
	}
	if c.VirtualMachine != nil {
		kinds = append(kinds, "VirtualMachine")
	}
	if c.HostedSystem != nil {
		kinds = append(kinds, "HostedSystem")
	}
	switch {
	case len(kinds) == 0:
		return p.err("exactly one of Container, VirtualMachine, HostedSystem is required")
	case len(kinds) > 1:
		return p.err("exactly one of Container, VirtualMachine, HostedSystem is allowed, got " + strings.Join(kinds, " and "))
	case c.HostedSystem != nil && c.HostingSystemId == "":
		return p.field("HostingSystemId").err("required with HostedSystem")
	}
	return nil
}

// rules applies the HostedSystem rules at p: schema major 2 and a Container.
func (h *HostedSystem) rules(p path) *Error {
	if e := checkSchemaVersion(p.field("SchemaVersion"), h.SchemaVersion); e != nil {
		return e
	}
	if h.Container == nil {
		return p.field("Container").required()
	}
	return h.Container.rules(p.field("Container"))
}

// rules applies the Container rules at p.
func (c *Container) rules(p path) *Error {
	if c.Storage != nil {
		for i, l := range c.Storage.Layers {
			if l.Path == "" {
				return p.field("Storage").field("Layers").index(i).field("Path").required()
			}
		}
	}
	for i, m := range c.MappedDirectories {
		q := p.field("MappedDirectories").index(i)
		if m.HostPath == "" {
			return q.field("HostPath").required()
		}
		if m.ContainerPath == "" {
			return q.field("ContainerPath").required()
		}
	}
	for i, m := range c.MappedPipes {
		q := p.field("MappedPipes").index(i)
		if m.ContainerPipeName == "" {
			return q.field("ContainerPipeName").required()
		}
		if m.HostPath == "" {
			return q.field("HostPath").required()
		}
	}
	return c.Processor.rules(p.field("Processor"))
}

// rules applies the Container_Processor rules at p: at most one of Count, Maximum and
// Weight; Weight 0..10000; Maximum 1..10000. A nil processor is accepted.
func (c *ContainerProcessor) rules(p path) *Error {
	if c == nil {
		return nil
	}
	var set []string
	if c.Count != 0 {
		set = append(set, "Count")
	}
	if c.Maximum != 0 {
		set = append(set, "Maximum")
	}
	if c.Weight != 0 {
		set = append(set, "Weight")
	}
	switch {
	case len(set) > 1:
		return p.err("at most one of Count, Maximum, Weight may be set, got " + strings.Join(set, " and "))
	case c.Weight < 0 || c.Weight > maxProcessorWeight:
		return p.field("Weight").err(fmt.Sprintf("must be in 0..%d, got %d", maxProcessorWeight, c.Weight))
	case c.Maximum < 0 || c.Maximum > maxProcessorMaximum:
		return p.field("Maximum").err(fmt.Sprintf("must be in 1..%d, got %d", maxProcessorMaximum, c.Maximum))
	}
	return nil
}
