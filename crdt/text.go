package crdt

import (
	"fmt"
	"github.com/commonplace/commonplace/crdt/internal/format"
	"math"
	"strings"
)

// Text is a mutable unicode string that can be edited collaboratively.
//
// Positions and counts are in Unicode code points (runes), not bytes, as in
// automerge-go: Text("😀😀").Len() == 2 while len("😀😀") == 8. Writing
// invalid UTF-8 is an error.
type Text struct {
	doc   *Doc
	obj   opID
	bound bool
	path  *Path
	at    *clock
	val   string // initial value of a detached Text
}

// NewText returns a detached Text with the given starting value.
// Before you can read or write it you must write it to the document.
func NewText(s string) *Text { return &Text{val: s} }

// Len returns number of unicode codepoints in the text, this
// may be less than the number of utf-8 bytes.
func (t *Text) Len() int {
	if t.doc == nil {
		return 0
	}
	if t.path != nil {
		v, err := t.path.Get()
		if err != nil || v.Kind() != KindText {
			return 0
		}
		return v.Text().Len()
	}
	t.doc.mu.Lock()
	defer t.doc.mu.Unlock()
	obj, err := t.doc.object(t.obj, true)
	if err != nil {
		return 0
	}
	if t.at == nil {
		return obj.seq.root.width
	}
	n := 0
	for _, e := range obj.visibleElems(t.at) {
		n += int(textWidth(elemWinnerAt(e, t.at)))
	}
	return n
}

// Get returns the current value as a string.
func (t *Text) Get() (string, error) {
	if t.doc == nil {
		return "", fmt.Errorf("crdt.Text: tried to read detached text")
	}
	if t.path != nil {
		v, err := t.path.Get()
		if err != nil {
			return "", err
		}
		switch v.Kind() {
		case KindVoid:
			return "", nil
		case KindText:
			return v.Text().Get()
		default:
			return "", fmt.Errorf("crdt.Text: tried to read non-text value %#v", v.val)
		}
	}
	t.doc.mu.Lock()
	defer t.doc.mu.Unlock()
	obj, err := t.doc.object(t.obj, true)
	if err != nil {
		return "", err
	}
	return textString(obj, t.at), nil
}

// textString concatenates the visible string elements of a text at c;
// other values (embedded objects) show as U+FFFC, as in Automerge.
func textString(obj *object, c *clock) string {
	var b strings.Builder
	b.Grow(obj.seq.root.width)
	obj.seq.each(func(e *op) bool {
		if c == nil && e.elem.width == 0 {
			return true
		}
		w := elemWinnerAt(e, c)
		switch {
		case w == nil:
		case w.action() == format.ActionSet && w.val.typ == format.ValueString:
			b.WriteString(w.val.str)
		default:
			b.WriteString("\uFFFC")
		}
		return true
	})
	return b.String()
}

// Set overwrites the entire string with a new value,
// prefer to use Insert/Delete/Append/Splice as appropriate
// to preserves collaborators changes.
func (t *Text) Set(s string) error { return t.splice(0, math.MaxInt, s) }

// Insert adds a substr at position pos in the Text.
func (t *Text) Insert(pos int, s string) error { return t.splice(pos, 0, s) }

// Delete deletes del runes from position pos.
func (t *Text) Delete(pos int, del int) error { return t.splice(pos, del, "") }

// Append adds substr s at the end of the string.
func (t *Text) Append(s string) error { return t.splice(-1, 0, s) }

// Splice deletes del runes at position pos, and inserts
// substr s in their place. A negative del deletes the -del runes before pos.
func (t *Text) Splice(pos int, del int, s string) error { return t.splice(pos, del, s) }

// splice edits the text; pos == -1 means the end.
func (t *Text) splice(pos, del int, s string) error {
	if t.doc == nil {
		return fmt.Errorf("crdt.Text: tried to write to detached text")
	}
	if t.at != nil {
		return ErrReadOnly
	}
	if t.path != nil {
		t2, err := t.path.ensureText()
		if err != nil {
			return err
		}
		t.obj, t.bound, t.path = t2.obj, true, nil
	}
	t.doc.mu.Lock()
	defer t.doc.mu.Unlock()
	obj, err := t.doc.object(t.obj, true)
	if err != nil {
		return err
	}
	if pos == -1 {
		pos = obj.seq.root.width
	}
	if del < 0 {
		pos, del = pos+del, -del
	}
	if err := t.doc.splice(obj, pos, del, s); err != nil {
		return fmt.Errorf("crdt.Text: failed to write: %w", err)
	}
	return nil
}

// GoString returns a representation suitable for debugging.
func (t *Text) GoString() string {
	if t.doc == nil {
		return fmt.Sprintf("&crdt.Text{%#v}", t.val)
	}
	v, err := t.Get()
	if err != nil {
		return "&crdt.Text{<error>}"
	}
	return fmt.Sprintf("&crdt.Text{%#v}", v)
}

// String returns a representation suitable for debugging.
func (t *Text) String() string { return t.GoString() }
