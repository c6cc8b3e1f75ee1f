package badgerstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// ErrBadBackup is returned by Restore for a stream that is not a backup
// this package wrote: truncated, oversized frames, or foreign keys.
var ErrBadBackup = errors.New("badgerstore: bad backup stream")

// maxBackupFrame bounds one frame of a backup stream. Badger batches a
// backup into frames of a few MiB; one frame holds at least one whole
// value, and values are capped by the value-log file size.
const maxBackupFrame = 2 * valueLogFileSize

// maxRestoreVersion bounds the entry versions Restore accepts. Badger sets
// its next transaction timestamp past the largest version loaded, so a
// forged version near 2^64 would wrap its clock.
const maxRestoreVersion = math.MaxUint64 >> 2

// checkedBackup passes a backup stream to Badger one whole, checked frame
// at a time. Badger's loader allocates a frame's declared size before
// reading it and trusts every entry in it; this reader first reads the
// frame (its buffer growing only as bytes really arrive), bounds its size,
// and checks that every key is one of ours and every version sane.
type checkedBackup struct {
	r     io.Reader
	frame bytes.Buffer
}

func (c *checkedBackup) Read(p []byte) (int, error) {
	if c.frame.Len() == 0 {
		if err := c.next(); err != nil {
			return 0, err
		}
	}
	return c.frame.Read(p)
}

func (c *checkedBackup) next() error {
	var hdr [8]byte
	if n, err := io.ReadFull(c.r, hdr[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return io.EOF
		}
		return fmt.Errorf("%w: frame header: %w", ErrBadBackup, err)
	}
	size := binary.LittleEndian.Uint64(hdr[:])
	if size > maxBackupFrame {
		return fmt.Errorf("%w: frame of %d bytes exceeds %d", ErrBadBackup, size, maxBackupFrame)
	}
	c.frame.Reset()
	c.frame.Write(hdr[:])
	if n, err := io.CopyN(&c.frame, c.r, int64(size)); err != nil {
		return fmt.Errorf("%w: frame truncated after %d of %d bytes: %w", ErrBadBackup, n, size, err)
	}
	var list pb.KVList
	if err := proto.Unmarshal(c.frame.Bytes()[len(hdr):], &list); err != nil {
		return fmt.Errorf("%w: %w", ErrBadBackup, err)
	}
	for _, kv := range list.Kv {
		if _, err := decodeKey(kv.Key); err != nil {
			return fmt.Errorf("%w: %w", ErrBadBackup, err)
		}
		if kv.Version > maxRestoreVersion {
			return fmt.Errorf("%w: entry version %d", ErrBadBackup, kv.Version)
		}
	}
	return nil
}
