package main

import (
	"reflect"
	"strings"
	"testing"
)

// sample is a small catalog in the spec's format.
const sample = "# Spec\n\n## 10. Type catalog\n\n### 10.1 Enumerations (JSON strings)\n\n" +
	"Intro text.\n\n" +
	"#### Color\n\nA colour. Used by: Paint.\n\n" +
	"- `Red` (2.0) — warm\n- `Blue` (2.1)\n- `Teal` (client-only: WSL)\n\n" +
	"#### Mode\n\nValues (all 2.3): `hard`, `soft`\n\n" +
	"#### Detail\n\nInformational.\n\n`Invalid` (2.4); `PowerOff` (2.4); `Xsave_Opt` (2.5)\n\n" +
	"### 10.2 Structures (JSON objects)\n\nColumns: field, type.\n\n" +
	"#### Paint\n\nA paint. Used by: Wall.\n\n" +
	"| Field | Type | Since | Note |\n|---|---|---|---|\n" +
	"| `Color` | Color | 2.0 | main colour |\n" +
	"| `Layers` | Paint_Layer[] | 2.1 |  |\n" +
	"| `Size` | uint16[2] | 2.0 | [h, w] |\n" +
	"| `Slots` | map<uint32,Paint_Layer> | 2.0 |  |\n" +
	"| `Extra` | Any | 2.0 |  |\n" +
	"| `base_path` | string | 2.3 | a \\| pipe |\n" +
	"| `Backing` | \"Physical\" / \"Virtual\" | client-only (hcsshim) |  |\n\n" +
	"#### Paint_Layer\n\n| Field | Type | Since | Note |\n|---|---|---|---|\n| `Depth` | uint32 | 2.0 |  |\n\n" +
	"#### Mouse\n\nUsed by: Devices.\n\nNo fields: written as the empty object `{}`.\n\n" +
	"## 11. Other\n\n#### NotParsed\n\n| `X` | string | 2.0 |  |\n"

func TestParseEnumFormats(t *testing.T) {
	c, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Enums) != 3 {
		t.Fatalf("got %d enums, want 3", len(c.Enums))
	}
	want := []EnumValue{{"Red", "2.0", "warm"}, {"Blue", "2.1", ""}, {"Teal", "client-only: WSL", ""}}
	if !reflect.DeepEqual(c.Enums[0].Values, want) {
		t.Errorf("bullet values = %+v, want %+v", c.Enums[0].Values, want)
	}
	if c.Enums[0].Doc != "A colour. Used by: Paint." {
		t.Errorf("doc = %q", c.Enums[0].Doc)
	}
	if got := c.Enums[1].Values; len(got) != 2 || got[0] != (EnumValue{"hard", "2.3", ""}) {
		t.Errorf("Values-line values = %+v", got)
	}
	if got := c.Enums[2].Values; len(got) != 3 || got[2] != (EnumValue{"Xsave_Opt", "2.5", ""}) {
		t.Errorf("semicolon values = %+v", got)
	}
}

func TestParseStructTable(t *testing.T) {
	c, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Structs) != 3 {
		t.Fatalf("got %d structs, want 3 (section 11 must be ignored)", len(c.Structs))
	}
	p := c.Structs[0]
	if p.Name != "Paint" || len(p.Fields) != 7 {
		t.Fatalf("Paint = %+v", p)
	}
	if f := p.Fields[0]; f != (Field{JSON: "Color", Type: "Color", Since: "2.0", Note: "main colour"}) {
		t.Errorf("first field = %+v", f)
	}
	if f := p.Fields[5]; f.JSON != "base_path" || f.Note != "a | pipe" {
		t.Errorf("escaped pipe field = %+v", f)
	}
	if m := c.Structs[2]; m.Name != "Mouse" || len(m.Fields) != 0 {
		t.Errorf("empty struct = %+v", m)
	}
}

func TestParseErrors(t *testing.T) {
	head := "### 10.1 E\n\n#### E\n\n- `A` (2.0)\n\n### 10.2 S\n\n"
	cases := map[string]string{
		"no catalog":       "# nothing here\n",
		"struct no table":  head + "#### S\n\nJust words.\n",
		"duplicate field":  head + "#### S\n\n| Field | Type | Since | Note |\n|---|---|---|---|\n| `A` | string | 2.0 | |\n| `A` | bool | 2.0 | |\n",
		"bad column count": head + "#### S\n\n| Field | Type | Since | Note |\n|---|---|---|---|\n| `A` | string | 2.0 |\n",
		"unquoted field":   head + "#### S\n\n| Field | Type | Since | Note |\n|---|---|---|---|\n| A | string | 2.0 | |\n",
		"duplicate type":   head + "#### E\n\nNo fields.\n",
		"enum no values":   "### 10.1 E\n\n#### E\n\nNothing.\n\n### 10.2 S\n\n#### S\n\nNo fields.\n",
		"duplicate value":  "### 10.1 E\n\n#### E\n\n- `A` (2.0)\n- `A` (2.1)\n\n### 10.2 S\n\n#### S\n\nNo fields.\n",
		"bad value line":   "### 10.1 E\n\n#### E\n\n- A (2.0)\n\n### 10.2 S\n\n#### S\n\nNo fields.\n",
	}
	for name, src := range cases {
		if _, err := Parse(src); err == nil {
			t.Errorf("%s: Parse succeeded, want an error", name)
		}
	}
}

func TestGenerateSample(t *testing.T) {
	code, err := GenerateFromSpec(sample)
	if err != nil {
		t.Fatal(err)
	}
	src := string(code)
	for _, want := range []string{
		"type Color string",
		`ColorRed Color = "Red"`,
		`DetailXsaveOpt Detail = "Xsave_Opt"`,
		`ModeHard Mode = "hard"`,
		"func ColorValues() []Color",
		"func (v Color) Valid() bool",
		"Color Color `json:\"Color,omitempty\"`",
		"Layers []PaintLayer `json:\"Layers,omitempty\"`",
		"Size []uint16 `json:\"Size,omitempty\" hcslen:\"2\"`",
		"Slots map[string]PaintLayer `json:\"Slots,omitempty\" hcskey:\"uint32\"`",
		"Extra json.RawMessage `json:\"Extra,omitempty\"`",
		"BasePath string `json:\"base_path,omitempty\"`",
		"Backing string `json:\"Backing,omitempty\" hcsenum:\"Physical,Virtual\"`",
		"type Mouse struct {\n}",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated code lacks %q", want)
		}
	}
}

func TestGenerateCollision(t *testing.T) {
	src := "### 10.1 E\n\n#### Color\n\n- `Red` (2.0)\n\n### 10.2 S\n\n" +
		"#### Color_Red\n\nNo fields.\n\n#### ColorRed\n\nNo fields.\n"
	if _, err := GenerateFromSpec(src); err == nil || !strings.Contains(err.Error(), "collides") {
		t.Fatalf("err = %v, want a collision", err)
	}
}

func TestGenerateFieldCollision(t *testing.T) {
	src := "### 10.1 E\n\n#### E\n\n- `A` (2.0)\n\n### 10.2 S\n\n#### S\n\n" +
		"| Field | Type | Since | Note |\n|---|---|---|---|\n| `base_path` | string | 2.0 | |\n| `BasePath` | string | 2.0 | |\n"
	if _, err := GenerateFromSpec(src); err == nil || !strings.Contains(err.Error(), "collides") {
		t.Fatalf("err = %v, want a collision", err)
	}
}
