package main

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import "unsafe"

// goString decodes a NUL-terminated UTF-16 string from C; NULL is "".
func goString(p *C.WCHAR) string {
	if p == nil {
		return ""
	}
	n := int(C.hcs_wcslen(p))
	return decodeUTF16(unsafe.Slice((*uint16)(unsafe.Pointer(p)), n))
}

// cString16 returns s as a NUL-terminated UTF-16 string in memory from malloc, for the caller
// to release with LocalFree or CoTaskMemFree.
func cString16(s string) *C.WCHAR {
	units := encodeUTF16(s)
	p := C.malloc(C.size_t(len(units) * 2))
	copy(unsafe.Slice((*uint16)(p), len(units)), units)
	return (*C.WCHAR)(p)
}

// freeString16 releases a string made by cString16; nil is fine.
func freeString16(p *C.WCHAR) {
	C.free(unsafe.Pointer(p))
}

// setString stores s, or NULL when s is empty, in the optional out-parameter out.
func setString(out **C.WCHAR, s string) {
	if out == nil {
		return
	}
	if s == "" {
		*out = nil
		return
	}
	*out = cString16(s)
}

// clearString releases the string in the optional out-parameter out and sets it to NULL.
func clearString(out **C.WCHAR) {
	if out != nil {
		freeString16(*out)
		*out = nil
	}
}
