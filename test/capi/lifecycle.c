/* lifecycle.c - a container's whole life through the HCS C API, as a Windows program would run
 * it: create an operation, create a compute system from a ComputeSystem document, start it,
 * run processes with pipes, wait for their exit events, query properties, terminate, close.
 * Strings are u"" literals; only the document naming the layer is built at run time. */
#include <string.h>
#include <unistd.h>

#include "hcstest.h"

#define SYSTEM_ID u"capi-lifecycle"

typedef struct {
	test_event exited;
	HCS_EVENT_TYPE type;
	char *data;
} process_events;

static void CALLBACK on_process_event(HCS_EVENT *event, void *context)
{
	process_events *pe = context;
	if (event->Type != HcsEventProcessExited)
		return;
	pe->type = event->Type;
	pe->data = u8(event->EventData); /* EventData is valid only during the callback */
	CHECK(event->Operation == NULL);
	event_set(&pe->exited);
}

/* Runs sh -c script with a stdout pipe; checks the output and the exit code. */
static void run_process(HCS_SYSTEM sys, HCS_OPERATION op)
{
	HCS_PROCESS proc = NULL;
	CHECK_HR(HcsCreateProcess(sys,
				  u"{\"CommandArgs\":[\"/bin/sh\",\"-c\",\"echo hello from $(hostname) in C; exit 7\"],"
				  u"\"CreateStdOutPipe\":true}",
				  op, NULL, &proc),
		 S_OK);
	CHECK(proc != NULL);
	process_events pe;
	memset(&pe, 0, sizeof pe);
	event_init(&pe.exited);
	CHECK_HR(HcsSetProcessCallback(proc, HcsEventOptionNone, &pe, on_process_event), S_OK);

	HCS_PROCESS_INFORMATION info;
	PWSTR doc = NULL;
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, TEST_TIMEOUT_MS, &info, &doc), S_OK);
	CHECK(doc == NULL);
	CHECK(HcsGetOperationType(op) == HcsOperationTypeCreateProcess);
	CHECK(HcsGetProcessFromOperation(op) == proc);
	CHECK(HcsGetComputeSystemFromOperation(op) == sys);
	CHECK(info.ProcessId > 0);
	CHECK(info.StdInput == NULL && info.StdError == NULL);
	CHECK(handle_fd(info.StdOutput) > 2);
	char *out = read_all(info.StdOutput);
	CHECK(strstr(out, "hello from ") == out && strstr(out, " in C\n") != NULL);
	test_log("ok: process %u wrote: %s", (unsigned)info.ProcessId, out);
	free(out);

	EVENT_WAIT(&pe.exited, 1, "HcsEventProcessExited");
	CHECK(pe.type == HcsEventProcessExited);
	CHECK(strstr(pe.data, "\"Exited\":true") != NULL);
	CHECK(strstr(pe.data, "\"ExitCode\":7") != NULL);
	test_log("ok: HcsEventProcessExited with %s", pe.data);
	free(pe.data);

	/* The same status from a properties query and from HcsWaitForProcessExit. */
	CHECK_HR(HcsGetProcessProperties(proc, op, NULL), S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), S_OK);
	long long v = -1;
	CHECK(json_int(doc, "ExitCode", &v) && v == 7);
	CHECK(json_int(doc, "LastWaitResult", &v) && v == 0);
	CHECK(json_int(doc, "ProcessId", &v) && v == info.ProcessId);
	LocalFree(doc);
	CHECK_HR(HcsWaitForProcessExit(proc, 0, &doc), S_OK);
	CHECK(json_int(doc, "ExitCode", &v) && v == 7);
	LocalFree(doc);
	HcsCloseProcess(proc);
	test_log("ok: ProcessStatus reports exit code 7");
}

/* Runs cat with stdin and stdout pipes: what is written comes back; end of input is signalled
 * by closing the pipe and HcsModifyProcess CloseHandle. HcsGetProcessInfo gives the process
 * information again. */
static void run_cat(HCS_SYSTEM sys, HCS_OPERATION op)
{
	HCS_PROCESS proc = NULL;
	HCS_PROCESS_INFORMATION info;
	CHECK_HR(HcsCreateProcess(sys, u"{\"CommandArgs\":[\"/bin/cat\"],\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true}",
				  op, NULL, &proc),
		 S_OK);
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, TEST_TIMEOUT_MS, &info, NULL), S_OK);
	CHECK(info.StdInput != NULL && info.StdOutput != NULL && info.StdError == NULL);

	/* …AndProcessInfo on a GetProcessInfo operation: fresh duplicates; absent streams are
	 * INVALID_HANDLE_VALUE there. */
	HCS_OPERATION op2 = HcsCreateOperation(NULL, NULL);
	HCS_PROCESS_INFORMATION again;
	CHECK_HR(HcsGetProcessInfo(proc, op2), S_OK);
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op2, TEST_TIMEOUT_MS, &again, NULL), S_OK);
	CHECK(HcsGetOperationType(op2) == HcsOperationTypeGetProcessInfo);
	CHECK(again.ProcessId == info.ProcessId);
	CHECK(again.StdError == INVALID_HANDLE_VALUE);
	CHECK(again.StdInput != info.StdInput && again.StdOutput != info.StdOutput);
	close_handle(again.StdInput);
	close_handle(again.StdOutput);
	HcsCloseOperation(op2);

	const char msg[] = "ping through a pipe\n";
	CHECK(write(handle_fd(info.StdInput), msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1));
	close_handle(info.StdInput);
	CHECK_HR(HcsModifyProcess(proc, op, u"{\"Operation\":\"CloseHandle\",\"CloseHandle\":{\"Handle\":\"StdIn\"}}"), S_OK);
	WAIT_OP(op, S_OK);
	char *out = read_all(info.StdOutput);
	CHECK(strcmp(out, msg) == 0);
	free(out);
	PWSTR doc = NULL;
	CHECK_HR(HcsWaitForProcessExit(proc, TEST_TIMEOUT_MS, &doc), S_OK);
	long long code = -1;
	CHECK(json_int(doc, "ExitCode", &code) && code == 0);
	LocalFree(doc);
	HcsCloseProcess(proc);
	test_log("ok: stdin and stdout pipes as file descriptors; HcsGetProcessInfo");
}

int main(void)
{
	PWSTR config = container_config("lifecycle");
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	CHECK(op != NULL);
	CHECK(HcsGetOperationType(op) == HcsOperationTypeNone);

	HCS_SYSTEM sys = NULL;
	CHECK_HR(HcsCreateComputeSystem(SYSTEM_ID, config, op, NULL, &sys), S_OK);
	free(config);
	CHECK(sys != NULL);
	PWSTR doc = (PWSTR)u"not touched";
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK(doc == NULL); /* a successful create has no result document */
	CHECK(HcsGetOperationType(op) == HcsOperationTypeCreate);
	CHECK(HcsGetComputeSystemFromOperation(op) == sys);
	test_log("ok: created %s", "capi-lifecycle");

	/* The operation is reused for every call, as in Microsoft's sample. */
	CHECK_HR(HcsStartComputeSystem(sys, op, NULL), S_OK);
	WAIT_OP(op, S_OK);
	CHECK(HcsGetOperationType(op) == HcsOperationTypeStart);
	HCS_PROCESS_INFORMATION info;
	CHECK_HR(HcsGetOperationResultAndProcessInfo(op, &info, NULL), E_INVALIDARG);
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, 0, &info, NULL), E_INVALIDARG);
	test_log("ok: started; process information of a Start operation is E_INVALIDARG");

	run_process(sys, op);
	run_cat(sys, op);

	CHECK_HR(HcsGetComputeSystemProperties(sys, op, NULL), S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK_DOC(doc, "\"Id\":\"capi-lifecycle\"");
	CHECK_DOC(doc, "\"SystemType\":\"Container\"");
	CHECK_DOC(doc, "\"State\":\"Running\"");
	LocalFree(doc);
	CHECK_HR(HcsEnumerateComputeSystems(u"{\"Ids\":[\"capi-lifecycle\"]}", op), S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK_DOC(doc, "\"Id\":\"capi-lifecycle\"");
	LocalFree(doc);
	CHECK(HcsGetComputeSystemFromOperation(op) == NULL);
	test_log("ok: properties and enumeration");

	HCS_SYSTEM other = NULL;
	CHECK_HR(HcsOpenComputeSystem(SYSTEM_ID, GENERIC_ALL, &other), S_OK);
	CHECK(other != NULL && other != sys);
	CHECK_HR(HcsWaitForComputeSystemExit(other, 10, &doc), HCS_E_OPERATION_TIMEOUT);
	LocalFree(doc);
	HcsCloseComputeSystem(other);

	CHECK_HR(HcsTerminateComputeSystem(sys, op, NULL), S_OK);
	WAIT_OP(op, S_OK);
	CHECK_HR(HcsWaitForComputeSystemExit(sys, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK_DOC(doc, "\"ExitType\":\"ForcedExit\"");
	LocalFree(doc);
	CHECK_HR(HcsTerminateComputeSystem(sys, op, NULL), S_OK);
	WAIT_OP(op, HCS_E_SYSTEM_ALREADY_STOPPED);
	test_log("ok: terminated");

	HcsCloseComputeSystem(sys);
	HcsCloseOperation(op);
	CHECK_HR(HcsStartComputeSystem(sys, op, NULL), E_HANDLE);
	test_log("PASS lifecycle");
	return 0;
}
