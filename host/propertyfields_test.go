package host

import (
	"encoding/json"
	"testing"

	"github.com/linuxhcs/hcs/schema"
)

func TestEncodePropertiesKeepsAnsweredMembersOfAnEmptyDocument(t *testing.T) {
	doc := encodeProperties(schema.Properties{}, []schema.SystemPropertyType{
		schema.SystemPropertyTypeTerminateOnLastHandleClosed, schema.SystemPropertyTypeProcessList})
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	if string(got["TerminateOnLastHandleClosed"]) != "false" || string(got["ProcessList"]) != "[]" {
		t.Fatalf("encoded %s, want TerminateOnLastHandleClosed false and ProcessList []", doc)
	}
}
