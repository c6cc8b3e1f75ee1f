// Package syncproto implements Automerge's sync protocol without IO and
// without an op set.
//
// The protocol only ever looks at the change graph: which changes a peer
// has, their hashes and dependencies, and the raw bytes to ship. Keeping it
// here, behind the small Graph interface, lets the same code drive package
// crdt's Doc, the relay (which may hold nothing but change chunks) and tests
// that use a bare change graph against Rust Automerge as the peer.
//
// The wire format and the decisions (bloom filters over the changes since
// the last shared heads, need lists for what a filter hid, in-flight
// suppression, resets) follow Rust Automerge's sync module so that a peer
// built on this package is indistinguishable on the wire from automerge-go
// and from @automerge/automerge 3.x:
//
//   - message type 0x42 is the original format; 0x43 is the newer one whose
//     change section holds a single chunk (concatenated change chunks or a
//     whole document). It is only sent to a peer that advertised it.
//   - after the original message body a peer may append a length-prefixed
//     flags section; its presence advertises support for 0x43 messages and
//     its bitfield byte (high bit set) carries sync-reset and read-only bits.
//   - a saved sync state is 0x43 followed by the shared heads.
//
// Where this package departs from Rust it does so only to send less:
//
//   - the flags section goes on the first message of a connection only
//     (Rust 0.7+ repeats it on every message). Receivers keep what they
//     learnt for the connection, and peers that predate the section ignore
//     it either way.
//   - a whole-document message to a peer with nothing, when we have nothing
//     either, carries no chunk rather than an empty document.
//   - the bloom filter is built only for a message that is actually sent.
//
// Read-only mode (the READ_ONLY flag) is honoured when a peer sets it: we
// send it no changes. This package never sets it itself.
package syncproto
