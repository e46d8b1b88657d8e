package protocol

import (
	"errors"

	"github.com/linuxhcs/hcs/hresult"
)

// Error is the failure of a request as it travels on the wire.
type Error struct {
	// Code is an HRESULT in its signed JSON form.
	Code int32 `json:"Code"`
	// Message says what failed, naming the field or object at fault.
	Message string `json:"Message"`
}

// HRESULT codes the agent returns. They are the values of HCS-API.md §3, repeated here so a
// reader of this package sees the whole vocabulary of the protocol in one place.
const (
	// CodeProcessAlreadyStopped: Signal or ResizeConsole on a pid that exited or that the
	// agent never spawned.
	CodeProcessAlreadyStopped = hresult.HCS_E_PROCESS_ALREADY_STOPPED // 0x8037011F
	// CodeNotFound: the executable, working directory, user or group does not exist; AckExit
	// of an exit the agent does not know; a container's layer, scratch or mapped directory
	// does not exist.
	CodeNotFound = hresult.ERROR_NOT_FOUND // 0x80070490
	// CodeAccessDenied: the executable or working directory may not be used.
	CodeAccessDenied = hresult.E_ACCESSDENIED // 0x80070005
	// CodeInvalidArg: a request field is invalid (the message names it).
	CodeInvalidArg = hresult.E_INVALIDARG // 0x80070057
	// CodeInvalidState: the agent is shutting down.
	CodeInvalidState = hresult.HCS_E_INVALID_STATE // 0x80370105
	// CodeUnknownMessage: a request type this agent does not implement.
	CodeUnknownMessage = hresult.HCS_E_UNKNOWN_MESSAGE // 0x8037010B
	// CodeInvalidJSON: a request body that does not decode.
	CodeInvalidJSON = hresult.HCS_E_INVALID_JSON // 0x8037010D
	// CodeProtocolError: framing or sequencing violations; the connection is closed.
	CodeProtocolError = hresult.HCS_E_PROTOCOL_ERROR // 0x80370111
	// CodeUnsupportedProtocolVersion: the Hello versions differ.
	CodeUnsupportedProtocolVersion = hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION // 0x8037010C
	// CodeConnectionClosed: the connection ended before the response arrived (client side).
	CodeConnectionClosed = hresult.HCS_E_CONNECTION_CLOSED // 0x8037010A
	// CodeContainerNotFound: a request names a container the agent does not run.
	CodeContainerNotFound = hresult.HCS_E_SYSTEM_NOT_FOUND // 0x8037010E
	// CodeContainerExists: CreateContainer with the ID of a container that exists.
	CodeContainerExists = hresult.HCS_E_SYSTEM_ALREADY_EXISTS // 0x8037010F
	// CodeFail: anything else.
	CodeFail = hresult.E_FAIL // 0x80004005
)

// ErrorFrom converts err to its wire form: the HRESULT that best describes it
// (hresult.FromError) and the message of an *hresult.Error without its code prefix.
func ErrorFrom(err error) *Error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var he *hresult.Error
	if errors.As(err, &he) && he.Message != "" {
		msg = he.Message
	}
	return &Error{Code: hresult.FromError(err).Int32(), Message: msg}
}

// Err converts the wire error back into an *hresult.Error, so that errors.Is(err,
// hresult.HCS_E_PROCESS_ALREADY_STOPPED) and hresult.FromError work on it.
func (e *Error) Err() error {
	if e == nil {
		return nil
	}
	code := hresult.FromInt32(e.Code)
	if !code.Failed() {
		code = hresult.E_FAIL
	}
	return hresult.New(code, e.Message)
}

// Error implements error.
func (e *Error) Error() string { return e.Err().Error() }
