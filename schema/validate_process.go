package schema

// Validate checks a HcsCreateProcess document: CommandLine or CommandArgs is required and
// ConsoleSize, when given, is [height, width].
func (pp *ProcessParameters) Validate() error {
	if pp == nil {
		return missing("ProcessParameters")
	}
	return validate(pp, func(p path) *Error {
		if pp.CommandLine == "" && len(pp.CommandArgs) == 0 {
			return p.err("one of CommandLine, CommandArgs is required")
		}
		return nil
	})
}

// Validate checks a HcsModifyProcess document: a known Operation and the member it uses.
func (r *ProcessModifyRequest) Validate() error {
	if r == nil {
		return missing("ProcessModifyRequest")
	}
	return validate(r, r.rules)
}

// rules applies the ProcessModifyRequest rules at p.
func (r *ProcessModifyRequest) rules(p path) *Error {
	op := p.field("Operation")
	switch r.Operation {
	case "":
		return op.required()
	case ModifyOperationConsoleSize:
		if r.ConsoleSize == nil {
			return p.field("ConsoleSize").err("required with Operation ConsoleSize")
		}
	case ModifyOperationCloseHandle:
		if r.CloseHandle == nil {
			return p.field("CloseHandle").err("required with Operation CloseHandle")
		}
		if r.CloseHandle.Handle == "" {
			return p.field("CloseHandle").field("Handle").required()
		}
	default:
		return op.err(notOneOf(string(r.Operation), r.Operation.enumValues()))
	}
	return nil
}

// Validate checks a HcsSignalProcess options document: Signal, when given, is a signal
// number 1..64 or a ProcessSignal name. nil means no options.
func (o *SignalProcessOptions) Validate() error {
	return validate(o, nil)
}
