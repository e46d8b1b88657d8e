/* abi.c - the types of the headers have the sizes and layouts of HCS-API.md §2 on 64-bit
 * platforms, and a program links and runs against the library. The harness compiles it as C11,
 * as C with -fshort-wchar, and as C++. */
#include <stddef.h>
#include <stdio.h>

#include "computecore.h"
#include "computestorage.h"

#ifdef __cplusplus
#define STATIC_ASSERT static_assert
#else
#define STATIC_ASSERT _Static_assert
#endif

STATIC_ASSERT(sizeof(void *) == 8, "the layouts below are those of 64-bit platforms");
STATIC_ASSERT(sizeof(WCHAR) == 2, "WCHAR is UTF-16");
STATIC_ASSERT(sizeof(HRESULT) == 4 && (HRESULT)-1 < 0, "HRESULT is int32");
STATIC_ASSERT(sizeof(DWORD) == 4 && (DWORD)-1 > 0, "DWORD is uint32");
STATIC_ASSERT(sizeof(UINT64) == 8, "UINT64");
STATIC_ASSERT(sizeof(HCS_OPERATION_TYPE) == 4 && sizeof(HCS_EVENT_TYPE) == 4 && sizeof(HCS_EVENT_OPTIONS) == 4,
	      "the enums are 32 bits");

STATIC_ASSERT(offsetof(HCS_EVENT, Type) == 0, "HCS_EVENT.Type");
STATIC_ASSERT(offsetof(HCS_EVENT, EventData) == 8, "HCS_EVENT.EventData");
STATIC_ASSERT(offsetof(HCS_EVENT, Operation) == 16, "HCS_EVENT.Operation");
STATIC_ASSERT(sizeof(HCS_EVENT) == 24, "sizeof HCS_EVENT");

STATIC_ASSERT(offsetof(HCS_PROCESS_INFORMATION, ProcessId) == 0, "ProcessId");
STATIC_ASSERT(offsetof(HCS_PROCESS_INFORMATION, Reserved) == 4, "Reserved");
STATIC_ASSERT(offsetof(HCS_PROCESS_INFORMATION, StdInput) == 8, "StdInput");
STATIC_ASSERT(offsetof(HCS_PROCESS_INFORMATION, StdOutput) == 16, "StdOutput");
STATIC_ASSERT(offsetof(HCS_PROCESS_INFORMATION, StdError) == 24, "StdError");
STATIC_ASSERT(sizeof(HCS_PROCESS_INFORMATION) == 32, "sizeof HCS_PROCESS_INFORMATION");

STATIC_ASSERT(INFINITE == 0xFFFFFFFF, "INFINITE");
STATIC_ASSERT(HCS_INVALID_OPERATION_ID == 0xFFFFFFFFFFFFFFFFull, "HCS_INVALID_OPERATION_ID");
STATIC_ASSERT(HcsEventGroupVmLifecycle == (HRESULT)0x80000002, "group events are negative as int32");
STATIC_ASSERT(HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE) == E_HANDLE, "HRESULT_FROM_WIN32");
STATIC_ASSERT(HRESULT_FROM_WIN32(ERROR_NOT_FOUND) == (HRESULT)0x80070490, "ERROR_NOT_FOUND");

static void CALLBACK on_complete(HCS_OPERATION operation, void *context)
{
	(void)operation;
	(void)context;
}

int main(void)
{
	int context = 0;
	HCS_OPERATION op = HcsCreateOperation(&context, on_complete);
	if (op == NULL || HcsGetOperationContext(op) != &context || HcsGetOperationType(op) != HcsOperationTypeNone) {
		fprintf(stderr, "FAIL: a new operation\n");
		return 1;
	}
	HcsCloseOperation(op);
	if (HcsGetOperationResult(op, NULL) != E_HANDLE) {
		fprintf(stderr, "FAIL: a closed operation\n");
		return 1;
	}
	LocalFree(NULL);
	CoTaskMemFree(NULL);
	printf("PASS abi\n");
	return 0;
}
