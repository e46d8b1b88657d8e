#include <stdlib.h>
#include <string.h>
#include "shim.h"

#define HIDDEN __attribute__((visibility("hidden")))

HIDDEN void hcs_call_completion(uintptr_t callback, uintptr_t operation, uintptr_t context)
{
	((HCS_OPERATION_COMPLETION)callback)((HCS_OPERATION)operation, (void *)context);
}

HIDDEN void hcs_call_event(uintptr_t callback, uint32_t type, const WCHAR *data, uintptr_t operation,
			   uintptr_t context)
{
	HCS_EVENT ev;
	memset(&ev, 0, sizeof ev);
	ev.Type = (HCS_EVENT_TYPE)type;
	ev.EventData = data;
	ev.Operation = (HCS_OPERATION)operation;
	((HCS_EVENT_CALLBACK)callback)(&ev, (void *)context);
}

HIDDEN void hcs_fill_process_info(HCS_PROCESS_INFORMATION *info, DWORD pid, intptr_t in, intptr_t out,
				  intptr_t err)
{
	info->ProcessId = pid;
	info->Reserved = 0;
	info->StdInput = (HANDLE)in;
	info->StdOutput = (HANDLE)out;
	info->StdError = (HANDLE)err;
}

HIDDEN void hcs_zero_process_info(HCS_PROCESS_INFORMATION *info)
{
	memset(info, 0, sizeof *info);
}

HIDDEN size_t hcs_wcslen(const WCHAR *s)
{
	size_t n = 0;
	while (s[n] != 0)
		n++;
	return n;
}

/* Strings the library returns are allocated with malloc; both Windows names release them. */
HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
	free(hMem);
	return NULL;
}

void WINAPI CoTaskMemFree(LPVOID pv)
{
	free(pv);
}
