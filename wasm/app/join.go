package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/commonplace/commonplace/crdt"
	"github.com/commonplace/commonplace/wasm/notes"
	"github.com/commonplace/commonplace/wasm/repo"
)

// Joined is join()'s answer.
type Joined struct {
	Workspace string `json:"workspace"`
	Server    string `json:"server"`
}

// Join validates an invite link against the relay, remembers it and starts
// syncing. A team invite also creates this person's private space; a
// personal link (from personalLink on another device) joins that space,
// and the team follows once the space's document arrives with it.
func (a *App) Join(ctx context.Context, invite string) (Joined, error) {
	server, token, err := ParseInvite(invite)
	if err != nil {
		return Joined{}, err
	}
	sess, err := a.api.session(ctx, server, token)
	if errors.Is(err, ErrRevoked) {
		return Joined{}, fmt.Errorf("join: %w", ErrInvalidInvite)
	}
	if err != nil {
		return Joined{}, fmt.Errorf("join: %w", err)
	}
	a.mu.Lock()
	if a.team != nil && !sess.Personal {
		ws := a.team.cfg.Workspace
		a.mu.Unlock()
		if ws == sess.Workspace {
			return Joined{Workspace: ws, Server: server}, nil
		}
		return Joined{}, fmt.Errorf("join: this device already belongs to workspace %q: %w", ws, ErrInvalidInvite)
	}
	a.cfg.Server = server
	a.mu.Unlock()
	if sess.Personal {
		if err := a.joinPersonal(ctx, server, token, sess); err != nil {
			return Joined{}, err
		}
		return Joined{Workspace: sess.Workspace, Server: server}, nil
	}
	if err := a.joinTeam(ctx, server, token, sess); err != nil {
		return Joined{}, err
	}
	return Joined{Workspace: sess.Workspace, Server: server}, nil
}

func (a *App) joinTeam(ctx context.Context, server, token string, sess sessionInfo) error {
	sc := spaceConfig{Workspace: sess.Workspace, Token: token}
	s, err := a.openSpace(ctx, sc, false)
	if err != nil {
		return err
	}
	if sc.Doc, err = a.rootDoc(ctx, s, server, token, sess, sess.Workspace); err != nil {
		return err
	}
	a.mu.Lock()
	a.cfg.Team = &sc
	hasPersonal := a.personal != nil
	a.mu.Unlock()
	if err := a.saveConfig(ctx); err != nil {
		return err
	}
	if hasPersonal {
		return a.recordTeam(ctx)
	}
	p, err := a.api.createPersonal(ctx, server, token)
	if err != nil {
		return fmt.Errorf("create personal space: %w", err)
	}
	psess, err := a.api.session(ctx, server, p.Token)
	if err != nil {
		return fmt.Errorf("personal space: %w", err)
	}
	return a.joinPersonal(ctx, server, p.Token, psess)
}

func (a *App) joinPersonal(ctx context.Context, server, token string, sess sessionInfo) error {
	sc := spaceConfig{Workspace: sess.Workspace, Token: token}
	s, err := a.openSpace(ctx, sc, true)
	if err != nil {
		return err
	}
	if sc.Doc, err = a.rootDoc(ctx, s, server, token, sess, "personal"); err != nil {
		return err
	}
	a.mu.Lock()
	a.cfg.Personal = &sc
	a.mu.Unlock()
	if err := a.saveConfig(ctx); err != nil {
		return err
	}
	return a.recordTeam(ctx)
}

// rootDoc adopts the space's workspace document, or creates it and
// registers it with the relay; of two devices racing, the first wins and
// the other adopts its document.
func (a *App) rootDoc(ctx context.Context, s *space, server, token string, sess sessionInfo, name string) (string, error) {
	if sess.WorkspaceDoc != nil {
		s.setDoc(*sess.WorkspaceDoc)
		if err := s.repo.Want(ctx, *sess.WorkspaceDoc); err != nil {
			return "", err
		}
		s.repo.Kick()
		return *sess.WorkspaceDoc, nil
	}
	id, err := repo.NewDocumentID()
	if err != nil {
		return "", err
	}
	winner, err := a.api.putWorkspaceDoc(ctx, server, token, id)
	if err != nil {
		return "", fmt.Errorf("register workspace document: %w", err)
	}
	s.setDoc(winner)
	if winner != id {
		return winner, s.repo.Want(ctx, winner)
	}
	err = s.repo.CreateID(ctx, id, notes.MsgCreate, func(d *crdt.Doc) error {
		return notes.InitWorkspace(d, name, s.personal)
	})
	return id, err
}

// recordTeam writes the team invite and the profile into the personal
// space's document, so a device linked with personalLink finds the team.
func (a *App) recordTeam(ctx context.Context) error {
	a.mu.Lock()
	p, team, server := a.personal, a.cfg.Team, a.cfg.Server
	a.mu.Unlock()
	if p == nil || team == nil || p.docID() == "" || !p.repo.Has(p.docID()) {
		return nil
	}
	want := map[string]any{"server": server, "token": team.Token, "workspace": team.Workspace}
	var have any
	_ = p.repo.Read(p.docID(), func(d *crdt.Doc) error { have = notes.Value(d, "team"); return nil })
	if m, ok := have.(map[string]any); ok && m["token"] == team.Token && m["server"] == server {
		return nil
	}
	_, err := p.repo.Change(ctx, p.docID(), "set team", func(d *crdt.Doc) error {
		return notes.SetValue(d, "team", want)
	})
	return err
}

// adoptFromPersonal runs when the personal space's document changes: a
// linked device learns the team invite and the member identity from it.
func (a *App) adoptFromPersonal(ctx context.Context) {
	a.mu.Lock()
	p, joined, server := a.personal, a.cfg.Team != nil, a.cfg.Server
	a.mu.Unlock()
	if p == nil || p.docID() == "" {
		return
	}
	var team, profile any
	if err := p.repo.Read(p.docID(), func(d *crdt.Doc) error {
		team, profile = notes.Value(d, "team"), notes.Value(d, "profile")
		return nil
	}); err != nil {
		return
	}
	if pm, ok := profile.(map[string]any); ok {
		a.mu.Lock()
		if id, _ := pm["memberId"].(string); id != "" && a.cfg.MemberID == "" {
			a.cfg.MemberID = id
			name, _ := pm["name"].(string)
			role, _ := pm["role"].(string)
			if a.cfg.Profile == nil && name != "" {
				a.cfg.Profile = &Profile{Name: name, Role: role}
			}
		}
		a.mu.Unlock()
	}
	tm, ok := team.(map[string]any)
	if joined || !ok {
		_ = a.saveConfig(ctx)
		return
	}
	token, _ := tm["token"].(string)
	if s, _ := tm["server"].(string); s != "" {
		server = s
	}
	sess, err := a.api.session(ctx, server, token)
	if err != nil {
		a.errs.Call(fmt.Errorf("join the team from the personal space: %w", err))
		return
	}
	if err := a.joinTeam(ctx, server, token, sess); err != nil {
		a.errs.Call(err)
		return
	}
	if a.cfg.Profile != nil {
		if err := a.SetProfile(ctx, *a.cfg.Profile); err != nil {
			a.errs.Call(err)
		}
	}
}
