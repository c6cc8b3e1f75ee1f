// Package format reads and writes Automerge's binary format: change chunks
// (plain and deflate-compressed), document chunks, and the columnar encodings
// inside them. It knows nothing of how operations combine into a document;
// that is the op set's job in package crdt. Keeping the bytes here means one
// place decides compatibility with Rust Automerge.
package format

// ChangeHash is the SHA-256 of a change chunk's type, length and contents.
type ChangeHash [32]byte

// OpID identifies an operation: a Lamport counter and an actor. Actor is an
// index into the actor table of whatever holds the op: a Change's Actors
// (0 is the change's author) or a Document's Actors (sorted).
// The zero OpID stands for the root object as an object ID, and for the
// list head as an element ID.
type OpID struct {
	Counter uint64
	Actor   uint32
}

// IsZero reports whether id is the root object / list head.
func (id OpID) IsZero() bool { return id.Counter == 0 }

// Key is what an operation targets inside its object: a map property, or a
// list element (Elem; the zero OpID is the head of the list).
type Key struct {
	Prop   string
	Elem   OpID
	IsProp bool
}

// Action is an operation's action code as stored in the action column.
// Codes this package does not know are kept as they are.
type Action uint64

const (
	ActionMakeMap   Action = 0
	ActionSet       Action = 1
	ActionMakeList  Action = 2
	ActionDelete    Action = 3
	ActionMakeText  Action = 4
	ActionIncrement Action = 5
	ActionMakeTable Action = 6
	ActionMark      Action = 7
)

// ValueType is the low four bits of a value's metadata.
type ValueType uint8

const (
	ValueNull      ValueType = 0
	ValueFalse     ValueType = 1
	ValueTrue      ValueType = 2
	ValueUint      ValueType = 3
	ValueInt       ValueType = 4
	ValueFloat     ValueType = 5
	ValueString    ValueType = 6
	ValueBytes     ValueType = 7
	ValueCounter   ValueType = 8
	ValueTimestamp ValueType = 9
	// Codes 10 to 15 are unknown types: their bytes are kept in Raw and
	// written back unchanged.
)

// Value is a scalar as stored in an operation. Exactly the field its Type
// names is meaningful; Raw holds the bytes of unknown types (and may be
// used as a cache of the encoded form by the encoder).
type Value struct {
	Type  ValueType
	Uint  uint64  // ValueUint
	Int   int64   // ValueInt, ValueCounter, ValueTimestamp
	Float float64 // ValueFloat
	Str   string  // ValueString
	Bytes []byte  // ValueBytes
	Raw   []byte  // unknown types (10..15)
}

// Op is one operation. In a Change, Pred is set and the op's own ID is
// implied (StartOp + index). In a Document, ID and Succ are set.
type Op struct {
	ID       OpID // documents only
	Obj      OpID
	Key      Key
	Insert   bool
	Action   Action
	Value    Value
	Pred     []OpID // changes
	Succ     []OpID // documents
	Expand   bool   // mark ops
	MarkName string // mark ops
}

// Change is one decoded change. Actors[0] is the author; op IDs, Obj and
// Key.Elem index into Actors. Hash is filled by EncodeChange and DecodeChange.
// Raw, when set by DecodeChange, is the exact (uncompressed) chunk the
// change was read from; encoders should reuse it rather than re-encode.
type Change struct {
	Hash    ChangeHash
	Actors  [][]byte
	Seq     uint64
	StartOp uint64
	Time    int64
	Message string
	Deps    []ChangeHash
	Ops     []Op
	Extra   []byte
	Raw     []byte
}

// ChangeMeta is a change's row in a document chunk's change columns.
// Actor indexes the document's actor table; Deps index earlier rows.
type ChangeMeta struct {
	Actor   uint32
	Seq     uint64
	MaxOp   uint64
	Time    int64
	Message string
	Deps    []uint64
	Extra   []byte
}

// Document is a decoded (or to-be-encoded) document chunk. Actors are sorted
// byte-wise; Changes are in an order where every dependency comes first;
// Ops are in document order (objects by ID, then map keys by key and op ID,
// list elements in list order).
//
// HeadIndexes, parallel to Heads, gives the index in Changes of each head's
// change. DecodeDocument fills it when the document records it (Automerge
// 0.5 and later always do). EncodeDocument writes it when it has one entry
// per head and otherwise derives it by rebuilding the changes, which costs
// as much as ReconstructChanges: callers that know their heads' indexes
// should set it.
type Document struct {
	Actors      [][]byte
	Heads       []ChangeHash
	Changes     []ChangeMeta
	Ops         []Op
	HeadIndexes []uint64
}
