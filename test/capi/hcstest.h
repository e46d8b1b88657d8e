/* hcstest.h - helpers shared by the C tests of libcomputecore: checks that print what failed,
 * UTF-8 <-> UTF-16 conversion for printing and for documents that embed run-time paths, a small
 * JSON field reader, and an event to wait for callbacks with a time limit.
 *
 * A test program exits 0 when every check passed, 1 on the first failed check, and 77 when it
 * cannot run here (skipped). */
#ifndef HCSTEST_H
#define HCSTEST_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "computecore.h"
#include "computestorage.h"

#define SKIP_EXIT 77

/* Time limit of every wait in the tests, in milliseconds. */
#define TEST_TIMEOUT_MS 60000

/* CHECK fails the test when cond is false. */
#define CHECK(cond) \
	do { \
		if (!(cond)) \
			test_fail(__FILE__, __LINE__, "check failed: %s", #cond); \
	} while (0)

/* CHECK_HR fails the test unless expr returns the HRESULT want. */
#define CHECK_HR(expr, want) \
	do { \
		HRESULT got_ = (expr); \
		if (got_ != (HRESULT)(want)) \
			test_fail(__FILE__, __LINE__, "%s returned %s (0x%08X), want %s (0x%08X)", #expr, \
				  hr_name(got_), (unsigned)got_, hr_name(want), (unsigned)(want)); \
	} while (0)

/* CHECK_DOC fails the test unless the UTF-16 document doc contains the UTF-8 text want. */
#define CHECK_DOC(doc, want) check_doc(__FILE__, __LINE__, #doc, (doc), (want))

void test_fail(const char *file, int line, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));
void test_skip(const char *why) __attribute__((noreturn));
void test_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void check_doc(const char *file, int line, const char *expr, PCWSTR doc, const char *want);

/* The SDK name of an HRESULT the tests meet, or "?" */
const char *hr_name(HRESULT hr);

/* u8 returns s as a malloc'ed UTF-8 string ("(null)" for NULL); free it. */
char *u8(PCWSTR s);
/* u16 returns the UTF-8 string s as a malloc'ed UTF-16 string; free it. */
PWSTR u16(const char *s);

/* json_int finds "name": in the UTF-16 document doc and reads the integer after it. It returns
 * 0 when the field is missing. */
int json_int(PCWSTR doc, const char *name, long long *value);

/* A required environment variable: the test is skipped without it. */
const char *need_env(const char *name);

/* container_config returns a ComputeSystem document (UTF-16, free it) for a container on the
 * test layer ($HCS_TEST_LAYER) with a writable layer named name under $HCS_TEST_SCRATCH. */
PWSTR container_config(const char *name);

/* WAIT_OP waits for op; it fails the test unless the tracked call returns want. The result
 * document is released. */
#define WAIT_OP(op, want) wait_op_at(__FILE__, __LINE__, (op), (want))
void wait_op_at(const char *file, int line, HCS_OPERATION op, HRESULT want);

/* read_all reads the file descriptor behind h until end of file into a malloc'ed,
 * NUL-terminated buffer, and closes it. */
char *read_all(HANDLE h);

/* Closes the file descriptor behind a stdio HANDLE; NULL and INVALID_HANDLE_VALUE are absent. */
void close_handle(HANDLE h);
int handle_fd(HANDLE h);

/* An event that callbacks set and the test thread waits for. */
typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int count;
} test_event;

void event_init(test_event *e);
void event_set(test_event *e);
/* EVENT_WAIT waits until the event was set n times in all; it fails the test after
 * TEST_TIMEOUT_MS. */
#define EVENT_WAIT(e, n, what) event_wait_at(__FILE__, __LINE__, (e), (n), (what))
void event_wait_at(const char *file, int line, test_event *e, int n, const char *what);

#endif
