package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"io"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/commonplace/commonplace/server/store"
)

// Size returns the bytes in the LSM tree and in the value log, for
// metrics. Badger refreshes the figures about once a minute.
func (s *Store) Size() (lsm, vlog int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, 0
	}
	return s.db.Size()
}

// gcDiscardRatio: a value-log file is rewritten when at least this share
// of it is garbage (overwritten or deleted values).
const gcDiscardRatio = 0.5

// maxGCRounds bounds one CollectGarbage call.
const maxGCRounds = 16

// CollectGarbage reclaims value-log space left by overwritten and deleted
// values, rewriting at most maxGCRounds files. Badger never does this by
// itself; the server calls it periodically (say every ten minutes) and
// when idle. It returns how many files were rewritten.
func (s *Store) CollectGarbage(ctx context.Context) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	for n := 0; n < maxGCRounds; n++ {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("value log gc: %w", err)
		}
		err := s.db.RunValueLogGC(gcDiscardRatio)
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("value log gc: %w", err)
		}
	}
	return maxGCRounds, nil
}

// Backup writes a full, consistent snapshot of the store to w in Badger's
// backup format (protobuf-framed key/value lists). It runs alongside
// reads and writes; writes after it starts may or may not be included.
func (s *Store) Backup(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	if _, err := s.db.Backup(w, 0); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// maxPendingRestoreWrites bounds how many batches Restore keeps in flight.
const maxPendingRestoreWrites = 64

// Restore loads a stream written by Backup. Entries it holds replace
// entries under the same keys; others are kept, so restore into an empty
// store to get the backed-up state exactly. Other operations wait until it
// is done (Badger's loader must run alone). A damaged or foreign stream
// returns an error wrapping ErrBadBackup, possibly after some entries were
// written.
func (s *Store) Restore(r io.Reader) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	err := s.db.Load(&checkedBackup{r: r}, maxPendingRestoreWrites)
	if err == nil {
		return nil
	}
	// A Load that fails after loading some entries leaves Badger waiting
	// forever for a transaction timestamp it never marks done: every
	// later transaction would hang. Reopening recomputes the clock from
	// what is on disk.
	if rerr := s.reopenLocked(); rerr != nil {
		return fmt.Errorf("restore: %w (and reopening after it: %w)", err, rerr)
	}
	return fmt.Errorf("restore: %w", err)
}

// reopenLocked closes and reopens the DB; s.mu must be held exclusively.
// If reopening fails the store stays closed.
func (s *Store) reopenLocked() error {
	if err := s.db.Close(); err != nil {
		s.closed = true
		return fmt.Errorf("close: %w", err)
	}
	db, err := badger.Open(s.opts)
	if err != nil {
		s.closed = true
		return fmt.Errorf("open: %w", err)
	}
	s.db = db
	return nil
}
