package schema

// HRESULT codes carried by *Error. They equal hresult.HCS_E_INVALID_JSON, hresult.E_INVALIDARG
// and hresult.ERROR_NOT_SUPPORTED; this package does not import hresult so that hresult can
// stay a leaf.
const (
	// CodeInvalidJSON is HCS_E_INVALID_JSON (0x8037010D): a document is malformed or breaks
	// a schema rule.
	CodeInvalidJSON int32 = -2143878899
	// CodeInvalidArg is E_INVALIDARG (0x80070057): the caller passed an unusable argument.
	CodeInvalidArg int32 = -2147024809
	// CodeNotSupported is ERROR_NOT_SUPPORTED (0x80070032): the document is well formed but
	// asks for something this service does not support, such as another major schema
	// version. hcsshim's IsNotSupported recognises it.
	CodeNotSupported int32 = -2147024846
)

// Error reports a document that could not be decoded or failed validation.
type Error struct {
	// Code is the HRESULT the failure maps to, normally CodeInvalidJSON.
	Code int32
	// Path is the JSON path of the offending member, the form real HCS reports
	// ("$.Container.Storage.Layers[1].Path"); map entries, and members whose names are not
	// plain identifiers, appear as ["key"]. It is "$" for problems with the document as a
	// whole, and the document's type name ("ComputeSystem") when there is no document at
	// all.
	Path string
	// Reason says what is wrong.
	Reason string
}

// Error returns "Path: Reason", or just the reason when there is no path.
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// HResult returns Code; it lets hresult.FromError and errors.Is recognise the error.
func (e *Error) HResult() int32 { return e.Code }

// Is reports whether target carries the same HRESULT (any error with an HResult() int32
// method, such as the hresult package's codes).
func (e *Error) Is(target error) bool {
	h, ok := target.(interface{ HResult() int32 })
	return ok && h.HResult() == e.Code
}

// invalid returns a CodeInvalidJSON error.
func invalid(path, reason string) *Error {
	return &Error{Code: CodeInvalidJSON, Path: path, Reason: reason}
}
