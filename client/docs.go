package client

import "github.com/linuxhcs/hcs/schema"

// requireDocument fails a call whose required document is missing altogether (E_INVALIDARG,
// the NULL pointer of the C API), before anything is sent.
//
// That is all the client checks of a document. Documents are decoded and validated once, by
// the service, which acts on them (schema.DecodeRequired, DecodeOptional, CheckReserved); the
// client passes them through unread. The spec's asynchronous functions validate their
// arguments and submit the request (HCS-API.md §6), and a call that fails itself was never
// started (§4 rule 3): so the call itself fails only for what is wrong with its arguments (a
// closed handle, an invalid id, a busy operation, a missing required document). A document
// that is present but malformed or breaks a schema rule is the service's finding: for an
// asynchronous call it is the operation's result, HCS_E_INVALID_JSON with a ResultError
// naming the field, which hcsshim-style callers read after every accepted call; for a
// synchronous call (service properties and settings, WER reports) it is the call's return.
func requireDocument(name, doc string) error { return schema.CheckRequired(name, doc) }
