package vm

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// A runtime state file written by Save is savedMagic, a 4-byte big-endian length, a JSON
// SavedHeader of that length, then QEMU's migration stream.
const savedMagic = "HCSVMRS1\n"

// maxSavedHeader bounds the header.
const maxSavedHeader = 1 << 20

// SavedHeader describes the VM a runtime state file was saved from.
type SavedHeader struct {
	// Accel is the accelerator it ran with; a restore must use the same.
	Accel string `json:"Accel"`
	// CPUModel is QEMU's CPU model ("host" with KVM, "qemu64" with TCG).
	CPUModel string `json:"CPUModel"`
	// CPUFeatures are the CPU features the guest saw, by QEMU name.
	CPUFeatures []string `json:"CPUFeatures,omitempty"`
	// QEMUVersion is the version of the QEMU that saved it.
	QEMUVersion string `json:"QEMUVersion,omitempty"`
}

// writeSavedHeader writes the magic and the header.
func writeSavedHeader(w io.Writer, h SavedHeader) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	buf := append([]byte(savedMagic), binary.BigEndian.AppendUint32(nil, uint32(len(b)))...)
	_, err = w.Write(append(buf, b...))
	return err
}

// readSavedHeader reads the magic and the header, leaving r at the migration stream.
func readSavedHeader(r io.Reader) (SavedHeader, error) {
	var pre [len(savedMagic) + 4]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return SavedHeader{}, fmt.Errorf("not a saved VM state: %w", err)
	}
	if string(pre[:len(savedMagic)]) != savedMagic {
		return SavedHeader{}, errors.New("not a saved VM state (no HCSVMRS1 header)")
	}
	n := binary.BigEndian.Uint32(pre[len(savedMagic):])
	if n > maxSavedHeader {
		return SavedHeader{}, fmt.Errorf("saved VM state: a header of %d bytes", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return SavedHeader{}, fmt.Errorf("saved VM state: %w", err)
	}
	var h SavedHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return SavedHeader{}, fmt.Errorf("saved VM state header: %w", err)
	}
	return h, nil
}

// openSavedState opens a runtime state file positioned at its migration stream.
func openSavedState(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, hresult.Wrap(err, 0, "$.VirtualMachine.RestoreState.SaveStateFilePath")
	}
	if _, err := readSavedHeader(f); err != nil {
		f.Close()
		return nil, hresult.Wrap(err, hresult.ERROR_INVALID_DATA, "$.VirtualMachine.RestoreState.SaveStateFilePath "+path)
	}
	return f, nil
}

// GetProcessorCompatibilityFromSavedState implements
// HcsGetProcessorCompatibilityFromSavedState: the processor features the VM saved in the
// runtime state file at path was running with, as a VmProcessorRequirements document.
func GetProcessorCompatibilityFromSavedState(path string) (*schema.VmProcessorRequirements, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, hresult.Wrap(err, 0, "HcsGetProcessorCompatibilityFromSavedState: "+path)
	}
	defer f.Close()
	h, err := readSavedHeader(f)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.ERROR_INVALID_DATA, "HcsGetProcessorCompatibilityFromSavedState: "+path)
	}
	return processorRequirements(h.CPUFeatures), nil
}

// processorRequirements maps QEMU's feature names to the HCS enumerations.
func processorRequirements(features []string) *schema.VmProcessorRequirements {
	req := &schema.VmProcessorRequirements{}
	for _, f := range features {
		key := featureKey(f)
		if v, ok := processorFeatures[key]; ok && !slices.Contains(req.ProcessorFeatures, v) {
			req.ProcessorFeatures = append(req.ProcessorFeatures, v)
		}
		if v, ok := xsaveFeatures[key]; ok && !slices.Contains(req.XsaveProcessorFeatures, v) {
			req.XsaveProcessorFeatures = append(req.XsaveProcessorFeatures, v)
		}
	}
	slices.Sort(req.ProcessorFeatures)
	slices.Sort(req.XsaveProcessorFeatures)
	return req
}

// featureKey normalises a QEMU feature name ("sse4.1", "sse4_1" and "sse4-1" alike).
func featureKey(name string) string {
	return strings.ToLower(strings.NewReplacer("-", "", "_", "", ".", "").Replace(name))
}
