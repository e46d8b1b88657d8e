// Package rpc is the hcsd socket protocol: wire.Message values over a unix stream socket,
// framed by internal/fdconn, with a version handshake, many concurrent requests per
// connection, events streamed by the service, and stdio descriptors passed with SCM_RIGHTS.
// The request multiplexing and the handshake are internal/mux's, shared with the agent
// protocol; this package adds the hcsd messages, events and error documents.
//
// # Messages
//
// Each frame holds one JSON wire.Message of at most wire.MaxMessageSize bytes with at most
// wire.MaxFDs descriptors. Both sides send a Hello first; the versions must be equal, and a
// side that sees a different one fails with HCS_E_UNSUPPORTED_PROTOCOL_VERSION naming both.
// The service may instead answer a new connection with a Response of ID 0 carrying an error
// (HCS_E_ACCESS_DENIED, for one) and close it.
//
// The client sends Requests with IDs it chooses (non-zero, never reused on a connection); the
// service answers each with a Response of the same ID, in whatever order the requests
// complete. At most wire.MaxInFlight requests of one connection are served at a time: the
// client waits for a free slot before sending, and the service stops reading while all of
// its slots are busy. Events arrive as Event messages whenever the service has them.
//
// A failed request's Response carries a ResultError document, made from the handler's error
// by hresult.ToResultError in exactly one place (the service side of this package) and turned
// back into the same *hresult.Error (code and message) by the client.
//
// A frame that is too large, carries too many descriptors or is not a valid message ends
// that connection only; nothing else on the service is affected.
package rpc
