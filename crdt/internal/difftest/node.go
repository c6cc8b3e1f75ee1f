// Package difftest drives two Automerge implementations through the same
// random multi-actor histories and reports the first place they disagree.
//
// It exists so the pure-Go engine in package crdt can be held to the
// behaviour of the Rust core (through automerge-go) and of
// @automerge/automerge (through golden files): the same edits must give the
// same document, the same change hashes and bytes each side can load. The
// package sees an engine only through the small Engine interface; Adapt
// builds one from any package with automerge-go's public API.
package difftest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Kind is the type of a value in a document, named as in the typed JSON.
type Kind uint8

const (
	KindNull Kind = iota
	KindBool
	KindInt
	KindUint
	KindFloat
	KindStr
	KindBytes
	KindTime
	KindCounter
	KindMap
	KindList
	KindText
)

var kindNames = [...]string{"null", "bool", "int", "uint", "float64", "str", "bytes", "timestamp", "counter", "map", "list", "text"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Node is one value of a document tree, or a value to write into one.
// Exactly the fields its Kind names are meaningful: Int holds ints,
// counters and timestamps (milliseconds since the Unix epoch); Str holds
// strings and text.
type Node struct {
	Kind  Kind
	Bool  bool
	Int   int64
	Uint  uint64
	Float float64
	Str   string
	Bytes []byte
	Map   map[string]*Node
	List  []*Node
}

// JSON is the typed JSON of a document tree, the form golden files store
// and engines are compared in:
//
//   - map: an object with sorted keys (a key that starts with "$" gets one
//     more "$" in front, so it cannot be taken for a tag);
//   - list: an array;
//   - null, bool and str: JSON null, true/false and a string;
//   - every other kind: an object with one tag key:
//     {"$int":"-5"}, {"$uint":"5"}, {"$counter":"3"} (decimal strings, so
//     64-bit values survive JavaScript), {"$timestamp":"1700000000000"}
//     (milliseconds), {"$float64":1.5} (a JSON number; "NaN", "+Inf" and
//     "-Inf" as strings), {"$bytes":"<standard base64>"},
//     {"$text":"..."}.
//
// Output has no insignificant whitespace and does not escape <, > or &,
// so that it matches JSON.stringify on the same structure.
func (n *Node) JSON() []byte {
	var b bytes.Buffer
	n.writeJSON(&b)
	return b.Bytes()
}

func (n *Node) writeJSON(b *bytes.Buffer) {
	switch n.Kind {
	case KindNull:
		b.WriteString("null")
	case KindBool:
		b.WriteString(strconv.FormatBool(n.Bool))
	case KindStr:
		writeString(b, n.Str)
	case KindInt:
		writeTagged(b, "$int", strconv.Quote(strconv.FormatInt(n.Int, 10)))
	case KindUint:
		writeTagged(b, "$uint", strconv.Quote(strconv.FormatUint(n.Uint, 10)))
	case KindCounter:
		writeTagged(b, "$counter", strconv.Quote(strconv.FormatInt(n.Int, 10)))
	case KindTime:
		writeTagged(b, "$timestamp", strconv.Quote(strconv.FormatInt(n.Int, 10)))
	case KindFloat:
		writeTagged(b, "$float64", formatFloat(n.Float))
	case KindBytes:
		writeTagged(b, "$bytes", strconv.Quote(base64.StdEncoding.EncodeToString(n.Bytes)))
	case KindText:
		var s bytes.Buffer
		writeString(&s, n.Str)
		writeTagged(b, "$text", s.String())
	case KindList:
		b.WriteByte('[')
		for i, c := range n.List {
			if i > 0 {
				b.WriteByte(',')
			}
			c.writeJSON(b)
		}
		b.WriteByte(']')
	case KindMap:
		keys := make([]string, 0, len(n.Map))
		for k := range n.Map {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.HasPrefix(k, "$") {
				writeString(b, "$"+k)
			} else {
				writeString(b, k)
			}
			b.WriteByte(':')
			n.Map[k].writeJSON(b)
		}
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, `{"$unknown":%d}`, n.Kind)
	}
}

func writeTagged(b *bytes.Buffer, tag, encoded string) {
	b.WriteString(`{"` + tag + `":`)
	b.WriteString(encoded)
	b.WriteByte('}')
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode adds a newline
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return `"NaN"`
	case math.IsInf(f, 1):
		return `"+Inf"`
	case math.IsInf(f, -1):
		return `"-Inf"`
	}
	out, _ := json.Marshal(f) // finite floats always encode, as ES6 would print them
	return string(out)
}

// SameJSON reports whether two JSON texts hold the same structure, ignoring
// key order, whitespace and escaping choices; numbers compare as float64.
func SameJSON(a, b []byte) (bool, error) {
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		return false, fmt.Errorf("decode first JSON: %w", err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		return false, fmt.Errorf("decode second JSON: %w", err)
	}
	ca, _ := json.Marshal(va) // encoding/json sorts map keys
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb), nil
}
