package client

import "github.com/linuxhcs/hcs/wire"

// The VM utility functions of computecore.dll (spec HCS-API.md §9), run in the service.

// CreateEmptyGuestStateFile is HcsCreateEmptyGuestStateFile: a valid empty UEFI variable
// store for VirtualMachine.GuestState.GuestStateFilePath.
func (c *Client) CreateEmptyGuestStateFile(guestStateFilePath string) error {
	return c.utilityErr(wire.FuncCreateEmptyGuestStateFile, nil, guestStateFilePath)
}

// CreateEmptyRuntimeStateFile is HcsCreateEmptyRuntimeStateFile.
func (c *Client) CreateEmptyRuntimeStateFile(runtimeStateFilePath string) error {
	return c.utilityErr(wire.FuncCreateEmptyRuntimeStateFile, nil, runtimeStateFilePath)
}

// GrantVmAccess is HcsGrantVmAccess: the VM's own user gets access to filePath.
func (c *Client) GrantVmAccess(vmID, filePath string) error {
	return c.utilityErr(wire.FuncGrantVmAccess, nil, vmID, filePath)
}

// RevokeVmAccess is HcsRevokeVmAccess.
func (c *Client) RevokeVmAccess(vmID, filePath string) error {
	return c.utilityErr(wire.FuncRevokeVmAccess, nil, vmID, filePath)
}

// GrantVmGroupAccess is HcsGrantVmGroupAccess: read access for every VM.
func (c *Client) GrantVmGroupAccess(filePath string) error {
	return c.utilityErr(wire.FuncGrantVmGroupAccess, nil, filePath)
}

// RevokeVmGroupAccess is HcsRevokeVmGroupAccess.
func (c *Client) RevokeVmGroupAccess(filePath string) error {
	return c.utilityErr(wire.FuncRevokeVmGroupAccess, nil, filePath)
}

// GetProcessorCompatibilityFromSavedState is HcsGetProcessorCompatibilityFromSavedState: the
// processor requirements recorded in a saved runtime state file, as a
// VmProcessorRequirements document.
func (c *Client) GetProcessorCompatibilityFromSavedState(runtimeFileName string) (string, error) {
	return c.utility(wire.FuncGetProcessorCompatibilityFromSavedState, nil, runtimeFileName)
}
