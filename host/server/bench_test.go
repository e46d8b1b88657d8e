package server_test

import (
	"fmt"
	"testing"

	"github.com/linuxhcs/hcs/client"
)

// BenchmarkServiceProperties measures a no-op request: HcsGetServiceProperties through the
// embedded host and over the hcsd socket, one caller and many at once.
func BenchmarkServiceProperties(b *testing.B) {
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			c := m.connect(startDaemon(b, daemonConfig{}), b)
			for b.Loop() {
				if _, err := c.GetServiceProperties(b.Context(), ""); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(m.name+"-parallel", func(b *testing.B) {
			c := m.connect(startDaemon(b, daemonConfig{}), b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.GetServiceProperties(b.Context(), ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkEventLatency measures the time from a system stopping by itself in the driver to
// the SystemExited callback in the client.
func BenchmarkEventLatency(b *testing.B) {
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			d := startDaemon(b, daemonConfig{})
			c := m.connect(d, b)
			i := 0
			for b.Loop() {
				b.StopTimer()
				id := fmt.Sprintf("ev-%d", i)
				i++
				sys := started(b, c, id)
				exited := make(chan struct{})
				sys.SetCallback(client.EventOptionNone, func(ev client.Event) {
					if ev.Type == client.EventSystemExited {
						close(exited)
					}
				})
				b.StartTimer()
				d.drv.System(id).Die()
				<-exited
				b.StopTimer()
				sys.Close()
				b.StartTimer()
			}
		})
	}
}
