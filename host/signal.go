package host

import (
	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// consoleSignals maps the Windows console events a SignalProcessOptions document may name
// to the POSIX signals with the same intent.
var consoleSignals = map[schema.ProcessSignal]int{
	schema.ProcessSignalCtrlC:        int(unix.SIGINT),
	schema.ProcessSignalCtrlBreak:    int(unix.SIGQUIT),
	schema.ProcessSignalCtrlClose:    int(unix.SIGHUP),
	schema.ProcessSignalCtrlLogOff:   int(unix.SIGHUP),
	schema.ProcessSignalCtrlShutdown: int(unix.SIGTERM),
}

// signalNumber returns the POSIX signal a SignalProcessOptions document asks for: its number,
// the mapping of its console event name, or SIGTERM when the document or its Signal is
// absent.
func signalNumber(opts *schema.SignalProcessOptions) (int, error) {
	if opts == nil || opts.Signal == nil {
		return int(unix.SIGTERM), nil
	}
	if n, ok := opts.Signal.Number(); ok {
		if n < 1 || n > 64 {
			return 0, hresult.Errorf(hresult.E_INVALIDARG, "$.Signal: %d is not a signal number (1-64)", n)
		}
		return int(n), nil
	}
	name, _ := opts.Signal.Name()
	if sig, ok := consoleSignals[name]; ok {
		return sig, nil
	}
	return 0, hresult.Errorf(hresult.E_INVALIDARG, "$.Signal: %q is not a known signal", name)
}
