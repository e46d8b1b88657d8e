package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// call serves one method on a session.
type call func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error)

// methods maps every wire.Method to the wire.Service method it calls.
var methods = map[wire.Method]call{
	wire.MethodCreateSystem: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.CreateSystem(ctx, a.NewRef, a.ID, a.Document))
	},
	wire.MethodOpenSystem: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.OpenSystem(ctx, a.NewRef, a.ID))
	},
	wire.MethodCloseSystem: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.CloseSystem(ctx, a.Ref))
	},
	wire.MethodSystemOp: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		op, err := systemOp(a.Op)
		if err != nil {
			return nil, nil, err
		}
		return none(svc.SystemOp(ctx, a.Ref, op, a.Document))
	},
	wire.MethodSystemProperties: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return doc(svc.SystemProperties(ctx, a.Ref, a.Document))
	},
	wire.MethodModifySystem: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.ModifySystem(ctx, a.Ref, a.Document))
	},
	wire.MethodEnumerateSystems: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return doc(svc.EnumerateSystems(ctx, a.Document))
	},
	wire.MethodCreateProcess: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return process(svc.CreateProcess(ctx, a.Ref, a.NewRef, a.Document))
	},
	wire.MethodOpenProcess: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.OpenProcess(ctx, a.Ref, a.NewRef, a.PID))
	},
	wire.MethodCloseProcess: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.CloseProcess(ctx, a.Ref))
	},
	wire.MethodProcessOp: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		op, err := processOp(a.Op)
		if err != nil {
			return nil, nil, err
		}
		return none(svc.ProcessOp(ctx, a.Ref, op, a.Document))
	},
	wire.MethodProcessInfo: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		info, err := svc.ProcessInfo(ctx, a.Ref)
		return process(info, err)
	},
	wire.MethodProcessProperties: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return doc(svc.ProcessProperties(ctx, a.Ref, a.Document))
	},
	wire.MethodModifyProcess: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.ModifyProcess(ctx, a.Ref, a.Document))
	},
	wire.MethodServiceProperties: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return doc(svc.ServiceProperties(ctx, a.Document))
	},
	wire.MethodModifyServiceSettings: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.ModifyServiceSettings(ctx, a.Document))
	},
	wire.MethodSubmitWerReport: func(ctx context.Context, svc wire.Service, a *wire.Args) (*wire.Result, []*os.File, error) {
		return none(svc.SubmitWerReport(ctx, a.Document))
	},
}

func doc(d string, err error) (*wire.Result, []*os.File, error) {
	if err != nil {
		return nil, nil, err
	}
	return &wire.Result{Document: d}, nil, nil
}

func none(err error) (*wire.Result, []*os.File, error) {
	if err != nil {
		return nil, nil, err
	}
	return &wire.Result{}, nil, nil
}

// process puts a process's pid and stdio files in a result; the files travel with it.
func process(info wire.ProcessInfo, err error) (*wire.Result, []*os.File, error) {
	if err != nil {
		return nil, nil, err
	}
	pf := &wire.ProcessFiles{ProcessID: info.ProcessID}
	var files []*os.File
	for _, s := range []struct {
		f  *os.File
		on *bool
	}{{info.StdInput, &pf.StdInput}, {info.StdOutput, &pf.StdOutput}, {info.StdError, &pf.StdError}} {
		if s.f != nil {
			*s.on = true
			files = append(files, s.f)
		}
	}
	return &wire.Result{Process: pf}, files, nil
}

func systemOp(op string) (wire.SystemOp, error) {
	switch o := wire.SystemOp(op); o {
	case wire.OpStart, wire.OpShutDown, wire.OpTerminate, wire.OpCrash, wire.OpPause, wire.OpResume, wire.OpSave:
		return o, nil
	}
	return "", hresult.Errorf(hresult.E_INVALIDARG, "unknown compute system operation %q", op)
}

func processOp(op string) (wire.ProcessOp, error) {
	switch o := wire.ProcessOp(op); o {
	case wire.OpTerminateProcess, wire.OpSignalProcess:
		return o, nil
	}
	return "", hresult.Errorf(hresult.E_INVALIDARG, "unknown process operation %q", op)
}

// readOnly lists the methods that change nothing; the others are audited.
var readOnly = map[wire.Method]bool{
	wire.MethodSystemProperties: true, wire.MethodEnumerateSystems: true, wire.MethodProcessInfo: true,
	wire.MethodProcessProperties: true, wire.MethodServiceProperties: true,
	wire.MethodOpenSystem: true, wire.MethodOpenProcess: true, wire.MethodCloseSystem: true, wire.MethodCloseProcess: true,
}

// session serves the requests of one connection.
type session struct {
	svc  wire.Service
	peer Peer
	log  *slog.Logger
}

// handle is the connection's rpc.Handler.
func (s *session) handle(ctx context.Context, m wire.Method, a *wire.Args, in []*os.File) (*wire.Result, []*os.File, error) {
	if m == wire.MethodUtility {
		s.audit(m, a)
		var file *os.File
		if len(in) > 0 {
			file = in[0]
		}
		return doc(s.svc.Utility(ctx, wire.UtilityFunc(a.Op), a.Strings, file))
	}
	fn, ok := methods[m]
	if !ok {
		return nil, nil, hresult.Errorf(hresult.HCS_E_UNKNOWN_MESSAGE, "unknown method %q", truncate(string(m), 64))
	}
	if !readOnly[m] {
		s.audit(m, a)
	}
	return fn(ctx, s.svc, a)
}

// audit logs a mutating call with who made it and a digest of its document.
func (s *session) audit(m wire.Method, a *wire.Args) {
	attrs := []any{"method", m, "uid", s.peer.UID, "pid", s.peer.PID}
	if a.ID != "" {
		attrs = append(attrs, "id", truncate(a.ID, 80))
	}
	if a.Ref != 0 {
		attrs = append(attrs, "ref", a.Ref)
	}
	if a.NewRef != 0 {
		attrs = append(attrs, "new_ref", a.NewRef)
	}
	if a.Op != "" {
		attrs = append(attrs, "op", truncate(a.Op, 32))
	}
	if a.Document != "" {
		sum := sha256.Sum256([]byte(a.Document))
		attrs = append(attrs, "sha256", hex.EncodeToString(sum[:8]))
	}
	s.log.Info("hcsd call", attrs...)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
