package main

import (
	"github.com/linuxhcs/hcs/client"
)

// lifecycleVerb makes the verb of one lifecycle call (start, shutdown, ...), which takes one
// or more system ids and, for some calls, an options document.
func lifecycleVerb(name, summary, description string, options string, call func(s *client.System, op *client.Operation, options string) error) *verb {
	v := &verb{
		name:        name,
		summary:     summary,
		synopsis:    []string{"hcsdiag " + name + " ID..."},
		description: description,
		examples:    "$ hcsdiag " + name + " demo",
		minArgs:     1, maxArgs: -1, stopAfter: -1,
	}
	if options != "" {
		v.synopsis = []string{"hcsdiag " + name + " [--options JSON] ID..."}
		v.opts = []option{{long: "options", arg: "JSON", help: "the " + options + " document of the call"}}
	}
	v.run = func(e *env, p *parsed) error {
		opts, err := jsonArg(p, "options")
		if err != nil {
			return err
		}
		for _, id := range p.args {
			err := e.withSystem(id, func(s *client.System) error {
				_, err := e.do(func(op *client.Operation) error { return call(s, op, opts) })
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	return v
}

var startVerb = lifecycleVerb("start", "start a created compute system",
	`Starts each system (HcsStartComputeSystem) and waits until it runs. A container's init
(hcs-agent) is then running and processes can be started with hcsdiag exec.`, "",
	func(s *client.System, op *client.Operation, o string) error { return s.Start(op, o) })

var shutdownVerb = lifecycleVerb("shutdown", "stop a compute system gracefully",
	`Asks each system to stop (HcsShutDownComputeSystem) and waits until it has stopped: a
container's processes get SIGTERM, then SIGKILL when they have not exited within the
service's shutdown time (30 seconds); a VM is asked through its guest connection. The exit
is reported as GracefulExit. With {"Force":true} the system is stopped at once, a
ForcedExit. A system that does not stop in that time is terminated: the exit is a ForcedExit
and the call fails with HCS_E_TERMINATED. Options a back-end cannot honour fail with
ERROR_NOT_SUPPORTED and leave the system running (docs/refused.md). A stopped system is
removed once no program holds a handle to it.`, "ShutdownOptions",
	func(s *client.System, op *client.Operation, o string) error { return s.ShutDown(op, o) })

var terminateVerb = lifecycleVerb("terminate", "stop a compute system at once",
	`Stops each system at once (HcsTerminateComputeSystem) and waits until it has stopped:
every process is killed. The exit is reported as ForcedExit. A system that has already
stopped gives HCS_E_SYSTEM_ALREADY_STOPPED.`, "",
	func(s *client.System, op *client.Operation, o string) error { return s.Terminate(op, o) })

var pauseVerb = lifecycleVerb("pause", "pause a running compute system",
	`Freezes every process of each system (HcsPauseComputeSystem): a container's cgroup is
frozen, a VM's processors stop. The state becomes Paused until hcsdiag resume.`, "PauseOptions",
	func(s *client.System, op *client.Operation, o string) error { return s.Pause(op, o) })

var resumeVerb = lifecycleVerb("resume", "resume a paused compute system",
	`Lets the processes of each paused system run again (HcsResumeComputeSystem); the state
goes back to Running.`, "",
	func(s *client.System, op *client.Operation, o string) error { return s.Resume(op, o) })

var saveVerb = lifecycleVerb("save", "save a paused compute system's state",
	`Saves each paused system (HcsSaveComputeSystem) as the SaveOptions document says, for
example {"SaveType":"ToFile","SaveStateFilePath":"/var/lib/vm1.vmrs"}. The system must be
paused first; a running one gives HCS_E_INVALID_STATE. Whether a system can be saved is
up to its driver: saving a container needs CRIU and is not implemented yet (the error
says why), a VM's state is written by QEMU.`, "SaveOptions",
	func(s *client.System, op *client.Operation, o string) error { return s.Save(op, o) })
