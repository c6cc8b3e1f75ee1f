package relay

import (
	"container/list"
	"sync"
)

// warmSet bounds how many documents keep the engine's copy in memory (see
// docsync.Document.Cool). Sync runs on each document's change graph;
// the engine's copy is needed only while changes arrive, and it is by far
// the larger of the two. The set keeps the most recently changed
// documents warm and cools the rest, so a burst of new documents (a
// device uploading a thousand notes) does not leave a thousand engine
// copies behind.
type warmSet struct {
	max int

	mu    sync.Mutex
	order *list.List // of *entry, most recently changed first
	at    map[*entry]*list.Element
}

func newWarmSet(max int) *warmSet {
	return &warmSet{max: max, order: list.New(), at: map[*entry]*list.Element{}}
}

// touch records that e's document is warm and was just used. It returns
// the entries that fell out of the set; the caller cools each if it can
// take its lock without waiting (a document in use keeps its copy and is
// touched again when its batch ends).
func (w *warmSet) touch(e *entry) []*entry {
	w.mu.Lock()
	defer w.mu.Unlock()
	if el, ok := w.at[e]; ok {
		w.order.MoveToFront(el)
	} else {
		w.at[e] = w.order.PushFront(e)
	}
	var out []*entry
	for w.order.Len() > w.max {
		el := w.order.Back()
		old := w.order.Remove(el).(*entry)
		delete(w.at, old)
		out = append(out, old)
	}
	return out
}

// forget removes e, whose document was dropped or evicted.
func (w *warmSet) forget(e *entry) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if el, ok := w.at[e]; ok {
		w.order.Remove(el)
		delete(w.at, e)
	}
}

// len is the number of warm documents.
func (w *warmSet) len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.order.Len()
}
