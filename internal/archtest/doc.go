// Package archtest holds the architecture rules of ARCHITECTURE.md as tests: which packages
// may import which, where cgo may be used, and that every package and exported name is
// documented. It has no code of its own; run it with go test.
package archtest
