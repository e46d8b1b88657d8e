package fakedriver

import "context"

// Op names a driver call that a fault can be attached to.
type Op string

// The calls a fault can target. Lifecycle lists the system lifecycle calls.
const (
	OpCreate        Op = "Create"
	OpStart         Op = "Start"
	OpShutdown      Op = "Shutdown"
	OpTerminate     Op = "Terminate"
	OpCrash         Op = "Crash"
	OpPause         Op = "Pause"
	OpResume        Op = "Resume"
	OpSave          Op = "Save"
	OpProperties    Op = "Properties"
	OpModify        Op = "Modify"
	OpCreateProcess Op = "CreateProcess"
	OpClose         Op = "Close"
)

// Lifecycle is every system call that changes the system's state.
var Lifecycle = []Op{OpStart, OpShutdown, OpTerminate, OpCrash, OpPause, OpResume, OpSave}

// Hook runs before the call it is attached to; a non-nil error is returned by that call
// instead of doing its work. id is the compute-system id.
type Hook func(ctx context.Context, id string) error

// Option configures a Driver.
type Option func(*options)

type options struct {
	hooks map[Op][]Hook
	// exitFirst makes CreateProcess return only once the process's exit was reported.
	exitFirst bool
}

// ExitBeforeReturn makes CreateProcess return only after the process exited and its exit
// was reported to ProcessRequest.OnExit: the order a real driver produces for a process
// that exits at once, made certain, for testing the caller.
func ExitBeforeReturn() Option {
	return func(o *options) { o.exitFirst = true }
}

// WithHook runs fn before each of the ops. Hooks attached to one op run in the order given
// and the first error wins.
func WithHook(fn Hook, ops ...Op) Option {
	return func(o *options) {
		for _, op := range ops {
			o.hooks[op] = append(o.hooks[op], fn)
		}
	}
}

// FailOn makes each of the ops fail with err without doing any work (Close still cleans up).
func FailOn(err error, ops ...Op) Option {
	return WithHook(func(context.Context, string) error { return err }, ops...)
}

// BlockOn makes each of the ops wait until release is closed before doing its work. When
// the call's context ends first, the call returns the context's error.
func BlockOn(release <-chan struct{}, ops ...Op) Option {
	return WithHook(func(ctx context.Context, _ string) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, ops...)
}

func newOptions(opts []Option) options {
	o := options{hooks: make(map[Op][]Hook)}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// run runs the hooks attached to op.
func (o *options) run(ctx context.Context, op Op, id string) error {
	for _, h := range o.hooks[op] {
		if err := h(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
