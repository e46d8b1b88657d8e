package hcsdtest

import "testing"

// New makes a Daemon for one test (NewDaemon) without starting it. When the test ends, after
// the clean-ups registered later, a service still running has every compute system it knows
// terminated (reported as an error: the test should have) and is stopped; whatever it left
// on the host is reported, its log shown if the test failed, and its directories removed.
func New(tb testing.TB, opts Options) *Daemon {
	tb.Helper()
	d, err := NewDaemon(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if d.Running() {
			left, err := d.TerminateAll()
			if err != nil {
				tb.Error(err)
			}
			if len(left) > 0 {
				tb.Errorf("the test left compute systems behind: %v", left)
			}
		}
		if left := d.Close(); len(left) > 0 {
			tb.Errorf("hcsd left the host changed: %v", left)
		}
		if tb.Failed() {
			tb.Logf("hcsd log:\n%s", d.Log())
		}
	})
	return d
}

// Run is New followed by Start: a running service for one test.
func Run(tb testing.TB, opts Options) *Daemon {
	tb.Helper()
	d := New(tb, opts)
	if err := d.Start(); err != nil {
		tb.Fatal(err)
	}
	return d
}
