/* callbacks.c - completion callbacks and event callbacks: they run on library threads with the
 * documented arguments, may call back into the library, may close the operation they report,
 * and may close the handle they were registered on (HcsCloseComputeSystem / HcsCloseProcess
 * from inside the handle's own callback must not deadlock). */
#include <string.h>

#include "hcstest.h"

static pthread_t main_thread;

/* ---- completion callbacks ---- */

typedef struct {
	test_event done;
	HCS_OPERATION op;
	int calls;
	HRESULT result;
	HCS_OPERATION_TYPE type;
	int result_is_array;
	HRESULT after_close;
} completion_state;

/* Reads the result inside the callback, starts a second enumeration with the same operation
 * from inside the callback the first time, and closes the operation the second time. */
static void CALLBACK on_enumerated(HCS_OPERATION operation, void *context)
{
	completion_state *st = context;
	CHECK(operation == st->op);
	CHECK(!pthread_equal(pthread_self(), main_thread));
	PWSTR doc = NULL;
	st->result = HcsGetOperationResult(operation, &doc);
	st->type = HcsGetOperationType(operation);
	st->result_is_array = doc != NULL && doc[0] == u'[';
	LocalFree(doc);
	st->calls++;
	if (st->calls == 1) {
		CHECK_HR(HcsEnumerateComputeSystems(NULL, operation), S_OK);
		return;
	}
	HcsCloseOperation(operation);
	st->after_close = HcsGetOperationResult(operation, NULL);
	event_set(&st->done);
}

static void check_completion_callbacks(void)
{
	completion_state st;
	memset(&st, 0, sizeof st);
	event_init(&st.done);
	st.op = HcsCreateOperation(&st, on_enumerated);
	CHECK(st.op != NULL);
	CHECK_HR(HcsEnumerateComputeSystems(NULL, st.op), S_OK);
	EVENT_WAIT(&st.done, 1, "the second completion callback");
	CHECK(st.calls == 2);
	CHECK_HR(st.result, S_OK);
	CHECK(st.type == HcsOperationTypeEnumerate);
	CHECK(st.result_is_array);
	CHECK_HR(st.after_close, E_HANDLE);
	CHECK(HcsGetOperationId(st.op) == HCS_INVALID_OPERATION_ID);
	test_log("ok: a completion callback reads the result, reuses and closes its operation");

	/* HcsSetOperationCallback sets context and callback after creation. */
	completion_state st2;
	memset(&st2, 0, sizeof st2);
	event_init(&st2.done);
	st2.op = HcsCreateOperation(NULL, NULL);
	CHECK_HR(HcsSetOperationCallback(st2.op, &st2, on_enumerated), S_OK);
	CHECK(HcsGetOperationContext(st2.op) == &st2);
	CHECK_HR(HcsEnumerateComputeSystems(NULL, st2.op), S_OK);
	EVENT_WAIT(&st2.done, 1, "the callback set with HcsSetOperationCallback");
	CHECK(st2.calls == 2);
	test_log("ok: HcsSetOperationCallback");
}

/* ---- event callbacks ---- */

typedef struct {
	HCS_SYSTEM sys;
	HCS_PROCESS proc;
	/* operations whose HcsEventOperationCallback closes them */
	HCS_OPERATION close_op[4];
	test_event op_events;
	int bad_operation_event;
	HCS_SYSTEM system_of_op[4];
	HCS_PROCESS process_of_op[4];
	HRESULT result_of_op[4];
	test_event exited;
	char *exit_data;
	int closed_in_callback;
	int wrong_thread;
} event_state;

static int slot_of(event_state *st, HCS_OPERATION op)
{
	for (int i = 0; i < 4; i++)
		if (st->close_op[i] == op)
			return i;
	return -1;
}

static void operation_event(event_state *st, HCS_EVENT *event)
{
	int i = slot_of(st, event->Operation);
	if (event->EventData != NULL || i < 0) {
		if (i >= 0)
			st->bad_operation_event = 1;
		return;
	}
	st->result_of_op[i] = HcsGetOperationResult(event->Operation, NULL);
	st->system_of_op[i] = HcsGetComputeSystemFromOperation(event->Operation);
	st->process_of_op[i] = HcsGetProcessFromOperation(event->Operation);
	HcsCloseOperation(event->Operation);
	event_set(&st->op_events);
}

static void CALLBACK on_system_event(HCS_EVENT *event, void *context)
{
	event_state *st = context;
	if (pthread_equal(pthread_self(), main_thread))
		st->wrong_thread = 1;
	switch (event->Type) {
	case HcsEventOperationCallback:
		operation_event(st, event);
		break;
	case HcsEventSystemExited:
		st->exit_data = u8(event->EventData);
		HcsCloseComputeSystem(st->sys); /* its own callback: returns at once */
		st->closed_in_callback = 1;
		event_set(&st->exited);
		break;
	default:
		break;
	}
}

static void CALLBACK on_process_event(HCS_EVENT *event, void *context)
{
	event_state *st = context;
	if (pthread_equal(pthread_self(), main_thread))
		st->wrong_thread = 1;
	switch (event->Type) {
	case HcsEventOperationCallback:
		operation_event(st, event);
		break;
	case HcsEventProcessExited:
		st->exit_data = u8(event->EventData);
		HcsCloseProcess(st->proc);
		st->closed_in_callback = 1;
		event_set(&st->exited);
		break;
	default:
		break;
	}
}

static void CALLBACK unexpected_completion(HCS_OPERATION operation, void *context)
{
	(void)operation;
	(void)context;
	test_fail(__FILE__, __LINE__, "a completion callback ran for a call that was refused");
}

static void reset(event_state *st)
{
	free(st->exit_data);
	memset(st, 0, sizeof *st);
	event_init(&st->op_events);
	event_init(&st->exited);
}

/* The process part: operation completions as process events, and a process handle closed
 * inside its own exit callback. */
static void check_process_events(HCS_SYSTEM sys, event_state *st)
{
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	HCS_PROCESS proc = NULL;
	CHECK_HR(HcsCreateProcess(sys, u"{\"CommandArgs\":[\"/bin/sleep\",\"600\"]}", op, NULL, &proc), S_OK);
	WAIT_OP(op, S_OK);
	HcsCloseOperation(op);

	reset(st);
	st->proc = proc;
	CHECK_HR(HcsSetProcessCallback(proc, HcsEventOptionEnableOperationCallbacks, st, on_process_event), S_OK);
	CHECK_HR(HcsSetProcessCallback(proc, HcsEventOptionNone, st, on_process_event),
		 HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET);

	st->close_op[0] = HcsCreateOperation(NULL, NULL);
	CHECK_HR(HcsGetProcessProperties(proc, st->close_op[0], NULL), S_OK);
	EVENT_WAIT(&st->op_events, 1, "HcsEventOperationCallback on the process");
	CHECK_HR(st->result_of_op[0], S_OK);
	CHECK(st->process_of_op[0] == proc);
	CHECK(st->system_of_op[0] == sys);

	HCS_OPERATION terminate = HcsCreateOperation(NULL, NULL);
	CHECK_HR(HcsTerminateProcess(proc, terminate, NULL), S_OK);
	WAIT_OP(terminate, S_OK);
	EVENT_WAIT(&st->exited, 1, "HcsEventProcessExited");
	CHECK(st->closed_in_callback);
	CHECK(strstr(st->exit_data, "\"Exited\":true") != NULL);
	CHECK(!st->bad_operation_event && !st->wrong_thread);
	HcsCloseOperation(terminate);
	CHECK_HR(HcsGetProcessInfo(proc, terminate), E_HANDLE);
	test_log("ok: process events: operation completions as events, HcsCloseProcess inside the exit callback");
}

static void check_event_callbacks(void)
{
	PWSTR config = container_config("callbacks");
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	HCS_SYSTEM sys = NULL;
	CHECK_HR(HcsCreateComputeSystem(u"capi-callbacks", config, op, NULL, &sys), S_OK);
	free(config);
	WAIT_OP(op, S_OK);
	HcsCloseOperation(op);

	static event_state st;
	reset(&st);
	st.sys = sys;
	CHECK_HR(HcsSetComputeSystemCallback(sys, HcsEventOptionEnableOperationCallbacks, &st, on_system_event), S_OK);
	CHECK_HR(HcsSetComputeSystemCallback(sys, HcsEventOptionNone, &st, on_system_event),
		 HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET);
	test_log("ok: a second event callback gives HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET");

	/* While operation completions are events, an operation with its own callback is refused. */
	HCS_OPERATION with_callback = HcsCreateOperation(NULL, unexpected_completion);
	CHECK_HR(HcsStartComputeSystem(sys, with_callback, NULL), HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET);
	HcsCloseOperation(with_callback);

	st.close_op[0] = HcsCreateOperation(NULL, NULL);
	CHECK_HR(HcsStartComputeSystem(sys, st.close_op[0], NULL), S_OK);
	EVENT_WAIT(&st.op_events, 1, "HcsEventOperationCallback for start");
	CHECK_HR(st.result_of_op[0], S_OK);
	CHECK(st.system_of_op[0] == sys);

	/* A process created on the system: its creation completes as an event of the system. */
	HCS_PROCESS proc = NULL;
	st.close_op[1] = HcsCreateOperation(NULL, NULL);
	CHECK_HR(HcsCreateProcess(sys, u"{\"CommandArgs\":[\"/bin/true\"]}", st.close_op[1], NULL, &proc), S_OK);
	EVENT_WAIT(&st.op_events, 2, "HcsEventOperationCallback for create process");
	CHECK_HR(st.result_of_op[1], S_OK);
	CHECK(st.process_of_op[1] == proc && proc != NULL);
	HcsCloseProcess(proc);
	CHECK(!st.bad_operation_event && !st.wrong_thread);
	test_log("ok: HcsEventOptionEnableOperationCallbacks delivers completions; the callback closes event->Operation");

	static event_state pst;
	check_process_events(sys, &pst);

	/* Terminate; the exit callback closes the system handle it was registered on. */
	HCS_OPERATION terminate = HcsCreateOperation(NULL, NULL);
	CHECK_HR(HcsTerminateComputeSystem(sys, terminate, NULL), S_OK);
	WAIT_OP(terminate, S_OK);
	EVENT_WAIT(&st.exited, 1, "HcsEventSystemExited");
	CHECK(st.closed_in_callback);
	CHECK(strstr(st.exit_data, "\"ExitType\":\"ForcedExit\"") != NULL);
	CHECK(!st.wrong_thread);
	CHECK_HR(HcsGetComputeSystemProperties(sys, terminate, NULL), E_HANDLE);
	HcsCloseOperation(terminate);
	test_log("ok: HcsEventSystemExited; HcsCloseComputeSystem inside the handle's own callback");
	reset(&st);
	reset(&pst);
}

int main(void)
{
	main_thread = pthread_self();
	check_completion_callbacks();
	check_event_callbacks();
	test_log("PASS callbacks");
	return 0;
}
