package main

import (
	"reflect"
	"testing"
)

func TestResolve(t *testing.T) {
	c := &Catalog{
		Enums:   []Enum{{Name: "State"}},
		Structs: []Struct{{Name: "Container_Memory"}, {Name: "Attachment"}},
	}
	r := NewResolver(c, []string{"Numa"})
	cases := []struct {
		in   string
		want GoType
	}{
		{"string", GoType{Expr: "string"}},
		{"Guid", GoType{Expr: "string"}},
		{"DateTime", GoType{Expr: "string"}},
		{"MacAddress", GoType{Expr: "string"}},
		{"string_binary", GoType{Expr: "string"}},
		{"bool", GoType{Expr: "bool"}},
		{"uint64", GoType{Expr: "uint64"}},
		{"int32 (bit flags)", GoType{Expr: "int32"}},
		{"ByteArray", GoType{Expr: "[]byte"}},
		{"NullableByteArray", GoType{Expr: "[]byte"}},
		{"Any", GoType{Expr: "json.RawMessage"}},
		{"object", GoType{Expr: "json.RawMessage"}},
		{"Any[]", GoType{Expr: "[]json.RawMessage"}},
		{"State", GoType{Expr: "State"}},
		{"State[]", GoType{Expr: "[]State"}},
		{"Container_Memory", GoType{Expr: "*ContainerMemory"}},
		{"Container_Memory[]", GoType{Expr: "[]ContainerMemory"}},
		{"Numa", GoType{Expr: "*Numa"}},
		{"uint16[2]", GoType{Expr: "[]uint16", Len: 2}},
		{"map<string,string>", GoType{Expr: "map[string]string"}},
		{"map<uint32,Attachment>", GoType{Expr: "map[string]Attachment", Key: "uint32"}},
		{"map<Guid,Attachment>", GoType{Expr: "map[string]Attachment"}},
		{"map<string,Any>", GoType{Expr: "map[string]json.RawMessage"}},
		{`"Physical" / "Virtual"`, GoType{Expr: "string", Inline: []string{"Physical", "Virtual"}}},
	}
	for _, tc := range cases {
		got, err := r.Resolve(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Resolve(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestResolveUnknown(t *testing.T) {
	r := NewResolver(&Catalog{}, nil)
	for _, in := range []string{"unconfirmed", "—", "Nope[]", "map<string,Nope>"} {
		got, err := r.Resolve(in)
		if err != nil || got.Expr != "json.RawMessage" || got.Note == "" {
			t.Errorf("Resolve(%q) = %+v, %v; want raw JSON with a note", in, got, err)
		}
	}
	if _, err := r.Resolve("uint8[]"); err == nil {
		t.Error("Resolve(uint8[]) succeeded, want an error")
	}
}

func TestNames(t *testing.T) {
	types := map[string]string{
		"System_PropertyQuery": "SystemPropertyQuery",
		"Container_Memory":     "ContainerMemory",
		"ContainersDef_Device": "ContainersDefDevice",
		"Version":              "Version",
	}
	for in, want := range types {
		if got := TypeName(in); got != want {
			t.Errorf("TypeName(%q) = %q, want %q", in, got, want)
		}
	}
	idents := map[string]string{
		"device_extension": "DeviceExtension",
		"count_per_node":   "CountPerNode",
		"file":             "File",
		"Sse4_1":           "Sse41",
		"ifexists":         "Ifexists",
		"AVX512_Ifma":      "AVX512Ifma",
		"3d":               "X3d",
	}
	for in, want := range idents {
		if got := Ident(in); got != want {
			t.Errorf("Ident(%q) = %q, want %q", in, got, want)
		}
	}
}
