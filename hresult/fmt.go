package hresult

import "fmt"

// errorf is fmt.Errorf, kept behind a name so Errorf reads clearly.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
