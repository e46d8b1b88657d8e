/* reconnect.c - hcsd goes away and comes back while the program runs. The harness runs it with
 * pipes: the program prints "stop hcsd" and waits for a line on stdin, the harness stops hcsd,
 * and after the disconnect event the program prints "start hcsd" and waits again. Handles of the
 * lost connection then fail with HCS_E_SERVICE_DISCONNECT, and the next call that needs no
 * handle connects again: the container survived and is opened by id. */
#include <string.h>

#include "hcstest.h"

static test_event disconnected;

static void CALLBACK on_event(HCS_EVENT *event, void *context)
{
	(void)context;
	if (event->Type == HcsEventServiceDisconnect)
		event_set(&disconnected);
}

/* ask prints a request to the harness and waits for its answer. */
static void ask(const char *request)
{
	char line[64];
	test_log("%s", request);
	if (fgets(line, sizeof line, stdin) == NULL)
		test_fail(__FILE__, __LINE__, "the harness did not answer %s", request);
}

int main(void)
{
	event_init(&disconnected);
	PWSTR config = container_config("reconnect");
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	HCS_SYSTEM sys = NULL;
	CHECK_HR(HcsCreateComputeSystem(u"capi-reconnect", config, op, NULL, &sys), S_OK);
	free(config);
	WAIT_OP(op, S_OK);
	CHECK_HR(HcsStartComputeSystem(sys, op, NULL), S_OK);
	WAIT_OP(op, S_OK);
	CHECK_HR(HcsSetComputeSystemCallback(sys, HcsEventOptionNone, NULL, on_event), S_OK);

	ask("stop hcsd");
	EVENT_WAIT(&disconnected, 1, "HcsEventServiceDisconnect");
	CHECK_HR(HcsGetComputeSystemProperties(sys, op, NULL), HCS_E_SERVICE_DISCONNECT);
	HCS_SYSTEM again = NULL;
	CHECK_HR(HcsOpenComputeSystem(u"capi-reconnect", GENERIC_ALL, &again), HCS_E_SERVICE_NOT_AVAILABLE);
	test_log("ok: HcsEventServiceDisconnect; the old handle gives HCS_E_SERVICE_DISCONNECT");

	ask("start hcsd");
	HcsCloseComputeSystem(sys);
	CHECK_HR(HcsOpenComputeSystem(u"capi-reconnect", GENERIC_ALL, &again), S_OK);
	CHECK_HR(HcsGetComputeSystemProperties(again, op, NULL), S_OK);
	PWSTR doc = NULL;
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), S_OK);
	CHECK_DOC(doc, "\"State\":\"Running\"");
	LocalFree(doc);
	CHECK_HR(HcsTerminateComputeSystem(again, op, NULL), S_OK);
	WAIT_OP(op, S_OK);
	HcsCloseComputeSystem(again);
	HcsCloseOperation(op);
	test_log("ok: the library connected again; the container survived hcsd's restart");
	test_log("PASS reconnect");
	return 0;
}
