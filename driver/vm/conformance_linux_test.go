package vm

import (
	"testing"

	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/schema"
)

// TestConformance runs the driver conformance suite against VMs booting the cloud kernel
// with hcs-agent as init.
func TestConformance(t *testing.T) {
	requireVM(t)
	drivertest.Run(t, drivertest.Config{
		Driver:    newTestDriver(t),
		NewConfig: func(*testing.T) *schema.ComputeSystem { return vmDoc(env.kernel, env.initrd) },
		Shell:     []string{"/bin/sh", "-c"},
		Timeout:   timeout,
	})
}
