package host

import (
	"slices"
	"sort"

	"github.com/linuxhcs/hcs/schema"
)

// enumerate answers a SystemQuery: the basic properties of every created system matching
// every non-empty filter (Ids, Names, Types, Owners), sorted by id. No systems is "[]".
func (h *Host) enumerate(doc string) (string, error) {
	q, err := schema.DecodeOptional[schema.SystemQuery]("SystemQuery", doc)
	if err != nil {
		return "", err
	}
	out := []schema.Properties{}
	for _, s := range h.allSystems() {
		if s.isCreating() {
			continue
		}
		if p := s.basic(); matches(q, p) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Id < out[j].Id })
	return mustJSON(out), nil
}

func matches(q *schema.SystemQuery, p schema.Properties) bool {
	if q == nil {
		return true
	}
	return (len(q.Ids) == 0 || slices.Contains(q.Ids, p.Id)) &&
		(len(q.Names) == 0 || slices.Contains(q.Names, p.Name)) &&
		(len(q.Types) == 0 || slices.Contains(q.Types, p.SystemType)) &&
		(len(q.Owners) == 0 || slices.Contains(q.Owners, p.Owner))
}
