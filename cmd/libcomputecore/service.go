package main

/*
#include "shim.h"
*/
import "C"

import (
	"github.com/linuxhcs/hcs/client"
)

// HcsGetServiceProperties answers a Service_PropertyQuery; result receives the
// ServiceProperties document (a ResultError on failure).
//
//export HcsGetServiceProperties
func HcsGetServiceProperties(propertyQuery *C.WCHAR, result **C.WCHAR) C.HRESULT {
	if result == nil {
		return errPointer
	}
	*result = nil
	query := goString(propertyQuery)
	var doc string
	err := withClient(func(c *client.Client) error {
		var err error
		doc, err = c.GetServiceProperties(callCtx(), query)
		return err
	})
	return setResult(result, doc, err)
}

// HcsModifyServiceSettings applies a ModificationRequest; on failure the optional result
// receives a ResultError document.
//
//export HcsModifyServiceSettings
func HcsModifyServiceSettings(settings *C.WCHAR, result **C.WCHAR) C.HRESULT {
	setString(result, "")
	s := goString(settings)
	err := callOnce(func(c *client.Client) error { return c.ModifyServiceSettings(callCtx(), s) })
	return setResult(result, "", err)
}

// HcsSubmitWerReport stores a CrashReport document.
//
//export HcsSubmitWerReport
func HcsSubmitWerReport(settings *C.WCHAR) C.HRESULT {
	s := goString(settings)
	return hr(callOnce(func(c *client.Client) error { return c.SubmitWerReport(callCtx(), s) }))
}
