package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/hresult"
)

func TestServiceDisconnectReachesEveryCallback(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	d := startDaemon(t, daemonConfig{driver: []fakedriver.Option{fakedriver.BlockOn(release, fakedriver.OpPause)}})
	c := d.dial(t)
	sys := started(t, c, "gone")
	other := started(t, c, "gone-too")
	p, _ := spawn(t, sys, "sleep 60", false, false)
	evSys, evOther, evProc := make(events, 8), make(events, 8), make(events, 8)
	for _, set := range []func() error{
		func() error { return sys.SetCallback(client.EventOptionNone, evSys.callback) },
		func() error { return other.SetCallback(client.EventOptionNone, evOther.callback) },
		func() error { return p.SetCallback(client.EventOptionNone, evProc.callback) },
	} {
		if err := set(); err != nil {
			t.Fatal(err)
		}
	}
	inflight := client.NewOperation(nil, nil)
	defer inflight.Close()
	if err := sys.Pause(inflight, ""); err != nil { // blocks in the driver
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	stopCtx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	d.srv.Shutdown(stopCtx) // the service side closes the connection

	for _, ev := range []events{evSys, evOther, evProc} {
		ev.until(t, client.EventServiceDisconnect)
	}
	_, err := inflight.Wait(ctx(t))
	wantCode(t, err, hresult.HCS_E_SERVICE_DISCONNECT)
	_, err = client.Do(ctx(t), func(op *client.Operation) error { return sys.GetProperties(op, "") })
	wantCode(t, err, hresult.HCS_E_SERVICE_DISCONNECT)
	_, err = c.OpenComputeSystem(t.Context(), "gone", client.GenericAll)
	wantCode(t, err, hresult.HCS_E_SERVICE_DISCONNECT)
	_, err = client.Do(ctx(t), func(op *client.Operation) error { return p.Terminate(op, "") })
	wantCode(t, err, hresult.HCS_E_SERVICE_DISCONNECT)
}

func TestDialErrors(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	d.stop()
	_, err := client.Dial(ctx(t), d.path)
	wantCode(t, err, hresult.HCS_E_SERVICE_NOT_AVAILABLE)
	t.Setenv(client.SocketEnv, d.path)
	if client.SocketPath() != d.path {
		t.Fatalf("SocketPath ignores %s", client.SocketEnv)
	}
	_, err = client.Dial(ctx(t), "")
	wantCode(t, err, hresult.HCS_E_SERVICE_NOT_AVAILABLE)
}
