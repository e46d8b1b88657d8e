// Package qmp is a small client of the QEMU Machine Protocol over a unix socket: it reads
// the greeting, negotiates capabilities, runs commands (each with its own id, so several
// may be in flight) and hands every asynchronous event to a callback. Descriptors can be
// passed to QEMU with a command (getfd, add-fd).
//
// QMP is line-delimited JSON: every message QEMU sends is one object on one line. A line
// longer than MaxLineSize, or one that is not a QMP message, ends the connection.
package qmp

import (
	"encoding/json"
	"errors"
	"fmt"
)

// MaxLineSize bounds one message from QEMU.
const MaxLineSize = 4 << 20

// Event is an asynchronous QMP event.
type Event struct {
	// Name is the event's name, e.g. "SHUTDOWN", "GUEST_PANICKED", "STOP".
	Name string
	// Data is the event's data object, if any.
	Data json.RawMessage
	// Seconds and Microseconds are QEMU's timestamp of the event.
	Seconds, Microseconds int64
}

// Error is a command's failure as QEMU reports it.
type Error struct {
	// Class is QEMU's error class, e.g. "GenericError", "CommandNotFound".
	Class string `json:"class"`
	// Desc describes the failure.
	Desc string `json:"desc"`
}

// Error implements error.
func (e *Error) Error() string { return "qmp: " + e.Class + ": " + e.Desc }

// message is any message from QEMU.
type message struct {
	QMP       *json.RawMessage `json:"QMP"`
	Return    json.RawMessage  `json:"return"`
	Error     *Error           `json:"error"`
	ID        *uint64          `json:"id"`
	Event     string           `json:"event"`
	Data      json.RawMessage  `json:"data"`
	Timestamp *struct {
		Seconds      int64 `json:"seconds"`
		Microseconds int64 `json:"microseconds"`
	} `json:"timestamp"`
}

// kind is what a message is.
type kind int

const (
	kindGreeting kind = iota
	kindResponse
	kindEvent
)

// errNotQMP is wrapped by the errors of lines that are not QMP messages.
var errNotQMP = errors.New("not a QMP message")

// parse decodes one line from QEMU and says what it is.
func parse(line []byte) (*message, kind, error) {
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, 0, fmt.Errorf("%w: %v", errNotQMP, err)
	}
	switch {
	case m.QMP != nil:
		return &m, kindGreeting, nil
	case m.Event != "":
		return &m, kindEvent, nil
	case m.Return != nil || m.Error != nil:
		return &m, kindResponse, nil
	}
	return nil, 0, fmt.Errorf("%w: %.80q", errNotQMP, line)
}

// event converts an event message.
func (m *message) event() Event {
	ev := Event{Name: m.Event, Data: m.Data}
	if m.Timestamp != nil {
		ev.Seconds, ev.Microseconds = m.Timestamp.Seconds, m.Timestamp.Microseconds
	}
	return ev
}
