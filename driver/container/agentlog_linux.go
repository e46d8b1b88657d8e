package container

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/tail"
)

const (
	// agentLogBudget bounds how much of one container's agent output goes to the service's
	// log: a process in the container can write to the pipe too, and must not flood it.
	agentLogBudget = 64 << 10
	// agentLogKeep is how much of the latest output is kept for error messages.
	agentLogKeep = 8 << 10
	// agentLogLine bounds one logged line; a longer one is logged in pieces.
	agentLogLine = 4 << 10
	// agentLogDrain bounds the wait for the output of a runtime that failed to start a
	// container, and for the last output of an init that exited.
	agentLogDrain = 500 * time.Millisecond
)

// agentLog carries the standard output and error of a container's init (the agent) to the
// service through a pipe. The init holds only the pipe's write end, never a host file: a
// process in the container that opens /proc/1/fd/1 or /proc/1/fd/2 reaches the pipe, and
// nothing it writes there lands anywhere but in the service's bounded log.
type agentLog struct {
	id   string // the compute-system id, logged with every line
	r    *os.File
	done chan struct{} // closed when the pipe has been read to its end

	tail *tail.Buffer // the latest output

	mu     sync.Mutex
	logged int // bytes passed to the service's log so far
}

// newAgentLog makes the pipe and starts reading it into log. The caller gives the write end
// to the runtime as the init's stdout and stderr and closes its own copy.
func newAgentLog(log *slog.Logger, id string) (*agentLog, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, hresult.Wrap(err, hresult.E_FAIL, "the agent's output pipe")
	}
	return followAgentLog(log, id, r), w, nil
}

// reopenAgentLog reads again, after a service restart, the pipe that the init with host pid
// pid writes its output to. An init whose stderr is not a pipe is left alone.
func reopenAgentLog(log *slog.Logger, id string, pid int) *agentLog {
	path := fmt.Sprintf("/proc/%d/fd/2", pid)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		log.Warn("the agent's output cannot be followed again", "id", id, "err", err)
		return nil
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		unix.Close(fd)
		return nil
	}
	return followAgentLog(log, id, os.NewFile(uintptr(fd), path))
}

func followAgentLog(log *slog.Logger, id string, r *os.File) *agentLog {
	l := &agentLog{id: id, r: r, done: make(chan struct{}), tail: tail.New(agentLogKeep)}
	go l.read(log)
	return l
}

// read logs the output line by line until the last writer is gone or the pipe is closed,
// and then closes it: a container that ends without Close (a failed recovery is cleaned up
// without one) leaves no descriptor behind.
func (l *agentLog) read(log *slog.Logger) {
	defer close(l.done)
	defer l.r.Close()
	br := bufio.NewReaderSize(l.r, agentLogLine)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			l.tail.Write(line)
			l.log(log, line)
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// log passes one line to the service's log while the container's budget lasts.
func (l *agentLog) log(log *slog.Logger, line []byte) {
	l.mu.Lock()
	before := l.logged
	l.logged += len(line)
	after := l.logged
	l.mu.Unlock()
	switch {
	case after <= agentLogBudget:
		log.Info("agent output", "id", l.id, "line", string(trimNewline(line)))
	case before <= agentLogBudget:
		log.Warn("agent output exceeds its budget; the rest is not logged", "id", l.id, "budget", agentLogBudget)
	}
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}

// latest returns the kept output, once the pipe has been read to its end or after
// agentLogDrain.
func (l *agentLog) latest() []byte {
	select {
	case <-l.done:
	case <-time.After(agentLogDrain):
	}
	return l.tail.Bytes()
}

// close stops reading, after the output left in the pipe was read or agentLogDrain passed.
func (l *agentLog) close() {
	select {
	case <-l.done:
	case <-time.After(agentLogDrain):
	}
	l.r.Close()
	<-l.done
}

// setAgentLog records the reader of the init's output, closing one recorded before.
func (s *System) setAgentLog(l *agentLog) {
	s.mu.Lock()
	old := s.alog
	s.alog = l
	s.mu.Unlock()
	if old != nil {
		old.close()
	}
}
