// Package badgerstore is the relay's durable store.Store, on Badger.
//
// Every Put is fsynced before it returns (Badger's SyncWrites), because
// the relay acknowledges a change to a client as soon as it is stored and a
// client may then forget it. Concurrent Puts share one fsync: Badger's
// write loop commits whatever is queued as one batch. Memory is bounded by
// fixed cache and memtable sizes, not by the size of the store, since a
// relay runs for months on a small machine.
package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/commonplace/commonplace/server/store"
)

// Options tunes a Store. The zero value is what the relay runs with.
type Options struct {
	// Logger receives Badger's warnings and errors; nil means
	// slog.Default(). Badger's chatty info lines are logged at debug level.
	Logger *slog.Logger
	// NoSync skips the fsync on each write. Only for benchmarks and
	// throwaway stores: a crash may lose acknowledged writes.
	NoSync bool
	// CacheBytes bounds Badger's block cache and index cache together;
	// 0 means 8 MiB: the relay keeps the documents in use in memory,
	// so the store is read when a document loads, not per message.
	CacheBytes int64
	// MemTableBytes is the size of one memtable (Badger keeps up to two
	// in memory, and maps each one's write-ahead log); 0 means 4 MiB.
	MemTableBytes int64

	// valueLogFileSize overrides valueLogFileSize in tests that need many
	// small value-log files.
	valueLogFileSize int64
}

// Defaults for a small relay.
const (
	defaultCacheBytes    = 8 << 20
	defaultMemTableBytes = 4 << 20
	// Values larger than this go to the value log, keeping the LSM tree
	// (and so compaction work and the index cache) small.
	valueThreshold = 1 << 10
	// valueLogFileSize also caps one value's size.
	valueLogFileSize = 256 << 20
)

// Store is a store.Store in a Badger directory. It is safe for concurrent
// use.
type Store struct {
	db   *badger.DB
	dir  string
	opts badger.Options

	// mu is held shared by every operation and exclusively by Close, so
	// Close waits for operations in flight and none starts on a closed DB.
	mu     sync.RWMutex
	closed bool
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir. Only one process may
// have a directory open at a time.
func Open(dir string, opts Options) (*Store, error) {
	bo := badgerOptions(dir, opts)
	db, err := badger.Open(bo)
	if err != nil {
		return nil, fmt.Errorf("open badger store in %s: %w", dir, err)
	}
	return &Store{db: db, dir: dir, opts: bo}, nil
}

func badgerOptions(dir string, o Options) badger.Options {
	cache := o.CacheBytes
	if cache <= 0 {
		cache = defaultCacheBytes
	}
	memtable := o.MemTableBytes
	if memtable <= 0 {
		memtable = defaultMemTableBytes
	}
	vlogFile := o.valueLogFileSize
	if vlogFile <= 0 {
		vlogFile = valueLogFileSize
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return badger.DefaultOptions(dir).
		WithSyncWrites(!o.NoSync).
		WithLogger(slogAdapter{logger.With("component", "badger")}).
		// Table indexes and bloom filters live in a bounded cache instead
		// of all in memory (Badger's default grows with the store).
		WithBlockCacheSize(cache * 3 / 4).
		WithIndexCacheSize(cache / 4).
		WithMemTableSize(memtable).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithBaseTableSize(2 << 20).
		WithNumCompactors(2).
		WithValueThreshold(valueThreshold).
		WithValueLogFileSize(vlogFile).
		// Each Put is its own transaction and none reads before writing,
		// so there is nothing for conflict detection to find.
		WithDetectConflicts(false).
		WithNumVersionsToKeep(1)
}

// Dir returns the directory the store was opened in.
func (s *Store) Dir() string { return s.dir }

// use runs op on the open DB, or returns store.ErrClosed.
func (s *Store) use(ctx context.Context, op string, k store.Key, validate func(store.Key) error, f func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %v: %w", op, k, err)
	}
	if err := validate(k); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	if err := f(); err != nil {
		return fmt.Errorf("%s %v: %w", op, k, err)
	}
	return nil
}

func (s *Store) Load(ctx context.Context, key store.Key) ([]byte, error) {
	var v []byte
	err := s.use(ctx, "load", key, store.Key.Validate, func() error {
		return s.db.View(func(txn *badger.Txn) error {
			item, err := txn.Get(encodeKey(key))
			if errors.Is(err, badger.ErrKeyNotFound) {
				return store.ErrNotFound
			}
			if err != nil {
				return err
			}
			v, err = item.ValueCopy(nil)
			return err
		})
	})
	return v, err
}

// rangeCheckEvery is how many entries LoadRange reads between checks of
// its context.
const rangeCheckEvery = 256

func (s *Store) LoadRange(ctx context.Context, prefix store.Key) ([]store.Entry, error) {
	var out []store.Entry
	err := s.use(ctx, "load range", prefix, store.Key.ValidatePrefix, func() error {
		return s.db.View(func(txn *badger.Txn) error {
			p := encodeKey(prefix)
			it := txn.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true, PrefetchSize: 16})
			defer it.Close()
			for it.Seek(p); it.ValidForPrefix(p); it.Next() {
				if len(out)%rangeCheckEvery == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				item := it.Item()
				k, err := decodeKey(item.Key())
				if err != nil {
					return err
				}
				v, err := item.ValueCopy(nil)
				if err != nil {
					return fmt.Errorf("value of %v: %w", k, err)
				}
				out = append(out, store.Entry{Key: k, Value: v})
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) Put(ctx context.Context, key store.Key, value []byte) error {
	return s.use(ctx, "put", key, store.Key.Validate, func() error {
		// Badger keeps the slice until the commit, which Update waits for.
		return s.db.Update(func(txn *badger.Txn) error {
			return applyOps(txn, []store.Op{{Key: key, Value: value}})
		})
	})
}

func (s *Store) Delete(ctx context.Context, key store.Key) error {
	return s.use(ctx, "delete", key, store.Key.Validate, func() error {
		return s.db.Update(func(txn *badger.Txn) error {
			return applyOps(txn, []store.Op{{Key: key, Delete: true}})
		})
	})
}

// Close waits for operations in flight, then closes the DB. Calling it
// again does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close badger store: %w", err)
	}
	return nil
}

// Batch implements store.Batcher: one transaction, so one sync for all of
// ops. A batch too big for one transaction is written op by op.
func (s *Store) Batch(ctx context.Context, ops []store.Op) error {
	if err := store.ValidateOps(ops); err != nil {
		return err
	}
	if len(ops) == 0 {
		return nil
	}
	return s.use(ctx, "batch", ops[0].Key, store.Key.Validate, func() error {
		err := s.db.Update(func(txn *badger.Txn) error { return applyOps(txn, ops) })
		if !errors.Is(err, badger.ErrTxnTooBig) {
			return err
		}
		for i := range ops {
			if err := s.db.Update(func(txn *badger.Txn) error { return applyOps(txn, ops[i:i+1]) }); err != nil {
				return err
			}
		}
		return nil
	})
}

func applyOps(txn *badger.Txn, ops []store.Op) error {
	for _, op := range ops {
		var err error
		if op.Delete {
			err = txn.Delete(encodeKey(op.Key))
		} else {
			err = txn.Set(encodeKey(op.Key), op.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var _ store.Batcher = (*Store)(nil)
