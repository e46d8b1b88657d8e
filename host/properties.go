package host

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

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
// types, and (schema 2.5) the named Queries in PropertyResponses.
//
// The two forms fail differently, as HCS answers them: PropertyTypes is one question, so a
// type that cannot be answered (not available for this kind of system, or one the back-end
// reads while the system does not run) fails the whole call naming it; each entry of Queries
// is answered on its own, with either a Response or an Error, and never fails the call. A
// PropertyTypes value the schema does not know is refused while the document is decoded
// (HCS_E_INVALID_JSON naming $.PropertyTypes[i]).
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
	return encodeProperties(props, q.PropertyTypes), nil
}

// fill adds the requested property types to props: the host's own (see hostProperty), then
// the back-end's in one call, which needs a running or paused system.
func (s *system) fill(ctx context.Context, types []schema.SystemPropertyType, props *schema.Properties) error {
	var forDriver []schema.SystemPropertyType
	for _, t := range types {
		if _, ok := propertyFields[t]; !ok {
			return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "property type %q is not available on Linux HCS", t)
		}
		if !s.hostProperty(t, props) {
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

// hostProperty fills t when the host itself knows it, in any state, and reports whether it
// did. SystemGUID is the system's runtime GUID, the same value as RuntimeId: hcsshim reads it
// for a hosted container and RuntimeId for a VM, and both name the one runtime instance.
func (s *system) hostProperty(t schema.SystemPropertyType, props *schema.Properties) bool {
	switch t {
	case schema.SystemPropertyTypeTerminateOnLastHandleClosed:
		props.TerminateOnLastHandleClosed = s.cfg.ShouldTerminateOnLastHandleClosed
	case schema.SystemPropertyTypeSystemGUID:
		props.SystemGUID = s.runtimeID
	default:
		return false
	}
	return true
}

// answerQueries answers each named query of a 2.5 query document: the key is a property type,
// the response that property's value, or an error for that query alone. A name the schema
// does not know as a property type gets E_INVALIDARG naming it ($.Queries.Name); a known type
// that cannot be answered gets the error the PropertyTypes form would fail with.
func (s *system) answerQueries(ctx context.Context, queries map[string]json.RawMessage) map[string]schema.PropertyResponse {
	out := make(map[string]schema.PropertyResponse, len(queries))
	for name := range queries {
		out[name] = s.answerQuery(ctx, name)
	}
	return out
}

// answerQuery answers one named query.
func (s *system) answerQuery(ctx context.Context, name string) schema.PropertyResponse {
	t := schema.SystemPropertyType(name)
	if !t.Valid() {
		return schema.PropertyResponse{Error: resultError(hresult.Errorf(hresult.E_INVALIDARG,
			"%s: %q is not a property type", queryPath(name), name))}
	}
	var p schema.Properties
	if err := s.fill(ctx, []schema.SystemPropertyType{t}, &p); err != nil {
		return schema.PropertyResponse{Error: resultError(err)}
	}
	return schema.PropertyResponse{Response: json.RawMessage(mustJSON(propertyFields[t].value(&p)))}
}

// queryPath is the JSON path of the query name in a System_PropertyQuery.
func queryPath(name string) string {
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "$.Queries[" + strconv.Quote(name) + "]"
		}
	}
	return "$.Queries." + name
}

// resultError converts an error to the typed ResultError document.
func resultError(err error) *schema.ResultError {
	var r schema.ResultError
	_ = json.Unmarshal(hresult.ToResultError(err), &r)
	return &r
}
