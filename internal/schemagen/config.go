package main

// handWritten lists spec type names that the catalog references but does
// not define (the client-only types of §11); the schema package declares them
// by hand under the same Go names, and generated fields point at them.
var handWritten = []string{
	"FirmwareFile", "SecuritySettings", "IsolationSettings", "DebugOptions",
	"Numa", "NumaSetting", "NumaProcessors",
}

// reserved are Go names declared by hand in the schema package; a generated
// name equal to one of them is a collision.
var reserved = []string{
	"Error", "Decode", "DecodeBytes", "DecodeAt", "DecodeRecorded", "Validate", "CodeInvalidJSON", "CodeInvalidArg",
	"MaxDocumentSize", "MaxDepth", "ProcessSignalValue", "SignalNumber", "SignalName",
	"NumaProcessorsCount",
}

// override replaces the generic mapping of one field ("Struct.Field").
type override struct {
	// expr is the Go type to use.
	expr string
	// note is appended to the field's doc comment.
	note string
	// needs names a spec type that must exist in the catalog for the
	// override to apply; empty means always.
	needs string
}

var overrides = map[string]override{
	"SignalProcessOptions.Signal": {
		expr: "*ProcessSignalValue",
		note: "Either a ProcessSignal name (Windows) or a POSIX signal number (Linux).",
	},
	"ComputeSystem.HostedSystem": {
		expr:  "*HostedSystem",
		note:  "Typed as HostedSystem (the spec's table says Any).",
		needs: "HostedSystem",
	},
	"ModifySettingRequest.Settings": {
		expr: "json.RawMessage",
		note: "Shape depends on ResourcePath.",
	},
	"ModifySettingRequest.GuestRequest": {
		expr: "json.RawMessage",
		note: "Usually a GuestModifySettingRequest; forwarded to the guest agent as is.",
	},
}

// alwaysEmitted lists fields ("Struct.Field") of documents the service returns that are
// written even when zero: their zero value is meaningful (exit code 0, status S_OK) and the
// spec's examples show them ({"Status":0,"ExitType":"GracefulExit"},
// {"ProcessId":1234,"Exited":true,"ExitCode":0,"LastWaitResult":0}).
var alwaysEmitted = map[string]bool{
	"SystemExitStatus.Status":      true,
	"ProcessStatus.ProcessId":      true,
	"ProcessStatus.Exited":         true,
	"ProcessStatus.ExitCode":       true,
	"ProcessStatus.LastWaitResult": true,
	"ResultError.Error":            true,
}

// extensionValues are enumeration values Linux HCS adds for its own service settings, which
// the Windows schema has no words for. They are appended after the spec's values.
var extensionValues = map[string][]EnumValue{
	"ModifyPropertyType": {{Name: "ServiceSettings", Since: "Linux HCS",
		Note: "Settings = ServiceSettings: the service's own settings (default OCI runtime, log level)"}},
	"GetPropertyType": {
		{Name: "ServiceSettings", Since: "Linux HCS", Note: "→ ServiceSettings: the service's current settings"},
		{Name: "CrashReports", Since: "Linux HCS", Note: "→ CrashReports: the crash reports stored by HcsSubmitWerReport"},
	},
}

// extensionFields are members real clients send that the spec's catalog tables leave out; the
// service decodes documents strictly, so a member missing here would make it refuse a
// client's document. They are appended after the spec's fields.
var extensionFields = map[string][]Field{
	"LayerData": {{JSON: "FilterType", Type: `"WCIFS" / "UnionFS"`, Since: "client-only (hcsshim)",
		Note: "Overlay filter of HcsAttachOverlayFilter and HcsDetachOverlayFilter (HCS-SCHEMA.md §9)"}},
}
