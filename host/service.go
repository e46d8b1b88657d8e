package host

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/durable"
	"github.com/linuxhcs/hcs/schema"
)

// SupportedSchemaVersions is what HcsGetServiceProperties reports under Basic: each entry
// M.N means every M.0 … M.N document is accepted.
var SupportedSchemaVersions = []schema.Version{{Major: 2, Minor: 6}}

// serviceProperties answers a Service_PropertyQuery. A missing query means Basic. The
// Windows-only property types (CpuGroup, ProcessorTopology, ContainerCredentialGuard,
// QoSCapabilities, ...) fail the call with ERROR_NOT_SUPPORTED naming the type; in the 2.5
// PropertyQueries form each unknown query gets its own error.
func (h *Host) serviceProperties(doc string) (string, error) {
	q, err := schema.DecodeOptional[schema.ServicePropertyQuery]("Service_PropertyQuery", doc)
	if err != nil {
		return "", err
	}
	if q == nil {
		q = &schema.ServicePropertyQuery{PropertyTypes: []schema.GetPropertyType{schema.GetPropertyTypeBasic}}
	}
	var resp schema.ServiceProperties
	for _, t := range q.PropertyTypes {
		v, err := h.serviceProperty(string(t))
		if err != nil {
			return "", err
		}
		resp.Properties = append(resp.Properties, v)
	}
	for name := range q.PropertyQueries {
		if resp.PropertyResponses == nil {
			resp.PropertyResponses = map[string]schema.PropertyResponse{}
		}
		v, err := h.serviceProperty(name)
		if err != nil {
			resp.PropertyResponses[name] = schema.PropertyResponse{Error: resultError(err)}
		} else {
			resp.PropertyResponses[name] = schema.PropertyResponse{Response: v}
		}
	}
	return mustJSON(resp), nil
}

func (h *Host) serviceProperty(name string) (json.RawMessage, error) {
	switch schema.GetPropertyType(name) {
	case schema.GetPropertyTypeBasic:
		return json.RawMessage(mustJSON(schema.BasicInformation{SupportedSchemaVersions: SupportedSchemaVersions})), nil
	case schema.GetPropertyTypeServiceSettings:
		return json.RawMessage(mustJSON(h.settings())), nil
	case schema.GetPropertyTypeCrashReports:
		reports, err := h.crashReports()
		if err != nil {
			return nil, err
		}
		return json.RawMessage(mustJSON(reports)), nil
	}
	return nil, hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "Service_PropertyQuery: property %q is not available on this host", name)
}

// modifyServiceSettings applies a ModificationRequest. The Linux HCS property type
// ServiceSettings changes the service's own settings; the property types HCS defines
// (CpuGroup, ContainerCredentialGuard) manage Windows-only features and are refused with
// ERROR_NOT_SUPPORTED naming the type.
func (h *Host) modifyServiceSettings(doc string) error {
	req := new(schema.ModificationRequest)
	if err := schema.DecodeRequired("ModificationRequest", doc, req); err != nil {
		return err
	}
	if req.PropertyType != schema.ModifyPropertyTypeServiceSettings {
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.PropertyType: %q cannot be modified on this host", req.PropertyType)
	}
	var set schema.ServiceSettings
	if err := schema.DecodeAt("$.Settings", req.Settings, &set); err != nil {
		return err
	}
	return h.applySettings(set)
}

// submitWerReport stores a CrashReport document durably under the state directory
// (reports/<time>-<system>.json, written to a temporary file, synced and renamed).
func (h *Host) submitWerReport(doc string) error {
	r := new(schema.CrashReport)
	if err := schema.DecodeRequired("CrashReport", doc, r); err != nil {
		return err
	}
	dir := filepath.Join(h.opts.StateDir, "reports")
	what := fmt.Sprintf("storing the crash report of system %q", r.SystemId)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, what)
	}
	name := fmt.Sprintf("%s-%s.json", time.Now().UTC().Format("20060102T150405.000000000Z"), safeName(r.SystemId))
	return hresult.Wrap(durable.WriteFile(filepath.Join(dir, name), []byte(doc), 0o600), hresult.E_FAIL, what)
}

// safeName reduces a system id to a file-name element.
func safeName(id string) string {
	if id == "" {
		return "unknown"
	}
	b := []byte(id)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}
