package httpsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/commonplace/commonplace/server/docsync"
	"github.com/commonplace/commonplace/server/wire"
)

// Client errors.
var (
	// ErrUnavailable: the relay has no such document for this token's
	// workspace (missing and foreign look the same).
	ErrUnavailable = errors.New("httpsync: document unavailable")
	// ErrUnauthorized: the relay refused the token (401).
	ErrUnauthorized = errors.New("httpsync: unauthorized")
	// ErrStatus: the relay answered with another non-200 status.
	ErrStatus = errors.New("httpsync: unexpected status")
	// ErrNoProgress: MaxRounds exchanges did not bring the peers in sync.
	ErrNoProgress = errors.New("httpsync: sync did not settle")
)

// DefaultMaxRounds bounds the exchanges of one Client.Sync.
const DefaultMaxRounds = 16

// Client is a peer's side of HTTP sync, in Go: the field app's fallback
// when WebSockets fail, and the tests' and benchmark's peer.
type Client struct {
	URL    string // the endpoint, e.g. https://relay.example/sync/http
	Token  string
	PeerID string // this peer's automerge-repo peerId
	HTTP   *http.Client
	Codec  *wire.Codec // nil: wire's defaults
	// MaxRounds bounds one Sync; zero means DefaultMaxRounds.
	MaxRounds int
	// RelayID is the targetId of messages sent: the relay's peerId, as
	// learned from the senderId of its replies. Messages need a targetId
	// to be valid; the relay ignores it, so "relay" does before the
	// first reply.
	RelayID string
}

// Exchange POSTs msgs (SenderID filled in) and returns the replies.
func (c *Client) Exchange(ctx context.Context, msgs []wire.Message) ([]wire.Message, error) {
	codec := c.Codec
	if codec == nil {
		var err error
		if codec, err = wire.NewCodec(wire.DefaultLimits()); err != nil {
			return nil, err
		}
	}
	if c.RelayID == "" {
		c.RelayID = "relay"
	}
	for i := range msgs {
		msgs[i].SenderID, msgs[i].TargetID = c.PeerID, c.RelayID
	}
	body, err := EncodeBatch(codec, msgs)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("http sync: %w", err)
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("http sync: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("http sync: read reply: %w", err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return nil, ErrUnauthorized
	default:
		return nil, fmt.Errorf("%w: %d %s", ErrStatus, resp.StatusCode, bytes.TrimSpace(data))
	}
	if len(data) > DefaultMaxBody {
		return nil, fmt.Errorf("http sync: reply over %d bytes", DefaultMaxBody)
	}
	var replies []wire.Message
	if !bytes.Equal(data, emptyBatch) {
		if replies, err = DecodeBatch(codec, data); err != nil {
			return nil, fmt.Errorf("http sync: reply: %w", err)
		}
	}
	if len(replies) > 0 && replies[0].SenderID != "" {
		c.RelayID = replies[0].SenderID
	}
	return replies, nil
}

// emptyBatch is the CBOR of an empty array: a reply with nothing in it.
var emptyBatch = []byte{0x80}

// Sync brings doc and the relay's copy of document id in sync: it sends
// what a sync state generates, applies the replies, and repeats until the
// state has nothing more to send. Each call starts from a fresh sync
// state, as after a reconnect: over HTTP the relay cannot push, so a peer
// whose document did not change must still ask, and a fresh state always
// does (it sends its heads and a summary of its changes). A document this
// peer does not have yet is asked for with request, so a find never
// creates it; ErrUnavailable means the relay has none for this token.
func (c *Client) Sync(ctx context.Context, id string, doc docsync.Doc) error {
	st := doc.NewSyncState()
	rounds := c.MaxRounds
	if rounds <= 0 {
		rounds = DefaultMaxRounds
	}
	for range rounds {
		data, ok := st.Generate()
		if !ok {
			return nil
		}
		typ := wire.TypeSync
		if len(doc.Heads()) == 0 {
			typ = wire.TypeRequest
		}
		replies, err := c.Exchange(ctx, []wire.Message{{Type: typ, DocumentID: id, Data: data}})
		if err != nil {
			return err
		}
		for _, r := range replies {
			switch {
			case r.DocumentID != id:
			case r.Type == wire.TypeDocUnavailable:
				return fmt.Errorf("%w: %s", ErrUnavailable, id)
			case r.Type == wire.TypeSync:
				if err := st.Receive(r.Data); err != nil {
					return fmt.Errorf("http sync %s: %w", id, err)
				}
			}
		}
	}
	return fmt.Errorf("%w after %d rounds: %s", ErrNoProgress, rounds, id)
}
