/* storage.c - the layer-storage functions (computestorage.h) and the VM file utilities,
 * through hcsd: import a layer, export it, a writable layer over it attached and detached,
 * destroy; guest- and runtime-state files and VM access grants. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hcstest.h"

static char scratch[4096];

/* path8 returns scratch/name (in a static buffer), path16 the same as malloc'ed UTF-16. */
static const char *path8(const char *name)
{
	static char buf[8192];
	snprintf(buf, sizeof buf, "%s/%s", scratch, name);
	return buf;
}

static PWSTR path16(const char *name)
{
	return u16(path8(name));
}

static int exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static void check_layers(void)
{
	const char *base = need_env("HCS_TEST_LAYER");
	PWSTR src = u16(base), layer = path16("imported"), export = path16("export"), rw = path16("rw");
	PCWSTR none = u"{\"SchemaVersion\":{\"Major\":2,\"Minor\":1},\"Layers\":[]}";

	CHECK_HR(HcsImportLayer(layer, src, none), S_OK);
	CHECK(exists(path8("imported/bin/busybox")));
	test_log("ok: HcsImportLayer from an extracted layer tree");

	CHECK(mkdir(path8("export"), 0755) == 0);
	CHECK_HR(HcsExportLayer(layer, export, none, u"{\"IsWritableLayer\":false}"), S_OK);
	CHECK(exists(path8("export/layer.tar")));
	test_log("ok: HcsExportLayer wrote layer.tar");

	char *data = NULL;
	CHECK(asprintf(&data, "{\"SchemaVersion\":{\"Major\":2,\"Minor\":1},\"Layers\":[{\"Id\":"
			      "\"0b5d3a57-6c1e-4d7e-8f2a-9c4b1e2d3f40\",\"Path\":\"%s\"}]}",
		       path8("imported")) > 0);
	PWSTR layerData = u16(data);
	free(data);
	CHECK_HR(HcsInitializeWritableLayer(rw, layerData, NULL), S_OK);
	CHECK_HR(HcsAttachLayerStorageFilter(rw, layerData), S_OK);
	CHECK(exists(path8("rw/bin/busybox"))); /* the union shows the parent's files */
	CHECK_HR(HcsDestroyLayer(layer), ERROR_BUSY); /* refused: the union uses it */
	CHECK(exists(path8("imported/bin/busybox")));
	CHECK_HR(HcsDetachLayerStorageFilter(rw), S_OK);
	CHECK(!exists(path8("rw/bin/busybox")));
	test_log("ok: HcsInitializeWritableLayer, HcsAttachLayerStorageFilter, HcsDetachLayerStorageFilter");

	CHECK_HR(HcsDestroyLayer(layer), S_OK);
	CHECK(!exists(path8("imported")));
	CHECK(mkdir(path8("plain"), 0755) == 0);
	PWSTR plain = path16("plain");
	CHECK_HR(HcsDestroyLayer(plain), HCS_E_INVALID_LAYER);
	CHECK(exists(path8("plain"))); /* not a layer: left alone */
	test_log("ok: HcsDestroyLayer destroys a layer and refuses a plain directory");
	free(src);
	free(layer);
	free(export);
	free(rw);
	free(layerData);
	free(plain);
}

static void check_vhd_handles(void)
{
	PWSTR mount = (PWSTR)u"not touched";
	CHECK_HR(HcsFormatWritableLayerVhd(NULL), E_INVALIDARG);
	CHECK_HR(HcsGetLayerVhdMountPath(NULL, &mount), E_INVALIDARG);
	CHECK(mount == NULL);
	CHECK_HR(HcsGetLayerVhdMountPath(INVALID_HANDLE_VALUE, &mount), E_HANDLE);
	int fd = open(path8("not-a-vhd"), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	/* The service receives the image: it is not attached anywhere. */
	CHECK_HR(HcsGetLayerVhdMountPath((HANDLE)(intptr_t)fd, &mount), ERROR_NOT_FOUND);
	CHECK(mount == NULL);
	CHECK(fcntl(fd, F_GETFD) >= 0); /* the caller's descriptor stays open */
	close(fd);
	test_log("ok: VHD handles are file descriptors the caller keeps");
}

static void check_vm_files(void)
{
	PWSTR vmgs = path16("guest.vmgs"), vmrs = path16("runtime.vmrs");
	CHECK_HR(HcsCreateEmptyGuestStateFile(vmgs), S_OK);
	CHECK(exists(path8("guest.vmgs")));
	CHECK_HR(HcsCreateEmptyRuntimeStateFile(vmrs), S_OK);
	CHECK(exists(path8("runtime.vmrs")));
	CHECK_HR(HcsGrantVmAccess(u"capi-vm", vmgs), S_OK);
	CHECK_HR(HcsRevokeVmAccess(u"capi-vm", vmgs), S_OK);
	CHECK_HR(HcsGrantVmGroupAccess(vmgs), S_OK);
	CHECK_HR(HcsRevokeVmGroupAccess(vmgs), S_OK);
	PCWSTR features = u"not touched";
	/* An empty runtime-state file records no saved processor. */
	CHECK_HR(HcsGetProcessorCompatibilityFromSavedState(vmrs, &features), ERROR_INVALID_DATA);
	CHECK(features == NULL);
	test_log("ok: VM state files and access grants");
	free(vmgs);
	free(vmrs);
}

int main(void)
{
	snprintf(scratch, sizeof scratch, "%s", need_env("HCS_TEST_SCRATCH"));
	check_layers();
	check_vhd_handles();
	check_vm_files();
	test_log("PASS storage");
	return 0;
}
