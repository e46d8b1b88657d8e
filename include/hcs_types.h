/*
 * hcs_types.h - the small part of the Windows SDK that the Linux HCS headers need: base types,
 * WINAPI/CALLBACK, the HRESULT codes HCS reports (the winerror.h subset of HCS-API.md §3), and
 * LocalFree/CoTaskMemFree, which release the strings the library returns.
 *
 * Strings are UTF-16 (WCHAR is 16 bits). In C, WCHAR is char16_t, so u"..." literals work, and a
 * translation unit compiled with -fshort-wchar may keep L"..." literals (both are arrays of
 * unsigned short). In C++ char16_t and wchar_t are distinct types: WCHAR is wchar_t when the
 * compiler's wchar_t is 16 bits (-fshort-wchar), char16_t otherwise.
 *
 * A program that brings its own definitions of these Windows types may define
 * HCS_NO_WINDOWS_TYPES before including any Linux HCS header; it then has to provide them.
 */
#ifndef HCS_TYPES_H
#define HCS_TYPES_H

#include <stddef.h>
#include <stdint.h>
#if !defined(__cplusplus)
#include <uchar.h>
#endif

#ifndef HCS_NO_WINDOWS_TYPES

/* The native calling convention of the platform (there is no stdcall on Linux). */
#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif

typedef int32_t HRESULT;
typedef uint32_t DWORD;
typedef uint64_t UINT64;
typedef int BOOL;
typedef void *HANDLE;
typedef void *HLOCAL;
typedef void *LPVOID;

#if defined(__cplusplus) && defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR;
#else
typedef char16_t WCHAR;
#endif
typedef WCHAR *PWSTR;
typedef const WCHAR *PCWSTR;

/* Opaque: the securityDescriptor parameters are reserved and must be NULL. */
typedef struct _SECURITY_DESCRIPTOR SECURITY_DESCRIPTOR;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* Timeouts are DWORD milliseconds; INFINITE waits forever. */
#define INFINITE 0xFFFFFFFF

/* Standard-stream HANDLEs are file descriptors: (HANDLE)(intptr_t)fd. An absent stream is
 * NULL or INVALID_HANDLE_VALUE. */
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)

/* The only access HcsOpenComputeSystem accepts. */
#define GENERIC_ALL 0x10000000

#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define HRESULT_FROM_WIN32(x) \
	((HRESULT)(x) <= 0 ? ((HRESULT)(x)) : ((HRESULT)(((uint32_t)(x) & 0x0000FFFF) | 0x80070000)))

/* The Win32 errors HCS reports (HCS-API.md §3.3), defined in their HRESULT form: an HRESULT
 * is what every function returns, and HRESULT_FROM_WIN32 leaves these values unchanged, so
 * both hr == ERROR_NOT_FOUND and hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND) hold. */
#define ERROR_SUCCESS 0
#define ERROR_ACCESS_DENIED ((HRESULT)0x80070005)
#define ERROR_INVALID_HANDLE ((HRESULT)0x80070006)
#define ERROR_INVALID_DATA ((HRESULT)0x8007000D)
#define ERROR_NOT_SUPPORTED ((HRESULT)0x80070032)
#define ERROR_ALREADY_EXISTS ((HRESULT)0x800700B7)
#define ERROR_NOT_FOUND ((HRESULT)0x80070490)
/* Not in the tables of HCS-API.md; the storage functions report them. */
#define ERROR_DISK_FULL ((HRESULT)0x80070070)
#define ERROR_BUSY ((HRESULT)0x800700AA)

/* Generic HRESULTs (HCS-API.md §3.3). */
#define S_OK ((HRESULT)0x00000000)
#define S_FALSE ((HRESULT)0x00000001)
#define E_NOTIMPL ((HRESULT)0x80004001)
#define E_POINTER ((HRESULT)0x80004003)
#define E_FAIL ((HRESULT)0x80004005)
#define E_UNEXPECTED ((HRESULT)0x8000FFFF)
#define E_ACCESSDENIED ((HRESULT)0x80070005)
#define E_HANDLE ((HRESULT)0x80070006)
#define E_OUTOFMEMORY ((HRESULT)0x8007000E)
#define E_INVALIDARG ((HRESULT)0x80070057)

#endif /* HCS_NO_WINDOWS_TYPES */

/* HCS HRESULTs (HCS-API.md §3.1). */
#define HCS_E_TERMINATED_DURING_START ((HRESULT)0x80370100)
#define HCS_E_IMAGE_MISMATCH ((HRESULT)0x80370101)
#define HCS_E_HYPERV_NOT_INSTALLED ((HRESULT)0x80370102)
#define HCS_E_INVALID_STATE ((HRESULT)0x80370105)
#define HCS_E_UNEXPECTED_EXIT ((HRESULT)0x80370106)
#define HCS_E_TERMINATED ((HRESULT)0x80370107)
#define HCS_E_CONNECT_FAILED ((HRESULT)0x80370108)
#define HCS_E_CONNECTION_TIMEOUT ((HRESULT)0x80370109)
#define HCS_E_CONNECTION_CLOSED ((HRESULT)0x8037010A)
#define HCS_E_UNKNOWN_MESSAGE ((HRESULT)0x8037010B)
#define HCS_E_UNSUPPORTED_PROTOCOL_VERSION ((HRESULT)0x8037010C)
#define HCS_E_INVALID_JSON ((HRESULT)0x8037010D)
#define HCS_E_SYSTEM_NOT_FOUND ((HRESULT)0x8037010E)
#define HCS_E_SYSTEM_ALREADY_EXISTS ((HRESULT)0x8037010F)
#define HCS_E_SYSTEM_ALREADY_STOPPED ((HRESULT)0x80370110)
#define HCS_E_PROTOCOL_ERROR ((HRESULT)0x80370111)
#define HCS_E_INVALID_LAYER ((HRESULT)0x80370112)
#define HCS_E_WINDOWS_INSIDER_REQUIRED ((HRESULT)0x80370113)
#define HCS_E_SERVICE_NOT_AVAILABLE ((HRESULT)0x80370114)
#define HCS_E_OPERATION_NOT_STARTED ((HRESULT)0x80370115)
#define HCS_E_OPERATION_ALREADY_STARTED ((HRESULT)0x80370116)
#define HCS_E_OPERATION_PENDING ((HRESULT)0x80370117)
#define HCS_E_OPERATION_TIMEOUT ((HRESULT)0x80370118)
#define HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET ((HRESULT)0x80370119)
#define HCS_E_OPERATION_RESULT_ALLOCATION_FAILED ((HRESULT)0x8037011A)
#define HCS_E_ACCESS_DENIED ((HRESULT)0x8037011B)
#define HCS_E_GUEST_CRITICAL_ERROR ((HRESULT)0x8037011C)
#define HCS_E_PROCESS_INFO_NOT_AVAILABLE ((HRESULT)0x8037011D)
#define HCS_E_SERVICE_DISCONNECT ((HRESULT)0x8037011E)
#define HCS_E_PROCESS_ALREADY_STOPPED ((HRESULT)0x8037011F)
#define HCS_E_SYSTEM_NOT_CONFIGURED_FOR_OPERATION ((HRESULT)0x80370120)
#define HCS_E_OPERATION_ALREADY_CANCELLED ((HRESULT)0x80370121)

/* Legacy vmcompute.dll forms of the same conditions (HCS-API.md §3.2). The library never
 * returns them; they are here for code that checks both forms. */
#define ERROR_VMCOMPUTE_TERMINATED_DURING_START ((HRESULT)0xC0370100)
#define ERROR_VMCOMPUTE_IMAGE_MISMATCH ((HRESULT)0xC0370101)
#define ERROR_VMCOMPUTE_HYPERV_NOT_INSTALLED ((HRESULT)0xC0370102)
#define ERROR_VMCOMPUTE_OPERATION_PENDING ((HRESULT)0xC0370103)
#define ERROR_VMCOMPUTE_TOO_MANY_NOTIFICATIONS ((HRESULT)0xC0370104)
#define ERROR_VMCOMPUTE_INVALID_STATE ((HRESULT)0xC0370105)
#define ERROR_VMCOMPUTE_UNEXPECTED_EXIT ((HRESULT)0xC0370106)
#define ERROR_VMCOMPUTE_TERMINATED ((HRESULT)0xC0370107)
#define ERROR_VMCOMPUTE_CONNECT_FAILED ((HRESULT)0xC0370108)
#define ERROR_VMCOMPUTE_TIMEOUT ((HRESULT)0xC0370109)
#define ERROR_VMCOMPUTE_CONNECTION_CLOSED ((HRESULT)0xC037010A)
#define ERROR_VMCOMPUTE_UNKNOWN_MESSAGE ((HRESULT)0xC037010B)
#define ERROR_VMCOMPUTE_UNSUPPORTED_PROTOCOL_VERSION ((HRESULT)0xC037010C)
#define ERROR_VMCOMPUTE_INVALID_JSON ((HRESULT)0xC037010D)
#define ERROR_VMCOMPUTE_SYSTEM_NOT_FOUND ((HRESULT)0xC037010E)
#define ERROR_VMCOMPUTE_SYSTEM_ALREADY_EXISTS ((HRESULT)0xC037010F)
#define ERROR_VMCOMPUTE_SYSTEM_ALREADY_STOPPED ((HRESULT)0xC0370110)
#define ERROR_VMCOMPUTE_PROTOCOL_ERROR ((HRESULT)0xC0370111)
#define ERROR_VMCOMPUTE_INVALID_LAYER ((HRESULT)0xC0370112)
#define ERROR_VMCOMPUTE_WINDOWS_INSIDER_REQUIRED ((HRESULT)0xC0370113)

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HCS_NO_WINDOWS_TYPES
/* Release a string the library returned (any PWSTR* out-parameter). Both names free the same
 * memory: LocalFree is what the HCS reference says, CoTaskMemFree what Microsoft's own clients
 * use. NULL is allowed. LocalFree returns NULL. */
HLOCAL WINAPI LocalFree(HLOCAL hMem);
void WINAPI CoTaskMemFree(LPVOID pv);
#endif

#ifdef __cplusplus
}
#endif

#endif /* HCS_TYPES_H */
