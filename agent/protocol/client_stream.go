package protocol

import (
	"context"
	"io"

	"github.com/linuxhcs/hcs/hresult"
)

// NewStreamClient starts a session on a Stream transport (see SyncPreamble) and performs
// the handshake, within ctx. closeFn ends the transport (see NewStreamConn). Processes are
// then started with SpawnRelayed.
func NewStreamClient(ctx context.Context, s Stream, closeFn func() error, opts ClientOptions) (*Client, error) {
	if err := StartStreamSession(ctx, s); err != nil {
		closeFn()
		code := hresult.HCS_E_CONNECT_FAILED
		if ctx.Err() != nil {
			code = hresult.HCS_E_CONNECTION_TIMEOUT
		}
		return nil, hresult.Wrap(err, code, "start a session with the agent")
	}
	return newClient(ctx, NewStreamConn(s, closeFn), opts)
}

// RelayedStdio is the host's side of a relayed process's stdio: the files the relay reads
// (Stdin) and writes (Stdout, Stderr). With a console, Stdin is the terminal's input and
// Stdout its output, and Stderr is nil. The relay closes them.
type RelayedStdio struct {
	Stdin          io.ReadCloser
	Stdout, Stderr io.WriteCloser
}

// SpawnRelayed starts a process whose stdio is relayed over a Stream connection. It
// returns the pid and, with a console, the id of the console's input stream (for
// ResizeRelayedConsole). The files are closed when their streams end, or at once when
// the spawn fails.
func (c *Client) SpawnRelayed(ctx context.Context, req SpawnRequest, std RelayedStdio) (int, uint32, error) {
	if c.relay == nil {
		closeAll(std)
		return 0, 0, hresult.New(hresult.E_INVALIDARG, "SpawnRelayed: the connection passes descriptors; use Spawn")
	}
	ids := &RelayStreams{}
	if std.Stdout != nil {
		ids.Stdout = c.streamID()
		c.relay.AddSink(ids.Stdout, std.Stdout, nil)
	}
	if std.Stderr != nil {
		ids.Stderr = c.streamID()
		c.relay.AddSink(ids.Stderr, std.Stderr, nil)
	}
	if std.Stdin != nil {
		ids.Stdin = c.streamID()
	}
	req.Relay = ids
	var res SpawnResult
	if err := c.call(ctx, TypeSpawn, &req, nil, &res); err != nil {
		c.relay.endSink(ids.Stdout)
		c.relay.endSink(ids.Stderr)
		if std.Stdin != nil {
			std.Stdin.Close()
		}
		return 0, 0, err
	}
	if std.Stdin != nil {
		c.relay.AddSource(ids.Stdin, std.Stdin)
	}
	return res.Pid, ids.Stdin, nil
}

// ResizeRelayedConsole sets the size of a relayed console, in order with its input.
func (c *Client) ResizeRelayedConsole(stdinStream uint32, height, width uint16) error {
	if c.relay == nil {
		return hresult.New(hresult.E_INVALIDARG, "ResizeRelayedConsole: not a relayed connection")
	}
	return c.relay.Resize(stdinStream, height, width)
}

// streamID returns a fresh stream id.
func (c *Client) streamID() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextStream++
	return c.nextStream
}

func closeAll(std RelayedStdio) {
	for _, f := range []io.Closer{std.Stdin, std.Stdout, std.Stderr} {
		if f != nil {
			f.Close()
		}
	}
}
