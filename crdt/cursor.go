package crdt

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Cursor names a character of a Text rather than a position: it stays on
// that character while text is inserted or deleted before it, locally or
// by other actors. Its string form is Automerge's, "counter@actor".
type Cursor string

// ErrBadCursor is returned for a cursor that is malformed or names no
// character of the text.
var ErrBadCursor = errors.New("crdt: bad cursor")

// Cursor returns a cursor for the character at position pos (in code
// points; 0 <= pos < Len()).
func (t *Text) Cursor(pos int) (Cursor, error) {
	obj, unlock, err := t.lockedObject()
	if err != nil {
		return "", err
	}
	defer unlock()
	leaf, idx, _, ok := obj.seq.find(pos)
	if !ok {
		return "", fmt.Errorf("cursor at %d: %w", pos, ErrIndexOutOfRange)
	}
	id := leaf.elems[idx].id
	return Cursor(strconv.FormatUint(id.counter, 10) + "@" + hex.EncodeToString(t.doc.actors.ids[id.actor])), nil
}

// CursorPosition returns where the cursor's character is now. If the
// character has been deleted, it is the position where it would be (the
// position of the next remaining character).
func (t *Text) CursorPosition(c Cursor) (int, error) {
	obj, unlock, err := t.lockedObject()
	if err != nil {
		return 0, err
	}
	defer unlock()
	ctr, actor, ok := strings.Cut(string(c), "@")
	n, err := strconv.ParseUint(ctr, 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("%w %q", ErrBadCursor, c)
	}
	b, err := hex.DecodeString(actor)
	if err != nil {
		return 0, fmt.Errorf("%w %q", ErrBadCursor, c)
	}
	a, known := t.doc.actors.index[string(b)]
	if !known {
		return 0, fmt.Errorf("%w %q: unknown actor", ErrBadCursor, c)
	}
	e := obj.elem(opID{counter: n, actor: a})
	if e == nil {
		return 0, fmt.Errorf("%w %q: no such character", ErrBadCursor, c)
	}
	pos, _ := obj.seq.position(e)
	return pos, nil
}

// lockedObject resolves the text's object (following its path) and returns
// it with the document locked; call unlock when done.
func (t *Text) lockedObject() (*object, func(), error) {
	if t.doc == nil {
		return nil, nil, fmt.Errorf("crdt.Text: tried to read detached text")
	}
	if t.at != nil {
		return nil, nil, ErrReadOnly
	}
	if t.path != nil {
		v, err := t.path.Get()
		if err != nil {
			return nil, nil, err
		}
		if v.Kind() != KindText {
			return nil, nil, fmt.Errorf("%#v: not a text", t.path)
		}
		return v.Text().lockedObject()
	}
	t.doc.mu.Lock()
	obj, err := t.doc.object(t.obj, true)
	if err != nil {
		t.doc.mu.Unlock()
		return nil, nil, err
	}
	return obj, t.doc.mu.Unlock, nil
}
