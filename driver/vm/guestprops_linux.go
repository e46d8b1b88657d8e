package vm

import (
	"github.com/linuxhcs/hcs/schema"
)

// guestConnection describes the agent connection. A VM whose agent has not connected (or
// that has no GuestConnection) has no guest connection to describe, so the property fails
// with the error a process would: a client asking for it (hcsshim at start) wants the
// connection, and an empty answer would read as protocol version 0.
func (s *System) guestConnection() (*schema.GuestConnectionInfo, error) {
	sess, err := s.agentSession()
	if err != nil {
		return nil, err
	}
	return &schema.GuestConnectionInfo{ProtocolVersion: uint32(sess.Client().Agent().ProtocolVersion)}, nil
}

// heartbeat reports the guest agent as the heartbeat integration component: enabled when
// the VM has a GuestConnection; Ok while the agent's connection is open, LostCommunication
// once it closed, NoContact before the agent connected.
func (s *System) heartbeat() *schema.IntegrationComponentStatus {
	if s.config().GuestConnection == nil {
		return &schema.IntegrationComponentStatus{State: schema.IntegrationComponentOperationalStateDormant,
			Reason: schema.IntegrationComponentOperatingStateReasonUnknown}
	}
	st := &schema.IntegrationComponentStatus{IsEnabled: true}
	sess := s.agent.Get()
	switch {
	case sess == nil:
		st.State, st.Reason = schema.IntegrationComponentOperationalStateNoContact, schema.IntegrationComponentOperatingStateReasonUnknown
	case sess.Client().Err() != nil:
		st.State, st.Reason = schema.IntegrationComponentOperationalStateLostCommunication, schema.IntegrationComponentOperatingStateReasonFailedCommunication
	default:
		st.State, st.Reason = schema.IntegrationComponentOperationalStateOk, schema.IntegrationComponentOperatingStateReasonHealthyApps
	}
	return st
}
