package schema

import (
	"strings"
	"testing"
)

// validator is any document with a Validate method.
type validator interface{ Validate() error }

// ruleCase is one validation table entry: a document, and the error it must produce
// ("" when it is valid).
type ruleCase struct {
	rule string
	doc  string
	want string
}

// runRules decodes each case into a fresh value from newDoc, validates it and checks the
// error text.
func runRules(t *testing.T, newDoc func() validator, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			v := newDoc()
			if err := Decode(tc.doc, v); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			err := v.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate = %v, want success", err)
			case tc.want == "":
				return
			case err == nil:
				t.Fatalf("Validate succeeded, want %q", tc.want)
			}
			e := asError(t, err)
			if e.Code != CodeInvalidJSON || e.Error() != tc.want {
				t.Fatalf("Validate = %q (code %d), want %q", e.Error(), e.Code, tc.want)
			}
		})
	}
}

func TestValidateComputeSystemKind(t *testing.T) {
	runRules(t, func() validator { return new(ComputeSystem) }, []ruleCase{
		{"ContainerAlone", `{"Container":{}}`, ""},
		{"VirtualMachineAlone", `{"VirtualMachine":{}}`, ""},
		{"HostedSystemWithHost", `{"HostingSystemId":"u","HostedSystem":{"Container":{}}}`, ""},
		{"NoKind", `{"Owner":"x"}`, "$: exactly one of Container, VirtualMachine, HostedSystem is required"},
		{"TwoKinds", `{"Container":{},"VirtualMachine":{}}`,
			"$: exactly one of Container, VirtualMachine, HostedSystem is allowed, got Container and VirtualMachine"},
		{"HostedSystemNeedsHostingSystemId", `{"HostedSystem":{"Container":{}}}`,
			"$.HostingSystemId: required with HostedSystem"},
		{"HostedSystemNeedsContainer", `{"HostingSystemId":"u","HostedSystem":{}}`,
			"$.HostedSystem.Container: required"},
		{"SchemaMajor2", `{"SchemaVersion":{"Major":2,"Minor":9},"Container":{}}`, ""},
	})
}

func TestValidateContainer(t *testing.T) {
	runRules(t, func() validator { return new(ComputeSystem) }, []ruleCase{
		{"ProcessorCountOnly", `{"Container":{"Processor":{"Count":2}}}`, ""},
		{"ProcessorEmpty", `{"Container":{"Processor":{}}}`, ""},
		{"ProcessorExclusive", `{"Container":{"Processor":{"Count":2,"Weight":5}}}`,
			"$.Container.Processor: at most one of Count, Maximum, Weight may be set, got Count and Weight"},
		{"ProcessorWeightRange", `{"Container":{"Processor":{"Weight":10001}}}`,
			"$.Container.Processor.Weight: must be in 0..10000, got 10001"},
		{"ProcessorWeightNegative", `{"Container":{"Processor":{"Weight":-1}}}`,
			"$.Container.Processor.Weight: must be in 0..10000, got -1"},
		{"ProcessorMaximumRange", `{"Container":{"Processor":{"Maximum":20000}}}`,
			"$.Container.Processor.Maximum: must be in 1..10000, got 20000"},
		{"ProcessorMaximumTop", `{"Container":{"Processor":{"Maximum":10000}}}`, ""},
		{"MappedDirectoryHostPath", `{"Container":{"MappedDirectories":[{"HostPath":"a","ContainerPath":"b"},{"ContainerPath":"b"}]}}`,
			"$.Container.MappedDirectories[1].HostPath: required"},
		{"MappedDirectoryContainerPath", `{"Container":{"MappedDirectories":[{"HostPath":"a"}]}}`,
			"$.Container.MappedDirectories[0].ContainerPath: required"},
		{"MappedPipeNames", `{"Container":{"MappedPipes":[{"HostPath":"a"}]}}`,
			"$.Container.MappedPipes[0].ContainerPipeName: required"},
		{"LayerPath", `{"Container":{"Storage":{"Layers":[{"Path":"a"},{"Id":"x"}]}}}`,
			"$.Container.Storage.Layers[1].Path: required"},
		{"HostedLayerPath", `{"HostingSystemId":"u","HostedSystem":{"Container":{"Storage":{"Layers":[{}]}}}}`,
			"$.HostedSystem.Container.Storage.Layers[0].Path: required"},
		{"LayerPathTypeKnown", `{"Container":{"Storage":{"Layers":[{"Path":"a","PathType":"Relative"}]}}}`,
			`$.Container.Storage.Layers[0].PathType: "Relative" is not one of AbsolutePath, VirtualSmbShareName`},
	})
}

func TestValidateVirtualMachine(t *testing.T) {
	runRules(t, func() validator { return new(ComputeSystem) }, []ruleCase{
		{"MemorySizePositive", `{"VirtualMachine":{"ComputeTopology":{"Memory":{"Backing":"Virtual"}}}}`,
			"$.VirtualMachine.ComputeTopology.Memory.SizeInMB: must be greater than 0"},
		{"ProcessorCountPositive", `{"VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":1},"Processor":{"Weight":3}}}}`,
			"$.VirtualMachine.ComputeTopology.Processor.Count: must be greater than 0"},
		{"MemoryBackingKnown", `{"VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":1,"Backing":"Cloud"}}}}`,
			`$.VirtualMachine.ComputeTopology.Memory.Backing: "Cloud" is not one of Physical, Virtual, Hybrid`},
		{"ChipsetOneBoot", `{"VirtualMachine":{"Chipset":{"Uefi":{},"LinuxKernelDirect":{"KernelFilePath":"k"}}}}`,
			"$.VirtualMachine.Chipset: at most one of Uefi, LinuxKernelDirect may be set"},
		{"KernelFilePathRequired", `{"VirtualMachine":{"Chipset":{"LinuxKernelDirect":{"InitRdPath":"i"}}}}`,
			"$.VirtualMachine.Chipset.LinuxKernelDirect.KernelFilePath: required"},
		{"UefiBootDeviceKnown", `{"VirtualMachine":{"Chipset":{"Uefi":{"BootThis":{"DeviceType":"Floppy"}}}}}`,
			`$.VirtualMachine.Chipset.Uefi.BootThis.DeviceType: "Floppy" is not one of ScsiDrive, VmbFs, Network, File`},
		{"AttachmentTypeKnown", `{"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"0":{"Type":"Tape"}}}}}}}`,
			`$.VirtualMachine.Devices.Scsi["0"].Attachments["0"].Type: "Tape" is not one of VirtualDisk, Iso, PassThru`},
		{"AttachmentKeyNumeric", `{"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"one":{}}}}}}}`,
			`$.VirtualMachine.Devices.Scsi["0"].Attachments["one"]: map key must be a decimal uint32`},
		{"PMemKeyRange", `{"VirtualMachine":{"Devices":{"VirtualPMem":{"Devices":{"256":{}}}}}}`,
			`$.VirtualMachine.Devices.VirtualPMem.Devices["256"]: map key must be a decimal uint8`},
		{"ComPortIndex", `{"VirtualMachine":{"Devices":{"ComPorts":{"2":{}}}}}`,
			`$.VirtualMachine.Devices.ComPorts["2"]: COM port index must be 0..1`},
		{"ComPortOne", `{"VirtualMachine":{"Devices":{"ComPorts":{"1":{"NamedPipe":"p"}}}}}`, ""},
	})
}

func TestValidateProcessParameters(t *testing.T) {
	runRules(t, func() validator { return new(ProcessParameters) }, []ruleCase{
		{"CommandLine", `{"CommandLine":"sh"}`, ""},
		{"CommandArgs", `{"CommandArgs":["sh","-c","true"]}`, ""},
		{"CommandRequired", `{"WorkingDirectory":"/"}`, "$: one of CommandLine, CommandArgs is required"},
		{"ConsoleSizeTwo", `{"CommandLine":"sh","ConsoleSize":[24,80]}`, ""},
		{"ConsoleSizeLength", `{"CommandLine":"sh","ConsoleSize":[24]}`,
			"$.ConsoleSize: must have exactly 2 elements, got 1"},
	})
}

func TestValidateProcessModifyRequest(t *testing.T) {
	runRules(t, func() validator { return new(ProcessModifyRequest) }, []ruleCase{
		{"ConsoleSize", `{"Operation":"ConsoleSize","ConsoleSize":{"Height":40,"Width":160}}`, ""},
		{"CloseHandle", `{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}`, ""},
		{"OperationRequired", `{}`, "$.Operation: required"},
		{"OperationKnown", `{"Operation":"Resize"}`, `$.Operation: "Resize" is not one of ConsoleSize, CloseHandle`},
		{"ConsoleSizeMember", `{"Operation":"ConsoleSize"}`, "$.ConsoleSize: required with Operation ConsoleSize"},
		{"CloseHandleMember", `{"Operation":"CloseHandle"}`, "$.CloseHandle: required with Operation CloseHandle"},
		{"HandleRequired", `{"Operation":"CloseHandle","CloseHandle":{}}`, "$.CloseHandle.Handle: required"},
		{"HandleKnown", `{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdAux"}}`,
			`$.CloseHandle.Handle: "StdAux" is not one of StdIn, StdOut, StdErr, All`},
	})
}

func TestValidateSignalProcessOptions(t *testing.T) {
	runRules(t, func() validator { return new(SignalProcessOptions) }, []ruleCase{
		{"Number", `{"Signal":15}`, ""},
		{"NumberLowest", `{"Signal":1}`, ""},
		{"NumberHighest", `{"Signal":64}`, ""},
		{"Name", `{"Signal":"CtrlShutdown"}`, ""},
		{"Absent", `{}`, ""},
		{"NumberZero", `{"Signal":0}`, "$.Signal: signal number 0 is outside 1..64"},
		{"NumberTooHigh", `{"Signal":65}`, "$.Signal: signal number 65 is outside 1..64"},
		{"NumberNegative", `{"Signal":-9}`, "$.Signal: signal number -9 is outside 1..64"},
		{"NameKnown", `{"Signal":"SIGTERM"}`,
			`$.Signal: "SIGTERM" is not one of CtrlC, CtrlBreak, CtrlClose, CtrlLogOff, CtrlShutdown or a signal number`},
	})
}

func TestValidateModifySettingRequest(t *testing.T) {
	runRules(t, func() validator { return new(ModifySettingRequest) }, []ruleCase{
		{"Full", `{"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":4096}`, ""},
		{"GuestRequestAlone", `{"GuestRequest":{"ResourceType":"Network","RequestType":"Add"}}`, ""},
		{"ResourcePathRequired", `{"RequestType":"Add"}`, "$.ResourcePath: required"},
		{"NullGuestRequestIsAbsent", `{"RequestType":"Add","GuestRequest":null}`, "$.ResourcePath: required"},
		{"RequestTypeKnown", `{"ResourcePath":"Container/Processor","RequestType":"Replace"}`,
			`$.RequestType: "Replace" is not one of Add, Remove, Update, PreAdd`},
		{"SettingsOpaque", `{"ResourcePath":"x","RequestType":"Add","Settings":{"Type":"Bogus"}}`, ""},
	})
}

func TestValidateQueries(t *testing.T) {
	runRules(t, func() validator { return new(SystemQuery) }, []ruleCase{
		{"TypesKnown", `{"Types":["Container","VirtualMachine"]}`, ""},
		{"TypesUnknown", `{"Types":["Container","Toaster"]}`,
			`$.Types[1]: "Toaster" is not one of Container, VirtualMachine, Host`},
	})
	runRules(t, func() validator { return new(SystemPropertyQuery) }, []ruleCase{
		{"PropertyTypesKnown", `{"PropertyTypes":["Statistics","ProcessList"]}`, ""},
	})
	runRules(t, func() validator { return new(ServicePropertyQuery) }, []ruleCase{
		{"ServicePropertyTypesKnown", `{"PropertyTypes":["Basic"]}`, ""},
		{"ServicePropertyTypesUnknown", `{"PropertyTypes":["Gossip"]}`,
			`$.PropertyTypes[0]: "Gossip" is not one of Basic, CpuGroup, ProcessorTopology, ContainerCredentialGuard, QoSCapabilities, Memory, CacheAllocation, CacheMonitoring, MemoryBwAllocation, ServiceSettings, CrashReports`},
	})
}

func TestValidateSystemPropertyQueryUnknown(t *testing.T) {
	var q SystemPropertyQuery
	if err := Decode(`{"PropertyTypes":["Memory","Weather"]}`, &q); err != nil {
		t.Fatal(err)
	}
	e := asError(t, q.Validate())
	if e.Path != "$.PropertyTypes[1]" || !strings.HasPrefix(e.Reason, `"Weather" is not one of Memory, Statistics`) {
		t.Errorf("got %v", e)
	}
}

func TestValidateLifecycleOptions(t *testing.T) {
	runRules(t, func() validator { return new(ShutdownOptions) }, []ruleCase{
		{"ShutdownKnown", `{"Mechanism":"GuestConnection","Type":"Reboot","Force":true}`, ""},
		{"ShutdownMechanismKnown", `{"Mechanism":"Telepathy"}`,
			`$.Mechanism: "Telepathy" is not one of GuestConnection, IntegrationService`},
	})
	runRules(t, func() validator { return new(SaveOptions) }, []ruleCase{
		{"SaveTypeKnown", `{"SaveType":"ToFile","SaveStateFilePath":"s.vmrs"}`, ""},
		{"SaveTypeUnknown", `{"SaveType":"ToCloud"}`, `$.SaveType: "ToCloud" is not one of ToFile, AsTemplate`},
	})
	runRules(t, func() validator { return new(PauseOptions) }, []ruleCase{
		{"PauseKnown", `{"SuspensionLevel":"Suspend","HostedNotification":{"Reason":"Save"}}`, ""},
		{"PauseReasonKnown", `{"HostedNotification":{"Reason":"Bored"}}`,
			`$.HostedNotification.Reason: "Bored" is not one of None, Save, Template`},
	})
	runRules(t, func() validator { return new(CrashOptions) }, []ruleCase{
		{"CrashTypeKnown", `{"Type":"CrashGuest"}`, ""},
		{"CrashTypeUnknown", `{"Type":"CrashHost"}`, `$.Type: "CrashHost" is not one of CrashGuest`},
	})
}

func TestValidateStorageDocuments(t *testing.T) {
	runRules(t, func() validator { return new(LayerData) }, []ruleCase{
		{"LayerDataValid", `{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[{"Path":"a","PathType":"AbsolutePath"}]}`, ""},
		{"LayerDataPath", `{"Layers":[{"Path":"a"},{"Id":"b"}]}`, "$.Layers[1].Path: required"},
		{"LayerDataPathType", `{"Layers":[{"Path":"a","PathType":"Nowhere"}]}`,
			`$.Layers[0].PathType: "Nowhere" is not one of AbsolutePath, VirtualSmbShareName`},
		{"LayerDataCache", `{"Layers":[{"Path":"a","Cache":"Sometimes"}]}`,
			`$.Layers[0].Cache: "Sometimes" is not one of Unspecified, Disabled, Enabled, Private, PrivateAllowSharing`},
	})
	runRules(t, func() validator { return new(OsLayerOptions) }, []ruleCase{
		{"OsLayerTypeKnown", `{"Type":"Vm"}`, ""},
		{"OsLayerTypeUnknown", `{"Type":"Mainframe"}`, `$.Type: "Mainframe" is not one of Container, Vm`},
	})
	runRules(t, func() validator { return new(ExportLayerOptions) }, []ruleCase{
		{"ExportLayerOptions", `{"IsWritableLayer":true}`, ""},
	})
}

func TestValidateServiceDocuments(t *testing.T) {
	runRules(t, func() validator { return new(ModificationRequest) }, []ruleCase{
		{"ModificationValid", `{"PropertyType":"CpuGroup","Settings":{"Operation":"CreateGroup"}}`, ""},
		{"ModificationPropertyTypeRequired", `{"Settings":{}}`, "$.PropertyType: required"},
		{"ModificationPropertyTypeKnown", `{"PropertyType":"Gpu"}`,
			`$.PropertyType: "Gpu" is not one of CpuGroup, ContainerCredentialGuard, ServiceSettings`},
	})
	runRules(t, func() validator { return new(CrashReport) }, []ruleCase{
		{"CrashReportValid", `{"SystemId":"a","CrashParameters":[1,2,3,4,5],"CrashLog":"oops"}`, ""},
		{"CrashReportPhaseKnown", `{"WindowsCrashInfo":{"FinalPhase":"Exploded"}}`,
			`$.WindowsCrashInfo.FinalPhase: "Exploded" is not one of Inactive, CrashValues, Starting, Started, Writing, Complete`},
	})
}

func TestValidateNilDocuments(t *testing.T) {
	optional := []validator{(*ShutdownOptions)(nil), (*SaveOptions)(nil), (*PauseOptions)(nil), (*CrashOptions)(nil),
		(*SystemQuery)(nil), (*SystemPropertyQuery)(nil), (*ServicePropertyQuery)(nil), (*SignalProcessOptions)(nil),
		(*OsLayerOptions)(nil), (*ExportLayerOptions)(nil)}
	for _, v := range optional {
		if err := v.Validate(); err != nil {
			t.Errorf("%T(nil).Validate() = %v, want nil", v, err)
		}
	}
	required := []validator{(*ComputeSystem)(nil), (*ProcessParameters)(nil), (*ProcessModifyRequest)(nil),
		(*ModifySettingRequest)(nil), (*LayerData)(nil), (*ModificationRequest)(nil), (*CrashReport)(nil)}
	for _, v := range required {
		if e := asError(t, v.Validate()); e.Reason != "document is required" {
			t.Errorf("%T(nil).Validate() = %v", v, e)
		}
	}
}

// TestOtherSchemaMajorIsNotSupported: a document of another major schema version is refused
// with ERROR_NOT_SUPPORTED naming the member, not as invalid JSON.
func TestOtherSchemaMajorIsNotSupported(t *testing.T) {
	cases := []struct {
		doc  string
		v    validator
		want string
	}{
		{`{"SchemaVersion":{"Major":1,"Minor":0},"Container":{}}`, new(ComputeSystem),
			"$.SchemaVersion.Major: schema version 1 is not supported; this service implements schema 2"},
		{`{"HostingSystemId":"u","HostedSystem":{"SchemaVersion":{"Major":3},"Container":{}}}`, new(ComputeSystem),
			"$.HostedSystem.SchemaVersion.Major: schema version 3 is not supported; this service implements schema 2"},
		{`{"SchemaVersion":{"Major":1},"Layers":[]}`, new(LayerData),
			"$.SchemaVersion.Major: schema version 1 is not supported; this service implements schema 2"},
	}
	for _, tc := range cases {
		if err := Decode(tc.doc, tc.v); err != nil {
			t.Fatalf("Decode(%s): %v", tc.doc, err)
		}
		e := asError(t, tc.v.Validate())
		if e.Code != CodeNotSupported || e.Error() != tc.want {
			t.Errorf("%s: %q (code %d), want %q (ERROR_NOT_SUPPORTED)", tc.doc, e.Error(), e.Code, tc.want)
		}
	}
}
