package notes

import (
	"slices"
	"sort"
	"strings"
)

// Filter selects notes in a list; empty fields match everything.
type Filter struct {
	Kind   string `json:"kind"`
	Tag    string `json:"tag"`
	Person string `json:"person"`
	// Query is full-text search over title and body: every word must
	// occur, case-insensitively.
	Query string `json:"query"`
}

// Match reports whether n passes f.
func (f Filter) Match(n *Note) bool {
	if f.Kind != "" && n.Kind != f.Kind {
		return false
	}
	if f.Tag != "" && !slices.Contains(n.Tags, f.Tag) {
		return false
	}
	if f.Person != "" && !f.hasPerson(n) {
		return false
	}
	if q := strings.Fields(strings.ToLower(f.Query)); len(q) > 0 {
		hay := strings.ToLower(n.Title + "\n" + n.Body)
		for _, w := range q {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}

// hasPerson: the person took part, attended, created or last changed it.
func (f Filter) hasPerson(n *Note) bool {
	if slices.Contains(n.Participants, f.Person) {
		return true
	}
	if n.Session != nil && slices.Contains(n.Session.Attendees, f.Person) {
		return true
	}
	for _, s := range []Stamp{n.Created, n.Changed} {
		if s.By != nil && *s.By == f.Person {
			return true
		}
	}
	return false
}

// SortByChange orders summaries newest change first (ties by ID).
func SortByChange(ns []Summary) {
	sort.Slice(ns, func(i, j int) bool {
		if ns[i].Changed.At != ns[j].Changed.At {
			return ns[i].Changed.At > ns[j].Changed.At
		}
		return ns[i].ID < ns[j].ID
	})
}

// Backlinks fills each note's Backlinks from the others' Links.
func Backlinks(all []*Note) {
	by := map[string]*Note{}
	for _, n := range all {
		by[n.ID] = n
		n.Backlinks = []string{}
	}
	for _, n := range all {
		for _, l := range n.Links {
			if t, ok := by[l]; ok && !slices.Contains(t.Backlinks, n.ID) {
				t.Backlinks = append(t.Backlinks, n.ID)
			}
		}
	}
}
