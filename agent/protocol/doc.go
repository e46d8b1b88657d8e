// Package protocol is the wire protocol between hcsd and hcs-agent, the init process of every
// container and VM guest, together with a Go client for the host side.
//
// # Framing
//
// A connection is a stream (a unix socket for containers). Each message is a frame: a 4-byte
// big-endian body length followed by a JSON body of at most [MaxMessageSize] bytes. File
// descriptors travel as SCM_RIGHTS ancillary data on the same sendmsg as the frame they belong
// to, at most [MaxFDs] per frame; the receiver reads frame by frame, never past the end of one,
// so every descriptor is attributed to exactly one frame. Descriptors that a message does not
// expect are closed on arrival. An oversized, truncated or unparsable frame is a protocol
// error: the receiver closes that connection.
//
// # Messages
//
// Every body is a [Message] envelope: {"Type":..., "ID":..., "Body":..., "Error":...}.
//
//   - Hello ([Hello]) is the first message in each direction. The agent sends its own at once
//     after accepting a connection; a differing ProtocolVersion is refused with
//     HCS_E_UNSUPPORTED_PROTOCOL_VERSION and a message naming both versions.
//   - Requests go from host to agent and carry a non-zero ID chosen by the host: Spawn
//     ([SpawnRequest]), Signal ([SignalRequest]), ResizeConsole ([ResizeConsoleRequest]),
//     ListProcesses, WaitExits ([WaitExitsRequest]), AckExit ([AckExitRequest]), Shutdown
//     ([ShutdownRequest]) and Ping. Many may be in flight at once; they complete in any order.
//   - Response echoes the ID of its request and holds either the result in Body or an
//     [Error] with an HRESULT code. A Response with ID 0 reports a connection-level failure
//     just before the agent closes the connection.
//   - ProcessExited ([ProcessExited]) is an unsolicited notification (no ID) sent when a
//     spawned process exits. The agent keeps each exit until the host acknowledges it with
//     AckExit and sends every unacknowledged exit again on each new connection, so a host that
//     restarts learns of every exit.
//
// A new connection replaces the previous one; processes and unacknowledged exits survive.
//
// Request IDs, the pending-call table and the handshake's mechanics are internal/mux's, the
// multiplexer the hcsd socket protocol uses too; this package defines the messages.
//
// # Stream transports
//
// In a VM guest the connection is a virtio-serial port, which cannot carry descriptors
// (NewStreamConn, NewStreamClient). Each session on such a stream starts with
// SyncPreamble in both directions; a Spawn then names relayed streams (SpawnRequest.Relay)
// instead of passing descriptors, and the bytes of stdin, stdout and stderr travel as Data
// messages with credit-based flow control (see Relay and the Data message).
package protocol

// Version is the protocol version this package speaks. Both sides must agree exactly.
const Version = 1

// MaxMessageSize is the largest frame body, in bytes, either side accepts or sends.
const MaxMessageSize = 1 << 20

// MaxFDs is the largest number of file descriptors one frame may carry.
const MaxFDs = 8

// MaxExitsPerResponse bounds the exits a WaitExits response lists, so the response always
// fits in one frame; the host acknowledges them and asks again for the rest.
const MaxExitsPerResponse = 4096
