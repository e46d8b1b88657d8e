package client

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/wire"
)

// Documents that pass schema validation, for calls that need one.
const (
	systemDoc  = `{"SchemaVersion":{"Major":2,"Minor":1},"Container":{}}`
	processDoc = `{"CommandArgs":["/bin/true"]}`
	modifyDoc  = `{"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":1024}`
	consoleDoc = `{"Operation":"ConsoleSize","ConsoleSize":{"Height":24,"Width":80}}`
	signalDoc  = `{"Signal":15}`
)

// patience bounds every wait in these tests: a broken rule fails the test instead of hanging it.
const patience = 10 * time.Second

// unknownRef is a handle reference the client never chooses; events for it are used to
// synchronise with the client's event pump.
const unknownRef wire.Ref = 1 << 62

// fakeCall is one request the client made to the fake service.
type fakeCall struct {
	Method string   // the wire.Service method
	Ref    wire.Ref // the system or process handle argument, 0 when there is none
	NewRef wire.Ref // the reference the client chose for the handle a create or open call opens
	ID     string   // the system id of CreateSystem and OpenSystem
	Op     string   // the wire.SystemOp or wire.ProcessOp
	Doc    string   // the document argument (configuration, options, query, ...)
	PID    uint32   // the pid of OpenProcess
	File   *os.File // the file of Utility
	Ctx    context.Context
}

// fakeReply is what a fake method returns.
type fakeReply struct {
	Doc  string
	Info wire.ProcessInfo
	Err  error
}

// fakeHandler programs one method of the fake.
type fakeHandler func(c fakeCall) fakeReply

// fakeService is a wire.Service whose behaviour each test programs per method. It records
// every call, and its event stream is an unbuffered channel the test pushes into: when a push
// returns, the client's event pump has finished routing every earlier event.
type fakeService struct {
	events    chan wire.Event
	ended     chan struct{} // closed when the stream is about to end
	sendMu    sync.RWMutex  // held for reading by senders, for writing to close events
	closeOnce sync.Once

	mu         sync.Mutex
	calls      []fakeCall
	handlers   map[string]fakeHandler
	closeCalls int
}

func newFakeService() *fakeService {
	return &fakeService{events: make(chan wire.Event), ended: make(chan struct{}), handlers: map[string]fakeHandler{}}
}

// newTestClient returns a fake service and a client on it, closed when the test ends.
func newTestClient(t *testing.T) (*fakeService, *Client) {
	t.Helper()
	f := newFakeService()
	c := New(f)
	t.Cleanup(func() { c.Close() })
	return f, c
}

// handle programs method.
func (f *fakeService) handle(method string, h fakeHandler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers[method] = h
}

// fail makes method return err.
func (f *fakeService) fail(method string, err error) {
	f.handle(method, func(fakeCall) fakeReply { return fakeReply{Err: err} })
}

// callsTo returns the recorded calls of method.
func (f *fakeService) callsTo(method string) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// callCount returns how many calls of any kind were made (Close excluded).
func (f *fakeService) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeService) do(c fakeCall) fakeReply {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	h := f.handlers[c.Method]
	f.mu.Unlock()
	var r fakeReply
	if h != nil {
		r = h(c)
	}
	if c.Method == "CreateProcess" && r.Err == nil && r.Info.ProcessID == 0 {
		r.Info.ProcessID = 4000 + uint32(c.NewRef)
	}
	return r
}

// send hands ev to the client's event pump. It reports false when the stream ended or
// timeout fired first; a nil timeout waits as long as the stream lasts. It is safe to call
// from any goroutine, also while the stream is being ended.
func (f *fakeService) send(ev wire.Event, timeout <-chan time.Time) bool {
	f.sendMu.RLock()
	defer f.sendMu.RUnlock()
	select {
	case f.events <- ev:
		return true
	case <-f.ended:
		return false
	case <-timeout:
		return false
	}
}

// push delivers ev to the client's event pump, failing the test if it is not taken.
func (f *fakeService) push(t *testing.T, ev wire.Event) {
	t.Helper()
	if !f.send(ev, time.After(patience)) {
		t.Fatalf("event %#x for handle %d: the client did not take it", uint32(ev.Type), ev.Handle)
	}
}

// sync returns once the client's event pump has routed every event pushed before it.
func (f *fakeService) sync(t *testing.T) {
	t.Helper()
	f.push(t, wire.Event{Handle: unknownRef, Type: EventInvalid})
}

// disconnect ends the event stream while the client is open: the service went away.
func (f *fakeService) disconnect() {
	f.closeOnce.Do(func() {
		close(f.ended)
		f.sendMu.Lock()
		close(f.events)
		f.sendMu.Unlock()
	})
}

func (f *fakeService) CreateSystem(ctx context.Context, ref wire.Ref, id, config string) error {
	return f.do(fakeCall{Method: "CreateSystem", NewRef: ref, ID: id, Doc: config, Ctx: ctx}).Err
}

func (f *fakeService) OpenSystem(ctx context.Context, ref wire.Ref, id string) error {
	return f.do(fakeCall{Method: "OpenSystem", NewRef: ref, ID: id, Ctx: ctx}).Err
}

func (f *fakeService) CloseSystem(ctx context.Context, system wire.Ref) error {
	return f.do(fakeCall{Method: "CloseSystem", Ref: system, Ctx: ctx}).Err
}

func (f *fakeService) SystemOp(ctx context.Context, system wire.Ref, op wire.SystemOp, options string) error {
	return f.do(fakeCall{Method: "SystemOp", Ref: system, Op: string(op), Doc: options, Ctx: ctx}).Err
}

func (f *fakeService) SystemProperties(ctx context.Context, system wire.Ref, query string) (string, error) {
	r := f.do(fakeCall{Method: "SystemProperties", Ref: system, Doc: query, Ctx: ctx})
	return r.Doc, r.Err
}

func (f *fakeService) ModifySystem(ctx context.Context, system wire.Ref, request string) error {
	return f.do(fakeCall{Method: "ModifySystem", Ref: system, Doc: request, Ctx: ctx}).Err
}

func (f *fakeService) EnumerateSystems(ctx context.Context, query string) (string, error) {
	r := f.do(fakeCall{Method: "EnumerateSystems", Doc: query, Ctx: ctx})
	return r.Doc, r.Err
}

func (f *fakeService) CreateProcess(ctx context.Context, system, ref wire.Ref, params string) (wire.ProcessInfo, error) {
	r := f.do(fakeCall{Method: "CreateProcess", Ref: system, NewRef: ref, Doc: params, Ctx: ctx})
	return r.Info, r.Err
}

func (f *fakeService) OpenProcess(ctx context.Context, system, ref wire.Ref, pid uint32) error {
	return f.do(fakeCall{Method: "OpenProcess", Ref: system, NewRef: ref, PID: pid, Ctx: ctx}).Err
}

func (f *fakeService) CloseProcess(ctx context.Context, process wire.Ref) error {
	return f.do(fakeCall{Method: "CloseProcess", Ref: process, Ctx: ctx}).Err
}

func (f *fakeService) ProcessOp(ctx context.Context, process wire.Ref, op wire.ProcessOp, options string) error {
	return f.do(fakeCall{Method: "ProcessOp", Ref: process, Op: string(op), Doc: options, Ctx: ctx}).Err
}

func (f *fakeService) ProcessInfo(ctx context.Context, process wire.Ref) (wire.ProcessInfo, error) {
	r := f.do(fakeCall{Method: "ProcessInfo", Ref: process, Ctx: ctx})
	return r.Info, r.Err
}

func (f *fakeService) ProcessProperties(ctx context.Context, process wire.Ref, query string) (string, error) {
	r := f.do(fakeCall{Method: "ProcessProperties", Ref: process, Doc: query, Ctx: ctx})
	return r.Doc, r.Err
}

func (f *fakeService) ModifyProcess(ctx context.Context, process wire.Ref, request string) error {
	return f.do(fakeCall{Method: "ModifyProcess", Ref: process, Doc: request, Ctx: ctx}).Err
}

func (f *fakeService) ServiceProperties(ctx context.Context, query string) (string, error) {
	r := f.do(fakeCall{Method: "ServiceProperties", Doc: query, Ctx: ctx})
	return r.Doc, r.Err
}

func (f *fakeService) ModifyServiceSettings(ctx context.Context, settings string) error {
	return f.do(fakeCall{Method: "ModifyServiceSettings", Doc: settings, Ctx: ctx}).Err
}

func (f *fakeService) SubmitWerReport(ctx context.Context, report string) error {
	return f.do(fakeCall{Method: "SubmitWerReport", Doc: report, Ctx: ctx}).Err
}

func (f *fakeService) Utility(ctx context.Context, fn wire.UtilityFunc, args []string, file *os.File) (string, error) {
	r := f.do(fakeCall{Method: "Utility", Doc: string(fn), File: file, Ctx: ctx})
	return r.Doc, r.Err
}

func (f *fakeService) Events() <-chan wire.Event { return f.events }

// Close ends the session: like a real service, it ends the event stream.
func (f *fakeService) Close() error {
	f.mu.Lock()
	f.closeCalls++
	f.mu.Unlock()
	f.disconnect()
	return nil
}

var _ wire.Service = (*fakeService)(nil)

// gate is a programmed method that blocks each call until the test releases it.
type gate struct {
	entered chan fakeCall
	release chan fakeReply
}

// gate makes method block: each call is reported on entered and returns what the test sends
// with open.
func (f *fakeService) gate(method string) *gate {
	g := &gate{entered: make(chan fakeCall, 1000), release: make(chan fakeReply)}
	f.handle(method, func(c fakeCall) fakeReply {
		g.entered <- c
		return <-g.release
	})
	return g
}

// wait returns the next call that entered the gate.
func (g *gate) wait(t *testing.T) fakeCall {
	t.Helper()
	return recv(t, g.entered, "a call to enter the gate")
}

// open lets one waiting call return r.
func (g *gate) open(t *testing.T, r fakeReply) {
	t.Helper()
	select {
	case g.release <- r:
	case <-time.After(patience):
		t.Fatal("no call was waiting at the gate")
	}
}
