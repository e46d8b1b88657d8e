package container

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/linuxhcs/hcs/internal/refusaltable"
	"github.com/linuxhcs/hcs/schema"
)

// TestRefusalTable feeds every container row of docs/refused.md to the code that refuses it
// and checks the code and message the table gives.
func TestRefusalTable(t *testing.T) {
	refusaltable.CheckAll(t, "container", containerRefusals)
}

// containerRefusals runs each call of the table on its input. A zero System is enough: each
// refusal happens before the call touches the container.
var containerRefusals = map[string]func(t *testing.T, input string) error{
	"create": func(t *testing.T, input string) error {
		in := validInput()
		if err := schema.Decode(input, in.Container); err != nil {
			t.Fatalf("%s: %v", input, err)
		}
		_, err := BuildSpec(in)
		return err
	},
	"shutdown": func(t *testing.T, input string) error {
		return CheckShutdownOptions(decodeOptions[schema.ShutdownOptions](t, "ShutdownOptions", input))
	},
	"pause": func(t *testing.T, input string) error {
		return CheckPauseOptions(decodeOptions[schema.PauseOptions](t, "PauseOptions", input))
	},
	"save": func(t *testing.T, input string) error {
		return new(System).Save(context.Background(), decodeOptions[schema.SaveOptions](t, "SaveOptions", input))
	},
	"modify": func(t *testing.T, input string) error {
		req := new(schema.ModifySettingRequest)
		if err := schema.Decode(input, req); err != nil {
			t.Fatalf("%s: %v", input, err)
		}
		return new(System).Modify(context.Background(), req)
	},
	"properties": func(t *testing.T, input string) error {
		var types []schema.SystemPropertyType
		if err := json.Unmarshal([]byte(input), &types); err != nil {
			t.Fatalf("%s: %v", input, err)
		}
		return new(System).Properties(context.Background(), types, new(schema.Properties))
	},
}

// decodeOptions decodes an options document as the service does.
func decodeOptions[T any, P schema.Input[T]](t *testing.T, name, doc string) *T {
	t.Helper()
	v, err := schema.DecodeOptional[T, P](name, doc)
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return v
}
