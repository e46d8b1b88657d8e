package schema

import (
	"reflect"
	"strings"
	"testing"
)

// hcsshimMembers lists, for the input documents hcsshim builds, the members its Go types
// declare (shared/research/HCSSHIM-CLIENT.md §2). Decoding refuses unknown members, so each
// must be a member of our type, or a document hcsshim sends would be refused.
var hcsshimMembers = []struct {
	t       reflect.Type
	members string
}{
	{reflect.TypeFor[ComputeSystem](), "Owner SchemaVersion HostingSystemId HostedSystem Container VirtualMachine ShouldTerminateOnLastHandleClosed"},
	{reflect.TypeFor[Container](), "GuestOs Storage MappedDirectories MappedPipes Memory Processor Networking HvSocket ContainerCredentialGuard RegistryChanges AssignedDevices AdditionalDeviceNamespace IsolationType"},
	{reflect.TypeFor[Storage](), "Layers Path QoS PrivilegedContainerRootPath"},
	{reflect.TypeFor[StorageQoS](), "IopsMaximum BandwidthMaximum"},
	{reflect.TypeFor[MappedDirectory](), "HostPath HostPathType ContainerPath ReadOnly"},
	{reflect.TypeFor[MappedPipe](), "ContainerPipeName HostPath HostPathType"},
	{reflect.TypeFor[ContainerProcessor](), "Count Maximum Weight"},
	{reflect.TypeFor[Networking](), "AllowUnqualifiedDnsQuery DnsSearchList NetworkSharedContainerName Namespace NetworkAdapters"},
	{reflect.TypeFor[Layer](), "Id Path PathType Cache"},
	{reflect.TypeFor[LayerData](), "SchemaVersion Layers FilterType"},
	{reflect.TypeFor[VirtualMachine](), "Version StopOnReset Chipset ComputeTopology Devices GuestState RestoreState RegistryChanges StorageQoS DebugOptions GuestConnection SecuritySettings ResourcePartitionId MigrationOptions"},
	{reflect.TypeFor[GuestConnection](), "UseVsock UseConnectedSuspend"},
	{reflect.TypeFor[Chipset](), "Uefi IsNumLockDisabled BaseBoardSerialNumber UseUtc LinuxKernelDirect FirmwareFile"},
	{reflect.TypeFor[Uefi](), "EnableDebugger ApplySecureBootTemplate SecureBootTemplateId BootThis Console"},
	{reflect.TypeFor[UefiBootEntry](), "DeviceType DevicePath DiskNumber OptionalData VmbFsRootPath"},
	{reflect.TypeFor[LinuxKernelDirect](), "KernelFilePath InitRdPath KernelCmdLine"},
	{reflect.TypeFor[VirtualMachineMemory](), "SizeInMB Backing AllowOvercommit EnableHotHint EnableColdHint EnableColdDiscardHint EnableDeferredCommit LowMmioGapInMB HighMmioBaseInMB HighMmioGapInMB SlitType"},
	{reflect.TypeFor[VirtualMachineProcessor](), "Count Limit Weight Reservation CpuGroup NumaProcessorsSettings"},
	{reflect.TypeFor[Devices](), "ComPorts Scsi VirtualPMem NetworkAdapters VideoMonitor Keyboard Mouse HvSocket EnhancedModeVideo GuestCrashReporting VirtualSmb Plan9 Battery FlexibleIov SharedMemory VirtualPci"},
	{reflect.TypeFor[Attachment](), "Type Path IgnoreFlushes CachingMode NoWriteHardening DisableExpansionOptimization IgnoreRelativeLocator CaptureIoAttributionContext ReadOnly SupportCompressedVolumes AlwaysAllowSparseFiles ExtensibleVirtualDiskType"},
	{reflect.TypeFor[Plan9Share](), "Name AccessName Path Port Flags AllowedFiles"},
	{reflect.TypeFor[VirtualSmbShare](), "Name Path AllowedFiles Options"},
	{reflect.TypeFor[VirtualSmbShareOptions](), "ReadOnly ShareRead CacheIo NoOplocks TakeBackupPrivilege UseShareRootIdentity NoDirectmap NoLocks NoDirnotify VmSharedMemory RestrictFileAccess ForceLevelIIOplocks ReparseBaseLayer PseudoOplocks NonCacheIo PseudoDirnotify SingleFileMapping"},
	{reflect.TypeFor[VirtualPMemDevice](), "HostPath ReadOnly ImageFormat"},
	{reflect.TypeFor[NetworkAdapter](), "EndpointId MacAddress IovSettings"},
	{reflect.TypeFor[HvSocketServiceConfig](), "BindSecurityDescriptor ConnectSecurityDescriptor AllowWildcardBinds Disabled"},
	{reflect.TypeFor[ProcessParameters](), "ApplicationName CommandLine CommandArgs User WorkingDirectory Environment RestrictedToken EmulateConsole CreateStdInPipe CreateStdOutPipe CreateStdErrPipe ConsoleSize UseExistingLogin UseLegacyConsole"},
	{reflect.TypeFor[ProcessModifyRequest](), "Operation ConsoleSize CloseHandle"},
	{reflect.TypeFor[ModifySettingRequest](), "ResourcePath RequestType Settings GuestRequest"},
	{reflect.TypeFor[SystemPropertyQuery](), "PropertyTypes Queries"},
	{reflect.TypeFor[ModificationRequest](), "PropertyType Settings"},
	{reflect.TypeFor[SaveOptions](), "SaveType SaveStateFilePath"},
	{reflect.TypeFor[PauseOptions](), "SuspensionLevel HostedNotification"},
	{reflect.TypeFor[ExportLayerOptions](), "IsWritableLayer"},
	{reflect.TypeFor[OsLayerOptions](), "Type DisableCiCacheOptimization SkipUpdateBcdForBoot"},
}

func TestHcsshimMembersAreKnown(t *testing.T) {
	for _, tc := range hcsshimMembers {
		fs := fieldsOf(tc.t)
		for _, m := range strings.Fields(tc.members) {
			if f, ok := fs.lookup(m); !ok || f.name != m {
				t.Errorf("%s has no member %s, which hcsshim sends", tc.t.Name(), m)
			}
		}
	}
}

// Documents in the shapes hcsshim sends (HCSSHIM-CLIENT.md §2.9, §2.10, §3.9, §3.10)
// decode, their Settings too once typed.
func TestHcsshimDocumentsDecode(t *testing.T) {
	cases := []struct {
		name, doc string
		settings  any
	}{
		{"scsi hot-add", `{"ResourcePath":"VirtualMachine/Devices/Scsi/0/Attachments/1","RequestType":"Add","Settings":{"Type":"VirtualDisk","Path":"/d.vhdx","ReadOnly":true,"ExtensibleVirtualDiskType":"x"}}`, new(Attachment)},
		{"plan9", `{"ResourcePath":"VirtualMachine/Devices/Plan9/Shares","RequestType":"Add","Settings":{"Name":"1","AccessName":"1","Path":"/s","Port":564,"Flags":5,"AllowedFiles":["f"]},"GuestRequest":{"ResourceType":"MappedDirectory","RequestType":"Add","Settings":{"MountPath":"/m","ShareName":"1","Port":564,"ReadOnly":true}}}`, new(Plan9Share)},
		{"vsmb", `{"ResourcePath":"VirtualMachine/Devices/VirtualSmb/Shares","RequestType":"Add","Settings":{"Name":"s1","Path":"C:\\d","Options":{"ReadOnly":true,"ShareRead":true,"CacheIo":true,"PseudoOplocks":true,"NoDirectmap":true}}}`, new(VirtualSmbShare)},
		{"vpmem", `{"ResourcePath":"VirtualMachine/Devices/VirtualPMem/Devices/0","RequestType":"Add","Settings":{"HostPath":"/l.vhd","ReadOnly":true,"ImageFormat":"Vhd1"}}`, new(VirtualPMemDevice)},
		{"network adapter", `{"ResourcePath":"VirtualMachine/Devices/NetworkAdapters/n","RequestType":"Add","Settings":{"EndpointId":"e","MacAddress":"00-15-5D-01-02-03"}}`, new(NetworkAdapter)},
		{"silo mapped directory", `{"ResourcePath":"Container/MappedDirectories","RequestType":"Add","Settings":{"HostPath":"/h","ContainerPath":"/c","ReadOnly":true}}`, new(MappedDirectory)},
		{"silo processor", `{"ResourcePath":"Container/Processor","RequestType":"Update","Settings":{"Weight":500}}`, new(ContainerProcessor)},
		{"uvm memory", `{"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","Settings":2048}`, new(uint64)},
		{"hvsocket service", `{"ResourcePath":"VirtualMachine/Devices/HvSocket/HvSocketConfig/ServiceTable/0b5d3a57-6c1e-4d7e-8f2a-9c4b1e2d3f40","RequestType":"Update","Settings":{"BindSecurityDescriptor":"D:P","AllowWildcardBinds":true}}`, new(HvSocketServiceConfig)},
		{"mapped pipe", `{"ResourcePath":"VirtualMachine/Devices/MappedPipes/p","RequestType":"Add"}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r ModifySettingRequest
			if err := Decode(tc.doc, &r); err != nil {
				t.Fatal(err)
			}
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			if tc.settings != nil {
				if err := DecodeAt("$.Settings", r.Settings, tc.settings); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	for _, doc := range []string{
		`{"PropertyType":"ContainerCredentialGuard","Settings":{"Operation":"AddInstance","OperationDetails":{"Id":"i","CredentialSpec":"{}","Transport":"LRPC"}}}`,
		`{"PropertyType":"CpuGroup","Settings":{"Operation":"CreateGroup","OperationDetails":{"GroupId":"g","LogicalProcessorCount":2,"LogicalProcessors":[0,1]}}}`,
	} {
		if err := DecodeRequired("ModificationRequest", doc, new(ModificationRequest)); err != nil {
			t.Errorf("%s: %v", doc, err)
		}
	}
	for doc, v := range map[string]validator{
		`{"SaveType":"ToFile","SaveStateFilePath":"/s"}`:                            new(SaveOptions),
		`{"Operation":"ConsoleSize","ConsoleSize":{"Height":40,"Width":160}}`:       new(ProcessModifyRequest),
		`{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}`:              new(ProcessModifyRequest),
		`{"FilterType":"UnionFS"}`:                                                  new(LayerData),
		`{"IsWritableLayer":true}`:                                                  new(ExportLayerOptions),
		`{"Type":"Container"}`:                                                      new(OsLayerOptions),
		`{"Queries":{"CompatibilityInfo":null}}`:                                    new(SystemPropertyQuery),
		`{"PropertyTypes":["Statistics","Memory"]}`:                                 new(SystemPropertyQuery),
		`{"Container":{"GuestOs":{"HostName":"h"},"Networking":{"Namespace":"n"}}}`: new(ComputeSystem),
	} {
		if err := Decode(doc, v); err != nil {
			t.Errorf("%s: %v", doc, err)
		} else if err := v.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", doc, err)
		}
	}
}
