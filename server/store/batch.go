package store

import (
	"context"
	"fmt"
)

// Op is one write of a batch: a Put of Value under Key, or a Delete.
type Op struct {
	Key    Key
	Value  []byte
	Delete bool
}

// Batcher is implemented by stores that can make several writes durable
// with one commit. A compaction (one snapshot Put and a Delete per chunk it
// replaces) then costs one disk sync instead of dozens. Batch applies ops
// in order, as one atomic commit where the backend has them; it checks
// every key before writing anything. When it returns nil every op is
// durable, as for Put.
type Batcher interface {
	Batch(ctx context.Context, ops []Op) error
}

// Write applies ops in order: with one Batch where s is a Batcher, else
// with one Put or Delete each. Callers must not rely on atomicity (D1 has
// no transactions): a crash part-way may leave a prefix of ops applied.
// The relay stays crash-safe through how it names keys, as the package doc
// says.
func Write(ctx context.Context, s Store, ops []Op) error {
	if len(ops) == 0 {
		return nil
	}
	if b, ok := s.(Batcher); ok {
		return b.Batch(ctx, ops)
	}
	for _, op := range ops {
		var err error
		if op.Delete {
			err = s.Delete(ctx, op.Key)
		} else {
			err = s.Put(ctx, op.Key, op.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ValidateOps checks every key of ops, for Batch implementations.
func ValidateOps(ops []Op) error {
	for _, op := range ops {
		if err := op.Key.Validate(); err != nil {
			return fmt.Errorf("batch: %w", err)
		}
	}
	return nil
}
