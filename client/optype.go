package client

// OperationType is HCS_OPERATION_TYPE (spec HCS-API.md §2.1): which function an operation
// was last used with.
type OperationType int32

// The operation types with their exact values.
const (
	OperationTypeNone                 OperationType = -1
	OperationTypeEnumerate            OperationType = 0
	OperationTypeCreate               OperationType = 1
	OperationTypeStart                OperationType = 2
	OperationTypeShutdown             OperationType = 3
	OperationTypePause                OperationType = 4
	OperationTypeResume               OperationType = 5
	OperationTypeSave                 OperationType = 6
	OperationTypeTerminate            OperationType = 7
	OperationTypeModify               OperationType = 8
	OperationTypeGetProperties        OperationType = 9
	OperationTypeCreateProcess        OperationType = 10
	OperationTypeSignalProcess        OperationType = 11
	OperationTypeGetProcessInfo       OperationType = 12
	OperationTypeGetProcessProperties OperationType = 13
	OperationTypeModifyProcess        OperationType = 14
	OperationTypeCrash                OperationType = 15
	OperationTypeReserved1            OperationType = 16
	OperationTypeReserved2            OperationType = 17
	OperationTypeReserved3            OperationType = 18
	OperationTypeLiveMigration        OperationType = 19
)

// InvalidOperationID is HCS_INVALID_OPERATION_ID, the id reported for an invalid operation.
const InvalidOperationID = ^uint64(0)

var operationTypeNames = map[OperationType]string{
	OperationTypeNone: "None", OperationTypeEnumerate: "Enumerate", OperationTypeCreate: "Create",
	OperationTypeStart: "Start", OperationTypeShutdown: "Shutdown", OperationTypePause: "Pause",
	OperationTypeResume: "Resume", OperationTypeSave: "Save", OperationTypeTerminate: "Terminate",
	OperationTypeModify: "Modify", OperationTypeGetProperties: "GetProperties",
	OperationTypeCreateProcess: "CreateProcess", OperationTypeSignalProcess: "SignalProcess",
	OperationTypeGetProcessInfo: "GetProcessInfo", OperationTypeGetProcessProperties: "GetProcessProperties",
	OperationTypeModifyProcess: "ModifyProcess", OperationTypeCrash: "Crash",
	OperationTypeReserved1: "Reserved1", OperationTypeReserved2: "Reserved2",
	OperationTypeReserved3: "Reserved3", OperationTypeLiveMigration: "LiveMigration",
}

// String returns the type's name without the HcsOperationType prefix.
func (t OperationType) String() string {
	if n, ok := operationTypeNames[t]; ok {
		return n
	}
	return "OperationType(" + itoa(int64(t)) + ")"
}
