/* shim.h - the C side of libcomputecore that Go calls: callback trampolines and the helpers that
 * turn integers into the pointer-typed values of the C API, so the Go code never converts an
 * integer into a pointer. */
#ifndef HCS_SHIM_H
#define HCS_SHIM_H

#include <stdint.h>
#include "computedefs.h"

/* Calls an HCS_OPERATION_COMPLETION. */
void hcs_call_completion(uintptr_t callback, uintptr_t operation, uintptr_t context);

/* Calls an HCS_EVENT_CALLBACK with an HCS_EVENT on this thread's stack. */
void hcs_call_event(uintptr_t callback, uint32_t type, const WCHAR *data, uintptr_t operation, uintptr_t context);

/* Fills *info; the stream values are file descriptors, or -1 for INVALID_HANDLE_VALUE and 0 for
 * NULL. */
void hcs_fill_process_info(HCS_PROCESS_INFORMATION *info, DWORD pid, intptr_t in, intptr_t out, intptr_t err);

/* Clears *info. */
void hcs_zero_process_info(HCS_PROCESS_INFORMATION *info);

/* The length in code units of a NUL-terminated UTF-16 string. */
size_t hcs_wcslen(const WCHAR *s);

#endif
