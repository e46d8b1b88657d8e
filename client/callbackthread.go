package client

import (
	"runtime"
	"syscall"
)

// Callbacks may close their own handle or operation, and Close must then return at once
// instead of waiting for the callback that called it. Close tells "called from inside the
// callback" from "called while the callback runs elsewhere" by OS thread: the goroutine that
// runs callbacks is locked to its thread for as long as it does, and no other goroutine can
// run on a locked thread, so a Close running on that thread is the callback's own. This also
// holds for a callback that calls into C which calls back into Go (the C library), since cgo
// runs such a nested call on the same thread.

// callbackThread is the id of an OS thread locked to a goroutine that runs callbacks.
type callbackThread int

// noCallbackThread is no thread: no callback is running.
const noCallbackThread callbackThread = 0

// lockCallbackThread locks the calling goroutine to its thread and returns the thread's id.
// The caller runs callbacks and then calls unlockCallbackThread.
func lockCallbackThread() callbackThread {
	runtime.LockOSThread()
	return callbackThread(syscall.Gettid())
}

// unlockCallbackThread ends what lockCallbackThread began.
func unlockCallbackThread() { runtime.UnlockOSThread() }

// onThread reports whether the calling goroutine runs on t. Since t is locked to the
// callback's goroutine while it is recorded, this is true only inside that callback; the
// caller checks it while t is known to be recorded (under the lock that guards the record).
func (t callbackThread) onThread() bool {
	return t != noCallbackThread && callbackThread(syscall.Gettid()) == t
}
