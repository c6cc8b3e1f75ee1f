package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/commonplace/commonplace/web"
)

// The handler is mounted at "/" next to the relay's own endpoints.
func Example() {
	app, err := web.New()
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", app)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/manifest.webmanifest", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	// Output: 200 application/manifest+json
}
