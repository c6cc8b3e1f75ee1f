package repo

import "context"

// FullPoller returns a function that runs one full HTTP poll of every
// document in r, as the poller's periodic sweep does (for the external
// benchmark).
func FullPoller(r *Repo, o SyncOptions) (func() error, error) {
	p, err := newPoller(r, o)
	if err != nil {
		return nil, err
	}
	return func() error { return p.poll(context.Background(), scopeAll) }, nil
}
