// Package client is the Go API of Linux HCS: the HCS C API (computecore.dll) function by
// function, over a connection to the compute service. The same calls work against the
// embedded host (client.New(h.Connect()) with h from host.New) and, through the socket
// transport, against hcsd.
//
// Asynchronous HCS functions take an *Operation, return at once when the request is
// accepted, and report the outcome through the operation (Wait, Result, a completion
// callback, or an EventOperationCallback event). Input documents are decoded and validated
// once, by the service: malformed JSON is the operation's result (or a synchronous call's
// return), HCS_E_INVALID_JSON naming the field; only a missing required document fails an
// asynchronous call itself (E_INVALIDARG). Errors are *hresult.Error values; test them with errors.Is against hresult
// codes or standard sentinels (fs.ErrNotExist, context.DeadlineExceeded, ...).
//
// For one-off calls, Do and DoProcess wrap the operation dance:
//
//	h, _ := host.New(host.Options{Container: drv})
//	c := client.New(h.Connect())
//	op := client.NewOperation(nil, nil)
//	sys, err := c.CreateComputeSystem("demo", configJSON, op)
//	_, err = op.Wait(ctx)
//	_, err = client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") })
//
// # Function mapping
//
//	HcsCreateOperation                       NewOperation
//	HcsCloseOperation                        (*Operation).Close
//	HcsGetOperationContext                   (*Operation).Context
//	HcsSetOperationContext                   (*Operation).SetContext
//	HcsGetComputeSystemFromOperation         (*Operation).System
//	HcsGetProcessFromOperation               (*Operation).Process
//	HcsGetOperationType                      (*Operation).Type
//	HcsGetOperationId                        (*Operation).ID
//	HcsGetOperationResult                    (*Operation).Result
//	HcsGetOperationResultAndProcessInfo      (*Operation).ResultAndProcessInfo
//	HcsWaitForOperationResult                (*Operation).Wait
//	HcsWaitForOperationResultAndProcessInfo  (*Operation).WaitAndProcessInfo
//	HcsSetOperationCallback                  (*Operation).SetCallback
//	HcsCancelOperation                       (*Operation).Cancel (always E_NOTIMPL, as documented)
//	HcsCreateComputeSystem                   (*Client).CreateComputeSystem
//	HcsOpenComputeSystem                     (*Client).OpenComputeSystem
//	HcsCloseComputeSystem                    (*System).Close
//	HcsStartComputeSystem                    (*System).Start
//	HcsShutDownComputeSystem                 (*System).ShutDown
//	HcsTerminateComputeSystem                (*System).Terminate
//	HcsCrashComputeSystem                    (*System).Crash
//	HcsPauseComputeSystem                    (*System).Pause
//	HcsResumeComputeSystem                   (*System).Resume
//	HcsSaveComputeSystem                     (*System).Save
//	HcsGetComputeSystemProperties            (*System).GetProperties
//	HcsModifyComputeSystem                   (*System).Modify
//	HcsSetComputeSystemCallback              (*System).SetCallback
//	HcsEnumerateComputeSystems               (*Client).EnumerateComputeSystems
//	HcsWaitForComputeSystemExit              (*System).WaitForExit
//	HcsCreateProcess                         (*System).CreateProcess
//	HcsOpenProcess                           (*System).OpenProcess
//	HcsCloseProcess                          (*Process).Close
//	HcsTerminateProcess                      (*Process).Terminate
//	HcsSignalProcess                         (*Process).Signal
//	HcsGetProcessInfo                        (*Process).GetInfo
//	HcsGetProcessProperties                  (*Process).GetProperties
//	HcsModifyProcess                         (*Process).Modify
//	HcsSetProcessCallback                    (*Process).SetCallback
//	HcsWaitForProcessExit                    (*Process).WaitForExit
//	HcsGetServiceProperties                  (*Client).GetServiceProperties
//	HcsModifyServiceSettings                 (*Client).ModifyServiceSettings
//	HcsSubmitWerReport                       (*Client).SubmitWerReport
//	HcsCreateEmptyGuestStateFile             (*Client).CreateEmptyGuestStateFile
//	HcsCreateEmptyRuntimeStateFile           (*Client).CreateEmptyRuntimeStateFile
//	HcsGrantVmAccess                         (*Client).GrantVmAccess
//	HcsRevokeVmAccess                        (*Client).RevokeVmAccess
//	HcsGrantVmGroupAccess                    (*Client).GrantVmGroupAccess
//	HcsRevokeVmGroupAccess                   (*Client).RevokeVmGroupAccess
//	HcsGetProcessorCompatibilityFromSavedState (*Client).GetProcessorCompatibilityFromSavedState
//	HcsImportLayer                           (*Client).ImportLayer
//	HcsExportLayer                           (*Client).ExportLayer
//	HcsExportLegacyWritableLayer             (*Client).ExportLegacyWritableLayer
//	HcsDestroyLayer                          (*Client).DestroyLayer
//	HcsSetupBaseOSLayer                      (*Client).SetupBaseOSLayer
//	HcsSetupBaseOSVolume                     (*Client).SetupBaseOSVolume
//	HcsInitializeWritableLayer               (*Client).InitializeWritableLayer
//	HcsInitializeLegacyWritableLayer         (*Client).InitializeLegacyWritableLayer
//	HcsAttachLayerStorageFilter              (*Client).AttachLayerStorageFilter
//	HcsDetachLayerStorageFilter              (*Client).DetachLayerStorageFilter
//	HcsFormatWritableLayerVhd                (*Client).FormatWritableLayerVhd
//	HcsGetLayerVhdMountPath                  (*Client).GetLayerVhdMountPath
//
// Contexts: every call that waits takes a context.Context first: Dial, the waits
// ((*Operation).Wait and WaitAndProcessInfo, WaitForExit), Do and DoProcess, and the
// synchronous calls (OpenComputeSystem, OpenProcess, the service, storage and VM utility
// functions). Where the C API takes timeoutMs, the Go API takes a context deadline. When the
// context ends first, the call returns HCS_E_OPERATION_TIMEOUT wrapping
// context.DeadlineExceeded if its deadline passed, or HCS_E_OPERATION_ALREADY_CANCELLED
// wrapping context.Canceled if it was cancelled; errors.Is matches the code and the context
// error. A call whose context has already ended is not sent. An asynchronous call that the
// service accepted runs to completion whatever happens to a context (HcsCancelOperation is
// not implemented, as documented): only the wait ends. A synchronous call that was sent
// stops its wait at once; the embedded host receives the context and may stop the work too,
// while hcsd, which the socket protocol does not tell, finishes it and the answer is
// dropped. A call that opens a handle always runs to its end, so that a handle the caller
// never received is closed again.
//
// Choices where the specification is unconfirmed, and what this package does:
//   - An operation whose call fails immediately (the function returns an error) still holds
//     that error and its ResultError document for Result, but no callback or event fires.
//   - HcsTerminateProcess operations report OperationTypeSignalProcess.
//   - A completion callback set on an already completed operation does not fire for the past
//     call.
//   - Handles returned by System() and Process() of an operation are borrowed.
//   - An exit that happened before a callback was registered is delivered when it is.
//   - Calls on a handle whose creation failed fail with HCS_E_SYSTEM_NOT_FOUND
//     (ERROR_NOT_FOUND for processes), wrapping the creation error.
//   - The standard stream handles are held by the service too (HcsGetProcessInfo returns new
//     duplicates), so end of input is signalled with Modify CloseHandle StdIn.
package client
