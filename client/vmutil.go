package client

import (
	"context"

	"github.com/linuxhcs/hcs/wire"
)

// The VM utility functions of computecore.dll (spec HCS-API.md §9), run in the service.

// CreateEmptyGuestStateFile is HcsCreateEmptyGuestStateFile: a valid empty UEFI variable
// store for VirtualMachine.GuestState.GuestStateFilePath.
func (c *Client) CreateEmptyGuestStateFile(ctx context.Context, guestStateFilePath string) error {
	return c.utilityErr(ctx, wire.FuncCreateEmptyGuestStateFile, nil, guestStateFilePath)
}

// CreateEmptyRuntimeStateFile is HcsCreateEmptyRuntimeStateFile.
func (c *Client) CreateEmptyRuntimeStateFile(ctx context.Context, runtimeStateFilePath string) error {
	return c.utilityErr(ctx, wire.FuncCreateEmptyRuntimeStateFile, nil, runtimeStateFilePath)
}

// GrantVmAccess is HcsGrantVmAccess: the VM's own user gets access to filePath.
func (c *Client) GrantVmAccess(ctx context.Context, vmID, filePath string) error {
	return c.utilityErr(ctx, wire.FuncGrantVmAccess, nil, vmID, filePath)
}

// RevokeVmAccess is HcsRevokeVmAccess.
func (c *Client) RevokeVmAccess(ctx context.Context, vmID, filePath string) error {
	return c.utilityErr(ctx, wire.FuncRevokeVmAccess, nil, vmID, filePath)
}

// GrantVmGroupAccess is HcsGrantVmGroupAccess: read access for every VM.
func (c *Client) GrantVmGroupAccess(ctx context.Context, filePath string) error {
	return c.utilityErr(ctx, wire.FuncGrantVmGroupAccess, nil, filePath)
}

// RevokeVmGroupAccess is HcsRevokeVmGroupAccess.
func (c *Client) RevokeVmGroupAccess(ctx context.Context, filePath string) error {
	return c.utilityErr(ctx, wire.FuncRevokeVmGroupAccess, nil, filePath)
}

// GetProcessorCompatibilityFromSavedState is HcsGetProcessorCompatibilityFromSavedState: the
// processor requirements recorded in a saved runtime state file, as a
// VmProcessorRequirements document.
func (c *Client) GetProcessorCompatibilityFromSavedState(ctx context.Context, runtimeFileName string) (string, error) {
	return c.utility(ctx, wire.FuncGetProcessorCompatibilityFromSavedState, nil, runtimeFileName)
}
