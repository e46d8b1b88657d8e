package main

import (
	"context"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// dialTimeout bounds connecting to hcsd and the version handshake.
const dialTimeout = 10 * time.Second

// conn is the process's one connection to hcsd, made on first use. Handles keep the client
// they were made with; once that connection is lost, the next call that needs no existing
// handle connects again.
var conn struct {
	mu sync.Mutex
	c  *client.Client
}

// connect returns the current client, dialling hcsd when there is none. A failed dial is not
// remembered: the next call tries again.
func connect() (*client.Client, error) {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	if conn.c != nil {
		return conn.c, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	c, err := client.Dial(ctx, "")
	if err != nil {
		return nil, err
	}
	conn.c = c
	return c, nil
}

// withClient runs call with the current client. When the client has lost its connection,
// it is dropped and call is run once more with a new connection. It is for calls that change
// nothing when they fail that way: those that start an operation (which checks the connection
// before sending anything) and those that only read.
func withClient(call func(c *client.Client) error) error {
	for try := 0; ; try++ {
		c, err := connect()
		if err != nil {
			return err
		}
		err = call(c)
		if !hresult.Is(err, hresult.HCS_E_SERVICE_DISCONNECT) || try > 0 {
			return err
		}
		forget(c)
	}
}

// forget drops c as the current client. It is not closed: its handles keep reporting
// HCS_E_SERVICE_DISCONNECT.
func forget(c *client.Client) {
	conn.mu.Lock()
	if conn.c == c {
		conn.c = nil
	}
	conn.mu.Unlock()
}

// callOnce runs call with the current client, once: it is for calls that may have changed
// something before the connection was found lost. The lost client is dropped, so the next
// call connects again.
func callOnce(call func(c *client.Client) error) error {
	c, err := connect()
	if err != nil {
		return err
	}
	err = call(c)
	if hresult.Is(err, hresult.HCS_E_SERVICE_DISCONNECT) {
		forget(c)
	}
	return err
}

// callCtx is the context of the synchronous C functions. They take no timeout and the C API
// has no way to cancel them, so they wait for the service as long as it takes.
func callCtx() context.Context { return context.Background() }
