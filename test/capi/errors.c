/* errors.c - error paths of the HCS C API, checking exact HRESULTs.
 *
 *   errors offline   no service answers at $HCS_SOCKET: handle checks, argument checks,
 *                    HCS_E_SERVICE_NOT_AVAILABLE
 *   errors online    hcsd answers: invalid documents, unknown ids, the operation model's errors
 */
#include <string.h>

#include "hcstest.h"

static void check_bad_handles(void)
{
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	CHECK(op != NULL);
	HcsCloseOperation(op);
	/* A closed handle, a made-up one and NULL are all invalid handles. */
	HCS_OPERATION bad[] = {op, (HCS_OPERATION)(intptr_t)0x5eed, NULL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		PWSTR doc = (PWSTR)u"not touched";
		HCS_PROCESS_INFORMATION info;
		memset(&info, 0xAB, sizeof info);
		CHECK_HR(HcsGetOperationResult(bad[i], &doc), HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE));
		CHECK(doc == NULL);
		CHECK_HR(HcsWaitForOperationResult(bad[i], 0, NULL), E_HANDLE);
		CHECK_HR(HcsGetOperationResultAndProcessInfo(bad[i], &info, NULL), E_HANDLE);
		CHECK(info.ProcessId == 0 && info.StdOutput == NULL);
		CHECK_HR(HcsSetOperationContext(bad[i], &info), E_HANDLE);
		CHECK_HR(HcsSetOperationCallback(bad[i], NULL, NULL), E_HANDLE);
		CHECK(HcsGetOperationContext(bad[i]) == NULL);
		CHECK(HcsGetOperationId(bad[i]) == HCS_INVALID_OPERATION_ID);
		CHECK(HcsGetOperationType(bad[i]) == HcsOperationTypeNone);
		CHECK(HcsGetComputeSystemFromOperation(bad[i]) == NULL);
		CHECK(HcsGetProcessFromOperation(bad[i]) == NULL);
		HcsCloseOperation(bad[i]); /* closing an invalid handle is harmless */
	}

	/* System and process handles: closed, made up, or of the wrong kind. */
	HCS_OPERATION live = HcsCreateOperation(NULL, NULL);
	HCS_SYSTEM sys = (HCS_SYSTEM)live; /* an operation is not a system */
	HCS_PROCESS proc = (HCS_PROCESS)(intptr_t)0x5eed;
	HCS_PROCESS out = (HCS_PROCESS)(intptr_t)1;
	CHECK_HR(HcsStartComputeSystem(sys, live, NULL), E_HANDLE);
	CHECK_HR(HcsGetComputeSystemProperties(NULL, live, NULL), E_HANDLE);
	CHECK_HR(HcsSetComputeSystemCallback(sys, HcsEventOptionNone, NULL, NULL), E_HANDLE);
	CHECK_HR(HcsWaitForComputeSystemExit(sys, 0, NULL), E_HANDLE);
	CHECK_HR(HcsCreateProcess(sys, u"{}", live, NULL, &out), E_HANDLE);
	CHECK(out == NULL);
	CHECK_HR(HcsOpenProcess(sys, 1, GENERIC_ALL, &out), E_HANDLE);
	CHECK_HR(HcsTerminateProcess(proc, live, NULL), E_HANDLE);
	CHECK_HR(HcsGetProcessInfo(proc, live), E_HANDLE);
	CHECK_HR(HcsSetProcessCallback(proc, HcsEventOptionNone, NULL, NULL), E_HANDLE);
	CHECK_HR(HcsWaitForProcessExit(proc, 0, NULL), E_HANDLE);
	HcsCloseComputeSystem(sys); /* wrong kind: nothing happens to the operation */
	HcsCloseProcess(proc);
	CHECK(HcsGetOperationType(live) == HcsOperationTypeNone);
	HcsCloseOperation(live);
	test_log("ok: closed, made-up and wrong-kind handles give E_HANDLE");
}

static void check_idle_operation(void)
{
	int ctx = 0, ctx2 = 0;
	HCS_OPERATION op = HcsCreateOperation(&ctx, NULL);
	CHECK(op != NULL);
	CHECK(HcsGetOperationContext(op) == &ctx);
	CHECK_HR(HcsSetOperationContext(op, &ctx2), S_OK);
	CHECK(HcsGetOperationContext(op) == &ctx2);
	CHECK(HcsGetOperationType(op) == HcsOperationTypeNone);
	CHECK(HcsGetOperationId(op) != HCS_INVALID_OPERATION_ID);
	HCS_OPERATION other = HcsCreateOperation(NULL, NULL);
	CHECK(HcsGetOperationId(other) != HcsGetOperationId(op));
	HcsCloseOperation(other);

	PWSTR doc = NULL;
	HCS_PROCESS_INFORMATION info;
	CHECK_HR(HcsGetOperationResult(op, &doc), HCS_E_OPERATION_NOT_STARTED);
	CHECK(doc == NULL);
	CHECK_HR(HcsWaitForOperationResult(op, INFINITE, &doc), HCS_E_OPERATION_NOT_STARTED);
	CHECK_HR(HcsGetOperationResultAndProcessInfo(op, &info, &doc), HCS_E_OPERATION_NOT_STARTED);
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, 0, &info, NULL), HCS_E_OPERATION_NOT_STARTED);
	CHECK(HcsGetComputeSystemFromOperation(op) == NULL);
	CHECK_HR(HcsCancelOperation(op), E_NOTIMPL);
	HcsCloseOperation(op);
	test_log("ok: an idle operation reports HCS_E_OPERATION_NOT_STARTED; HcsCancelOperation gives E_NOTIMPL");
}

static void check_arguments(void)
{
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	CHECK_HR(HcsCreateComputeSystem(u"capi-args", u"{}", op, NULL, NULL), E_POINTER);
	CHECK_HR(HcsOpenComputeSystem(u"capi-args", GENERIC_ALL, NULL), E_POINTER);
	CHECK_HR(HcsGetServiceProperties(NULL, NULL), E_POINTER);
	HCS_SYSTEM sys = (HCS_SYSTEM)(intptr_t)1;
	CHECK_HR(HcsCreateComputeSystem(u"capi-args", u"{}", op, (const SECURITY_DESCRIPTOR *)&sys, &sys),
		 E_INVALIDARG);
	CHECK(sys == NULL);
	CHECK(HcsGetOperationType(op) == HcsOperationTypeNone);
	HcsCloseOperation(op);
	test_log("ok: NULL out-pointers give E_POINTER, a security descriptor E_INVALIDARG");
}

/* Without a service the storage and VM file functions report HCS_E_SERVICE_NOT_AVAILABLE; a
 * VHD handle that is not a file descriptor is refused before that. */
static void offline_utilities(void)
{
	const HRESULT na = HCS_E_SERVICE_NOT_AVAILABLE;
	PCWSTR out = u"not touched";
	PWSTR mount = (PWSTR)u"not touched";
	CHECK_HR(HcsCreateEmptyGuestStateFile(u"/tmp/capi.vmgs"), na);
	CHECK_HR(HcsCreateEmptyRuntimeStateFile(u"/tmp/capi.vmrs"), na);
	CHECK_HR(HcsGrantVmAccess(u"capi", u"/tmp/capi.vhdx"), na);
	CHECK_HR(HcsRevokeVmAccess(u"capi", u"/tmp/capi.vhdx"), na);
	CHECK_HR(HcsGrantVmGroupAccess(u"/tmp/capi.vhdx"), na);
	CHECK_HR(HcsRevokeVmGroupAccess(u"/tmp/capi.vhdx"), na);
	CHECK_HR(HcsGetProcessorCompatibilityFromSavedState(u"/tmp/capi.vmrs", &out), na);
	CHECK(out == NULL);
	CHECK_HR(HcsImportLayer(u"/tmp/l", u"/tmp/src", u"{}"), na);
	CHECK_HR(HcsExportLayer(u"/tmp/l", u"/tmp/dst", u"{}", NULL), na);
	CHECK_HR(HcsExportLegacyWritableLayer(u"/tmp/m", u"/tmp/f", u"/tmp/dst", u"{}"), na);
	CHECK_HR(HcsDestroyLayer(u"/tmp/l"), na);
	CHECK_HR(HcsSetupBaseOSLayer(u"/tmp/l", NULL, u"{\"Type\":\"Container\"}"), na);
	CHECK_HR(HcsSetupBaseOSVolume(u"/tmp/l", u"/tmp/v", NULL), na);
	CHECK_HR(HcsInitializeWritableLayer(u"/tmp/w", u"{}", NULL), na);
	CHECK_HR(HcsInitializeLegacyWritableLayer(u"/tmp/m", u"/tmp/f", u"{}", NULL), na);
	CHECK_HR(HcsAttachLayerStorageFilter(u"/tmp/l", u"{}"), na);
	CHECK_HR(HcsDetachLayerStorageFilter(u"/tmp/l"), na);
	CHECK_HR(HcsFormatWritableLayerVhd(NULL), na);
	CHECK_HR(HcsGetLayerVhdMountPath(NULL, &mount), na);
	CHECK(mount == NULL);
	CHECK_HR(HcsFormatWritableLayerVhd(INVALID_HANDLE_VALUE), E_HANDLE);
	CHECK_HR(HcsSetupBaseOSLayer(u"/tmp/l", INVALID_HANDLE_VALUE, NULL), E_HANDLE);
	CHECK_HR(HcsGetLayerVhdMountPath(NULL, NULL), E_POINTER);
	test_log("ok: with no service, the storage and VM file functions give HCS_E_SERVICE_NOT_AVAILABLE");
}

static void offline(void)
{
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	HCS_SYSTEM sys = (HCS_SYSTEM)(intptr_t)1;
	PWSTR doc = (PWSTR)u"not touched";
	CHECK_HR(HcsEnumerateComputeSystems(NULL, op), HCS_E_SERVICE_NOT_AVAILABLE);
	CHECK_HR(HcsCreateComputeSystem(u"capi-offline", u"{}", op, NULL, &sys), HCS_E_SERVICE_NOT_AVAILABLE);
	CHECK(sys == NULL);
	CHECK_HR(HcsOpenComputeSystem(u"capi-offline", GENERIC_ALL, &sys), HCS_E_SERVICE_NOT_AVAILABLE);
	CHECK_HR(HcsGetServiceProperties(NULL, &doc), HCS_E_SERVICE_NOT_AVAILABLE);
	CHECK_DOC(doc, "\"Error\":-2143878892");
	LocalFree(doc);
	CHECK_HR(HcsSubmitWerReport(u"{}"), HCS_E_SERVICE_NOT_AVAILABLE);
	HcsCloseOperation(op);
	test_log("ok: with no service, calls give HCS_E_SERVICE_NOT_AVAILABLE");
}

/* The service decodes and validates documents: an asynchronous call with an invalid document is
 * accepted and its operation completes with HCS_E_INVALID_JSON and a ResultError naming the
 * field; a synchronous call returns it. */
static void check_invalid_json(void)
{
	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	HCS_SYSTEM sys = NULL;
	PWSTR doc = NULL;

	/* A field of the wrong type: the error names it. The handle still has to be closed. */
	CHECK_HR(HcsCreateComputeSystem(u"capi-badjson",
					u"{\"SchemaVersion\":{\"Major\":2,\"Minor\":1},"
					u"\"Container\":{\"Storage\":{\"Layers\":7}}}",
					op, NULL, &sys),
		 S_OK);
	CHECK(sys != NULL);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), HCS_E_INVALID_JSON);
	CHECK_DOC(doc, "\"Error\":-2143878899");
	CHECK_DOC(doc, "Container.Storage.Layers");
	LocalFree(doc);
	CHECK(HcsGetOperationType(op) == HcsOperationTypeCreate);
	HcsCloseComputeSystem(sys);

	/* A member in the wrong place: the error names its JSON path and where it belongs. */
	sys = NULL;
	CHECK_HR(HcsCreateComputeSystem(u"capi-badjson", u"{\"Container\":{\"HostName\":\"x\"}}",
					op, NULL, &sys),
		 S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), HCS_E_INVALID_JSON);
	CHECK_DOC(doc, "$.Container.HostName: unknown member; HostName belongs in $.Container.GuestOs");
	LocalFree(doc);
	HcsCloseComputeSystem(sys);

	/* Not JSON at all. */
	sys = NULL;
	CHECK_HR(HcsCreateComputeSystem(u"capi-badjson", u"{not json", op, NULL, &sys), S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), HCS_E_INVALID_JSON);
	CHECK_DOC(doc, "\"ErrorMessage\"");
	LocalFree(doc);
	HcsCloseComputeSystem(sys);

	CHECK_HR(HcsEnumerateComputeSystems(u"{\"Ids\":\"capi\"}", op), S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), HCS_E_INVALID_JSON);
	CHECK_DOC(doc, "Ids");
	LocalFree(doc);

	CHECK_HR(HcsGetServiceProperties(u"{\"PropertyTypes\":7}", &doc), HCS_E_INVALID_JSON);
	CHECK_DOC(doc, "PropertyTypes");
	LocalFree(doc);
	HcsCloseOperation(op);
	test_log("ok: invalid documents give HCS_E_INVALID_JSON with a ResultError naming the field");
}

static void check_unknown_id(void)
{
	HCS_SYSTEM sys = (HCS_SYSTEM)(intptr_t)1;
	CHECK_HR(HcsOpenComputeSystem(u"capi-no-such-system", GENERIC_ALL, &sys), HCS_E_SYSTEM_NOT_FOUND);
	CHECK(sys == NULL);

	HCS_OPERATION op = HcsCreateOperation(NULL, NULL);
	PWSTR doc = NULL;
	CHECK_HR(HcsEnumerateComputeSystems(u"{\"Ids\":[\"capi-no-such-system\"]}", op), S_OK);
	CHECK_HR(HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc), S_OK);
	char *s = u8(doc);
	CHECK(strcmp(s, "[]") == 0);
	free(s);
	LocalFree(doc);

	/* Process information only comes from CreateProcess and GetProcessInfo operations. */
	HCS_PROCESS_INFORMATION info;
	CHECK_HR(HcsGetOperationResultAndProcessInfo(op, &info, NULL), E_INVALIDARG);
	CHECK_HR(HcsWaitForOperationResultAndProcessInfo(op, 0, &info, NULL), E_INVALIDARG);
	HcsCloseOperation(op);
	test_log("ok: an unknown id gives HCS_E_SYSTEM_NOT_FOUND; process information of an enumeration E_INVALIDARG");
}

static void check_service(void)
{
	PWSTR doc = NULL;
	CHECK_HR(HcsGetServiceProperties(u"{\"PropertyTypes\":[\"Basic\"]}", &doc), S_OK);
	CHECK_DOC(doc, "\"Properties\"");
	LocalFree(doc);
	CHECK_HR(HcsGetServiceProperties(NULL, &doc), S_OK);
	CHECK(doc != NULL);
	CoTaskMemFree(doc); /* both release functions free library strings */
	test_log("ok: HcsGetServiceProperties");
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "offline") != 0 && strcmp(argv[1], "online") != 0)) {
		fprintf(stderr, "usage: errors offline|online\n");
		return 2;
	}
	check_bad_handles();
	check_idle_operation();
	check_arguments();
	if (strcmp(argv[1], "offline") == 0) {
		offline();
		offline_utilities();
	} else {
		check_invalid_json();
		check_unknown_id();
		check_service();
	}
	test_log("PASS errors %s", argv[1]);
	return 0;
}
