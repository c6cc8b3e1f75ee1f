package notes

import (
	"strings"

	"github.com/commonplace/commonplace/crdt"
)

// Entry is one change in a note's history.
type Entry struct {
	Hash    string  `json:"hash"`
	Actor   string  `json:"actor"`
	Author  *Author `json:"author"`
	Time    int64   `json:"time"` // ms since the Unix epoch
	Message string  `json:"message"`
	Summary string  `json:"summary"`
}

// Author is the member behind an actor.
type Author struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Commit messages the app writes; Summarize turns them into words.
const (
	MsgCreate  = "create"
	MsgEdit    = "edit "    // + field
	MsgSet     = "set "     // + field
	MsgResolve = "resolve " // + field
	MsgShare   = "share"
)

// History lists d's changes oldest first, naming authors from members.
func History(d *crdt.Doc, members []Member) ([]Entry, error) {
	cs, err := d.Changes()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(cs))
	for _, c := range cs {
		e := Entry{Hash: c.Hash().String(), Actor: c.ActorID(), Time: c.Timestamp().UnixMilli(), Message: c.Message()}
		if m := ByActor(members, e.Actor); m != nil {
			e.Author = &Author{Name: m.Name, Role: m.Role}
		}
		e.Summary = Summarize(e.Message)
		out = append(out, e)
	}
	return out, nil
}

// Summarize says in words what a commit message means.
func Summarize(msg string) string {
	switch {
	case msg == MsgCreate:
		return "created the note"
	case msg == MsgShare:
		return "shared the note with the workspace"
	case strings.HasPrefix(msg, MsgEdit):
		return "edited the " + strings.TrimPrefix(msg, MsgEdit)
	case strings.HasPrefix(msg, MsgSet):
		return "changed " + strings.TrimPrefix(msg, MsgSet)
	case strings.HasPrefix(msg, MsgResolve):
		return "resolved a conflict in " + strings.TrimPrefix(msg, MsgResolve)
	case msg == "":
		return "changed the note"
	}
	return msg
}
