// Package schema holds the Go types of every JSON document exchanged with the HCS API
// (HCS-SCHEMA.md), with strict decoding and validation of the documents the API takes as
// input.
//
// # Types
//
// The enumerations and structures of the spec's type catalog (§10.1, §10.2) are generated
// into zz_generated.go by internal/schemagen; never edit that file, change the spec and run
// go generate instead. Naming rules:
//
//   - A Go type is the spec name without underscores: System_PropertyQuery becomes
//     SystemPropertyQuery, Container_Memory becomes ContainerMemory.
//   - An enumeration is a string type; its constants are the type name followed by the
//     value (StateRunning = "Running"). Each has Valid and a XxxValues function.
//   - Struct fields carry the spec's exact JSON spelling (including the few snake_case
//     names) with omitempty. Nested objects are pointers so that absence is visible;
//     scalars are values; arrays are slices and maps are map[string]V, since HCS writes
//     every map key as a string ("Attachments": {"0": {...}}).
//   - Any and untyped objects are json.RawMessage, ByteArray is []byte (base64), and a
//     fixed array such as ConsoleSize uint16[2] ([height, width]) is a slice whose length
//     Validate checks.
//
// A few types are written by hand: the client-only types of spec §11 (Numa,
// SecuritySettings, ...) and ProcessSignalValue, which holds SignalProcessOptions.Signal
// as either a Windows console event name or a POSIX signal number.
//
// # Decoding and validation
//
// Decode and DecodeBytes parse a document strictly, as real HCS does: size and depth
// limits, no trailing data, and no member the schema does not know (a member that is
// known elsewhere is reported with where it belongs). Member names match as in
// encoding/json, the exact spelling first and then one differing only in case. Free-form
// members (json.RawMessage, such as the Settings of a ModifySettingRequest, whose type
// depends on its ResourcePath) are decoded, just as strictly, with DecodeAt once their
// type is known. Each input document has a Validate method that checks the rules the spec
// states: required fields, mutually exclusive members, numeric ranges and every
// enumeration value anywhere in the tree. Both report a *Error whose Path is the JSON path
// of the offending member, as in
//
//	$.Container.Storage.Layers[1].Path: required
//	$.Container.HostName: unknown member; HostName belongs in $.Container.GuestOs
//	$: invalid JSON at line 3, column 14 (byte offset 40): invalid character '}' ...
//
// and whose code is HCS_E_INVALID_JSON, so errors.Is(err, hresult.HCS_E_INVALID_JSON)
// holds.
package schema

//go:generate go run ../internal/schemagen -spec ../../shared/spec/HCS-SCHEMA.md -out zz_generated.go
