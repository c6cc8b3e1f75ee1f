package web

import (
	"io/fs"
	"mime"
	"strings"
	"testing"
)

// mimeOf has its own short list instead of the system's tables: every
// file the app ships must be on it, with the type the standard library
// would give it.
func TestEveryEmbeddedFileHasAType(t *testing.T) {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		t.Fatal(err)
	}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".gz") {
			return err
		}
		if got := mimeOf(p); got == "application/octet-stream" {
			t.Errorf("%s: no media type; add its extension to mimeOf", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMimeOfAgreesWithTheStandardLibrary(t *testing.T) {
	// Types the standard library knows without the system's tables; the
	// others (wasm, webmanifest, js) are set by mimeOf on purpose.
	for _, ext := range []string{".html", ".htm", ".css", ".json", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".avif", ".gif"} {
		if got, want := mimeOf("a"+ext), mime.TypeByExtension(ext); !strings.EqualFold(got, want) {
			t.Errorf("mimeOf(%s) = %q, standard library %q", ext, got, want)
		}
		if got := mimeOf("A" + strings.ToUpper(ext)); got != mimeOf("a"+ext) {
			t.Errorf("upper-case %s: %q", ext, got)
		}
	}
	if got := mimeOf("LICENSE"); got != "application/octet-stream" {
		t.Errorf("no extension: %q", got)
	}
}
