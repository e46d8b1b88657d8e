package schema

import (
	"encoding/json"
	"reflect"
	"testing"
)

// inlineExamples are the one-line examples quoted in the text of HCS-SCHEMA.md and
// HCSSHIM-CLIENT.md §3 (the fenced blocks are read from the files by TestExamplesRoundTrip).
var inlineExamples = []struct {
	name   string
	newDoc func() any
	doc    string
}{
	{"ProcessStatus", func() any { return new(ProcessStatus) }, `{"ProcessId":1234,"Exited":true,"ExitCode":0,"LastWaitResult":0}`},
	{"EnumerationElement", func() any { return new(Properties) },
		`{"Id":"a","SystemType":"VirtualMachine","Name":"n","Owner":"WSL","RuntimeId":"b2c4e6f8-1a3c-4e5f-9071-2b3c4d5e6f70","State":"Running"}`},
	{"ModifyMemory", func() any { return new(ModifySettingRequest) },
		`{"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":4096}`},
	{"PauseSample", func() any { return new(PauseOptions) }, `{"SuspensionLevel":"Suspend","HostedNotification":{"Reason":"Save"}}`},
	{"SaveSample", func() any { return new(SaveOptions) }, `{"SaveType":"ToFile","SaveStateFilePath":"C:\\HCS_Test\\save.vmrs"}`},
	{"ShutdownOptions", func() any { return new(ShutdownOptions) }, `{"Mechanism":"GuestConnection","Type":"Shutdown","Force":true,"Reason":"r"}`},
	{"CrashOptions", func() any { return new(CrashOptions) }, `{"Type":"CrashGuest"}`},
	{"SystemExitStatus", func() any { return new(SystemExitStatus) }, `{"Status":0,"ExitType":"GracefulExit"}`},
	{"SystemExitCrash", func() any { return new(SystemExitStatus) }, `{"Status":-1070137082,"ExitType":"UnexpectedExit"}`},
	{"ResultError", func() any { return new(ResultError) }, `{"Error":-2143878898,"ErrorMessage":"not found"}`},
	{"ServiceQueryBasic", func() any { return new(ServicePropertyQuery) }, `{"PropertyTypes":["Basic"]}`},
	{"ServiceQueryProcessor", func() any { return new(ServicePropertyQuery) }, `{"PropertyQueries":{"ProcessorCapabilities":{}}}`},
	{"ServiceProperties", func() any { return new(ServiceProperties) }, `{"Properties":[{"SupportedSchemaVersions":[{"Major":2,"Minor":5}]}]}`},
	{"ModificationSample", func() any { return new(ModificationRequest) },
		`{"PropertyType":"CpuGroup","Settings":{"Operation":"CreateGroup","OperationDetails":{"GroupId":"g","LogicalProcessorCount":2,"LogicalProcessors":[0,1]}}}`},
	{"PropertyQuery", func() any { return new(SystemPropertyQuery) }, `{"PropertyTypes":["Statistics","ProcessList"]}`},
	{"SignalName", func() any { return new(SignalProcessOptions) }, `{"Signal":"CtrlShutdown"}`},
	{"SignalNumber", func() any { return new(SignalProcessOptions) }, `{"Signal":15}`},
	{"CloseStdIn", func() any { return new(ProcessModifyRequest) }, `{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}`},
	{"Resize", func() any { return new(ProcessModifyRequest) }, `{"Operation":"ConsoleSize","ConsoleSize":{"Height":40,"Width":160}}`},
	{"ExportOptions", func() any { return new(ExportLayerOptions) }, `{"IsWritableLayer":true}`},
	{"BaseLayerOptions", func() any { return new(OsLayerOptions) }, `{"Type":"Container"}`},
	{"SystemQuery", func() any { return new(SystemQuery) }, `{"Ids":["a"],"Types":["Container"],"Owners":["docker"]}`},
	{"ProcessList", func() any { return new(Properties) },
		`{"Id":"c","SystemType":"Container","ProcessList":[{"ProcessId":4120,"ImageName":"ping.exe","CreateTimestamp":"2026-03-02T10:11:00Z","UserTime100ns":156250,"KernelTime100ns":312500,"MemoryCommitBytes":1466368,"MemoryWorkingSetPrivateBytes":815104,"MemoryWorkingSetSharedBytes":4333568}]}`},
	{"GuestConnectionInfo", func() any { return new(Properties) },
		`{"GuestConnectionInfo":{"SupportedSchemaVersions":[{"Major":2,"Minor":1}],"ProtocolVersion":4}}`},
	{"ProcessWithTty", func() any { return new(ProcessParameters) }, `{"CommandLine":"cmd","EmulateConsole":true,"ConsoleSize":[30,120]}`},
}

func TestInlineExamplesRoundTrip(t *testing.T) {
	for _, ex := range inlineExamples {
		t.Run(ex.name, func(t *testing.T) {
			v := ex.newDoc()
			if err := Decode(ex.doc, v); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if vv, ok := v.(validator); ok {
				if err := vv.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := normalise(t, ex.doc), normalise(t, string(out)); !reflect.DeepEqual(a, b) {
				t.Errorf("re-encoded document differs\n in: %v\nout: %v", a, b)
			}
		})
	}
}
