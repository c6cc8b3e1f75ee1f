// Package notes is the field app's data model on Automerge documents: one
// workspace document (name, members with their devices' actor IDs, the
// index of notes) and one document per note, so notes sync, merge and keep
// history independently. It reads and writes crdt documents and views and
// knows nothing about storage or sync, so it is tested natively.
// docs/DATA-MODEL.md describes the schema.
package notes

import (
	"errors"
	"fmt"
	"slices"
)

// Schema identifiers stored in every document's "type" field.
const (
	TypeNote      = "commonplace/note"
	TypeWorkspace = "commonplace/workspace"
	SchemaVersion = 1
)

// ErrInvalid wraps every rejected argument: unknown kind, role or field,
// a value of the wrong shape, a text range outside the text.
var ErrInvalid = errors.New("notes: invalid argument")

// Kinds of note.
var Kinds = []string{"interview", "story", "boundary-object", "reflection", "session", "pattern"}

// Roles a member can have.
var Roles = []string{"practitioner", "consultant", "academic", "other"}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) error {
	if !slices.Contains(Kinds, k) {
		return fmt.Errorf("kind %q: %w", k, ErrInvalid)
	}
	return nil
}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) error {
	if !slices.Contains(Roles, r) {
		return fmt.Errorf("role %q: %w", r, ErrInvalid)
	}
	return nil
}

// Stamp says who did something and when.
type Stamp struct {
	By    *string `json:"by"`    // member name, null if the actor is nobody known
	Actor string  `json:"actor"` // Automerge actor ID (hex)
	At    int64   `json:"at"`    // milliseconds since the Unix epoch
}

// Session is what a convening note records besides its text.
type Session struct {
	Date      string   `json:"date"`
	Place     string   `json:"place"`
	Attendees []string `json:"attendees"`
}

// Note is one note as the app shows it.
type Note struct {
	ID           string           `json:"id"`
	Kind         string           `json:"kind"`
	Title        string           `json:"title"`
	Body         string           `json:"body"`
	Tags         []string         `json:"tags"`
	Participants []string         `json:"participants"`
	Links        []string         `json:"links"`
	Backlinks    []string         `json:"backlinks"`
	Place        *string          `json:"place"`
	Private      bool             `json:"private"`
	SharedAs     *string          `json:"sharedAs"`
	Session      *Session         `json:"session"`
	Created      Stamp            `json:"created"`
	Changed      Stamp            `json:"changed"`
	Conflicts    map[string][]any `json:"conflicts"`
	Heads        []string         `json:"heads"`
}

// Summary is a note in a list.
type Summary struct {
	ID           string   `json:"id"`
	Kind         string   `json:"kind"`
	Title        string   `json:"title"`
	Tags         []string `json:"tags"`
	Participants []string `json:"participants"`
	Private      bool     `json:"private"`
	Created      Stamp    `json:"created"`
	Changed      Stamp    `json:"changed"`
}

// Summarize drops the fields a list does not show.
func (n *Note) Summarize() Summary {
	return Summary{ID: n.ID, Kind: n.Kind, Title: n.Title, Tags: n.Tags, Participants: n.Participants,
		Private: n.Private, Created: n.Created, Changed: n.Changed}
}

// Member is a person in the workspace.
type Member struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Role   string   `json:"role"`
	Actors []string `json:"actors"`
}
