// Package httpsync is the relay's HTTP sync transport: a peer POSTs a
// batch of automerge-repo messages (request and sync, the same CBOR as on
// the WebSocket) with its bearer token and gets the replies in the
// response. It serves networks that block WebSockets and the Cloudflare
// Workers build, where every request starts a fresh runtime.
//
// The exchange is stateless on the relay's side: each request answers
// from a sync state made for that request (Automerge's protocol is built
// to resume from nothing, as after a reconnect), so nothing about a peer
// is kept between requests and any number of runtimes can serve the same
// peer. The peer keeps its own sync state and repeats the exchange until
// it has nothing more to send; docs/HTTP-SYNC.md is the client's guide.
// Because a change that arrives before its dependencies is forgotten with
// the request, each answer asks the peer to forget which changes it sent
// (the sync-reset flag), so it sends such a change again when asked.
//
// Access is the WebSocket relay's: the token admits one workspace, a
// document of another workspace is answered doc-unavailable exactly like
// a missing one, and every change is in the store before the response
// carrying heads that include it is written.
package httpsync
