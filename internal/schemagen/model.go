package main

// Catalog is the parsed content of the spec's type catalog (§10).
type Catalog struct {
	// Enums are the enumerations of §10.1, in spec order.
	Enums []Enum
	// Structs are the structures of §10.2, in spec order.
	Structs []Struct
}

// Enum is one string enumeration.
type Enum struct {
	// Name is the spec name (e.g. "System_PropertyType").
	Name string
	// Doc is the descriptive paragraph of the section, possibly empty.
	Doc string
	// Values are the enumeration's values in spec order.
	Values []EnumValue
}

// EnumValue is one value of an enumeration.
type EnumValue struct {
	// Name is the JSON string.
	Name string
	// Since is the schema version or client-only marker, possibly empty.
	Since string
	// Note is the value's note, possibly empty.
	Note string
}

// Struct is one JSON object type.
type Struct struct {
	// Name is the spec name (e.g. "Container_Memory").
	Name string
	// Doc is the descriptive paragraph of the section, possibly empty.
	Doc string
	// Fields are the rows of the section's table; empty for types with no fields.
	Fields []Field
}

// Field is one row of a structure table.
type Field struct {
	// JSON is the field name exactly as spelt in the spec.
	JSON string
	// Type is the raw type expression of the row.
	Type string
	// Since is the version column.
	Since string
	// Note is the note column.
	Note string
}

// Names returns the set of spec names defined by the catalog, mapped to
// whether they are enums.
func (c *Catalog) Names() map[string]bool {
	m := make(map[string]bool, len(c.Enums)+len(c.Structs))
	for _, e := range c.Enums {
		m[e.Name] = true
	}
	for _, s := range c.Structs {
		m[s.Name] = false
	}
	return m
}
