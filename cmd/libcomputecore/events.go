package main

/*
#include "shim.h"
*/
import "C"

import "github.com/linuxhcs/hcs/client"

// eventCallback returns the client callback that delivers a handle's events to the C event
// callback cb with context ctx. It runs on the goroutine the client delivers on, so the C
// callback may close the handle it was registered on without waiting for itself. EventData is
// valid only during the callback. An EventOperationCallback for an operation the caller has
// already closed is not delivered.
func eventCallback(cb, ctx C.uintptr_t) client.EventCallback {
	return func(ev client.Event) {
		var op C.uintptr_t
		if ev.Operation != nil {
			o, ok := objectOf[*opHandle](ev.Operation)
			if !ok {
				return
			}
			o.waitStarted()
			op = o.h
		}
		var data *C.WCHAR
		if ev.Data != "" {
			data = cString16(ev.Data)
			defer freeString16(data)
		}
		C.hcs_call_event(cb, C.uint32_t(ev.Type), data, op, ctx)
	}
}
