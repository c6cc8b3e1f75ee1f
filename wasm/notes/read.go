package notes

import (
	"fmt"

	"github.com/commonplace/commonplace/crdt"
)

// Source is a document or a view of it at earlier heads.
type Source interface {
	RootMap() *crdt.Map
}

// Names maps an actor ID to its member's name, nil for an unknown actor.
type Names func(actor string) *string

// ReadNote reads note id from src, whose heads are heads; d is the
// document (for change metadata). private says which space holds it.
func ReadNote(src Source, d *crdt.Doc, heads []crdt.ChangeHash, id string, private bool, names Names) (Note, error) {
	m := src.RootMap()
	n := Note{ID: id, Private: private, Conflicts: map[string][]any{}, Backlinks: []string{}}
	if typ := str(m, "type"); typ != TypeNote {
		return n, fmt.Errorf("document %s is not a note (type %q): %w", id, typ, ErrInvalid)
	}
	n.Kind = str(m, "kind")
	n.Title = str(m, "title")
	n.Body = str(m, "body")
	n.Tags = strList(m, "tags")
	n.Participants = strList(m, "participants")
	n.Links = strList(m, "links")
	if v, err := m.Get("place"); err == nil && (v.Kind() == crdt.KindStr || v.Kind() == crdt.KindText) {
		s := asString(v)
		n.Place = &s
	}
	if v, err := m.Get("sharedAs"); err == nil && (v.Kind() == crdt.KindStr || v.Kind() == crdt.KindText) {
		s := asString(v)
		n.SharedAs = &s
	}
	if v, err := m.Get("session"); err == nil && v.Kind() == crdt.KindMap {
		s := v.Map()
		n.Session = &Session{Date: str(s, "date"), Place: str(s, "place"), Attendees: strList(s, "attendees")}
	}
	if v, err := m.Get("created"); err == nil && v.Kind() == crdt.KindMap {
		c := v.Map()
		n.Created = Stamp{Actor: str(c, "actor"), At: num(c, "at")}
		n.Created.By = names(n.Created.Actor)
	}
	n.Changed = lastChange(d, heads, names)
	for _, f := range append([]string{"kind"}, SetFields...) {
		vs, err := m.Conflicts(f)
		if err != nil || len(vs) < 2 {
			continue
		}
		for _, v := range vs {
			n.Conflicts[f] = append(n.Conflicts[f], ToJSON(v))
		}
	}
	n.Heads = make([]string, len(heads))
	for i, h := range heads {
		n.Heads[i] = h.String()
	}
	return n, nil
}

// lastChange is the latest of the changes at heads.
func lastChange(d *crdt.Doc, heads []crdt.ChangeHash, names Names) Stamp {
	var s Stamp
	for _, h := range heads {
		c, err := d.Change(h)
		if err != nil {
			continue
		}
		if at := c.Timestamp().UnixMilli(); s.Actor == "" || at > s.At {
			s = Stamp{Actor: c.ActorID(), At: at}
		}
	}
	s.By = names(s.Actor)
	return s
}

// ToJSON turns a document value into plain Go values encoding/json writes.
func ToJSON(v *crdt.Value) any {
	if v == nil {
		return nil
	}
	switch v.Kind() {
	case crdt.KindStr:
		return v.Str()
	case crdt.KindInt64:
		return v.Int64()
	case crdt.KindUint64:
		return v.Uint64()
	case crdt.KindFloat64:
		return v.Float64()
	case crdt.KindBool:
		return v.Bool()
	case crdt.KindTime:
		return v.Time().UnixMilli()
	case crdt.KindText:
		s, _ := v.Text().Get()
		return s
	case crdt.KindList:
		vs, _ := v.List().Values()
		out := make([]any, len(vs))
		for i, e := range vs {
			out[i] = ToJSON(e)
		}
		return out
	case crdt.KindMap:
		vs, _ := v.Map().Values()
		out := make(map[string]any, len(vs))
		for k, e := range vs {
			out[k] = ToJSON(e)
		}
		return out
	case crdt.KindCounter:
		n, _ := v.Counter().Get()
		return n
	}
	return nil
}

// str reads a string field. Besides scalar strings (what the core writes)
// it accepts text objects, which a stock JavaScript client writing
// `d.place = "x"` creates.
func str(m *crdt.Map, k string) string {
	v, err := m.Get(k)
	if err != nil {
		return ""
	}
	return asString(v)
}

func asString(v *crdt.Value) string {
	switch v.Kind() {
	case crdt.KindStr:
		return v.Str()
	case crdt.KindText:
		s, _ := v.Text().Get()
		return s
	}
	return ""
}

func num(m *crdt.Map, k string) int64 {
	v, err := m.Get(k)
	if err != nil {
		return 0
	}
	switch v.Kind() {
	case crdt.KindInt64:
		return v.Int64()
	case crdt.KindUint64:
		return int64(v.Uint64())
	case crdt.KindFloat64:
		return int64(v.Float64())
	}
	return 0
}

func strList(m *crdt.Map, k string) []string {
	out := []string{}
	v, err := m.Get(k)
	if err != nil || v.Kind() != crdt.KindList {
		return out
	}
	vs, _ := v.List().Values()
	for _, e := range vs {
		if e.Kind() == crdt.KindStr || e.Kind() == crdt.KindText {
			out = append(out, asString(e))
		}
	}
	return out
}
