package app

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/notes"
	"github.com/commonplace/commonplace/wasm/repo"
)

// SessionView is session() at the JS API.
type SessionView struct {
	Joined    bool     `json:"joined"`
	Workspace string   `json:"workspace"`
	Server    string   `json:"server"`
	Profile   *Profile `json:"profile"`
	Actor     string   `json:"actor"`
	// PersonalOnly: linked to a personal space whose team invite has not
	// arrived yet.
	PersonalOnly bool `json:"personalOnly"`
}

// Session describes this device.
func (a *App) Session() SessionView {
	a.mu.Lock()
	defer a.mu.Unlock()
	v := SessionView{Joined: a.cfg.Team != nil, Server: a.cfg.Server, Profile: a.cfg.Profile, Actor: a.cfg.Actor}
	if a.cfg.Team != nil {
		v.Workspace = a.cfg.Team.Workspace
	}
	v.PersonalOnly = a.cfg.Team == nil && a.cfg.Personal != nil
	return v
}

func (a *App) spaces() (team, personal *space) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.team, a.personal
}

// SetProfile records the person's name and role, and this device's actor
// under their member entry, in the workspace (and in the personal space so
// their other devices take the same identity).
func (a *App) SetProfile(ctx context.Context, p Profile) error {
	if err := notes.ValidRole(p.Role); err != nil {
		return err
	}
	if p.Name == "" {
		return fmt.Errorf("name is empty: %w", notes.ErrInvalid)
	}
	team, personal := a.spaces()
	if team == nil && personal == nil {
		return ErrNotJoined
	}
	a.mu.Lock()
	if a.cfg.MemberID == "" {
		a.cfg.MemberID = newMemberID()
	}
	member := a.cfg.MemberID
	a.cfg.Profile = &p
	a.mu.Unlock()
	if err := a.saveConfig(ctx); err != nil {
		return err
	}
	for _, s := range []*space{team, personal} {
		if s == nil || !s.repo.Has(s.docID()) {
			continue // recorded by ensureMember when the document arrives
		}
		if err := a.recordMember(ctx, s, member, p); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) recordMember(ctx context.Context, s *space, member string, p Profile) error {
	_, err := s.repo.Change(ctx, s.docID(), "set member", func(d *crdt.Doc) error {
		if err := notes.SetMember(d, member, p.Name, p.Role, s.repo.ActorID()); err != nil {
			return err
		}
		if s.personal {
			return notes.SetValue(d, "profile", map[string]any{"memberId": member, "name": p.Name, "role": p.Role})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set profile: %w", err)
	}
	return nil
}

// Members lists the workspace's members.
func (a *App) Members() []notes.Member {
	team, _ := a.spaces()
	if team == nil {
		return []notes.Member{}
	}
	var out []notes.Member
	if err := team.repo.Read(team.docID(), func(d *crdt.Doc) error { out = notes.Members(d); return nil }); err != nil {
		return []notes.Member{}
	}
	return out
}

// allMembers adds the personal space's entries (devices that never set a
// profile in the team still name their person in private notes).
func (a *App) allMembers() []notes.Member {
	ms := a.Members()
	_, p := a.spaces()
	if p != nil {
		_ = p.repo.Read(p.docID(), func(d *crdt.Doc) error { ms = append(ms, notes.Members(d)...); return nil })
	}
	return ms
}

func namesOf(ms []notes.Member) notes.Names {
	return func(actor string) *string {
		if m := notes.ByActor(ms, actor); m != nil {
			name := m.Name
			return &name
		}
		return nil
	}
}

// CreateNote makes a note of kind in the workspace, or in the personal
// space if private, and lists it in the space's index.
func (a *App) CreateNote(ctx context.Context, kind, title string, private bool) (string, error) {
	if err := notes.ValidKind(kind); err != nil {
		return "", err
	}
	team, personal := a.spaces()
	s := team
	if private {
		s = personal
	}
	if s == nil || !s.repo.Has(s.docID()) {
		return "", fmt.Errorf("create note: %w", ErrNotJoined)
	}
	now := a.p.Now()
	id, err := s.repo.Create(ctx, notes.MsgCreate, func(d *crdt.Doc) error {
		return notes.InitNote(d, kind, title, private, s.repo.ActorID(), now)
	})
	if err != nil {
		return "", fmt.Errorf("create note: %w", err)
	}
	if _, err := s.repo.Change(ctx, s.docID(), "index "+id, func(d *crdt.Doc) error {
		return notes.AddToIndex(d, id, kind, now)
	}); err != nil {
		return "", fmt.Errorf("index note: %w", err)
	}
	return id, nil
}

// find returns the space holding note id.
func (a *App) find(id string) (*space, error) {
	team, personal := a.spaces()
	for _, s := range []*space{personal, team} {
		if s != nil && s.repo.Has(id) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("note %s: %w", id, ErrNotFound)
}

// readNote reads note id at heads (nil: current) from s.
func (a *App) readNote(s *space, id string, heads []crdt.ChangeHash, ms []notes.Member) (notes.Note, error) {
	if heads == nil {
		if cur, ok := s.repo.Heads(id); ok {
			if n, ok := s.notes.get(id, cur, namesOf(ms)); ok {
				return n, nil
			}
		}
	}
	var n notes.Note
	err := s.repo.Read(id, func(d *crdt.Doc) error {
		var src notes.Source = d
		hs := d.Heads()
		if heads != nil {
			v, err := d.View(heads...)
			if err != nil {
				return fmt.Errorf("note %s at %v: %w: %w", id, heads, err, ErrNotFound)
			}
			src, hs = v, heads
		}
		var err error
		n, err = notes.ReadNote(src, d, hs, id, s.personal, namesOf(ms))
		return err
	})
	if err == nil && heads == nil {
		s.notes.put(n)
	}
	return n, err
}

// allNotes reads every indexed note of both spaces.
func (a *App) allNotes(ms []notes.Member) []*notes.Note {
	var out []*notes.Note
	team, personal := a.spaces()
	for _, s := range []*space{team, personal} {
		if s == nil {
			continue
		}
		var ids []string
		_ = s.repo.Read(s.docID(), func(d *crdt.Doc) error { ids = notes.Index(d); return nil })
		for _, id := range ids {
			n, err := a.readNote(s, id, nil, ms)
			if err != nil {
				continue // not synced yet
			}
			if n.SharedAs != nil {
				continue // its shared copy is listed instead
			}
			out = append(out, &n)
		}
	}
	notes.Backlinks(out)
	return out
}

// ListNotes lists notes matching f, newest change first.
func (a *App) ListNotes(f notes.Filter) []notes.Summary {
	out := []notes.Summary{}
	for _, n := range a.allNotes(a.allMembers()) {
		if f.Match(n) {
			out = append(out, n.Summarize())
		}
	}
	notes.SortByChange(out)
	return out
}

// GetNote returns note id with its backlinks.
func (a *App) GetNote(id string) (notes.Note, error) {
	return a.noteAt(id, nil)
}

func (a *App) noteAt(id string, heads []crdt.ChangeHash) (notes.Note, error) {
	s, err := a.find(id)
	if err != nil {
		return notes.Note{}, err
	}
	ms := a.allMembers()
	n, err := a.readNote(s, id, heads, ms)
	if err != nil {
		return n, err
	}
	for _, o := range a.allNotes(ms) {
		for _, l := range o.Links {
			if l == id && o.ID != id {
				n.Backlinks = append(n.Backlinks, o.ID)
			}
		}
	}
	sort.Strings(n.Backlinks)
	return n, nil
}

// NoteAt returns note id as it was at heads (hex change hashes).
func (a *App) NoteAt(id string, heads []string) (notes.Note, error) {
	hs := make([]crdt.ChangeHash, 0, len(heads))
	for _, h := range heads {
		ch, err := crdt.NewChangeHash(h)
		if err != nil {
			return notes.Note{}, fmt.Errorf("head %q: %w", h, notes.ErrInvalid)
		}
		hs = append(hs, ch)
	}
	if len(hs) == 0 {
		return notes.Note{}, fmt.Errorf("no heads: %w", notes.ErrInvalid)
	}
	return a.noteAt(id, hs)
}

// EditText splices a text field; index and deleteCount are UTF-16 units.
// It returns once the change is stored.
func (a *App) EditText(ctx context.Context, id, field string, index, deleteCount int, insert string) error {
	s, err := a.find(id)
	if err != nil {
		return err
	}
	_, err = s.repo.Change(ctx, id, notes.MsgEdit+field, func(d *crdt.Doc) error {
		cur, err := notes.TextOf(d, field)
		if err != nil {
			return err
		}
		pos, n, err := notes.CodePointRange(cur, index, deleteCount)
		if err != nil {
			return err
		}
		return notes.EditText(d, field, pos, n, insert)
	})
	return err
}

// SetField sets tags, participants, links, place or session.
func (a *App) SetField(ctx context.Context, id, field string, value any) error {
	return a.setField(ctx, id, field, value, notes.MsgSet)
}

// ResolveConflict replaces every concurrent value of field with value.
func (a *App) ResolveConflict(ctx context.Context, id, field string, value any) error {
	return a.setField(ctx, id, field, value, notes.MsgResolve)
}

func (a *App) setField(ctx context.Context, id, field string, value any, msg string) error {
	checked, err := notes.CheckField(field, value)
	if err != nil {
		return err
	}
	s, err := a.find(id)
	if err != nil {
		return err
	}
	_, err = s.repo.Change(ctx, id, msg+field, func(d *crdt.Doc) error {
		return notes.SetField(d, field, checked)
	})
	return err
}

// History lists note id's changes oldest first with their authors.
func (a *App) History(id string) ([]notes.Entry, error) {
	s, err := a.find(id)
	if err != nil {
		return nil, err
	}
	ms := a.allMembers()
	var out []notes.Entry
	err = s.repo.Read(id, func(d *crdt.Doc) error {
		var err error
		out, err = notes.History(d, ms)
		return err
	})
	return out, err
}

// ShareNote copies a private note, history included, into the workspace
// and marks the private one shared. It returns the shared note's ID.
func (a *App) ShareNote(ctx context.Context, id string) (string, error) {
	team, personal := a.spaces()
	if personal == nil || !personal.repo.Has(id) {
		return "", fmt.Errorf("private note %s: %w", id, ErrNotFound)
	}
	if team == nil || !team.repo.Has(team.docID()) {
		return "", fmt.Errorf("share: %w", ErrNotJoined)
	}
	saved, err := personal.repo.Save(id)
	if err != nil {
		return "", err
	}
	var kind string
	_ = personal.repo.Read(id, func(d *crdt.Doc) error { kind, _ = notes.Value(d, "kind").(string); return nil })
	newID, err := team.repo.Import(ctx, saved, notes.MsgShare, func(d *crdt.Doc) error {
		return d.RootMap().Set("private", false)
	})
	if err != nil {
		return "", fmt.Errorf("share: %w", err)
	}
	if _, err := team.repo.Change(ctx, team.docID(), "index "+newID, func(d *crdt.Doc) error {
		return notes.AddToIndex(d, newID, kind, a.p.Now())
	}); err != nil {
		return "", fmt.Errorf("share: %w", err)
	}
	if _, err := personal.repo.Change(ctx, id, notes.MsgShare, func(d *crdt.Doc) error {
		return notes.MarkShared(d, newID)
	}); err != nil {
		return "", fmt.Errorf("share: %w", err)
	}
	return newID, nil
}

// ExportMarkdown renders note id, or every note if id is "".
func (a *App) ExportMarkdown(id string) ([]notes.File, error) {
	if id != "" {
		n, err := a.GetNote(id)
		if err != nil {
			return nil, err
		}
		return []notes.File{notes.Markdown(&n)}, nil
	}
	out := []notes.File{}
	for _, n := range a.allNotes(a.allMembers()) {
		out = append(out, notes.Markdown(n))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// PersonalLink is the invite link of the personal space, to open on the
// person's other devices.
func (a *App) PersonalLink(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cfg.Personal == nil {
		return "", ErrNotJoined
	}
	return InviteLink(a.cfg.Server, a.cfg.Personal.Token), nil
}

// NoteChange is what onNoteChange callbacks get.
type NoteChange struct {
	Note    notes.Note    `json:"note"`
	Patches []notes.Patch `json:"patches"`
	// Origin is "local" for this device's edits, "remote" for synced ones.
	Origin string `json:"origin"`
}

// OnNoteChange calls fn after every local or remote change of note id.
// While subscribed the note counts as on screen (Repo.Watch): over HTTP
// sync it is polled every interval.
func (a *App) OnNoteChange(id string, fn func(NoteChange)) func() {
	unwatch := a.watch(id)
	off := a.changes.Add(func(ev repo.Event) {
		if ev.DocID != id {
			return
		}
		s, err := a.find(id)
		if err != nil {
			return
		}
		n, err := a.GetNote(id)
		if err != nil {
			return
		}
		var ps []crdt.Patch
		texts := map[string][]rune{}
		_ = s.repo.Read(id, func(d *crdt.Doc) error {
			if len(ev.Before) > 0 {
				if v, err := d.View(ev.Before...); err == nil {
					for _, f := range notes.TextFields {
						if t := v.Path(f).Text(); t != nil {
							txt, _ := t.Get()
							texts[f] = []rune(txt)
						}
					}
				}
			} else {
				for _, f := range notes.TextFields {
					texts[f] = nil
				}
			}
			ps, _ = d.Diff(ev.Before, ev.After)
			return nil
		})
		origin := "local"
		if ev.Remote {
			origin = "remote"
		}
		fn(NoteChange{Note: n, Patches: notes.MapPatches(ps, texts), Origin: origin})
	})
	return func() {
		off()
		unwatch()
	}
}

// watch marks note id as on screen in every space (it is in one of them,
// or will be once it arrives); it returns the function that ends it.
func (a *App) watch(id string) func() {
	a.mu.Lock()
	spaces := []*space{a.team, a.personal}
	a.mu.Unlock()
	var offs []func()
	for _, s := range spaces {
		if s != nil {
			offs = append(offs, s.repo.Watch(id))
		}
	}
	return func() {
		for _, off := range offs {
			off()
		}
	}
}

// onChange reacts to a change in a space: it tells note listeners, fetches
// notes newly listed in the index, and lets a linked device adopt the team.
func (a *App) onChange(s *space, ev repo.Event) {
	a.changes.Call(ev)
	if ev.DocID != s.docID() {
		return
	}
	a.wantIndexed(s)
	if !ev.Remote {
		return
	}
	go func() {
		a.adoptMu.Lock()
		defer a.adoptMu.Unlock()
		if s.personal {
			a.adoptFromPersonal(a.ctx)
		}
		a.ensureMember(a.ctx, s)
	}()
}

// ensureMember records the profile in a space whose document arrived
// after SetProfile ran.
func (a *App) ensureMember(ctx context.Context, s *space) {
	a.mu.Lock()
	p, member, actor := a.cfg.Profile, a.cfg.MemberID, a.cfg.Actor
	a.mu.Unlock()
	if p == nil || member == "" {
		return
	}
	var ok bool
	_ = s.repo.Read(s.docID(), func(d *crdt.Doc) error {
		for _, m := range notes.Members(d) {
			ok = ok || (m.ID == member && m.Name == p.Name && m.Role == p.Role && slices.Contains(m.Actors, actor))
		}
		return nil
	})
	if ok {
		return
	}
	if err := a.recordMember(ctx, s, member, *p); err != nil {
		a.errs.Call(err)
	}
}

// wantIndexed asks the relay for every indexed note the space lacks.
func (a *App) wantIndexed(s *space) {
	var ids []string
	if err := s.repo.Read(s.docID(), func(d *crdt.Doc) error { ids = notes.Index(d); return nil }); err != nil {
		return
	}
	for _, id := range ids {
		if !s.repo.Has(id) {
			if err := s.repo.Want(a.ctx, id); err != nil {
				a.errs.Call(err)
			}
		}
	}
}
