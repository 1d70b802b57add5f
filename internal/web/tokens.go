package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

// tokensPage is "My tokens" (All false) or the admin list of every token
// of the workspace (All true).
type tokensPage struct {
	base
	All       bool
	Tokens    []tokenRow
	NextURL   string
	Secret    string // a token just created: shown this once
	Name      string // the create form, kept on error
	Lifetime  string
	Lifetimes []option
	Errors    formErrors
	Message   string
	Done      string // a confirmation ("tokens.revoked" …)
}

type tokenRow struct {
	store.APIToken
	State string // live, expired, revoked
}

// tokenLifetimes are the choices of the create form, in days ("" = never).
var tokenLifetimes = []string{"30", "90", "365", ""}

const tokensPerPage = 50

func (s *server) newTokensPage(r *http.Request, rq *request, all bool) tokensPage {
	title := "tokens.title"
	if all {
		title = "tokens.all_title"
	}
	nav := "tokens"
	if all {
		nav = "admin"
	}
	p := tokensPage{base: s.base(r, rq, rq.loc.T(title), nav), All: all, Lifetime: "90"}
	for _, d := range tokenLifetimes {
		label := rq.loc.T("tokens.never")
		if d != "" {
			label = rq.loc.T("tokens.days", "n", d)
		}
		p.Lifetimes = append(p.Lifetimes, option{Value: d, Label: label})
	}
	return p
}

// loadTokens fills the list, one page from the ?before= cursor.
func (s *server) loadTokens(r *http.Request, rq *request, p *tokensPage) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, err := s.d.Tokens(r.Context(), rq.actor, p.All, max(before, 0), tokensPerPage+1)
	if err != nil {
		return err
	}
	if len(list) > tokensPerPage {
		list = list[:tokensPerPage]
		p.NextURL = r.URL.Path + "?before=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	now := time.Now()
	for _, t := range list {
		row := tokenRow{APIToken: t, State: "live"}
		switch {
		case !t.RevokedAt.IsZero():
			row.State = "revoked"
		case !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt):
			row.State = "expired"
		}
		p.Tokens = append(p.Tokens, row)
	}
	return nil
}

func (s *server) tokensList(all bool) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		p := s.newTokensPage(r, rq, all)
		if r.URL.Query().Get("done") == "revoked" {
			p.Done = "tokens.done_revoked"
		}
		if err := s.loadTokens(r, rq, &p); err != nil {
			return err
		}
		s.render(w, r, rq.loc, http.StatusOK, "tokens", "", p)
		return nil
	}
}

// createToken issues a token for the signed-in member and shows its secret
// once, on the answer to the POST itself (never stored, never redirected).
func (s *server) createToken(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := s.newTokensPage(r, rq, false)
	p.Name, p.Lifetime = r.PostFormValue("name"), r.PostFormValue("lifetime")
	n := desk.NewToken{Name: p.Name}
	status := http.StatusOK
	if p.Lifetime != "" {
		days, err := strconv.Atoi(p.Lifetime)
		if err != nil || days <= 0 {
			return badParameter("lifetime")
		}
		n.ExpiresAt = time.Now().Add(time.Duration(days) * 24 * time.Hour)
	}
	secret, _, err := s.d.IssueToken(r.Context(), rq.actor, n)
	if err != nil {
		fe, ok := rq.loc.fieldErrors(err)
		if !ok {
			return err
		}
		p.Errors, p.Message, status = fe, rq.loc.Error(err), http.StatusUnprocessableEntity
	} else {
		p.Secret, p.Name, p.Lifetime = secret, "", "90"
	}
	if err := s.loadTokens(r, rq, &p); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, rq.loc, status, "tokens", "", p)
	return nil
}

func (s *server) revokeToken(back string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := s.d.RevokeToken(r.Context(), rq.actor, id); err != nil {
			return err
		}
		http.Redirect(w, r, back+"?done=revoked", http.StatusSeeOther)
		return nil
	}
}

// unlockAgent clears a member's failed sign-ins from their admin page.
func (s *server) unlockAgent(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if err := s.d.UnlockMember(r.Context(), rq.actor, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/agents/"+strconv.FormatInt(id, 10)+"?unlocked=1", http.StatusSeeOther)
	return nil
}

// lockNote tells an admin, on a member's page, whether their next sign-in
// must wait ("" when not, or when that cannot be read: the page still
// works and the unlock button is there either way).
func (s *server) lockNote(r *http.Request, rq *request, m workspace.Member) string {
	at, wait, err := s.d.LoginLock(r.Context(), rq.actor, m)
	if err != nil {
		s.log.WarnContext(r.Context(), "read sign-in lock", "agent", m.ID, "err", err)
		return ""
	}
	if wait <= 0 {
		return ""
	}
	return rq.loc.T("admin.locked", "seconds", auth.RetryAfter(wait), "n", strconv.Itoa(at.Failures))
}
