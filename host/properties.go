package host

import (
	"context"
	"encoding/json"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// hostPropertyTypes are the property types the host answers itself; every other known type
// is the driver's.
var hostPropertyTypes = map[schema.SystemPropertyType]bool{
	schema.SystemPropertyTypeTerminateOnLastHandleClosed: true,
}

// basic returns the properties every query gets: Id, SystemType, Name, Owner, RuntimeId,
// RuntimeOsType, State, Stopped, ExitType.
func (s *system) basic() schema.Properties {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := schema.Properties{
		Id: s.id, SystemType: s.kind, Name: s.id, Owner: s.cfg.Owner, RuntimeId: s.runtimeID,
		RuntimeOsType: schema.OsTypeLinux, State: s.state, HostingSystemId: s.cfg.HostingSystemId,
	}
	if s.exit != nil {
		p.Stopped, p.ExitType = true, s.exit.ExitType
	}
	return p
}

// properties answers a System_PropertyQuery: the basic properties, the requested property
// types, and (schema 2.5) the named Queries in PropertyResponses. Driver queries need a
// running or paused system; on other states only the host's own properties are returned.
func (s *system) properties(ctx context.Context, doc string) (string, error) {
	q, err := schema.DecodeOptional[schema.SystemPropertyQuery]("System_PropertyQuery", doc)
	if err != nil {
		return "", err
	}
	props := s.basic()
	if q == nil {
		return mustJSON(props), nil
	}
	if err := s.fill(ctx, q.PropertyTypes, &props); err != nil {
		return "", err
	}
	if len(q.Queries) > 0 {
		props.PropertyResponses = s.answerQueries(ctx, q.Queries)
	}
	return mustJSON(props), nil
}

// fill adds the requested property types to props.
func (s *system) fill(ctx context.Context, types []schema.SystemPropertyType, props *schema.Properties) error {
	var forDriver []schema.SystemPropertyType
	for _, t := range types {
		switch {
		case t == schema.SystemPropertyTypeTerminateOnLastHandleClosed:
			props.TerminateOnLastHandleClosed = s.cfg.ShouldTerminateOnLastHandleClosed
		case !hostPropertyTypes[t]:
			forDriver = append(forDriver, t)
		}
	}
	if len(forDriver) == 0 {
		return nil
	}
	if st := s.currentState(); st != schema.StateRunning && st != schema.StatePaused {
		return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "compute system %q: properties %v are only available while it runs (state %s)", s.id, forDriver, st)
	}
	return s.wrap(s.ds.Properties(ctx, forDriver, props))
}

// answerQueries answers each named query of a 2.5 query document: the key is a property type,
// the response that property's value, or an error for that query alone.
func (s *system) answerQueries(ctx context.Context, queries map[string]json.RawMessage) map[string]schema.PropertyResponse {
	out := make(map[string]schema.PropertyResponse, len(queries))
	for name := range queries {
		t := schema.SystemPropertyType(name)
		var r schema.PropertyResponse
		if !t.Valid() {
			r.Error = resultError(hresult.Errorf(hresult.E_INVALIDARG, "$.Queries[%q]: not a property type", name))
			out[name] = r
			continue
		}
		var p schema.Properties
		if err := s.fill(ctx, []schema.SystemPropertyType{t}, &p); err != nil {
			r.Error = resultError(err)
		} else {
			r.Response = json.RawMessage(propertyValue(p, t))
		}
		out[name] = r
	}
	return out
}

// propertyValue extracts the JSON of the field a property type fills, using the field of
// the same name in the encoded Properties.
func propertyValue(p schema.Properties, t schema.SystemPropertyType) string {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal([]byte(mustJSON(p)), &fields)
	if v, ok := fields[string(t)]; ok {
		return string(v)
	}
	return mustJSON(p)
}

// resultError converts an error to the typed ResultError document.
func resultError(err error) *schema.ResultError {
	var r schema.ResultError
	_ = json.Unmarshal(hresult.ToResultError(err), &r)
	return &r
}
