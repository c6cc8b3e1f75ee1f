package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/commonplace/commonplace/server/store"
	"github.com/commonplace/commonplace/server/store/sqlstore"
	"github.com/commonplace/commonplace/server/store/storetest"
)

// remoteD1 runs statements on the D1 database of a worker under wrangler
// dev, through the route the worker serves only when started with
// TEST_SQL=1 (see cmd/commonplace-worker/worker.mjs). Values travel as
// {"s": text} {"i": number} {"b": base64} {"n": true}.
type remoteD1 struct{ url string }

type cell struct {
	S *string  `json:"s,omitempty"`
	I *float64 `json:"i,omitempty"`
	B *string  `json:"b,omitempty"`
	N bool     `json:"n,omitempty"`
}

func toCell(v any) (cell, error) {
	switch v := v.(type) {
	case nil:
		return cell{N: true}, nil
	case string:
		return cell{S: &v}, nil
	case int64:
		f := float64(v)
		return cell{I: &f}, nil
	case []byte:
		b := base64.StdEncoding.EncodeToString(v)
		return cell{B: &b}, nil
	default:
		return cell{}, fmt.Errorf("remote D1: argument of type %T", v)
	}
}

func (c cell) value() (any, error) {
	switch {
	case c.S != nil:
		return *c.S, nil
	case c.I != nil:
		return int64(*c.I), nil
	case c.B != nil:
		return base64.StdEncoding.DecodeString(*c.B)
	default:
		return nil, nil
	}
}

func (d remoteD1) run(ctx context.Context, query string, args []any) ([][]any, error) {
	cells := make([]cell, len(args))
	for i, a := range args {
		c, err := toCell(a)
		if err != nil {
			return nil, err
		}
		cells[i] = c
	}
	body, err := json.Marshal(map[string]any{"sql": query, "args": cells})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("remote D1: %d %s", resp.StatusCode, data)
	}
	var out struct{ Rows [][]cell }
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("remote D1: %w", err)
	}
	rows := make([][]any, len(out.Rows))
	for i, r := range out.Rows {
		rows[i] = make([]any, len(r))
		for j, c := range r {
			if rows[i][j], err = c.value(); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}

func (d remoteD1) Exec(ctx context.Context, query string, args ...any) error {
	_, err := d.run(ctx, query, args)
	return err
}

func (d remoteD1) Query(ctx context.Context, query string, args ...any) ([][]any, error) {
	return d.run(ctx, query, args)
}

func workerD1(t *testing.T) remoteD1 {
	url := os.Getenv("COMMONPLACE_WORKER_URL")
	if url == "" {
		t.Skip("no worker running: make test-worker runs this against wrangler dev --local")
	}
	return remoteD1{url: url + "/_test/sql"}
}

// emptied clears the tables (the suite wants a fresh store each time;
// the worker's D1 lives as long as the test run).
func emptied(t *testing.T, db remoteD1) store.Store {
	for _, q := range []string{"DELETE FROM kv", "DELETE FROM kv_part"} {
		if err := db.Exec(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	return sqlstore.New(db)
}

// TestContractWorkerD1 runs the store contract against the local D1 of
// the Workers build, with the real D1 SQL engine and value handling.
func TestContractWorkerD1(t *testing.T) {
	db := workerD1(t)
	storetest.Run(t, func(t *testing.T) store.Store { return emptied(t, db) })
}
