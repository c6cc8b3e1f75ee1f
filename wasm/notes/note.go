package notes

import (
	"fmt"
	"time"

	"github.com/commonplace/commonplace/crdt"
)

// Fields setField accepts, and the text fields editText accepts.
var (
	SetFields  = []string{"tags", "participants", "links", "place", "session"}
	TextFields = []string{"title", "body"}
)

// InitNote writes a new note's fields into an empty document.
func InitNote(d *crdt.Doc, kind, title string, private bool, actor string, at time.Time) error {
	if err := ValidKind(kind); err != nil {
		return err
	}
	m := d.RootMap()
	for _, kv := range []struct {
		k string
		v any
	}{
		{"type", TypeNote}, {"schema", SchemaVersion}, {"kind", kind},
		{"title", crdt.NewText(title)}, {"body", crdt.NewText("")},
		{"tags", []any{}}, {"participants", []any{}}, {"links", []any{}},
		{"private", private},
		{"created", map[string]any{"actor": actor, "at": at.UnixMilli()}},
	} {
		if err := m.Set(kv.k, kv.v); err != nil {
			return fmt.Errorf("init note %s: %w", kv.k, err)
		}
	}
	return nil
}

// CheckField validates value for field before anything is written, since a
// half-applied edit cannot be rolled back. It returns the value in the form
// the document stores.
func CheckField(field string, value any) (any, error) {
	switch field {
	case "tags", "participants", "links":
		list, ok := stringList(value)
		if !ok {
			return nil, fmt.Errorf("%s must be an array of strings: %w", field, ErrInvalid)
		}
		out := make([]any, len(list))
		for i, s := range list {
			out[i] = s
		}
		return out, nil
	case "place":
		switch v := value.(type) {
		case nil:
			return nil, nil
		case string:
			return v, nil
		}
		return nil, fmt.Errorf("place must be a string or null: %w", ErrInvalid)
	case "session":
		if value == nil {
			return nil, nil
		}
		m, ok := value.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("session must be {date, place, attendees} or null: %w", ErrInvalid)
		}
		date, ok1 := m["date"].(string)
		place, ok2 := m["place"].(string)
		att, ok3 := stringList(m["attendees"])
		if m["date"] == nil {
			date, ok1 = "", true
		}
		if m["place"] == nil {
			place, ok2 = "", true
		}
		if m["attendees"] == nil {
			att, ok3 = nil, true
		}
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("session must be {date: string, place: string, attendees: [string]}: %w", ErrInvalid)
		}
		a := make([]any, len(att))
		for i, s := range att {
			a[i] = s
		}
		return map[string]any{"date": date, "place": place, "attendees": a}, nil
	}
	return nil, fmt.Errorf("field %q cannot be set (one of %v): %w", field, SetFields, ErrInvalid)
}

func stringList(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return l, true
	case []any:
		out := make([]string, len(l))
		for i, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// SetField writes a value checked by CheckField. Writing a field replaces
// every concurrent value of it, so it also resolves a conflict.
func SetField(d *crdt.Doc, field string, checked any) error {
	m := d.RootMap()
	if checked == nil {
		if err := m.Delete(field); err != nil {
			return fmt.Errorf("clear %s: %w", field, err)
		}
		return nil
	}
	if err := m.Set(field, checked); err != nil {
		return fmt.Errorf("set %s: %w", field, err)
	}
	return nil
}

// EditText splices the text field at a code point position.
func EditText(d *crdt.Doc, field string, pos, del int, insert string) error {
	t, err := textField(d.RootMap(), field)
	if err != nil {
		return err
	}
	if pos < 0 || del < 0 || pos+del > t.Len() {
		return fmt.Errorf("%s: range %d+%d outside text of %d: %w", field, pos, del, t.Len(), ErrInvalid)
	}
	if err := t.Splice(pos, del, insert); err != nil {
		return fmt.Errorf("edit %s: %w", field, err)
	}
	return nil
}

// TextOf returns the current text of a text field.
func TextOf(d *crdt.Doc, field string) (string, error) {
	t, err := textField(d.RootMap(), field)
	if err != nil {
		return "", err
	}
	return t.Get()
}

func textField(m *crdt.Map, field string) (*crdt.Text, error) {
	if field != "title" && field != "body" {
		return nil, fmt.Errorf("text field %q (title or body): %w", field, ErrInvalid)
	}
	v, err := m.Get(field)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	if v.Kind() != crdt.KindText {
		return nil, fmt.Errorf("%s is not text: %w", field, ErrInvalid)
	}
	return v.Text(), nil
}

// MarkShared records that a private note was copied into the workspace.
func MarkShared(d *crdt.Doc, sharedAs string) error {
	return d.RootMap().Set("sharedAs", sharedAs)
}
