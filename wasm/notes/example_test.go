package notes_test

import (
	"fmt"
	"time"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/notes"
)

// A note is a document of its own; its fields are read back as a Note and
// exported as Markdown.
func Example() {
	d := crdt.New()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	_ = notes.InitNote(d, "story", "The ferry", false, d.ActorID(), at)
	_ = notes.EditText(d, "body", 0, 0, "It broke down.")
	tags, _ := notes.CheckField("tags", []any{"transport"})
	_ = notes.SetField(d, "tags", tags)
	_, _ = d.Commit(notes.MsgCreate, crdt.CommitOptions{Time: &at})

	n, _ := notes.ReadNote(d, d, d.Heads(), "2v3rkia9QeE2R9cBqPSwB1RjJmDw", false, func(string) *string { return nil })
	fmt.Println(n.Kind, n.Title, n.Body, n.Tags)
	fmt.Println(notes.Markdown(&n).Path)
	// Output:
	// story The ferry It broke down. [transport]
	// story/the-ferry-2v3rkia9.md
}
