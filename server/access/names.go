package access

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxWorkspaceName, maxLabel and maxDocID bound what is stored per record.
const (
	maxWorkspaceName = 64
	maxLabel         = 200
	maxDocID         = 128
)

// ValidWorkspace reports whether name can name a workspace: 1 to 64
// ASCII letters, digits, '-', '_' or '.', starting with a letter or digit
// (so names are safe in URLs, file names and log lines).
func ValidWorkspace(name string) error {
	if name == "" || len(name) > maxWorkspaceName {
		return fmt.Errorf("%w: workspace name must be 1 to %d characters", ErrInvalid, maxWorkspaceName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune("-_.", rune(c))) {
			return fmt.Errorf("%w: workspace name %q: only letters, digits, '-', '_' and '.', starting with a letter or digit", ErrInvalid, name)
		}
	}
	return nil
}

func validLabel(label string) error {
	if len(label) > maxLabel || !utf8.ValidString(label) {
		return fmt.Errorf("%w: label must be valid UTF-8 of at most %d bytes", ErrInvalid, maxLabel)
	}
	return nil
}

// validDocID accepts what automerge-repo uses (bs58check text) and any
// other printable ASCII id without '/', up to maxDocID bytes.
func validDocID(id string) error {
	if id == "" || len(id) > maxDocID {
		return fmt.Errorf("%w: document id must be 1 to %d bytes", ErrInvalid, maxDocID)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '/' {
			return fmt.Errorf("%w: document id %q has a forbidden byte", ErrInvalid, id)
		}
	}
	return nil
}
