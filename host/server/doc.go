// Package server puts a host.Host on the hcsd socket: it listens on a unix socket in a
// root-owned directory, checks each peer's credentials, gives every accepted connection its
// own host session, and serves that session's wire.Service methods with internal/rpc.
//
// # Who may connect
//
// The socket file is mode 0660, owned by root and by the hcs group (Listen), so the kernel
// already refuses other users at connect(2). Each accepted connection is checked again with
// the credentials the kernel recorded at connect time (SO_PEERCRED and SO_PEERGROUPS): root
// and members of an allowed group (by primary or supplementary gid) are served; everyone
// else, and any peer whose uid is the kernel's overflow uid (a process in a user namespace
// that does not map it), gets one Response carrying HCS_E_ACCESS_DENIED and the connection is
// closed. Anyone allowed in is effectively root: compute systems can mount host paths.
//
// # Sessions
//
// A connection is a session: handles opened through it belong to it. When the connection
// ends (the client closed it, crashed or broke the protocol), the session is closed, which
// releases every handle it held exactly as if the client had closed each one; a system
// created with ShouldTerminateOnLastHandleClosed is terminated when that was its last handle
// anywhere. Systems themselves belong to the host and keep running.
//
// Requests of one connection are served concurrently (at most wire.MaxInFlight at a time), and
// connections never wait for each other: a client that stops reading only stalls itself, and
// is disconnected when a message to it cannot be written within the write timeout. Events are
// queued per session by the host, which never blocks on a slow reader.
//
// Errors become ResultError documents in one place, the service side of internal/rpc, and
// mutating calls are logged with the peer's uid and pid.
package server
