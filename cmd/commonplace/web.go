package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/commonplace/commonplace/web"
)

// webHandler returns the handler for the field app mounted at /: the app
// embedded in the binary, or with `--web DIR` a directory's copy (to try a
// web build without rebuilding the binary). Without the wasm build outputs
// the web package serves a page saying how to build them.
func webHandler(dir string) (http.Handler, error) {
	if dir == "" {
		h, err := web.New()
		if err != nil {
			return nil, fmt.Errorf("embedded web app: %w", err)
		}
		return h, nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("web directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("web directory %s is not a directory", dir)
	}
	h, err := web.NewFS(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("web directory %s: %w", dir, err)
	}
	return h, nil
}
