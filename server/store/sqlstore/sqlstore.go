// Package sqlstore keeps a store.Store in two SQL tables, written for
// Cloudflare D1 (SQLite at the edge) and so for its limits: one statement
// per call, no transactions, and rows of at most about 2 MB.
//
// Keys are stored as the lowercase hex of their components joined by NUL,
// so text order is the store's component-wise key order and a prefix scan
// is a plain range. A value up to PartSize lives in its kv row; a larger
// one is split into kv_part rows under a fresh generation, written first,
// and becomes visible only when the kv row naming that generation is
// written: a Put is atomic without a transaction, and a crash part-way
// leaves only unreferenced parts, which the next split Put or the Delete
// of the key removes.
package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/commonplace/commonplace/server/store"
)

// PartSize is the largest value stored in one row; D1 refuses rows over
// 2,000,000 bytes.
const PartSize = 1 << 20

// ErrTorn is returned when a split value kept changing under Load for
// every retry.
var ErrTorn = errors.New("sqlstore: value changed while it was read")

// DB runs one SQL statement. Query returns every row, each value an
// int64, float64, string, []byte or nil. FromSQL adapts a *sql.DB (the
// D1 driver inside the worker); tests drive D1 over HTTP.
type DB interface {
	Exec(ctx context.Context, query string, args ...any) error
	Query(ctx context.Context, query string, args ...any) ([][]any, error)
}

// Store is a store.Store on a DB whose kv and kv_part tables exist (the
// worker's D1 migration cmd/commonplace-worker/migrations creates them).
type Store struct {
	db     DB
	closed atomic.Bool
}

// New returns a Store on db.
func New(db DB) *Store { return &Store{db: db} }

var _ store.Store = (*Store)(nil)

func encodeKey(k store.Key) string { return hex.EncodeToString([]byte(strings.Join(k, "\x00"))) }

func decodeKey(s string) (store.Key, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("sqlstore: bad stored key %q", s)
	}
	return store.Key(strings.Split(string(b), "\x00")), nil
}

func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	return ctx.Err()
}

// Load implements store.Store.
func (s *Store) Load(ctx context.Context, key store.Key) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := key.Validate(); err != nil {
		return nil, err
	}
	k := encodeKey(key)
	const tries = 4
	for range tries {
		rows, err := s.db.Query(ctx, "SELECT gen, parts, v FROM kv WHERE k = ?", k)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", key, err)
		}
		if len(rows) == 0 {
			return nil, store.ErrNotFound
		}
		v, err := s.value(ctx, k, rows[0])
		if errors.Is(err, ErrTorn) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", key, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("load %s: %w", key, ErrTorn)
}

// value assembles the value of one kv row (gen, parts, v), reading its
// parts if it was split.
func (s *Store) value(ctx context.Context, k string, row []any) ([]byte, error) {
	if len(row) != 3 {
		return nil, fmt.Errorf("kv row has %d columns", len(row))
	}
	gen, _ := row[0].(string)
	parts, ok := row[1].(int64)
	if !ok {
		return nil, fmt.Errorf("kv row: parts is %T", row[1])
	}
	if parts == 0 {
		b, err := asBytes(row[2])
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	rows, err := s.db.Query(ctx, "SELECT v FROM kv_part WHERE k = ? AND gen = ? ORDER BY idx", k, gen)
	if err != nil {
		return nil, err
	}
	if int64(len(rows)) != parts {
		return nil, ErrTorn // a Put replaced the value between the two reads
	}
	var out []byte
	for _, r := range rows {
		b, err := asBytes(r[0])
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

func asBytes(v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return []byte{}, nil
	case []byte:
		return append([]byte{}, v...), nil
	case string:
		return []byte(v), nil
	default:
		return nil, fmt.Errorf("value column is %T", v)
	}
}

// LoadRange implements store.Store.
func (s *Store) LoadRange(ctx context.Context, prefix store.Key) ([]store.Entry, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := prefix.ValidatePrefix(); err != nil {
		return nil, err
	}
	var rows [][]any
	var err error
	if len(prefix) == 0 {
		rows, err = s.db.Query(ctx, "SELECT k, gen, parts, v FROM kv ORDER BY k")
	} else {
		p := encodeKey(prefix)
		rows, err = s.db.Query(ctx,
			"SELECT k, gen, parts, v FROM kv WHERE k = ? OR (k >= ? AND k < ?) ORDER BY k",
			p, p+"00", p+"01")
	}
	if err != nil {
		return nil, fmt.Errorf("load range %s: %w", prefix, err)
	}
	out := make([]store.Entry, 0, len(rows))
	for _, r := range rows {
		if len(r) != 4 {
			return nil, fmt.Errorf("load range %s: row has %d columns", prefix, len(r))
		}
		ks, _ := r[0].(string)
		key, err := decodeKey(ks)
		if err != nil {
			return nil, fmt.Errorf("load range %s: %w", prefix, err)
		}
		v, err := s.value(ctx, ks, r[1:])
		if errors.Is(err, ErrTorn) {
			// Replaced while we read: read that key alone.
			v, err = s.Load(ctx, key)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
		}
		if err != nil {
			return nil, fmt.Errorf("load range %s: %w", prefix, err)
		}
		out = append(out, store.Entry{Key: key, Value: v})
	}
	return out, nil
}

// Put implements store.Store: parts first (if any), then the kv row that
// makes them the value. A small value costs one statement.
func (s *Store) Put(ctx context.Context, key store.Key, value []byte) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := key.Validate(); err != nil {
		return err
	}
	k := encodeKey(key)
	gen, err := newGen()
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	const upsert = `INSERT INTO kv (k, gen, parts, v) VALUES (?, ?, ?, ?)
ON CONFLICT (k) DO UPDATE SET gen = excluded.gen, parts = excluded.parts, v = excluded.v`
	if len(value) <= PartSize {
		err = s.db.Exec(ctx, upsert, k, gen, int64(0), nonNil(value))
	} else {
		n := int64(0)
		for off := 0; off < len(value); off += PartSize {
			part := value[off:min(off+PartSize, len(value))]
			if err = s.db.Exec(ctx, "INSERT INTO kv_part (k, gen, idx, v) VALUES (?, ?, ?, ?)", k, gen, n, part); err != nil {
				break
			}
			n++
		}
		if err == nil {
			err = s.db.Exec(ctx, upsert, k, gen, n, nil)
		}
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if len(value) > PartSize {
		// The parts of any earlier split value are unreferenced now. A
		// small value replacing a split one leaves them until the key is
		// deleted or split again: harmless, since Load reads only the
		// current generation, and rare, since the relay's split values
		// are content-addressed snapshots that are deleted, never
		// overwritten. This keeps a small Put to one statement.
		if err := s.db.Exec(ctx, "DELETE FROM kv_part WHERE k = ? AND gen <> ?", k, gen); err != nil {
			return fmt.Errorf("put %s: drop old parts: %w", key, err)
		}
	}
	return nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func newGen() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// Delete implements store.Store: the kv row first, so the value is gone
// at once, then its parts.
func (s *Store) Delete(ctx context.Context, key store.Key) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := key.Validate(); err != nil {
		return err
	}
	k := encodeKey(key)
	if err := s.db.Exec(ctx, "DELETE FROM kv WHERE k = ?", k); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := s.db.Exec(ctx, "DELETE FROM kv_part WHERE k = ?", k); err != nil {
		return fmt.Errorf("delete %s: parts: %w", key, err)
	}
	return nil
}

// Close implements store.Store; the DB stays open (it is the caller's).
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}
