package hresult

import (
	"encoding/json"
	"fmt"
)

// maxResultErrorSize bounds a ResultError document read from outside (the service, a file).
const maxResultErrorSize = 1 << 20

// resultErrorDoc is the wire shape of the ResultError document (spec HCS-SCHEMA.md §7.3). The
// fully typed form is schema.ResultError; this package keeps ErrorEvents and Attribution raw
// so that it depends on nothing but the standard library.
type resultErrorDoc struct {
	Error        int32           `json:"Error"`
	ErrorMessage string          `json:"ErrorMessage,omitempty"`
	ErrorEvents  json.RawMessage `json:"ErrorEvents,omitempty"`
	Attribution  json.RawMessage `json:"Attribution,omitempty"`
}

// ToResultError encodes err as a ResultError JSON document. It returns nil for nil.
func ToResultError(err error) []byte {
	e := From(err)
	if e == nil {
		return nil
	}
	doc := resultErrorDoc{
		Error:        e.Code.Int32(),
		ErrorMessage: e.Message,
		ErrorEvents:  e.Events,
		Attribution:  e.Attribution,
	}
	if doc.ErrorMessage == "" {
		doc.ErrorMessage = e.Code.Text()
	}
	b, mErr := json.Marshal(doc)
	if mErr != nil {
		// Only malformed raw fields can fail; drop them rather than lose the code.
		doc.ErrorEvents, doc.Attribution = nil, nil
		b, _ = json.Marshal(doc)
	}
	return b
}

// FromResultError decodes a ResultError document into an *Error. A document that is not a
// valid ResultError (bad JSON, missing or zero Error, too large) gives an error with
// HCS_E_INVALID_JSON that says why.
func FromResultError(doc []byte) (*Error, error) {
	if len(doc) > maxResultErrorSize {
		return nil, Errorf(HCS_E_INVALID_JSON, "ResultError: document of %d bytes exceeds %d", len(doc), maxResultErrorSize)
	}
	var d struct {
		Error *int32 `json:"Error"`
		resultErrorDoc
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, Errorf(HCS_E_INVALID_JSON, "ResultError: %v", err)
	}
	if d.Error == nil {
		return nil, New(HCS_E_INVALID_JSON, "ResultError.Error: required")
	}
	code := FromInt32(*d.Error)
	if !code.Failed() {
		return nil, Errorf(HCS_E_INVALID_JSON, "ResultError.Error: %s is not a failure code", fmt.Sprintf("0x%08X", uint32(code)))
	}
	return &Error{
		Code:        code,
		Message:     d.ErrorMessage,
		Events:      rawOrNil(d.ErrorEvents),
		Attribution: rawOrNil(d.Attribution),
	}, nil
}

func rawOrNil(r json.RawMessage) []byte {
	if len(r) == 0 || string(r) == "null" {
		return nil
	}
	return []byte(r)
}
