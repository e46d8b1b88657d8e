/* closeafter.c - a handle closed right after an asynchronous call does not drop the call: the
 * call took the handle when it was made, so it completes with its real result. Each call is
 * made on a handle of its own, closed at once, and its effect is checked through another
 * handle. */
#include <string.h>

#include "hcstest.h"

#define SYSTEM_ID u"capi-closeafter"

/* open_system returns a new handle to the test's system. */
static HCS_SYSTEM open_system(void)
{
	HCS_SYSTEM sys = NULL;
	CHECK_HR(HcsOpenComputeSystem(SYSTEM_ID, GENERIC_ALL, &sys), S_OK);
	return sys;
}

/* check_state fails unless the system, seen through keep, is in state (e.g. "Running"). */
static void check_state(HCS_SYSTEM keep, HCS_OPERATION op, const char *state)
{
	PWSTR doc = NULL;
	char want[64];
	snprintf(want, sizeof want, "\"State\":\"%s\"", state);
	CHECK_HR(HcsGetComputeSystemProperties(keep, op, NULL), S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK_DOC(doc, want);
	LocalFree(doc);
}

/* A process created on a system handle closed right after the call runs and exits. */
static void create_process_then_close(HCS_OPERATION op)
{
	HCS_SYSTEM sys = open_system();
	HCS_PROCESS proc = NULL;
	CHECK_HR(HcsCreateProcess(sys, u"{\"CommandArgs\":[\"/bin/sh\",\"-c\",\"exit 7\"]}", op, NULL, &proc), S_OK);
	HcsCloseComputeSystem(sys);
	HCS_PROCESS_INFORMATION info;
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, TEST_TIMEOUT_MS, &info, NULL), S_OK);
	CHECK(info.ProcessId > 0);
	PWSTR doc = NULL;
	long long code = -1;
	CHECK_HR(HcsWaitForProcessExit(proc, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK(json_int(doc, "ExitCode", &code) && code == 7);
	LocalFree(doc);
	HcsCloseProcess(proc);
	test_log("ok: HcsCreateProcess with its system handle closed at once");
}

/* A process terminated through a handle closed right after the call is killed. */
static void terminate_process_then_close(HCS_SYSTEM keep, HCS_OPERATION op)
{
	HCS_PROCESS proc = NULL, watch = NULL;
	HCS_PROCESS_INFORMATION info;
	CHECK_HR(HcsCreateProcess(keep, u"{\"CommandArgs\":[\"/bin/sleep\",\"600\"]}", op, NULL, &proc), S_OK);
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, TEST_TIMEOUT_MS, &info, NULL), S_OK);
	CHECK_HR(HcsOpenProcess(keep, info.ProcessId, GENERIC_ALL, &watch), S_OK);
	CHECK_HR(HcsTerminateProcess(proc, op, NULL), S_OK);
	HcsCloseProcess(proc);
	WAIT_OP(op, S_OK);
	PWSTR doc = NULL;
	long long code = -1;
	CHECK_HR(HcsWaitForProcessExit(watch, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK(json_int(doc, "ExitCode", &code) && code == 137);
	LocalFree(doc);
	HcsCloseProcess(watch);
	test_log("ok: HcsTerminateProcess with its handle closed at once");
}

int main(void)
{
	PWSTR config = container_config("closeafter");
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	HCS_SYSTEM sys = NULL;
	CHECK_HR(HcsCreateComputeSystem(SYSTEM_ID, config, op, NULL, &sys), S_OK);
	free(config);
	WAIT_OP(op, S_OK);
	HCS_SYSTEM keep = open_system();

	CHECK_HR(HcsStartComputeSystem(sys, op, NULL), S_OK);
	HcsCloseComputeSystem(sys);
	WAIT_OP(op, S_OK);
	check_state(keep, op, "Running");
	test_log("ok: HcsStartComputeSystem with its handle closed at once");

	sys = open_system();
	CHECK_HR(HcsModifyComputeSystem(sys, op, u"{\"ResourcePath\":\"Container/Memory/SizeInMB\",\"RequestType\":\"Update\",\"Settings\":128}", NULL), S_OK);
	HcsCloseComputeSystem(sys);
	WAIT_OP(op, S_OK);
	test_log("ok: HcsModifyComputeSystem with its handle closed at once");

	create_process_then_close(op);
	terminate_process_then_close(keep, op);

	sys = open_system();
	CHECK_HR(HcsTerminateComputeSystem(sys, op, NULL), S_OK);
	HcsCloseComputeSystem(sys);
	WAIT_OP(op, S_OK);
	PWSTR doc = NULL;
	CHECK_HR(HcsWaitForComputeSystemExit(keep, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK_DOC(doc, "\"ExitType\":\"ForcedExit\"");
	LocalFree(doc);
	test_log("ok: HcsTerminateComputeSystem with its handle closed at once");

	HcsCloseComputeSystem(keep);
	HcsCloseOperation(op);
	return 0;
}
