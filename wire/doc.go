// Package wire defines the contract between a client and the compute service: the Service
// interface that both the in-process host and the socket transport implement, the handle
// references the client chooses, and the events the service streams back. Everything that crosses it
// is a JSON document, a number or a file descriptor, so the same calls work in-process and
// over the hcsd socket.
package wire
