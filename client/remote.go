package client

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/rpc"
	"github.com/linuxhcs/hcs/wire"
)

// remote is a wire.Service whose session lives in hcsd, reached over an rpc connection.
type remote struct {
	rc *rpc.Client
}

var _ wire.Service = (*remote)(nil)

func (r *remote) call(ctx context.Context, m wire.Method, a wire.Args) (*wire.Result, error) {
	res, files, err := r.rc.Call(ctx, m, &a)
	if len(files) > 0 { // only process calls carry files
		closeAll(files)
		return nil, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "%s: the service sent unexpected descriptors", m)
	}
	return res, err
}

func (r *remote) doc(ctx context.Context, m wire.Method, a wire.Args) (string, error) {
	res, err := r.call(ctx, m, a)
	if err != nil {
		return "", err
	}
	return res.Document, nil
}

func (r *remote) none(ctx context.Context, m wire.Method, a wire.Args) error {
	_, err := r.call(ctx, m, a)
	return err
}

// process makes a call whose result is a process with its stdio files.
func (r *remote) process(ctx context.Context, m wire.Method, a wire.Args) (wire.ProcessInfo, error) {
	res, files, err := r.rc.Call(ctx, m, &a)
	if err != nil {
		return wire.ProcessInfo{}, err
	}
	if res.Process == nil {
		closeAll(files)
		return wire.ProcessInfo{}, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "%s: the service sent no process information", m)
	}
	info := wire.ProcessInfo{ProcessID: res.Process.ProcessID}
	for _, s := range []struct {
		on bool
		f  **os.File
	}{{res.Process.StdInput, &info.StdInput}, {res.Process.StdOutput, &info.StdOutput}, {res.Process.StdError, &info.StdError}} {
		if s.on { // rpc checked that the count matches
			*s.f, files = files[0], files[1:]
		}
	}
	return info, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
