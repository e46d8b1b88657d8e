package main

import (
	"errors"

	"github.com/linuxhcs/hcs/hresult"
)

// toHresult returns err as an *hresult.Error for printing: the error itself when it is one,
// else err wrapped with the code hresult finds for it, so the printed line names each code
// once even when err is an *hresult.Error inside fmt.Errorf context.
func toHresult(err error) *hresult.Error {
	var he *hresult.Error
	if errors.As(err, &he) && he == err {
		return he
	}
	return hresult.Wrap(err, 0, "").(*hresult.Error)
}

// annotate puts what hcsdiag was doing in front of err's message and keeps its code, so the
// printed line names the code once: "NAME (0x...): reading doc.json: ...".
func annotate(err error, what string) error {
	if err == nil {
		return nil
	}
	var he *hresult.Error
	if errors.As(err, &he) {
		msg := he.Message
		if msg == "" {
			msg = he.Code.Text()
		}
		return &hresult.Error{Code: he.Code, Message: what + ": " + msg, Events: he.Events, Attribution: he.Attribution, Err: he.Err}
	}
	return hresult.Wrap(err, 0, what)
}

// invalidArg is an E_INVALIDARG error for input hcsdiag refuses before calling the service.
func invalidArg(format string, args ...any) error {
	return hresult.Errorf(hresult.E_INVALIDARG, format, args...)
}
