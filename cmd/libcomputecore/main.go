// Command libcomputecore is the HCS C API (computecore.dll and computestorage.dll on Windows)
// as a C shared library, built with -buildmode=c-shared into bin/libcomputecore.so. Its
// headers are in include/ (computecore.h, computedefs.h, computestorage.h); docs/capi.md says
// how to build against it.
//
// Every exported function is a thin layer over package client: it converts UTF-16 strings,
// maps opaque C handles to client objects, turns errors into HRESULTs and returned strings
// into malloc'ed UTF-16 the caller releases with LocalFree or CoTaskMemFree. The library is a
// client of hcsd: it connects on first use, to $HCS_SOCKET or /run/hcs/hcsd.sock.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../include -Wall
#include "shim.h"
*/
import "C"

// main is never run: a c-shared build has no main program.
func main() {}
