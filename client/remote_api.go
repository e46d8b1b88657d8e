package client

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/wire"
)

// CreateSystem implements wire.Service.
func (r *remote) CreateSystem(ctx context.Context, ref wire.Ref, id, config string) error {
	return r.none(ctx, wire.MethodCreateSystem, wire.Args{NewRef: ref, ID: id, Document: config})
}

// OpenSystem implements wire.Service.
func (r *remote) OpenSystem(ctx context.Context, ref wire.Ref, id string) error {
	return r.none(ctx, wire.MethodOpenSystem, wire.Args{NewRef: ref, ID: id})
}

// CloseSystem implements wire.Service.
func (r *remote) CloseSystem(ctx context.Context, system wire.Ref) error {
	return r.none(ctx, wire.MethodCloseSystem, wire.Args{Ref: system})
}

// SystemOp implements wire.Service.
func (r *remote) SystemOp(ctx context.Context, system wire.Ref, op wire.SystemOp, options string) error {
	return r.none(ctx, wire.MethodSystemOp, wire.Args{Ref: system, Op: string(op), Document: options})
}

// SystemProperties implements wire.Service.
func (r *remote) SystemProperties(ctx context.Context, system wire.Ref, query string) (string, error) {
	return r.doc(ctx, wire.MethodSystemProperties, wire.Args{Ref: system, Document: query})
}

// ModifySystem implements wire.Service.
func (r *remote) ModifySystem(ctx context.Context, system wire.Ref, request string) error {
	return r.none(ctx, wire.MethodModifySystem, wire.Args{Ref: system, Document: request})
}

// EnumerateSystems implements wire.Service.
func (r *remote) EnumerateSystems(ctx context.Context, query string) (string, error) {
	return r.doc(ctx, wire.MethodEnumerateSystems, wire.Args{Document: query})
}

// CreateProcess implements wire.Service.
func (r *remote) CreateProcess(ctx context.Context, system, ref wire.Ref, params string) (wire.ProcessInfo, error) {
	return r.process(ctx, wire.MethodCreateProcess, wire.Args{Ref: system, NewRef: ref, Document: params})
}

// OpenProcess implements wire.Service.
func (r *remote) OpenProcess(ctx context.Context, system, ref wire.Ref, pid uint32) error {
	return r.none(ctx, wire.MethodOpenProcess, wire.Args{Ref: system, NewRef: ref, PID: pid})
}

// CloseProcess implements wire.Service.
func (r *remote) CloseProcess(ctx context.Context, process wire.Ref) error {
	return r.none(ctx, wire.MethodCloseProcess, wire.Args{Ref: process})
}

// ProcessOp implements wire.Service.
func (r *remote) ProcessOp(ctx context.Context, process wire.Ref, op wire.ProcessOp, options string) error {
	return r.none(ctx, wire.MethodProcessOp, wire.Args{Ref: process, Op: string(op), Document: options})
}

// ProcessInfo implements wire.Service.
func (r *remote) ProcessInfo(ctx context.Context, process wire.Ref) (wire.ProcessInfo, error) {
	return r.process(ctx, wire.MethodProcessInfo, wire.Args{Ref: process})
}

// ProcessProperties implements wire.Service.
func (r *remote) ProcessProperties(ctx context.Context, process wire.Ref, query string) (string, error) {
	return r.doc(ctx, wire.MethodProcessProperties, wire.Args{Ref: process, Document: query})
}

// ModifyProcess implements wire.Service.
func (r *remote) ModifyProcess(ctx context.Context, process wire.Ref, request string) error {
	return r.none(ctx, wire.MethodModifyProcess, wire.Args{Ref: process, Document: request})
}

// ServiceProperties implements wire.Service.
func (r *remote) ServiceProperties(ctx context.Context, query string) (string, error) {
	return r.doc(ctx, wire.MethodServiceProperties, wire.Args{Document: query})
}

// ModifyServiceSettings implements wire.Service.
func (r *remote) ModifyServiceSettings(ctx context.Context, settings string) error {
	return r.none(ctx, wire.MethodModifyServiceSettings, wire.Args{Document: settings})
}

// SubmitWerReport implements wire.Service.
func (r *remote) SubmitWerReport(ctx context.Context, report string) error {
	return r.none(ctx, wire.MethodSubmitWerReport, wire.Args{Document: report})
}

// Events implements wire.Service: the stream closes when the connection ends.
func (r *remote) Events() <-chan wire.Event { return r.rc.Events() }

// Close implements wire.Service: it ends the connection, and hcsd releases the session's
// handles.
func (r *remote) Close() error { return r.rc.Close() }

// Utility implements wire.Service.
func (r *remote) Utility(ctx context.Context, fn wire.UtilityFunc, args []string, file *os.File) (string, error) {
	res, files, err := r.rc.CallWithFile(ctx, wire.MethodUtility, &wire.Args{Op: string(fn), Strings: args}, file)
	closeAll(files)
	if err != nil {
		return "", err
	}
	return res.Document, nil
}
