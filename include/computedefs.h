/*
 * computedefs.h - types of the Host Compute System API (HCS-API.md §1, §2) for Linux HCS:
 * handles, enumerations, HCS_EVENT, HCS_PROCESS_INFORMATION and the callback types, with the
 * values and layouts of Windows' ComputeDefs.h.
 */
#ifndef HCS_COMPUTEDEFS_H
#define HCS_COMPUTEDEFS_H

#include "hcs_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handles (DECLARE_HANDLE): distinct pointer types, NULL is never a valid handle. */
typedef struct HCS_OPERATION__ *HCS_OPERATION;
typedef struct HCS_SYSTEM__ *HCS_SYSTEM;
typedef struct HCS_PROCESS__ *HCS_PROCESS;
/* Declared for completeness; no computecore function uses it. */
typedef struct HCS_CALLBACK__ *HCS_CALLBACK;

/* Which function an operation was last used with (§2.1). */
typedef enum HCS_OPERATION_TYPE {
	HcsOperationTypeNone = -1,
	HcsOperationTypeEnumerate = 0,
	HcsOperationTypeCreate = 1,
	HcsOperationTypeStart = 2,
	HcsOperationTypeShutdown = 3,
	HcsOperationTypePause = 4,
	HcsOperationTypeResume = 5,
	HcsOperationTypeSave = 6,
	HcsOperationTypeTerminate = 7,
	HcsOperationTypeModify = 8,
	HcsOperationTypeGetProperties = 9,
	HcsOperationTypeCreateProcess = 10,
	HcsOperationTypeSignalProcess = 11,
	HcsOperationTypeGetProcessInfo = 12,
	HcsOperationTypeGetProcessProperties = 13,
	HcsOperationTypeModifyProcess = 14,
	HcsOperationTypeCrash = 15,
	HcsOperationTypeReserved1 = 16,
	HcsOperationTypeReserved2 = 17,
	HcsOperationTypeReserved3 = 18,
	HcsOperationTypeLiveMigration = 19
} HCS_OPERATION_TYPE;

/* Returned by HcsGetOperationId for an invalid operation. */
#define HCS_INVALID_OPERATION_ID ((UINT64)-1)

/* Events delivered to system and process callbacks (§2.2). The type is 32 bits wide; the
 * group events above 0x7FFFFFFF are negative as int32, as with the Windows compiler. */
typedef enum HCS_EVENT_TYPE {
	HcsEventInvalid = 0x00000000,
	HcsEventSystemExited = 0x00000001,
	HcsEventSystemCrashInitiated = 0x00000002,
	HcsEventSystemCrashReport = 0x00000003,
	HcsEventSystemRdpEnhancedModeStateChanged = 0x00000004,
	HcsEventSystemSiloJobCreated = 0x00000005,
	HcsEventSystemGuestConnectionClosed = 0x00000006,
	HcsEventProcessExited = 0x00010000,
	HcsEventOperationCallback = 0x01000000,
	HcsEventServiceDisconnect = 0x02000000,
	HcsEventGroupVmLifecycle = (int)0x80000002,
	HcsEventGroupLiveMigration = (int)0x80000003,
	HcsEventGroupOperationInfo = (int)0xC0000001
} HCS_EVENT_TYPE;

/* Options of HcsSetComputeSystemCallback / HcsSetProcessCallback (§2.3), bit flags. */
typedef enum HCS_EVENT_OPTIONS {
	HcsEventOptionNone = 0x00000000,
	HcsEventOptionEnableOperationCallbacks = 0x00000001,
	HcsEventOptionEnableVmLifecycle = 0x00000002,
	HcsEventOptionEnableLiveMigrationEvents = 0x00000004
} HCS_EVENT_OPTIONS;

/* What an event callback receives (§2.4). The struct and EventData belong to the library and
 * are valid only during the callback: copy what you need. 24 bytes on 64-bit platforms. */
typedef struct HCS_EVENT {
	HCS_EVENT_TYPE Type;
	PCWSTR EventData;        /* JSON document, or NULL when the type has none */
	HCS_OPERATION Operation; /* the completed operation for HcsEventOperationCallback, else NULL */
} HCS_EVENT;

/* Process id and the caller's ends of the requested standard streams (§2.5). Each HANDLE is a
 * file descriptor, (HANDLE)(intptr_t)fd, owned by the caller, who closes it with close(2). A
 * stream that was not requested is NULL or INVALID_HANDLE_VALUE. 32 bytes on 64-bit platforms. */
typedef struct HCS_PROCESS_INFORMATION {
	DWORD ProcessId; /* pid inside the compute system */
	DWORD Reserved;
	HANDLE StdInput;  /* write end of the process's stdin */
	HANDLE StdOutput; /* read end of its stdout */
	HANDLE StdError;  /* read end of its stderr */
} HCS_PROCESS_INFORMATION;

/* Callback types (§2.6). context is the pointer given at registration, passed back verbatim.
 * Both run on threads of the library. */
typedef void(CALLBACK *HCS_OPERATION_COMPLETION)(HCS_OPERATION operation, void *context);
typedef void(CALLBACK *HCS_EVENT_CALLBACK)(HCS_EVENT *event, void *context);

/* Other declarations of ComputeDefs.h (§2.7), for completeness. No function of this library
 * takes them. */
typedef enum HCS_OPERATION_OPTIONS {
	HcsOperationOptionNone = 0x00000000,
	HcsOperationOptionProgressUpdate = 0x00000001
} HCS_OPERATION_OPTIONS;

typedef enum HCS_RESOURCE_TYPE {
	HcsResourceTypeNone = 0,
	HcsResourceTypeFile = 1,
	HcsResourceTypeJob = 2
} HCS_RESOURCE_TYPE;

typedef enum HCS_NOTIFICATION_FLAGS {
	HcsNotificationFlagSuccess = 0x00000000,
	HcsNotificationFlagFailure = (int)0x80000000
} HCS_NOTIFICATION_FLAGS;

/* Legacy notification codes: they differ from HCS_EVENT_TYPE; do not mix them. */
typedef enum HCS_NOTIFICATIONS {
	HcsNotificationInvalid = 0x00000000,
	HcsNotificationSystemExited = 0x00000001,
	HcsNotificationSystemCreateCompleted = 0x00000002,
	HcsNotificationSystemStartCompleted = 0x00000003,
	HcsNotificationSystemPauseCompleted = 0x00000004,
	HcsNotificationSystemResumeCompleted = 0x00000005,
	HcsNotificationSystemCrashReport = 0x00000006,
	HcsNotificationSystemSiloJobCreated = 0x00000007,
	HcsNotificationSystemSaveCompleted = 0x00000008,
	HcsNotificationSystemRdpEnhancedModeStateChanged = 0x00000009,
	HcsNotificationSystemShutdownFailed = 0x0000000A,
	HcsNotificationSystemShutdownCompleted = 0x0000000A,
	HcsNotificationSystemGetPropertiesCompleted = 0x0000000B,
	HcsNotificationSystemModifyCompleted = 0x0000000C,
	HcsNotificationSystemCrashInitiated = 0x0000000D,
	HcsNotificationSystemGuestConnectionClosed = 0x0000000E,
	HcsNotificationSystemOperationCompletion = 0x0000000F,
	HcsNotificationSystemPassThru = 0x00000010,
	HcsNotificationOperationProgressUpdate = 0x00000100,
	HcsNotificationProcessExited = 0x00010000,
	HcsNotificationServiceDisconnect = 0x01000000,
	HcsNotificationFlagsReserved = (int)0xF0000000
} HCS_NOTIFICATIONS;

typedef void(CALLBACK *HCS_NOTIFICATION_CALLBACK)(DWORD notificationType, void *context,
						  HRESULT notificationStatus, PCWSTR notificationData);

typedef enum HCS_CREATE_OPTIONS {
	HcsCreateOptions_1 = 0x00010000
} HCS_CREATE_OPTIONS;

typedef struct HCS_CREATE_OPTIONS_1 {
	HCS_CREATE_OPTIONS Version;
	HANDLE UserToken;
	SECURITY_DESCRIPTOR *SecurityDescriptor;
	HCS_EVENT_OPTIONS CallbackOptions;
	void *CallbackContext;
	HCS_EVENT_CALLBACK Callback;
} HCS_CREATE_OPTIONS_1;

#ifdef __cplusplus
}

/* DEFINE_ENUM_FLAG_OPERATORS for HCS_EVENT_OPTIONS, so flags combine in C++ as they do in C. */
inline HCS_EVENT_OPTIONS operator|(HCS_EVENT_OPTIONS a, HCS_EVENT_OPTIONS b)
{
	return (HCS_EVENT_OPTIONS)((unsigned)a | (unsigned)b);
}
inline HCS_EVENT_OPTIONS operator&(HCS_EVENT_OPTIONS a, HCS_EVENT_OPTIONS b)
{
	return (HCS_EVENT_OPTIONS)((unsigned)a & (unsigned)b);
}
inline HCS_EVENT_OPTIONS operator~(HCS_EVENT_OPTIONS a) { return (HCS_EVENT_OPTIONS)(~(unsigned)a); }
inline HCS_EVENT_OPTIONS &operator|=(HCS_EVENT_OPTIONS &a, HCS_EVENT_OPTIONS b) { return a = a | b; }
inline HCS_EVENT_OPTIONS &operator&=(HCS_EVENT_OPTIONS &a, HCS_EVENT_OPTIONS b) { return a = a & b; }
#endif

#endif /* HCS_COMPUTEDEFS_H */
