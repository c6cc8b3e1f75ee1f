package difftest

import (
	"bytes"
	"fmt"
)

// try calls f, turning a panic into an error: an engine that panics on
// valid calls has a bug the tests must report, not die of.
func try(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}

// both calls fa and fb. It returns skip when both fail (a step made invalid
// by shrinking), and an error when only one does.
func both(what string, fa, fb func() error) (skip bool, err error) {
	ea, eb := try(fa), try(fb)
	switch {
	case ea != nil && eb != nil:
		return true, nil
	case ea != nil:
		return false, fmt.Errorf("%s: only engine A fails: %w", what, ea)
	case eb != nil:
		return false, fmt.Errorf("%s: only engine B fails: %w", what, eb)
	}
	return false, nil
}

func (rn *run) compare(i int) error {
	return rn.compareReplica(&rn.replicas[i], fmt.Sprintf("replica %d", i))
}

// compareReplica checks both engines hold the same document and heads.
func (rn *run) compareReplica(r *replica, where string) error {
	var ta, tb *Node
	if _, err := both("read tree", func() (err error) { ta, err = r.a.Tree(); return err },
		func() (err error) { tb, err = r.b.Tree(); return err }); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if ta == nil || tb == nil {
		return fmt.Errorf("%s: neither engine can read the document", where)
	}
	if ja, jb := ta.JSON(), tb.JSON(); !bytes.Equal(ja, jb) {
		return fmt.Errorf("%s: documents differ\n A (%s): %s\n B (%s): %s", where, rn.pair.A.Name(), ja, rn.pair.B.Name(), jb)
	}
	ha, hb := SortedHashes(r.a.Heads()), SortedHashes(r.b.Heads())
	if fmt.Sprint(ha) != fmt.Sprint(hb) {
		return fmt.Errorf("%s: heads differ\n A: %v\n B: %v", where, ha, hb)
	}
	return nil
}

// converge merges every replica into every other and checks all agree.
func (rn *run) converge() error {
	first := &rn.replicas[0]
	for i := range rn.replicas[1:] {
		r := &rn.replicas[i+1]
		if _, err := both("final merge", func() error { return first.a.Merge(r.a) }, func() error { return first.b.Merge(r.b) }); err != nil {
			return err
		}
	}
	want, err := first.a.Tree()
	if err != nil {
		return err
	}
	for i := range rn.replicas {
		r := &rn.replicas[i]
		if i > 0 {
			if _, err := both("final merge", func() error { return r.a.Merge(first.a) }, func() error { return r.b.Merge(first.b) }); err != nil {
				return err
			}
		}
		if err := rn.compare(i); err != nil {
			return fmt.Errorf("after converging: %w", err)
		}
		got, err := r.a.Tree()
		if err != nil {
			return err
		}
		if !bytes.Equal(got.JSON(), want.JSON()) {
			return fmt.Errorf("replica %d did not converge with replica 0:\n %s\n %s", i, got.JSON(), want.JSON())
		}
	}
	return nil
}
