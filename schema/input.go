package schema

import "encoding/json"

// Input is a pointer to an input document type: something with a Validate method.
type Input[T any] interface {
	*T
	Validate() error
}

// Blank reports whether doc is no document at all: empty or only JSON white space. The spec
// treats a NULL document and "" alike (HCS-API.md §1), and so does every helper here.
func Blank(doc string) bool { return blank(doc) }

// blank is Blank for a string or byte slice. Only JSON's white space counts: a form feed,
// say, is not "no document" but an invalid one.
func blank[T string | []byte](doc T) bool {
	for i := 0; i < len(doc); i++ {
		if !isSpace(doc[i]) {
			return false
		}
	}
	return true
}

// DecodeRequired decodes doc into v and validates it; name is the document's type, which
// errors name. A blank doc is an E_INVALIDARG *Error ("name: a document is required").
// This and the other helpers here are the one place an input document is decoded and
// validated: on the service's side, which acts on it.
func DecodeRequired[P interface{ Validate() error }](name, doc string, v P) error {
	if err := CheckRequired(name, doc); err != nil {
		return err
	}
	if err := Decode(doc, v); err != nil {
		return err
	}
	return v.Validate()
}

// DecodeRecorded decodes and validates a document this service accepted earlier and kept,
// such as a system's configuration read back after a restart. Members the schema does not
// know are skipped instead of refused: a service from before decoding was strict accepted
// them, and refusing the record now would abandon a system that is still running.
func DecodeRecorded(doc string, v interface{ Validate() error }) error {
	if err := decode(string(root), []byte(doc), v, true); err != nil {
		return err
	}
	return v.Validate()
}

// CheckRequired reports a required document that is missing altogether (blank) as an
// E_INVALIDARG *Error naming name, without reading the document: it is the one check a
// caller may make before handing the document to the side that decodes it.
func CheckRequired(name, doc string) error {
	if Blank(doc) {
		return &Error{Code: CodeInvalidArg, Path: name, Reason: "a document is required"}
	}
	return nil
}

// DecodeOptional decodes and validates a document that may be absent; it returns nil and no
// error for a blank doc.
func DecodeOptional[T any, P Input[T]](name, doc string) (*T, error) {
	if Blank(doc) {
		return nil, nil
	}
	v := P(new(T))
	if err := DecodeRequired(name, doc, v); err != nil {
		return nil, err
	}
	return (*T)(v), nil
}

// CheckReserved accepts an argument the spec documents as reserved: no document, or any
// well-formed JSON, which is ignored (hcsshim passes "" and some callers "{}"). Anything
// else is an HCS_E_INVALID_JSON *Error naming name.
func CheckReserved(name, doc string) error {
	if Blank(doc) || json.Valid([]byte(doc)) {
		return nil
	}
	return invalid(name, "not a valid JSON document")
}
