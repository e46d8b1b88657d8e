package container

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
)

// Runtime runs one OCI runtime binary (runc or crun) with its own state root, so containers
// of this service never mix with those of other tools on the host.
type Runtime struct {
	// Name is "runc" or "crun".
	Name string
	// Path is the binary.
	Path string
	// Root is the runtime's --root state directory.
	Root string
	// prefix, when set, wraps every invocation: on hybrid cgroup hosts crun runs in a private
	// mount namespace whose cgroup2 mount is removed, the one layout it accepts there.
	prefix []string
}

// NewRuntime finds name on PATH and prepares it for this host's cgroup layout.
func NewRuntime(name, root string, layout CgroupLayout) (*Runtime, error) {
	if name != "runc" && name != "crun" {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "runtime %q: must be runc or crun", name)
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, hresult.Errorf(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "OCI runtime %s is not installed (run scripts/setup.sh)", name)
	}
	rt := &Runtime{Name: name, Path: path, Root: root}
	if name == "crun" && layout.Hybrid {
		rt.prefix = []string{"unshare", "--mount", "--propagation", "private", "--",
			"sh", "-c", `umount /sys/fs/cgroup/unified && exec "$0" "$@"`}
	}
	return rt, nil
}

// command builds an invocation of the runtime with global flags and args.
func (r *Runtime) command(ctx context.Context, logFile string, args ...string) *exec.Cmd {
	argv := []string{r.Path, "--root", r.Root}
	if logFile != "" {
		argv = append(argv, "--log", logFile)
	}
	argv = append(argv, args...)
	if len(r.prefix) > 0 {
		argv = append(append([]string{}, r.prefix...), argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = waitDelay
	return cmd
}

// run invokes the runtime and returns its combined output, or an error that quotes it.
func (r *Runtime) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := r.command(ctx, "", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.Bytes(), r.failure(args[0], err, out.Bytes())
	}
	return out.Bytes(), nil
}

// failure describes a failed invocation with the runtime's own words.
func (r *Runtime) failure(verb string, err error, output []byte) error {
	msg := strings.TrimSpace(string(output))
	if len(msg) > 2048 {
		msg = msg[len(msg)-2048:]
	}
	if msg == "" {
		msg = err.Error()
	}
	return hresult.Wrap(fmt.Errorf("%s", msg), hresult.E_FAIL, r.Name+" "+verb)
}

// StartDetached runs `runtime run --detach` for the bundle: the container's init (the agent)
// gets extra as descriptors 3, 4, ... and out as stdout and stderr, and stdin at its end.
// out should be a pipe: the init keeps its stdio for life, and a process in the container
// can reopen them through /proc/1/fd. On failure, latest returns what the runtime and the
// init wrote to out, to quote. It returns once the runtime has started the container, with
// the init's pid.
func (r *Runtime) StartDetached(ctx context.Context, id, bundle string, out *os.File, latest func() []byte, extra []*os.File) (int, error) {
	pidFile := filepath.Join(bundle, "init.pid")
	runtimeLog := filepath.Join(bundle, "runtime.log")
	cmd := r.command(ctx, runtimeLog, "run", "--detach", "--bundle", bundle, "--pid-file", pidFile,
		"--preserve-fds", fmt.Sprint(len(extra)), id)
	cmd.ExtraFiles = extra
	in, err := emptyInput()
	if err != nil {
		return 0, err
	}
	defer in.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, out, out
	if err := cmd.Run(); err != nil {
		logged, _ := os.ReadFile(runtimeLog)
		said := append(logged, latest()...)
		if alreadyExists(said, id) {
			return 0, hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_EXISTS,
				"%s already has a container %s; refusing to take it over", r.Name, id)
		}
		return 0, r.failure("run", err, said)
	}
	return readPid(pidFile)
}

// emptyInput returns the read end of a pipe whose write end is closed: the init's stdin,
// which reads end of file and, unlike the host's /dev/null, is no host file to reopen.
func emptyInput() (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "the agent's input pipe")
	}
	w.Close()
	return r, nil
}

// alreadyExists recognises the runtimes' answer to `run` with an id they already hold:
// runc's "container with given ID already exists", crun's "container `ID` already exists".
// Any other failure may have left state of ours under the id, which Close must delete.
func alreadyExists(output []byte, id string) bool {
	s := string(output)
	return strings.Contains(s, "container with given ID already exists") || strings.Contains(s, "container `"+id+"` already exists")
}

func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, hresult.Wrap(err, hresult.E_FAIL, "reading the container's pid")
	}
	var pid int
	if _, err := fmt.Sscan(string(b), &pid); err != nil || pid <= 0 {
		return 0, hresult.Errorf(hresult.E_FAIL, "the runtime's pid file of the container holds %q", b)
	}
	return pid, nil
}

// Kill sends a signal to the container's init.
func (r *Runtime) Kill(ctx context.Context, id, signal string) error {
	_, err := r.run(ctx, "kill", id, signal)
	return err
}

// Delete removes the container's runtime state, killing it first if it still runs. A
// container the runtime does not know (never created, or deleted already) is not an error,
// which saves a state query before every delete.
func (r *Runtime) Delete(ctx context.Context, id string) error {
	var err error
	for range deleteAttempts {
		var out []byte
		out, err = r.run(ctx, "delete", "--force", id)
		if err == nil || notExist(out) {
			return nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return err
}

// deleteAttempts is how many times Delete runs the runtime: a delete that died (killed, or
// crashed) half way leaves the entry, and running it again, which is safe, removes it.
const deleteAttempts = 2

// notExist recognises the runtimes' "no such container" answers.
func notExist(output []byte) bool {
	s := strings.ToLower(string(output))
	return strings.Contains(s, "does not exist") || strings.Contains(s, "not found") || strings.Contains(s, "no such file")
}

// Pause freezes every process of the container.
func (r *Runtime) Pause(ctx context.Context, id string) error {
	_, err := r.run(ctx, "pause", id)
	return err
}

// Resume thaws a paused container.
func (r *Runtime) Resume(ctx context.Context, id string) error {
	_, err := r.run(ctx, "resume", id)
	return err
}

// Update changes resource limits (runtime update --memory ..., --cpu-quota ...).
func (r *Runtime) Update(ctx context.Context, id string, flags ...string) error {
	_, err := r.run(ctx, append(append([]string{"update"}, flags...), id)...)
	return err
}

// Exists reports whether the runtime still has state for id.
func (r *Runtime) Exists(ctx context.Context, id string) bool {
	_, err := r.run(ctx, "state", id)
	return err == nil
}

// ContainerState is what the runtime reports about one of its containers.
type ContainerState struct {
	// Status is "creating", "created", "running", "paused" or "stopped".
	Status string `json:"status"`
	// Pid is the container's init on the host; 0 when it never ran.
	Pid int `json:"pid"`
	// Rootfs is the root filesystem the bundle named.
	Rootfs string `json:"rootfs"`
}

// State returns the runtime's view of container id; ok is false when the runtime does not
// know it.
func (r *Runtime) State(ctx context.Context, id string) (st ContainerState, ok bool, err error) {
	cmd := r.command(ctx, "", "state", id)
	var out, diag bytes.Buffer // stdout alone holds the JSON; warnings go to stderr
	cmd.Stdout, cmd.Stderr = &out, &diag
	if err := cmd.Run(); err != nil {
		if notExist(diag.Bytes()) {
			return st, false, nil
		}
		return st, false, r.failure("state", err, diag.Bytes())
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		return st, false, hresult.Wrap(err, hresult.E_FAIL, r.Name+" state "+id)
	}
	return st, true, nil
}
