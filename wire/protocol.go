package wire

import (
	"encoding/json"

	"github.com/linuxhcs/hcs/schema"
)

// ProtocolVersion is the version of the hcsd socket protocol. Client and service must agree
// exactly; each sends it in its Hello and refuses a peer that differs.
const ProtocolVersion = 2

// Limits of the socket protocol. A message is one frame of at most MaxMessageSize bytes: room
// for the largest document (schema.MaxDocumentSize) escaped inside a JSON string, plus the
// envelope. At most MaxFDs descriptors travel with one message, and at most MaxInFlight
// requests of one connection are being served at a time.
const (
	MaxMessageSize = 2*schema.MaxDocumentSize + 64<<10
	MaxFDs         = 3
	MaxInFlight    = 256
)

// Method names a request: one per wire.Service method that talks to the service (Events is
// the stream of Event messages, Close is the end of the connection).
type Method string

// The methods, named after the wire.Service methods they call.
const (
	MethodCreateSystem          Method = "CreateSystem"
	MethodOpenSystem            Method = "OpenSystem"
	MethodCloseSystem           Method = "CloseSystem"
	MethodSystemOp              Method = "SystemOp"
	MethodSystemProperties      Method = "SystemProperties"
	MethodModifySystem          Method = "ModifySystem"
	MethodEnumerateSystems      Method = "EnumerateSystems"
	MethodCreateProcess         Method = "CreateProcess"
	MethodOpenProcess           Method = "OpenProcess"
	MethodCloseProcess          Method = "CloseProcess"
	MethodProcessOp             Method = "ProcessOp"
	MethodProcessInfo           Method = "ProcessInfo"
	MethodProcessProperties     Method = "ProcessProperties"
	MethodModifyProcess         Method = "ModifyProcess"
	MethodServiceProperties     Method = "ServiceProperties"
	MethodModifyServiceSettings Method = "ModifyServiceSettings"
	MethodSubmitWerReport       Method = "SubmitWerReport"
	MethodUtility               Method = "Utility"
)

// Methods lists every method.
var Methods = []Method{
	MethodCreateSystem, MethodOpenSystem, MethodCloseSystem, MethodSystemOp, MethodSystemProperties,
	MethodModifySystem, MethodEnumerateSystems, MethodCreateProcess, MethodOpenProcess,
	MethodCloseProcess, MethodProcessOp, MethodProcessInfo, MethodProcessProperties,
	MethodModifyProcess, MethodServiceProperties, MethodModifyServiceSettings, MethodSubmitWerReport,
	MethodUtility,
}

// MessageType says what a Message is.
type MessageType string

// The message types.
const (
	// TypeHello is the first message in each direction.
	TypeHello MessageType = "Hello"
	// TypeRequest calls a Method; it has a non-zero ID chosen by the client.
	TypeRequest MessageType = "Request"
	// TypeResponse answers the request with the same ID with a Result or an Error. A
	// Response with ID 0 and an Error refuses the connection, which the service then closes.
	TypeResponse MessageType = "Response"
	// TypeEvent carries one Event from the service; it has no ID.
	TypeEvent MessageType = "Event"
)

// Message is the body of every frame on the hcsd socket. Which members are set depends on
// Type; the others are absent.
type Message struct {
	Type   MessageType `json:"Type"`
	ID     uint64      `json:"ID,omitempty"`
	Method Method      `json:"Method,omitempty"`
	Hello  *Hello      `json:"Hello,omitempty"`
	Args   *Args       `json:"Args,omitempty"`
	Result *Result     `json:"Result,omitempty"`
	// Error is a ResultError document (spec HCS-SCHEMA.md), set on a failed Response.
	Error json.RawMessage `json:"Error,omitempty"`
	Event *Event          `json:"Event,omitempty"`
}

// Hello introduces one side of a connection.
type Hello struct {
	// ProtocolVersion is the sender's ProtocolVersion.
	ProtocolVersion int `json:"ProtocolVersion"`
	// ServerVersion is hcsd's software version (sent by the service).
	ServerVersion string `json:"ServerVersion,omitempty"`
	// ClientVersion is the client's software version (sent by the client).
	ClientVersion string `json:"ClientVersion,omitempty"`
}

// Args are the arguments of a request. Each method reads the members its wire.Service method
// takes and ignores the others:
//
//	CreateSystem           NewRef, ID, Document (ComputeSystem)
//	OpenSystem             NewRef, ID
//	CloseSystem            Ref
//	SystemOp               Ref, Op (a SystemOp), Document (options)
//	SystemProperties       Ref, Document (query)
//	ModifySystem           Ref, Document (ModifySettingRequest)
//	EnumerateSystems       Document (SystemQuery)
//	CreateProcess          Ref, NewRef, Document (ProcessParameters)
//	OpenProcess            Ref, NewRef, PID
//	CloseProcess           Ref
//	ProcessOp              Ref, Op (a ProcessOp), Document (options)
//	ProcessInfo            Ref
//	ProcessProperties      Ref, Document (query)
//	ModifyProcess          Ref, Document (ProcessModifyRequest)
//	ServiceProperties      Document (Service_PropertyQuery)
//	ModifyServiceSettings  Document (ModificationRequest)
//	SubmitWerReport        Document (CrashReport)
//	Utility                Op (a UtilityFunc), Strings (its string arguments), File
type Args struct {
	Ref Ref `json:"Ref,omitempty"`
	// NewRef is the reference the client chose for the handle the call opens.
	NewRef   Ref      `json:"NewRef,omitempty"`
	ID       string   `json:"ID,omitempty"`
	Op       string   `json:"Op,omitempty"`
	PID      uint32   `json:"PID,omitempty"`
	Document string   `json:"Document,omitempty"`
	Strings  []string `json:"Strings,omitempty"`
	// File says that one descriptor travels with the request (a VHD handle).
	File bool `json:"File,omitempty"`
}

// Result is the result of a successful request: Document for the methods that answer with
// one, and Process for CreateProcess and ProcessInfo. The methods that open a handle answer
// with nothing more: the handle has the reference the client chose (Args.NewRef).
type Result struct {
	Document string        `json:"Document,omitempty"`
	Process  *ProcessFiles `json:"Process,omitempty"`
}

// ProcessFiles is ProcessInfo on the wire. The streams marked true travel as descriptors with
// the message, in the order StdInput, StdOutput, StdError; the receiver owns them.
type ProcessFiles struct {
	ProcessID uint32 `json:"ProcessID"`
	StdInput  bool   `json:"StdInput,omitempty"`
	StdOutput bool   `json:"StdOutput,omitempty"`
	StdError  bool   `json:"StdError,omitempty"`
}
