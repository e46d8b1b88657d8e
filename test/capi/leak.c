/* leak.c - deliberately leaks a string the library returned. The harness runs it under valgrind
 * and expects a definite leak to be reported: the suppressions must not hide the library's
 * own allocations. */
#include "hcstest.h"

int main(void)
{
	PWSTR doc = NULL;
	HRESULT hr = HcsGetServiceProperties(NULL, &doc); /* fails without a service, with a ResultError */
	CHECK(doc != NULL);
	test_log("returned 0x%08X and a document that is never freed", (unsigned)hr);
	doc = NULL;
	return 0;
}
