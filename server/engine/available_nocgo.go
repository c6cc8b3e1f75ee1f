//go:build !cgo

package engine

// available lists the engines of a build without cgo. automerge-go needs
// cgo; the pure-Go crdt engine will be listed here (and in
// available_cgo.go) once it passes enginetest.
func available() []entry { return nil }
