// Package bench holds the module's cross-package benchmarks: the container lifecycle and
// exec through the HCS client and host, measured next to the bare OCI runtimes (runc, crun)
// on the same root filesystem in the same run, plus cheap benchmarks of the hot paths that
// need no root (schema decoding, an operation round trip, ResultError conversion).
// README.md says how to read and compare the results. It has no code of its own; run it
// with make bench.
package bench
