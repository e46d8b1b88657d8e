package host

import (
	"context"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// CreateSystem implements wire.Service.
func (s *Session) CreateSystem(ctx context.Context, ref wire.Ref, id, config string) error {
	if err := s.checkNewRef(ref); err != nil {
		return err
	}
	return s.h.create(ctx, s, ref, id, config)
}

// OpenSystem implements wire.Service.
func (s *Session) OpenSystem(ctx context.Context, ref wire.Ref, id string) error {
	return s.h.open(s, ref, id)
}

// CloseSystem implements wire.Service.
func (s *Session) CloseSystem(ctx context.Context, ref wire.Ref) error {
	sys, err := s.takeSystem(ref)
	if err != nil {
		return err
	}
	sys.release(handleKey{s, ref})
	return nil
}

// SystemOp implements wire.Service.
func (s *Session) SystemOp(ctx context.Context, ref wire.Ref, op wire.SystemOp, options string) error {
	sys, err := s.system(ref)
	if err != nil {
		return err
	}
	return sys.lifecycle(ctx, op, options)
}

// SystemProperties implements wire.Service.
func (s *Session) SystemProperties(ctx context.Context, ref wire.Ref, query string) (string, error) {
	sys, err := s.system(ref)
	if err != nil {
		return "", err
	}
	return sys.properties(ctx, query)
}

// ModifySystem implements wire.Service.
func (s *Session) ModifySystem(ctx context.Context, ref wire.Ref, request string) error {
	sys, err := s.system(ref)
	if err != nil {
		return err
	}
	return sys.modify(ctx, request)
}

// EnumerateSystems implements wire.Service.
func (s *Session) EnumerateSystems(ctx context.Context, query string) (string, error) {
	return s.h.enumerate(query)
}

// CreateProcess implements wire.Service.
func (s *Session) CreateProcess(ctx context.Context, ref, newRef wire.Ref, params string) (wire.ProcessInfo, error) {
	sys, err := s.system(ref)
	if err != nil {
		return wire.ProcessInfo{}, err
	}
	if err := s.checkNewRef(newRef); err != nil {
		return wire.ProcessInfo{}, err
	}
	if err := sys.awaitRecovery(ctx); err != nil {
		return wire.ProcessInfo{}, err // a process starts in a guest that is reattached
	}
	info, err := sys.createProcess(ctx, s, newRef, params)
	return info, err
}

// OpenProcess implements wire.Service.
func (s *Session) OpenProcess(ctx context.Context, ref, newRef wire.Ref, pid uint32) error {
	sys, err := s.system(ref)
	if err != nil {
		return err
	}
	if err := sys.awaitRecovery(ctx); err != nil {
		return err // the processes that outlived a restart are known once it is reattached
	}
	err = sys.openProcess(s, newRef, pid)
	return err
}

// CloseProcess implements wire.Service.
func (s *Session) CloseProcess(ctx context.Context, ref wire.Ref) error {
	p, err := s.takeProcess(ref)
	if err != nil {
		return err
	}
	p.release(handleKey{s, ref})
	return nil
}

// ProcessOp implements wire.Service.
func (s *Session) ProcessOp(ctx context.Context, ref wire.Ref, op wire.ProcessOp, options string) error {
	p, err := s.process(ref)
	if err != nil {
		return err
	}
	switch op {
	case wire.OpTerminateProcess:
		if err := schema.CheckReserved("options", options); err != nil {
			return err
		}
		return p.terminate(ctx)
	case wire.OpSignalProcess:
		return p.signal(ctx, options)
	}
	return hresult.Errorf(hresult.E_INVALIDARG, "unknown process operation %q", op)
}

// ProcessInfo implements wire.Service.
func (s *Session) ProcessInfo(ctx context.Context, ref wire.Ref) (wire.ProcessInfo, error) {
	p, err := s.process(ref)
	if err != nil {
		return wire.ProcessInfo{}, err
	}
	return p.info()
}

// ProcessProperties implements wire.Service.
func (s *Session) ProcessProperties(ctx context.Context, ref wire.Ref, query string) (string, error) {
	p, err := s.process(ref)
	if err != nil {
		return "", err
	}
	if err := schema.CheckReserved("propertyQuery", query); err != nil {
		return "", err
	}
	return p.properties(), nil
}

// ModifyProcess implements wire.Service.
func (s *Session) ModifyProcess(ctx context.Context, ref wire.Ref, request string) error {
	p, err := s.process(ref)
	if err != nil {
		return err
	}
	return p.modify(ctx, request)
}

// ServiceProperties implements wire.Service.
func (s *Session) ServiceProperties(ctx context.Context, query string) (string, error) {
	return s.h.serviceProperties(query)
}

// ModifyServiceSettings implements wire.Service.
func (s *Session) ModifyServiceSettings(ctx context.Context, settings string) error {
	return s.h.modifyServiceSettings(settings)
}

// SubmitWerReport implements wire.Service.
func (s *Session) SubmitWerReport(ctx context.Context, report string) error {
	return s.h.submitWerReport(report)
}
