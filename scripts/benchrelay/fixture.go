package main

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/repo"
)

// coldFixture is the cold-sync corpus, built once and pushed to every
// server so all of them serve identical documents.
type coldFixture struct {
	ids   []string
	saved [][]byte
	heads map[string][]crdt.ChangeHash
}

// newColdFixture builds n documents of changes commits each: every commit
// sets one of a few keys and appends to a list, so documents have real
// history and a few kilobytes of content.
func newColdFixture(n, changes int) (*coldFixture, error) {
	fx := &coldFixture{ids: make([]string, n), saved: make([][]byte, n), heads: map[string][]crdt.ChangeHash{}}
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fx.ids[i], fx.saved[i], errs[i] = buildColdDoc(i, changes)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		doc, err := crdt.Load(fx.saved[i])
		if err != nil {
			return nil, fmt.Errorf("fixture %d: reload: %w", i, err)
		}
		fx.heads[fx.ids[i]] = doc.Heads()
	}
	return fx, nil
}

func buildColdDoc(i, changes int) (string, []byte, error) {
	id, err := repo.NewDocumentID()
	if err != nil {
		return "", nil, err
	}
	doc := crdt.New()
	for j := range changes {
		if err := doc.RootMap().Set(fmt.Sprintf("field%d", j%8), fmt.Sprintf("doc %d change %d", i, j)); err != nil {
			return "", nil, fmt.Errorf("fixture %d: %w", i, err)
		}
		if err := doc.Path("log").List().Append(int64(j)); err != nil {
			return "", nil, fmt.Errorf("fixture %d: %w", i, err)
		}
		if _, err := doc.Commit(fmt.Sprintf("change %d", j)); err != nil {
			return "", nil, fmt.Errorf("fixture %d: commit: %w", i, err)
		}
	}
	return id, doc.Save(), nil
}

// states loads fresh copies of the fixture's documents for one client.
func (fx *coldFixture) states() ([]*docState, error) {
	out := make([]*docState, len(fx.ids))
	for i, b := range fx.saved {
		doc, err := crdt.Load(b)
		if err != nil {
			return nil, fmt.Errorf("fixture %d: %w", i, err)
		}
		out[i] = newDocState(fx.ids[i], doc, false)
	}
	return out, nil
}
