package protocol

// Messages of the stdio relay, used on Stream transports (a VM guest), where descriptors
// cannot be passed. They carry no ID: they are notifications, sent by either side, and are
// handled in the order they arrive.
//
// Each relayed stream has an ID chosen by the host in SpawnRequest.Relay, unique on the
// connection. The side that reads the stream locally (the host for stdin, the agent for
// stdout and stderr) is its source; the other side, which writes it locally, is its sink.
//
//   - Data carries bytes from the source to the sink. A source never has more bytes in
//     flight than the sink granted: RelayWindow at the start, plus every Window since.
//   - Window is sent by the sink once it has written bytes locally, granting that many more.
//   - CloseStream, from the source, is the end of the stream (after its last Data); from the
//     sink, it says the local reader is gone and the source should stop. Either way both
//     sides release the stream.
//   - ResizeStream, from the host, sets the size of the terminal behind a console's input
//     stream, in order with the Data around it.
const (
	TypeData         Type = "Data"
	TypeWindow       Type = "Window"
	TypeCloseStream  Type = "CloseStream"
	TypeResizeStream Type = "ResizeStream"
)

// RelayWindow is the number of bytes a source may send before the first Window.
const RelayWindow = 256 << 10

// RelayChunk is the largest Data payload.
const RelayChunk = 32 << 10

// RelayStreams names the relayed streams of a spawned process; 0 means not relayed. With
// EmulateConsole the agent creates a pseudo-terminal: Stdin feeds its input and Stdout
// carries its output.
type RelayStreams struct {
	Stdin  uint32 `json:"Stdin,omitempty"`
	Stdout uint32 `json:"Stdout,omitempty"`
	Stderr uint32 `json:"Stderr,omitempty"`
}

// DataMessage is the body of Data.
type DataMessage struct {
	Stream uint32 `json:"Stream"`
	Data   []byte `json:"Data"`
}

// WindowMessage is the body of Window.
type WindowMessage struct {
	Stream uint32 `json:"Stream"`
	Bytes  uint32 `json:"Bytes"`
}

// CloseStreamMessage is the body of CloseStream.
type CloseStreamMessage struct {
	Stream uint32 `json:"Stream"`
}

// ResizeStreamMessage is the body of ResizeStream.
type ResizeStreamMessage struct {
	Stream uint32 `json:"Stream"`
	Height uint16 `json:"Height"`
	Width  uint16 `json:"Width"`
}
