package main

import (
	"encoding/json"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// do runs one asynchronous call and waits for its result document.
func (e *env) do(call func(op *client.Operation) error) (string, error) {
	return client.Do(e.ctx, call)
}

// openSystem opens a handle to the system id; the caller closes it.
func (e *env) openSystem(id string) (*client.System, error) {
	c, err := e.client()
	if err != nil {
		return nil, err
	}
	return c.OpenComputeSystem(e.ctx, id, client.GenericAll)
}

// withSystem opens id, runs fn with the handle and closes it.
func (e *env) withSystem(id string, fn func(s *client.System) error) error {
	s, err := e.openSystem(id)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

// enumerate lists the systems matching query (empty: all) in the order the service gives.
func (e *env) enumerate(query string) ([]schema.Properties, error) {
	c, err := e.client()
	if err != nil {
		return nil, err
	}
	doc, err := e.do(func(op *client.Operation) error { return c.EnumerateComputeSystems(query, op) })
	if err != nil {
		return nil, err
	}
	var out []schema.Properties
	if err := json.Unmarshal([]byte(doc), &out); err != nil {
		return nil, hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "the service's list of systems")
	}
	return out, nil
}

// properties queries the system's Properties document.
func (e *env) properties(s *client.System, query string) (string, error) {
	return e.do(func(op *client.Operation) error { return s.GetProperties(op, query) })
}

// serviceSettings returns the service's settings, or empty settings when the service does
// not report them.
func (e *env) serviceSettings() schema.ServiceSettings {
	var set schema.ServiceSettings
	c, err := e.client()
	if err != nil {
		return set
	}
	doc, err := c.GetServiceProperties(e.ctx, `{"PropertyTypes":["ServiceSettings"]}`)
	if err != nil {
		return set
	}
	var props schema.ServiceProperties
	if json.Unmarshal([]byte(doc), &props) == nil && len(props.Properties) == 1 {
		json.Unmarshal(props.Properties[0], &set)
	}
	return set
}
