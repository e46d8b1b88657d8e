package host

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// UtilityHandler runs one utility function (see wire.UtilityFunc) with its string arguments
// and optional file, returning its string result.
type UtilityHandler func(ctx context.Context, args []string, file *os.File) (string, error)

// Utility implements wire.Service: it runs the handler the host was configured with for fn.
func (s *Session) Utility(ctx context.Context, fn wire.UtilityFunc, args []string, file *os.File) (string, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return "", errClosedSession()
	}
	h, ok := s.h.opts.Utilities[fn]
	if !ok {
		return "", hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s is not available in this service", truncateName(string(fn)))
	}
	return h(ctx, args, file)
}

func truncateName(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
