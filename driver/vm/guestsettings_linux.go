package vm

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// guestSettingMembers are, per guest resource type, the Settings members the guest agent
// honours, and the members hcsshim's requests may carry that it does not: those are
// accepted only at their zero value (hcsshim sends them empty) and otherwise refused, never
// ignored.
var guestSettingMembers = map[schema.ModifyResourceType]struct{ honoured, refused []string }{
	schema.ModifyResourceTypeMappedDirectory: {
		honoured: []string{"MountPath", "ShareName", "Port", "ReadOnly"},
	},
	schema.ModifyResourceTypeMappedVirtualDisk: {
		honoured: []string{"MountPath", "Controller", "Lun", "Partition", "ReadOnly"},
		refused:  []string{"Encrypted", "Options", "EnsureFilesystem", "Filesystem", "BlockDev", "VerityInfo"},
	},
	schema.ModifyResourceTypeCombinedLayers: {
		honoured: []string{"ContainerRootPath", "Layers", "ScratchPath"},
		refused:  []string{"ContainerID"},
	},
}

// checkGuestSettings refuses a member of g's Settings that the guest would not honour: an
// unknown one with HCS_E_INVALID_JSON, a known one set to anything but its zero value with
// ERROR_NOT_SUPPORTED, both naming the member's path.
func checkGuestSettings(g *schema.GuestModifySettingRequest) error {
	if len(g.Settings) == 0 || string(g.Settings) == "null" {
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(g.Settings, &members); err != nil {
		return hresult.Errorf(hresult.HCS_E_INVALID_JSON, "$.GuestRequest.Settings: expected an object: %v", err)
	}
	known := guestSettingMembers[g.ResourceType]
	for _, name := range slices.Sorted(maps.Keys(members)) {
		path := "$.GuestRequest.Settings." + name
		switch {
		case slices.Contains(known.honoured, name):
		case slices.Contains(known.refused, name):
			if !zeroJSON(members[name]) {
				return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s: not supported by the VM driver's guest agent", path)
			}
		default:
			return hresult.Errorf(hresult.HCS_E_INVALID_JSON, "%s: unknown member of a %s", path, g.ResourceType)
		}
	}
	return nil
}

// zeroJSON reports whether v is a JSON zero value: null, false, 0, "", [] or {}.
func zeroJSON(v json.RawMessage) bool {
	switch strings.TrimSpace(string(v)) {
	case "null", "false", "0", `""`, "[]", "{}":
		return true
	}
	return false
}
