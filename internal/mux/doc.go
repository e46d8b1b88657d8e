// Package mux carries a request/response protocol over one connection. Both of the
// project's protocols of that shape use it: the hcsd socket protocol (internal/rpc) and the
// hcs-agent protocol (agent/protocol). Each keeps its own envelope type and documents; this
// package knows them only through a Codec and a few hooks.
//
// It provides, for any message type M:
//
//   - Conn: messages over a Transport of frames (internal/fdconn on a unix socket, with file
//     descriptors passed by SCM_RIGHTS, or a framed byte stream without them).
//   - Greet and Answer: the version handshake, from the side that connects and from the side
//     that accepts. Each side sends its Hello first; a side that sees another protocol
//     version fails with HCS_E_UNSUPPORTED_PROTOCOL_VERSION naming both (VersionMismatch).
//   - Caller: the connecting side's multiplexer. It picks a fresh non-zero request ID per
//     call, routes each response to its caller whatever order they come in, optionally bounds
//     the calls in flight, and fails every pending call once the connection drops.
//   - Dispatch: the accepting side's reader. It runs each request in its own goroutine,
//     bounded by in-flight slots, and stops reading while all of them are busy, which holds a
//     fast peer back instead of queueing without bound.
//
// Descriptors that arrive with a message belong to whoever the message is handed to; every
// path that drops a message closes them.
package mux
