package main

/*
#include "shim.h"
*/
import "C"

import (
	"runtime/cgo"
	"sync"
)

// handles maps the opaque C handles (HCS_OPERATION, HCS_SYSTEM, HCS_PROCESS) to the library's
// objects. A handle is a cgo.Handle: never zero and never reused, so a closed or made-up handle
// is recognised (it is not live) and the call fails with ERROR_INVALID_HANDLE instead of
// touching freed state. Each object is also found from the client object it wraps, for the
// borrowed handles of HcsGetComputeSystemFromOperation and HCS_EVENT.Operation.
var handles = struct {
	mu    sync.Mutex
	live  map[cgo.Handle]struct{}
	inner map[any]cgo.Handle // client object → handle
}{live: map[cgo.Handle]struct{}{}, inner: map[any]cgo.Handle{}}

// addHandle makes a handle for obj, which wraps the client object inner.
func addHandle(obj, inner any) C.uintptr_t {
	h := cgo.NewHandle(obj)
	handles.mu.Lock()
	handles.live[h] = struct{}{}
	handles.inner[inner] = h
	handles.mu.Unlock()
	return C.uintptr_t(h)
}

// lookup returns the object of handle v when it is live and of type T.
func lookup[T any](v C.uintptr_t) (T, bool) {
	var zero T
	h := cgo.Handle(v)
	handles.mu.Lock()
	_, ok := handles.live[h]
	handles.mu.Unlock()
	if !ok {
		return zero, false
	}
	obj, ok := h.Value().(T)
	return obj, ok
}

// removeHandle ends handle v if it is live and of type T, and returns its object.
func removeHandle[T any](v C.uintptr_t, inner func(T) any) (T, bool) {
	var zero T
	h := cgo.Handle(v)
	handles.mu.Lock()
	defer handles.mu.Unlock()
	if _, ok := handles.live[h]; !ok {
		return zero, false
	}
	obj, ok := h.Value().(T)
	if !ok {
		return zero, false
	}
	delete(handles.live, h)
	delete(handles.inner, inner(obj))
	h.Delete()
	return obj, true
}

// handleOf returns the live handle of the client object inner, or 0.
func handleOf(inner any) C.uintptr_t {
	handles.mu.Lock()
	defer handles.mu.Unlock()
	return C.uintptr_t(handles.inner[inner])
}

// objectOf returns the object whose client object is inner, when it has a live handle.
func objectOf[T any](inner any) (T, bool) {
	v := handleOf(inner)
	if v == 0 {
		var zero T
		return zero, false
	}
	return lookup[T](v)
}
