package vm

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// guestTypes are the GuestRequest resource types the guest agent handles.
var guestTypes = map[schema.ModifyResourceType]bool{
	schema.ModifyResourceTypeMappedDirectory:   true,
	schema.ModifyResourceTypeMappedVirtualDisk: true,
	schema.ModifyResourceTypeCombinedLayers:    true,
}

// guestPart decodes and checks the request's GuestRequest; nil when there is none. Every
// check that needs no guest comes before the host part changes anything.
func guestPart(req *schema.ModifySettingRequest) (*schema.GuestModifySettingRequest, error) {
	if len(req.GuestRequest) == 0 || string(req.GuestRequest) == "null" {
		return nil, nil
	}
	var g schema.GuestModifySettingRequest
	if err := schema.DecodeAt("$.GuestRequest", req.GuestRequest, &g); err != nil {
		return nil, err
	}
	if !guestTypes[g.ResourceType] {
		return nil, hresult.Errorf(hresult.ERROR_NOT_SUPPORTED,
			"$.GuestRequest.ResourceType: %q is not supported by the VM driver", g.ResourceType)
	}
	if g.RequestType != schema.ModifyRequestTypeAdd && g.RequestType != schema.ModifyRequestTypeRemove {
		return nil, hresult.Errorf(hresult.ERROR_NOT_SUPPORTED,
			"$.GuestRequest.RequestType: %q of a %s is not supported by the VM driver", g.RequestType, g.ResourceType)
	}
	if err := checkGuestSettings(&g); err != nil {
		return nil, err
	}
	return &g, nil
}

// guestClient returns the agent's client for a guest request. A VM created without a
// GuestConnection has no agent and never will, so the request is not supported
// (ERROR_NOT_SUPPORTED, as for a shutdown through the guest); one whose agent is not
// connected at the moment gets HCS_E_CONNECTION_CLOSED, which a caller may retry.
func (s *System) guestClient() (*protocol.Client, error) {
	if cfg := s.config(); cfg == nil || cfg.GuestConnection == nil {
		return nil, notSupported("$.GuestRequest", "a request to the guest of a VM without a GuestConnection")
	}
	sess, err := s.agentSession()
	if err != nil {
		return nil, err
	}
	return sess.Client(), nil
}

// modifyWithGuest applies a request with a guest part to a running VM. An Add changes the
// host first (the guest mounts what the host plugged in) and undoes that when the guest
// fails, so a failed request leaves nothing behind; a Remove lets the guest release the
// resource before the host takes it away. A request with no ResourcePath is the guest's
// alone.
func (s *System) modifyWithGuest(ctx context.Context, req *schema.ModifySettingRequest, g *schema.GuestModifySettingRequest) error {
	c, err := s.guestClient()
	if err != nil {
		return err
	}
	if g, err = s.guestSettings(req, g); err != nil {
		return err
	}
	send := func() error {
		return c.GuestModify(ctx, protocol.GuestModifyRequest{ResourceType: string(g.ResourceType),
			RequestType: string(g.RequestType), Settings: g.Settings})
	}
	if req.ResourcePath == "" {
		return send()
	}
	if g.RequestType == schema.ModifyRequestTypeRemove {
		if err := send(); err != nil {
			return err
		}
		return s.modifyHost(ctx, req)
	}
	if err := s.modifyHost(ctx, req); err != nil {
		return err
	}
	if err := send(); err != nil {
		if req.RequestType == schema.ModifyRequestTypeAdd {
			undo := *req
			undo.RequestType = schema.ModifyRequestTypeRemove
			return errors.Join(err, s.modifyHost(ctx, &undo))
		}
		return err
	}
	return nil
}

// guestSettings returns g with the settings the guest needs. For a disk attached by the
// same request the guest is told the controller the host used, by its place among the
// VM's controllers (see ScsiControllerIDs), since the caller's Controller number means
// nothing to the guest: the host part names the controller by its key.
func (s *System) guestSettings(req *schema.ModifySettingRequest,
	g *schema.GuestModifySettingRequest) (*schema.GuestModifySettingRequest, error) {
	parts := strings.Split(req.ResourcePath, "/")
	if g.ResourceType != schema.ModifyResourceTypeMappedVirtualDisk || !scsiAttachmentPath(parts) {
		return g, nil
	}
	ctrl, ok := s.scsi[parts[3]]
	if !ok {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "$.ResourcePath: the VM has no SCSI controller %q", parts[3])
	}
	var settings map[string]any
	if err := json.Unmarshal(g.Settings, &settings); err != nil || settings == nil {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "$.GuestRequest.Settings: expected a MappedVirtualDisk object")
	}
	settings["Controller"], _ = strconv.Atoi(strings.TrimPrefix(ctrl, "scsi"))
	settings["Lun"], _ = strconv.Atoi(parts[5])
	out := *g
	out.Settings, _ = json.Marshal(settings)
	return &out, nil
}
