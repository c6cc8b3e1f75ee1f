package crdt

// The sequence index: a B+ tree whose leaves hold a list's or text's
// elements (their insert ops) in document order, and whose nodes carry the
// visible width and element count of their subtree. Every edit updates the
// counts along one root-to-leaf path, so finding the n-th visible element,
// the position of an element, and inserting after an element all cost
// O(log n) (plus a shift inside one leaf). Nothing is ever rebuilt per op
// or per commit.

const (
	leafMax = 64
	nodeMax = 32
)

type seqNode struct {
	parent *seqNode
	kids   []*seqNode // internal nodes
	elems  []*op      // leaves
	next   *seqNode   // next leaf, for in-order scans
	width  int        // visible width of the subtree
	count  int        // elements in the subtree
}

func (n *seqNode) isLeaf() bool { return n.kids == nil }

type seqTree struct {
	root  *seqNode
	first *seqNode // leftmost leaf
}

func newSeqTree() *seqTree {
	leaf := &seqNode{}
	return &seqTree{root: leaf, first: leaf}
}

// add propagates a change of width and count from leaf n to the root.
func (n *seqNode) add(dw, dc int) {
	for ; n != nil; n = n.parent {
		n.width += dw
		n.count += dc
	}
}

// indexIn returns the position of e in leaf.elems.
func (n *seqNode) indexOf(e *op) int {
	for i, x := range n.elems {
		if x == e {
			return i
		}
	}
	panic("crdt: element not in its leaf")
}

// insertAt puts e at position i of leaf n, splitting as needed.
func (t *seqTree) insertAt(n *seqNode, i int, e *op) {
	n.elems = append(n.elems, nil)
	copy(n.elems[i+1:], n.elems[i:])
	n.elems[i] = e
	e.elem.leaf = n
	n.add(int(e.elem.width), 1)
	if len(n.elems) > leafMax {
		// Split just after the new element when it is in the upper half:
		// typing moves forward, so the left leaf stays full and the next
		// inserts land in the right one. Leaves then stay nearly full.
		at := len(n.elems) / 2
		if i+1 > at {
			at = min(i+1, len(n.elems)-1)
		}
		t.split(n, at)
	}
}

// insertAfter puts e right after ref (nil means the head of the sequence).
func (t *seqTree) insertAfter(ref, e *op) {
	if ref == nil {
		t.insertAt(t.first, 0, e)
		return
	}
	leaf := ref.elem.leaf
	t.insertAt(leaf, leaf.indexOf(ref)+1, e)
}

// append adds e at the end; used when loading a document in list order.
func (t *seqTree) appendElem(last *seqNode, e *op) *seqNode {
	if last == nil {
		last = t.root
		for !last.isLeaf() {
			last = last.kids[len(last.kids)-1]
		}
	}
	t.insertAt(last, len(last.elems), e)
	return e.elem.leaf
}

// split moves the entries of n from index at on into a new right sibling.
func (t *seqTree) split(n *seqNode, at int) {
	right := &seqNode{parent: n.parent}
	if n.isLeaf() {
		half := at
		right.elems = append(make([]*op, 0, leafMax+1), n.elems[half:]...)
		clear(n.elems[half:])
		n.elems = n.elems[:half]
		for _, e := range right.elems {
			e.elem.leaf = right
			right.width += int(e.elem.width)
		}
		right.count = len(right.elems)
		right.next = n.next
		n.next = right
	} else {
		half := len(n.kids) / 2
		right.kids = append(make([]*seqNode, 0, nodeMax+1), n.kids[half:]...)
		clear(n.kids[half:])
		n.kids = n.kids[:half]
		for _, k := range right.kids {
			k.parent = right
			right.width += k.width
			right.count += k.count
		}
	}
	n.width -= right.width
	n.count -= right.count
	p := n.parent
	if p == nil {
		root := &seqNode{kids: []*seqNode{n, right}, width: n.width + right.width, count: n.count + right.count}
		n.parent, right.parent = root, root
		t.root = root
		return
	}
	i := 0
	for p.kids[i] != n {
		i++
	}
	p.kids = append(p.kids, nil)
	copy(p.kids[i+2:], p.kids[i+1:])
	p.kids[i+1] = right
	if len(p.kids) > nodeMax {
		t.split(p, len(p.kids)/2)
	}
}

// setWidth changes the visible width of element e.
func (t *seqTree) setWidth(e *op, w int32) {
	if d := int(w - e.elem.width); d != 0 {
		e.elem.width = w
		e.elem.leaf.add(d, 0)
	}
}

// find returns the leaf and index of the element covering visible position
// pos (0-based), and the offset of pos inside that element. ok is false if
// pos is at or beyond the visible width.
func (t *seqTree) find(pos int) (leaf *seqNode, idx int, off int, ok bool) {
	n := t.root
	if pos < 0 || pos >= n.width {
		return nil, 0, 0, false
	}
	for !n.isLeaf() {
		for _, k := range n.kids {
			if pos < k.width {
				n = k
				break
			}
			pos -= k.width
		}
	}
	for i, e := range n.elems {
		w := int(e.elem.width)
		if pos < w {
			return n, i, pos, true
		}
		pos -= w
	}
	panic("crdt: sequence widths inconsistent")
}

// position returns the visible position at which element e starts, and the
// element's index among all elements (visible or not).
func (t *seqTree) position(e *op) (pos, index int) {
	n := e.elem.leaf
	for _, x := range n.elems {
		if x == e {
			break
		}
		pos += int(x.elem.width)
		index++
	}
	for p := n.parent; p != nil; n, p = p, p.parent {
		for _, k := range p.kids {
			if k == n {
				break
			}
			pos += k.width
			index += k.count
		}
	}
	return pos, index
}

// each calls f for every element in order until f returns false.
func (t *seqTree) each(f func(e *op) bool) {
	for n := t.first; n != nil; n = n.next {
		for _, e := range n.elems {
			if !f(e) {
				return
			}
		}
	}
}

// insertOrdered inserts e the way a remote insert is integrated: after
// ref, skipping every following element whose ID is greater than e's (those
// were inserted concurrently at the same place and win), stopping at the
// first element with a smaller ID.
func (t *seqTree) insertOrdered(ref, e *op, less func(a, b opID) bool) {
	n, i := t.first, 0
	if ref != nil {
		n = ref.elem.leaf
		i = n.indexOf(ref) + 1
	}
	for {
		if i < len(n.elems) {
			if less(n.elems[i].id, e.id) {
				break
			}
			i++
			continue
		}
		if n.next == nil {
			break
		}
		n, i = n.next, 0
	}
	t.insertAt(n, i, e)
}
