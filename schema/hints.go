package schema

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// maxPlaces is how many places a "belongs in" hint lists; a name known in more places
// (Path, Name) says little about where it was meant to go.
const maxPlaces = 3

// hintIndex maps a lower-cased member name to where, under one root type, it is known.
type hintIndex map[string]*known

// known is one member name and the paths of the objects that have it, relative to the
// root ("" is the root itself, else ".Container.GuestOs", ".Layers[*]"), shortest first.
type known struct {
	name   string
	places []string
}

// hintIndexes maps a root type to a func returning its index, built once on first use.
var hintIndexes sync.Map

// hintsFor returns the index of the members reachable from root.
func hintsFor(root reflect.Type) hintIndex {
	f, ok := hintIndexes.Load(root)
	if !ok {
		f, _ = hintIndexes.LoadOrStore(root, sync.OnceValue(func() hintIndex { return buildHints(root) }))
	}
	return f.(func() hintIndex)()
}

// belongsIn returns "Name belongs in $.A.B" for a member name unknown where it was found
// but known elsewhere under root, which sits at path at; "" when it is known nowhere.
func belongsIn(root reflect.Type, at path, name string) string {
	k := hintsFor(root)[strings.ToLower(name)]
	if k == nil {
		return ""
	}
	places := make([]string, 0, maxPlaces)
	for _, rel := range k.places[:min(len(k.places), maxPlaces)] {
		places = append(places, string(at)+rel)
	}
	s := k.name + " belongs in " + orList(places)
	switch n := len(k.places) - len(places); {
	case n == 1:
		s += " (or 1 other place)"
	case n > 1:
		s += fmt.Sprintf(" (or %d other places)", n)
	}
	return s
}

// orList joins "a", "a or b", "a, b or c".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// typeAt is a type to visit and the relative path of its values.
type typeAt struct {
	t   reflect.Type
	rel string
}

// buildHints walks the types reachable from root breadth first, so that each struct type
// is indexed once, at its shortest path.
func buildHints(root reflect.Type) hintIndex {
	idx := hintIndex{}
	seen := map[reflect.Type]bool{}
	queue := []typeAt{{root, ""}}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		t := n.t
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case opaque(t) || isBytes(t):
		case t.Kind() == reflect.Struct && !seen[t]:
			seen[t] = true
			for _, f := range fieldsOf(t) {
				idx.add(f.name, n.rel)
				queue = append(queue, typeAt{f.typ, n.rel + string(path("").field(f.name))})
			}
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map:
			queue = append(queue, typeAt{t.Elem(), n.rel + "[*]"})
		}
	}
	return idx
}

// add records that the object at rel has a member name.
func (idx hintIndex) add(name, rel string) {
	key := strings.ToLower(name)
	k := idx[key]
	if k == nil {
		k = &known{name: name}
		idx[key] = k
	}
	k.places = append(k.places, rel)
}
