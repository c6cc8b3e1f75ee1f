package notes

import (
	"encoding/json"
	"strings"
	"time"
	"unicode"
)

// File is one exported file.
type File struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// Markdown renders a note as Markdown with YAML front matter. Values are
// written as JSON, which is valid YAML flow syntax, so any title or tag
// survives the round trip without a YAML quoting library.
func Markdown(n *Note) File {
	var b strings.Builder
	b.WriteString("---\n")
	field := func(k string, v any) {
		j, _ := json.Marshal(v)
		b.WriteString(k)
		b.WriteString(": ")
		b.Write(j)
		b.WriteByte('\n')
	}
	field("id", n.ID)
	field("kind", n.Kind)
	field("title", n.Title)
	field("tags", n.Tags)
	field("participants", n.Participants)
	field("links", n.Links)
	if n.Place != nil {
		field("place", *n.Place)
	}
	if n.Session != nil {
		field("session", n.Session)
	}
	field("private", n.Private)
	stamp := func(k string, s Stamp) {
		m := map[string]any{"actor": s.Actor, "at": time.UnixMilli(s.At).UTC().Format(time.RFC3339)}
		if s.By != nil {
			m["by"] = *s.By
		}
		field(k, m)
	}
	stamp("created", n.Created)
	stamp("changed", n.Changed)
	b.WriteString("---\n\n# ")
	b.WriteString(oneLine(n.Title))
	b.WriteString("\n\n")
	b.WriteString(n.Body)
	if !strings.HasSuffix(n.Body, "\n") {
		b.WriteByte('\n')
	}
	return File{Path: n.Kind + "/" + slug(n.Title) + "-" + n.ID[:min(8, len(n.ID))] + ".md", Content: b.String()}
}

func oneLine(s string) string {
	if s == "" {
		return "Untitled"
	}
	return strings.ReplaceAll(s, "\n", " ")
}

// slug keeps letters and digits of title, lower-cased, dash-separated.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	if b.Len() == 0 {
		return "note"
	}
	return b.String()
}
