#define _GNU_SOURCE
#include "hcstest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void test_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(SKIP_EXIT);
}

void test_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

const char *hr_name(HRESULT hr)
{
	static const struct {
		HRESULT hr;
		const char *name;
	} names[] = {
		{S_OK, "S_OK"},
		{E_NOTIMPL, "E_NOTIMPL"},
		{E_POINTER, "E_POINTER"},
		{E_FAIL, "E_FAIL"},
		{E_HANDLE, "E_HANDLE"},
		{E_INVALIDARG, "E_INVALIDARG"},
		{E_ACCESSDENIED, "E_ACCESSDENIED"},
		{ERROR_NOT_FOUND, "ERROR_NOT_FOUND"},
		{ERROR_INVALID_DATA, "ERROR_INVALID_DATA"},
		{ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS"},
		{HCS_E_INVALID_LAYER, "HCS_E_INVALID_LAYER"},
		{ERROR_BUSY, "ERROR_BUSY"},
		{HCS_E_INVALID_STATE, "HCS_E_INVALID_STATE"},
		{HCS_E_INVALID_JSON, "HCS_E_INVALID_JSON"},
		{HCS_E_SYSTEM_NOT_FOUND, "HCS_E_SYSTEM_NOT_FOUND"},
		{HCS_E_SYSTEM_ALREADY_EXISTS, "HCS_E_SYSTEM_ALREADY_EXISTS"},
		{HCS_E_SYSTEM_ALREADY_STOPPED, "HCS_E_SYSTEM_ALREADY_STOPPED"},
		{HCS_E_SERVICE_NOT_AVAILABLE, "HCS_E_SERVICE_NOT_AVAILABLE"},
		{HCS_E_OPERATION_NOT_STARTED, "HCS_E_OPERATION_NOT_STARTED"},
		{HCS_E_OPERATION_ALREADY_STARTED, "HCS_E_OPERATION_ALREADY_STARTED"},
		{HCS_E_OPERATION_PENDING, "HCS_E_OPERATION_PENDING"},
		{HCS_E_OPERATION_TIMEOUT, "HCS_E_OPERATION_TIMEOUT"},
		{HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, "HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET"},
		{HCS_E_ACCESS_DENIED, "HCS_E_ACCESS_DENIED"},
		{HCS_E_SERVICE_DISCONNECT, "HCS_E_SERVICE_DISCONNECT"},
		{HCS_E_PROCESS_ALREADY_STOPPED, "HCS_E_PROCESS_ALREADY_STOPPED"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].hr == hr)
			return names[i].name;
	return "?";
}

char *u8(PCWSTR s)
{
	if (s == NULL)
		return strdup("(null)");
	size_t n = 0;
	while (s[n])
		n++;
	char *out = malloc(4 * n + 1), *p = out;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = s[i];
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
			i++;
		}
		if (c < 0x80) {
			*p++ = (char)c;
		} else if (c < 0x800) {
			*p++ = (char)(0xC0 | (c >> 6));
			*p++ = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			*p++ = (char)(0xE0 | (c >> 12));
			*p++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*p++ = (char)(0x80 | (c & 0x3F));
		} else {
			*p++ = (char)(0xF0 | (c >> 18));
			*p++ = (char)(0x80 | ((c >> 12) & 0x3F));
			*p++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*p++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*p = 0;
	return out;
}

PWSTR u16(const char *s)
{
	size_t n = strlen(s);
	PWSTR out = malloc((2 * n + 1) * sizeof(WCHAR)), p = out;
	const unsigned char *b = (const unsigned char *)s;
	while (*b) {
		uint32_t c;
		if (*b < 0x80) {
			c = *b++;
		} else if ((*b & 0xE0) == 0xC0 && b[1]) {
			c = ((uint32_t)(b[0] & 0x1F) << 6) | (b[1] & 0x3F);
			b += 2;
		} else if ((*b & 0xF0) == 0xE0 && b[1] && b[2]) {
			c = ((uint32_t)(b[0] & 0x0F) << 12) | ((uint32_t)(b[1] & 0x3F) << 6) | (b[2] & 0x3F);
			b += 3;
		} else if ((*b & 0xF8) == 0xF0 && b[1] && b[2] && b[3]) {
			c = ((uint32_t)(b[0] & 0x07) << 18) | ((uint32_t)(b[1] & 0x3F) << 12) |
			    ((uint32_t)(b[2] & 0x3F) << 6) | (b[3] & 0x3F);
			b += 4;
		} else {
			c = 0xFFFD;
			b++;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			*p++ = (WCHAR)(0xD800 + (c >> 10));
			*p++ = (WCHAR)(0xDC00 + (c & 0x3FF));
		} else {
			*p++ = (WCHAR)c;
		}
	}
	*p = 0;
	return out;
}

void check_doc(const char *file, int line, const char *expr, PCWSTR doc, const char *want)
{
	char *s = u8(doc);
	if (doc == NULL || strstr(s, want) == NULL)
		test_fail(file, line, "%s = %s, want it to contain %s", expr, s, want);
	free(s);
}

int json_int(PCWSTR doc, const char *name, long long *value)
{
	char *s = u8(doc), key[128];
	snprintf(key, sizeof key, "\"%s\"", name);
	char *p = strstr(s, key);
	int ok = 0;
	if (p != NULL) {
		p += strlen(key);
		while (*p == ' ' || *p == ':')
			p++;
		char *end;
		errno = 0;
		*value = strtoll(p, &end, 10);
		ok = end != p && errno == 0;
	}
	free(s);
	return ok;
}

const char *need_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL || *v == 0) {
		static char why[256];
		snprintf(why, sizeof why, "%s is not set (the test harness test/capi sets it)", name);
		test_skip(why);
	}
	return v;
}

PWSTR container_config(const char *name)
{
	const char *layer = need_env("HCS_TEST_LAYER"), *scratch = need_env("HCS_TEST_SCRATCH");
	char *doc = NULL;
	if (asprintf(&doc,
		     "{\"SchemaVersion\":{\"Major\":2,\"Minor\":1},\"Owner\":\"capi-test\","
		     "\"Container\":{\"Storage\":{\"Layers\":[{\"Id\":\"7c0c8f5e-63f4-4f0a-9d55-3a5b1c2d4e6f\","
		     "\"Path\":\"%s\"}],\"Path\":\"%s/%s-rw\"}}}",
		     layer, scratch, name) < 0)
		test_fail(__FILE__, __LINE__, "out of memory");
	PWSTR out = u16(doc);
	free(doc);
	return out;
}

void wait_op_at(const char *file, int line, HCS_OPERATION op, HRESULT want)
{
	PWSTR doc = NULL;
	HRESULT hr = HcsWaitForOperationResult(op, TEST_TIMEOUT_MS, &doc);
	if (hr != want) {
		char *s = u8(doc);
		test_fail(file, line, "operation of type %d returned %s (0x%08X), want %s; document %s",
			  (int)HcsGetOperationType(op), hr_name(hr), (unsigned)hr, hr_name(want), s);
	}
	LocalFree(doc);
}

int handle_fd(HANDLE h)
{
	return (int)(intptr_t)h;
}

void close_handle(HANDLE h)
{
	if (h != NULL && h != INVALID_HANDLE_VALUE)
		close(handle_fd(h));
}

char *read_all(HANDLE h)
{
	size_t cap = 256, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
		ssize_t r = read(handle_fd(h), buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			test_fail(__FILE__, __LINE__, "read(%d): %s", handle_fd(h), strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	close_handle(h);
	return buf;
}

void event_init(test_event *e)
{
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cond, NULL);
	e->count = 0;
}

void event_set(test_event *e)
{
	pthread_mutex_lock(&e->mu);
	e->count++;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->mu);
}

void event_wait_at(const char *file, int line, test_event *e, int n, const char *what)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += TEST_TIMEOUT_MS / 1000;
	pthread_mutex_lock(&e->mu);
	while (e->count < n) {
		if (pthread_cond_timedwait(&e->cond, &e->mu, &deadline) == ETIMEDOUT)
			test_fail(file, line, "timed out waiting for %s", what);
	}
	pthread_mutex_unlock(&e->mu);
}
