package client

import (
	"encoding/json"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// validatable is a schema document pointer with a Validate method.
type validatable[T any] interface {
	*T
	Validate() error
}

// parseDoc decodes and validates an input document on the caller's side, so that malformed
// input fails the call itself (HCS_E_INVALID_JSON naming the field) before anything is sent.
// An empty document is allowed only when optional is true.
func parseDoc[T any, P validatable[T]](name, doc string, optional bool) error {
	if isBlank(doc) {
		if optional {
			return nil
		}
		return hresult.New(hresult.E_INVALIDARG, name+": a document is required")
	}
	v := P(new(T))
	if err := schema.Decode(doc, v); err != nil {
		return err
	}
	return v.Validate()
}

// checkReserved accepts an "options" argument documented as reserved: NULL, "" or any
// well-formed JSON document, which is ignored (hcsshim passes "").
func checkReserved(name, doc string) error {
	if isBlank(doc) || json.Valid([]byte(doc)) {
		return nil
	}
	return hresult.New(hresult.HCS_E_INVALID_JSON, name+": not a valid JSON document")
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}
