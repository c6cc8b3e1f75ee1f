package httpsync_test

import (
	"os"
	"testing"
)

// workerTarget is the Workers build under wrangler dev, when the worker
// test suite (make test-worker) started one and named it in
// COMMONPLACE_WORKER_URL and COMMONPLACE_WORKER_ADMIN.
func workerTarget(t *testing.T) target {
	url, admin := os.Getenv("COMMONPLACE_WORKER_URL"), os.Getenv("COMMONPLACE_WORKER_ADMIN")
	if url == "" || admin == "" {
		t.Skip("no worker running: make test-worker runs this against wrangler dev --local")
	}
	return target{base: url, admin: admin}
}

// TestScenariosWorker runs the HTTP sync scenarios against the Workers
// build: the Go handler compiled to wasm, on local D1.
func TestScenariosWorker(t *testing.T) { runScenarios(t, workerTarget(t)) }
