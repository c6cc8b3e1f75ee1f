package notes

import (
	"github.com/commonplace/commonplace/crdt"
)

// Patch is one crdt diff patch as the UI gets it. Text splices carry
// UTF-16 positions so an editor can move its caret.
type Patch struct {
	Path   []any   `json:"path"`
	Action string  `json:"action"`
	Index  *int    `json:"index,omitempty"`
	Delete *int    `json:"delete,omitempty"`
	Insert *string `json:"insert,omitempty"`
	Value  any     `json:"value,omitempty"`
}

// MapPatches converts d's diff from before to after. texts holds each text
// field's content at before, in code points; it is advanced patch by patch
// so every position is converted against the text it applies to.
func MapPatches(ps []crdt.Patch, texts map[string][]rune) []Patch {
	out := make([]Patch, 0, len(ps))
	for _, p := range ps {
		field, isText := textPatch(p, texts)
		switch {
		case isText && p.Action == crdt.PatchSpliceText:
			rs := texts[field]
			at := min(p.Index, len(rs))
			idx, ins, zero := UTF16Index(rs, at), p.Text, 0
			texts[field] = append(rs[:at:at], append([]rune(p.Text), rs[at:]...)...)
			out = append(out, Patch{Path: []any{field}, Action: "splice", Index: &idx, Delete: &zero, Insert: &ins})
		case isText && p.Action == crdt.PatchDelete:
			rs := texts[field]
			at := min(p.Index, len(rs))
			end := min(at+max(p.Length, 1), len(rs))
			idx := UTF16Index(rs, at)
			del := UTF16Index(rs, end) - idx
			empty := ""
			texts[field] = append(rs[:at:at], rs[end:]...)
			out = append(out, Patch{Path: []any{field}, Action: "splice", Index: &idx, Delete: &del, Insert: &empty})
		default:
			out = append(out, genericPatch(p))
		}
	}
	return out
}

// textPatch says whether p edits a top-level text field tracked in texts.
func textPatch(p crdt.Patch, texts map[string][]rune) (string, bool) {
	if len(p.Path) != 1 {
		return "", false
	}
	f, ok := p.Path[0].(string)
	if !ok {
		return "", false
	}
	_, tracked := texts[f]
	return f, tracked
}

func genericPatch(p crdt.Patch) Patch {
	path := append([]any(nil), p.Path...)
	out := Patch{Path: path}
	switch p.Action {
	case crdt.PatchPut:
		out.Action = "put"
		if p.Key != "" {
			out.Path = append(out.Path, p.Key)
		} else {
			out.Path = append(out.Path, p.Index)
		}
		out.Value = ToJSON(p.Value)
	case crdt.PatchDelete:
		out.Action = "delete"
		if p.Key != "" {
			out.Path = append(out.Path, p.Key)
		} else {
			i, n := p.Index, max(p.Length, 1)
			out.Index, out.Delete = &i, &n
		}
	case crdt.PatchInsert:
		out.Action = "insert"
		i := p.Index
		out.Index = &i
		vs := make([]any, len(p.Values))
		for k, v := range p.Values {
			vs[k] = ToJSON(v)
		}
		out.Value = vs
	case crdt.PatchSpliceText:
		out.Action = "splice"
		i, ins, zero := p.Index, p.Text, 0
		out.Index, out.Insert, out.Delete = &i, &ins, &zero
	case crdt.PatchIncrement:
		out.Action = "increment"
		out.Path = append(out.Path, p.Key)
		out.Value = p.Delta
	}
	return out
}
