// Package fdconn frames a unix stream socket into messages that carry file descriptors.
//
// A frame is a 4-byte big-endian body length followed by the body. Descriptors travel as
// SCM_RIGHTS ancillary data on the same sendmsg as the first bytes of the frame they belong
// to; the reader never reads past the end of a frame, so every descriptor is attributed to
// exactly one frame. Both the body size and the number of descriptors per frame are bounded
// by Limits; a frame that breaks them, a truncated frame or unreadable control data is a
// protocol error (HCS_E_PROTOCOL_ERROR) after which the stream must be abandoned, and every
// descriptor received with it is closed.
//
// Received descriptors are close-on-exec (MSG_CMSG_CLOEXEC), so they never leak into a
// process the receiver spawns. The package knows nothing about what a body means: the
// hcs-agent protocol (agent/protocol) and the hcsd socket protocol (internal/rpc) both put
// JSON in it.
package fdconn
