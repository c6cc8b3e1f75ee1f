package crdt

import "fmt"

// Kind represents the underlying type of a Value. The constants have the
// same values as automerge-go's.
type Kind uint

const (
	// KindVoid indicates the value was not present
	KindVoid Kind = 1 << 0
	// KindBool indicates a bool
	KindBool Kind = 1 << 2
	// KindBytes indicates a []byte
	KindBytes Kind = 1 << 3
	// KindCounter indicates a *Counter
	KindCounter Kind = 1 << 6
	// KindFloat64 indicates a float64
	KindFloat64 Kind = 1 << 8
	// KindInt64 indicates an int64
	KindInt64 Kind = 1 << 9
	// KindNull indicates an explicit null was present
	KindNull Kind = 1 << 11
	// KindStr indicates a string
	KindStr Kind = 1 << 13
	// KindTime indicates a time.Time
	KindTime Kind = 1 << 17
	// KindUint64 indicates a uint64
	KindUint64 Kind = 1 << 18
	// KindUnknown indicates an unknown type from a future version of automerge
	KindUnknown Kind = 1 << 19

	kindObjType Kind = 1 << 12

	// KindMap indicates a *Map
	KindMap Kind = kindObjType | 2
	// KindList indicates a *List
	KindList Kind = kindObjType | 1
	// KindText indicates a *Text
	KindText Kind = kindObjType | 3
)

// String returns a human-readable representation of the Kind.
func (k Kind) String() string {
	switch k {
	case KindVoid:
		return "KindVoid"
	case KindBool:
		return "KindBool"
	case KindBytes:
		return "KindBytes"
	case KindCounter:
		return "KindCounter"
	case KindFloat64:
		return "KindFloat64"
	case KindInt64:
		return "KindInt64"
	case KindNull:
		return "KindNull"
	case KindStr:
		return "KindStr"
	case KindTime:
		return "KindTime"
	case KindUint64:
		return "KindUint64"
	case KindUnknown:
		return "KindUnknown"
	case KindMap:
		return "KindMap"
	case KindList:
		return "KindList"
	case KindText:
		return "KindText"
	}
	return fmt.Sprintf("Kind(%v)", uint(k))
}
