package schema

// Validate checks a computestorage LayerData document: schema major 2 when given and a
// Path for every layer.
func (d *LayerData) Validate() error {
	if d == nil {
		return missing("LayerData")
	}
	return validate(d, func(p path) *Error {
		if e := checkSchemaVersion(p.field("SchemaVersion"), d.SchemaVersion); e != nil {
			return e
		}
		for i, l := range d.Layers {
			if l.Path == "" {
				return p.field("Layers").index(i).field("Path").required()
			}
		}
		return nil
	})
}

// Validate checks a HcsSetupBaseOSLayer / HcsSetupBaseOSVolume options document.
func (o *OsLayerOptions) Validate() error { return validate(o, nil) }

// Validate checks a HcsExportLayer options document.
func (o *ExportLayerOptions) Validate() error { return validate(o, nil) }
