package app

// Deferred counts the stored documents of both spaces not loaded yet.
func Deferred(a *App) int {
	n := 0
	team, personal := a.spaces()
	for _, s := range []*space{team, personal} {
		if s != nil {
			n += s.repo.Deferred()
		}
	}
	return n
}
