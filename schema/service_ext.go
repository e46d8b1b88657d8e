package schema

import "encoding/json"

// ServiceSettings is the Settings of a ModificationRequest whose PropertyType is
// "ServiceSettings", and the answer to the "ServiceSettings" service property: the settings
// of the Linux HCS service itself. Empty fields are left unchanged by a modification.
type ServiceSettings struct {
	// DefaultRuntime is the OCI runtime new containers use: "runc" or "crun".
	DefaultRuntime string `json:"DefaultRuntime,omitempty"`
	// LogLevel is the service's log level: "debug", "info", "warn" or "error".
	LogLevel string `json:"LogLevel,omitempty"`
}

// CrashReports answers the "CrashReports" service property: the crash reports stored by
// HcsSubmitWerReport, oldest first.
type CrashReports struct {
	// Reports are the stored reports.
	Reports []StoredCrashReport `json:"Reports"`
}

// StoredCrashReport is one stored crash report.
type StoredCrashReport struct {
	// Name is the file name of the report under the service's state directory.
	Name string `json:"Name"`
	// Submitted is when it was submitted.
	Submitted string `json:"Submitted"`
	// Report is the CrashReport document as submitted.
	Report json.RawMessage `json:"Report"`
}
