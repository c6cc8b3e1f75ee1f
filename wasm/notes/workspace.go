package notes

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/commonplace/commonplace/crdt"
)

// InitWorkspace writes a new workspace document (or a personal space's,
// with personal set).
func InitWorkspace(d *crdt.Doc, name string, personal bool) error {
	m := d.RootMap()
	for _, kv := range []struct {
		k string
		v any
	}{
		{"type", TypeWorkspace}, {"schema", SchemaVersion}, {"name", name}, {"personal", personal},
		{"members", map[string]any{}}, {"notes", map[string]any{}},
	} {
		if err := m.Set(kv.k, kv.v); err != nil {
			return fmt.Errorf("init workspace %s: %w", kv.k, err)
		}
	}
	return nil
}

func childMap(d *crdt.Doc, key string) (*crdt.Map, error) {
	v, err := d.RootMap().Get(key)
	if err != nil {
		return nil, fmt.Errorf("workspace %s: %w", key, err)
	}
	if v.Kind() != crdt.KindMap {
		if err := d.RootMap().Set(key, map[string]any{}); err != nil {
			return nil, fmt.Errorf("workspace %s: %w", key, err)
		}
		v, _ = d.RootMap().Get(key)
	}
	return v.Map(), nil
}

// AddToIndex lists a note in the workspace's index.
func AddToIndex(d *crdt.Doc, noteID, kind string, at time.Time) error {
	idx, err := childMap(d, "notes")
	if err != nil {
		return err
	}
	if err := idx.Set(noteID, map[string]any{"kind": kind, "added": at.UnixMilli()}); err != nil {
		return fmt.Errorf("index note: %w", err)
	}
	return nil
}

// Index returns the note IDs in the workspace's index, sorted.
func Index(d *crdt.Doc) []string {
	v, err := d.RootMap().Get("notes")
	if err != nil || v.Kind() != crdt.KindMap {
		return nil
	}
	keys, _ := v.Map().Keys()
	sort.Strings(keys)
	return keys
}

// SetMember records a member's name and role and adds actor to their
// devices.
func SetMember(d *crdt.Doc, memberID, name, role, actor string) error {
	if err := ValidRole(role); err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("member name is empty: %w", ErrInvalid)
	}
	members, err := childMap(d, "members")
	if err != nil {
		return err
	}
	v, err := members.Get(memberID)
	if err != nil {
		return fmt.Errorf("member %s: %w", memberID, err)
	}
	if v.Kind() != crdt.KindMap {
		return members.Set(memberID, map[string]any{"name": name, "role": role, "actors": []any{actor}})
	}
	m := v.Map()
	if str(m, "name") != name {
		if err := m.Set("name", name); err != nil {
			return fmt.Errorf("member name: %w", err)
		}
	}
	if str(m, "role") != role {
		if err := m.Set("role", role); err != nil {
			return fmt.Errorf("member role: %w", err)
		}
	}
	if slices.Contains(strList(m, "actors"), actor) {
		return nil
	}
	av, err := m.Get("actors")
	if err != nil || av.Kind() != crdt.KindList {
		return m.Set("actors", []any{actor})
	}
	return av.List().Append(actor)
}

// Members lists the workspace's members by name.
func Members(d *crdt.Doc) []Member {
	out := []Member{}
	v, err := d.RootMap().Get("members")
	if err != nil || v.Kind() != crdt.KindMap {
		return out
	}
	vs, _ := v.Map().Values()
	for id, mv := range vs {
		if mv.Kind() != crdt.KindMap {
			continue
		}
		m := mv.Map()
		out = append(out, Member{ID: id, Name: str(m, "name"), Role: str(m, "role"), Actors: strList(m, "actors")})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// ByActor finds the member whose devices include actor.
func ByActor(members []Member, actor string) *Member {
	for i := range members {
		if slices.Contains(members[i].Actors, actor) {
			return &members[i]
		}
	}
	return nil
}

// SetValue sets a plain key of a workspace document (e.g. the personal
// space's profile and team invite).
func SetValue(d *crdt.Doc, key string, v any) error {
	if err := d.RootMap().Set(key, v); err != nil {
		return fmt.Errorf("workspace %s: %w", key, err)
	}
	return nil
}

// Value reads a plain key of a workspace document as JSON-able values.
func Value(d *crdt.Doc, key string) any {
	v, err := d.RootMap().Get(key)
	if err != nil {
		return nil
	}
	return ToJSON(v)
}
