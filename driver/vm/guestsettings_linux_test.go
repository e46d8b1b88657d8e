package vm

import (
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

func TestGuestSettingsAreHonouredOrRefused(t *testing.T) {
	disk := schema.ModifyResourceTypeMappedVirtualDisk
	for _, c := range []struct {
		typ      schema.ModifyResourceType
		settings string
		code     hresult.HRESULT
		message  string
	}{
		{disk, `{"MountPath":"/m","Controller":0,"Lun":1,"ReadOnly":true}`, 0, ""},
		{disk, `{"MountPath":"/m","Lun":1,"Encrypted":false,"Options":[],"VerityInfo":null,"Filesystem":""}`, 0, ""},
		{disk, `{"MountPath":"/m","Lun":1,"Encrypted":true}`, hresult.ERROR_NOT_SUPPORTED, "$.GuestRequest.Settings.Encrypted: not supported"},
		{disk, `{"MountPath":"/m","Lun":1,"Filesystem":"xfs"}`, hresult.ERROR_NOT_SUPPORTED, "$.GuestRequest.Settings.Filesystem: not supported"},
		{disk, `{"MountPath":"/m","Lunn":1}`, hresult.HCS_E_INVALID_JSON, "$.GuestRequest.Settings.Lunn: unknown member of a MappedVirtualDisk"},
		{schema.ModifyResourceTypeMappedDirectory, `{"MountPath":"/m","ShareName":"s","Port":564}`, 0, ""},
		{schema.ModifyResourceTypeCombinedLayers, `{"ContainerRootPath":"/r","Layers":[{"Path":"/l"}],"ScratchPath":"/s","ContainerID":""}`, 0, ""},
		{schema.ModifyResourceTypeCombinedLayers, `[1]`, hresult.HCS_E_INVALID_JSON, "$.GuestRequest.Settings: expected an object"},
	} {
		err := checkGuestSettings(&schema.GuestModifySettingRequest{ResourceType: c.typ, RequestType: "Add", Settings: []byte(c.settings)})
		switch {
		case c.code == 0 && err != nil:
			t.Errorf("%s %s: %v, want it accepted", c.typ, c.settings, err)
		case c.code != 0 && (!hresult.Is(err, c.code) || !strings.Contains(err.Error(), c.message)):
			t.Errorf("%s %s: %v, want %v with %q", c.typ, c.settings, err, c.code, c.message)
		}
	}
}

func FuzzCheckGuestSettings(f *testing.F) {
	f.Add("MappedVirtualDisk", `{"MountPath":"/m","Lun":1,"Encrypted":true}`)
	f.Add("CombinedLayers", `{"ContainerRootPath":"/r","Layers":[{"Path":"/l"}]}`)
	f.Add("MappedDirectory", `{"MountPath":"/m","ShareName":"s"}`)
	f.Fuzz(func(t *testing.T, typ, settings string) {
		err := checkGuestSettings(&schema.GuestModifySettingRequest{ResourceType: schema.ModifyResourceType(typ), Settings: []byte(settings)})
		if err != nil && !hresult.Is(err, hresult.HCS_E_INVALID_JSON) && !hresult.Is(err, hresult.ERROR_NOT_SUPPORTED) {
			t.Fatalf("%s %q: %v, want HCS_E_INVALID_JSON or ERROR_NOT_SUPPORTED", typ, settings, err)
		}
	})
}
