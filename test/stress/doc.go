// Package stress is the fault and load suite of the service (make stress): an isolated hcsd
// is SIGKILLed at each named step of create, start, exec, pause, terminate and layer import
// (package faultpoint), has its records damaged, its agents and runtimes killed in the middle
// of calls, its state filesystem filled, its containers paused across a restart, and carries
// concurrent creates and hundreds of lifecycles. Around each, a census of what the service
// holds on the host (hcsdtest.Census) must come out as it went in. docs/reliability.md says
// what the service promises after each fault. The tests are built with the tag stress.
package stress
