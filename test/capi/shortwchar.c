/* shortwchar.c - a program that keeps Windows' L"" literals, compiled with -fshort-wchar: it
 * runs a container and reads a process's output. */
#include <string.h>
#include <wchar.h>

#include "hcstest.h"

_Static_assert(sizeof(wchar_t) == sizeof(WCHAR), "compile with -fshort-wchar");

int main(void)
{
	PWSTR doc = NULL;
	CHECK_HR(HcsGetServiceProperties(L"{\"PropertyTypes\":[\"Basic\"]}", &doc), S_OK);
	LocalFree(doc);

	PWSTR config = container_config("shortwchar");
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	HCS_SYSTEM sys = NULL;
	CHECK_HR(HcsCreateComputeSystem(L"capi-shortwchar", config, op, NULL, &sys), S_OK);
	free(config);
	WAIT_OP(op, S_OK);
	CHECK_HR(HcsStartComputeSystem(sys, op, NULL), S_OK);
	WAIT_OP(op, S_OK);

	HCS_PROCESS proc = NULL;
	HCS_PROCESS_INFORMATION info;
	CHECK_HR(HcsCreateProcess(sys, L"{\"CommandArgs\":[\"/bin/echo\",\"wide \u00e9t\u00e9\"],\"CreateStdOutPipe\":true}", op,
				  NULL, &proc),
		 S_OK);
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, NULL), S_OK);
	char *out = read_all(info.StdOutput);
	CHECK(strcmp(out, "wide \xc3\xa9t\xc3\xa9\n") == 0);
	test_log("ok: L\"\" documents; the process wrote %s", out);
	free(out);
	HcsCloseProcess(proc);

	CHECK_HR(HcsTerminateComputeSystem(sys, op, NULL), S_OK);
	WAIT_OP(op, S_OK);
	HcsCloseComputeSystem(sys);
	HcsCloseOperation(op);
	test_log("PASS shortwchar");
	return 0;
}
