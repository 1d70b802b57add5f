package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/helpbox"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/kb"
	"github.com/palier/palier/internal/problem"
)

// The embeddable help box. A customer company puts one tag on its own
// site:
//
//	<script src="https://palier.example/help/box.js?key=PUBLIC_KEY" async></script>
//
// The script (web/static/helpbox.js) asks /help/box/config, under strict
// CORS, whether its page's origin may show the box; if so it adds a help
// button that opens a panel framing /help/box from Palier's own origin.
// Only the box's routes may be framed, and only by the origins the admin
// allowed (Content-Security-Policy frame-ancestors); every other page keeps
// refusing to be framed (see internal/server). Nothing in the box makes a
// request to a third party.

// FramedPath reports whether a path is one of the help box's pages, the
// only pages a site other than Palier may frame.
func FramedPath(p string) bool { return p == "/help/box" || strings.HasPrefix(p, "/help/box/") }

// boxState is what every page of the box carries from link to link: the
// key, the page of the customer's site it was opened on, its tags, the
// language and the journey token.
type boxState struct {
	Key, Page, Tags, Lang, J string
}

func (b boxState) values() url.Values {
	v := url.Values{"key": {b.Key}, "lang": {b.Lang}}
	for name, val := range map[string]string{"page": b.Page, "tags": b.Tags, "j": b.J} {
		if val != "" {
			v.Set(name, val)
		}
	}
	return v
}

// Link is the address of a box page with the state.
func (b boxState) Link(path string) string { return path + "?" + b.values().Encode() }

// Hidden lists the state as hidden form fields (name, value), for forms.
func (b boxState) Hidden() [][2]string {
	v := b.values()
	var out [][2]string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		out = append(out, [2]string{k, v.Get(k)})
	}
	return out
}

// ContactURL is the contact form inside the box, carrying the state
// (and with it the journey token).
func (b boxState) ContactURL() string { return b.Link("/help/box/contact") }

// boxRequest finds the box a request names by its key, and the language
// it speaks: the lang parameter (the host page's), else the browser's. It
// sets no cookie: in a cross-site frame cookies are often refused, and
// the box must not depend on them.
func (s *server) boxRequest(r *http.Request) (helpbox.Settings, boxState, *locale, error) {
	q := r.URL.Query()
	lang, ok := i18n.Supported(q.Get("lang"))
	loc := s.anonLocale(r)
	if ok {
		loc = newLocale(lang, "", time.Now())
	}
	st := boxState{Key: q.Get("key"), Lang: loc.Lang, J: boxJourney(r)}
	if p := helpbox.ParsePage(q.Get("page"), ""); p.URL != nil {
		st.Page = p.URL.String()
	}
	if tags := helpbox.ParsePage("", q.Get("tags")).Tags; len(tags) > 0 {
		st.Tags = strings.Join(tags, " ")
	}
	box, err := s.d.HelpBoxByKey(r.Context(), st.Key)
	return box, st, loc, err
}

// allowFraming lets the box's allowed origins frame this response, and
// nobody else: frame-ancestors lists them (X-Frame-Options cannot list
// origins, so it goes). The rest of the security policy is unchanged.
func allowFraming(w http.ResponseWriter, box helpbox.Settings) {
	h := w.Header()
	h.Del("X-Frame-Options")
	csp := h.Get("Content-Security-Policy")
	if csp == "" {
		h.Set("Content-Security-Policy", "frame-ancestors "+box.FrameAncestors())
		return
	}
	h.Set("Content-Security-Policy", strings.Replace(csp, "frame-ancestors 'none'", "frame-ancestors "+box.FrameAncestors(), 1))
}

// boxScript serves the script the customer's site loads. It is the same
// for every key, but an unknown key gets 404 so a stale tag adds nothing.
func (s *server) boxScript(w http.ResponseWriter, r *http.Request) {
	if _, err := s.d.HelpBoxByKey(r.Context(), r.URL.Query().Get("key")); err != nil {
		status, _ := s.classify(w, r, err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	f := s.assets.files["helpbox.js"]
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	// Not under a content hash (the tag's address never changes): cached
	// briefly, revalidated by ETag.
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", `"`+f.hash+`"`)
	// Loaded by pages of other origins, including ones that isolate
	// themselves (Cross-Origin-Embedder-Policy).
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

// boxConfigJSON is what the script needs to draw its button.
type boxConfigJSON struct {
	Lang   string `json:"lang"`
	Button string `json:"button"`
	Title  string `json:"title"`
	Close  string `json:"close"`
	Frame  string `json:"frame"` // path of the panel's frame on Palier's origin
}

// boxConfig answers the script. CORS is strict: the response names the
// requesting origin in Access-Control-Allow-Origin only when the admin
// allowed it, never "*", and never allows credentials (the box needs no
// cookie). A request from another origin is refused outright.
func (s *server) boxConfig(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Set("Cache-Control", "no-store")
	box, st, loc, err := s.boxRequest(r)
	origin := r.Header.Get("Origin")
	if err == nil && origin != "" && !box.Allows(origin) {
		err = problem.New(problem.Forbidden, "origin_not_allowed", "this site may not show the help box")
	}
	if err == nil {
		err = s.d.LimitPublic(r.Context(), box.WorkspaceID, desk.PublicBox, clientip.Of(r))
	}
	if err != nil {
		status, err := s.classify(w, r, err)
		writeJSON(w, status, boxErrorJSON(loc, err))
		return
	}
	if origin != "" {
		h.Set("Access-Control-Allow-Origin", origin)
	}
	st.Page, st.Tags, st.J = "", "", ""
	writeJSON(w, http.StatusOK, boxConfigJSON{Lang: loc.Lang, Button: loc.T("box.button"), Title: loc.T("box.frame_title"),
		Close: loc.T("box.close"), Frame: st.Link("/help/box")})
}

// boxErrorJSON is a refusal as the box's JSON answers give it: the
// stable code, the reader's words, and for a rate limit the seconds to
// wait (also in Retry-After).
func boxErrorJSON(loc *locale, err error) map[string]any {
	e := map[string]any{"code": problemCode(err), "message": loc.Error(err)}
	if p, ok := problem.As(err); ok && p.Params["retry_after"] != "" {
		if n, convErr := strconv.Atoi(p.Params["retry_after"]); convErr == nil {
			e["retry_after"] = n
		}
	}
	return map[string]any{"error": e}
}

func problemCode(err error) string {
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	return "internal"
}

// writeJSON answers a script of ours (the help box, the bulk bar) with
// JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// boxPage is a page of the box.
type boxPage struct {
	L     *locale
	Title string
	Box   boxState
	View  string // "home", "article"
	// Open is set on the frame's first page, the one the script opened:
	// the suggestions it loads record that the box was opened.
	Open bool
	// HostOrigin is the origin of the page the box is on, when allowed:
	// the frame tells it to close the panel (Escape) by postMessage.
	HostOrigin string
	Query      string
	Searched   bool
	Hits       []helpHit
	Answer     answerView
	Article    kb.Article
	Body       template.HTML // rendered and sanitised by kb.Render
	// The chat and contact views (helpbox_chat.go, helpbox_contact.go).
	boxViews
}

func (s *server) newBoxPage(box helpbox.Settings, st boxState, loc *locale, view string) boxPage {
	p := boxPage{L: loc, Title: loc.T("box.frame_title"), Box: st, View: view, Answer: answerView{ContactURL: st.ContactURL()}}
	if u, err := url.Parse(st.Page); err == nil && box.Allows(u.Scheme+"://"+u.Host) {
		p.HostOrigin, _ = helpbox.NormalizeOrigin(u.Scheme + "://" + u.Host)
	}
	return p
}

// boxHandler wraps the box's pages: key lookup (404 page, not framable,
// for an unknown key), then framing allowed for the box's origins.
func (s *server) boxHandler(h func(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		box, st, loc, err := s.boxRequest(r)
		if err != nil {
			s.fail(w, r, loc, err)
			return
		}
		// From here an error page shows inside the frame.
		allowFraming(w, box)
		err = s.d.LimitPublic(r.Context(), box.WorkspaceID, desk.PublicBox, clientip.Of(r))
		if err == nil {
			err = h(w, r, box, st, loc)
		}
		if err != nil {
			s.fail(w, r, loc, err)
		}
	}
}

func (s *server) boxHome(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	p := s.newBoxPage(box, st, loc, "home")
	p.Open = r.URL.Query().Get("open") == "1"
	var err error
	if p.ChatOffered, err = s.d.ChatOffered(r.Context(), box.WorkspaceID); err != nil {
		return err
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "box", p)
	return nil
}

// boxSuggested is the list of articles mapped to the page (an htmx
// fragment the home loads, so that it carries the journey token the frame
// holds).
func (s *server) boxSuggested(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	page := helpbox.ParsePage(r.URL.Query().Get("page"), r.URL.Query().Get("tags"))
	arts, err := s.d.HelpBoxSuggestions(r.Context(), box, loc.Lang, page)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("open") == "1" {
		s.recordJourney(w, r, box.WorkspaceID, journeyStep{Kind: desk.StepHelpboxOpened, Page: st.Page})
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "box-suggested", map[string]any{"L": loc, "Box": st, "Articles": arts})
	return nil
}

func (s *server) boxSearch(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	p := s.newBoxPage(box, st, loc, "home")
	p.Query, p.Searched = r.URL.Query().Get("q"), true
	hits, err := s.d.PublicSearch(r.Context(), box.WorkspaceID, loc.Lang, p.Query, 8)
	if err != nil {
		return err
	}
	for _, h := range hits {
		p.Hits = append(p.Hits, helpHit{ID: h.ID, Title: h.Title, Snippet: template.HTML(h.Snippet)}) // kb.Snippet escaped everything but its <mark>
	}
	s.recordJourney(w, r, box.WorkspaceID, journeyStep{Kind: desk.StepSearch, Query: p.Query, Hits: len(hits)})
	if isHTMX(r) {
		s.render(w, r, loc, http.StatusOK, "helpbox", "box-results", p)
		return nil
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "box", p)
	return nil
}

func (s *server) boxAsk(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	p := s.newBoxPage(box, st, loc, "home")
	q := r.URL.Query().Get("q")
	if err := s.limitPublic(r, box.WorkspaceID, desk.PublicAsk); err != nil {
		return err
	}
	reply, err := s.d.Answer(r.Context(), box.WorkspaceID, loc.Lang, q)
	if err != nil {
		return err
	}
	p.Answer = newAnswerView(q, loc.Lang, reply, func(id int64) string { return st.Link("/help/box/articles/" + strconv.FormatInt(id, 10)) })
	p.Answer.ContactURL = st.ContactURL()
	s.recordJourney(w, r, box.WorkspaceID, journeyStep{Kind: desk.StepAssistantAsked, Query: q, Hits: answeredHits(reply.Answered())})
	if isHTMX(r) {
		s.render(w, r, loc, http.StatusOK, "helpbox", "answer", pair{L: loc, V: p.Answer})
		return nil
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "box", p)
	return nil
}

func (s *server) boxArticle(w http.ResponseWriter, r *http.Request, box helpbox.Settings, st boxState, loc *locale) error {
	art, err := s.pathArticle(r, box.WorkspaceID)
	if err != nil {
		return err
	}
	p := s.newBoxPage(box, st, loc, "article")
	p.Article, p.Body = art, template.HTML(kb.Render(art.Body)) // kb.Render sanitised it
	s.recordJourney(w, r, box.WorkspaceID, journeyStep{Kind: desk.StepArticleViewed, ArticleID: art.ID})
	s.render(w, r, loc, http.StatusOK, "helpbox", "box", p)
	return nil
}

// boxJourney is the journey token the box's frame carries in its links
// (j), or "" when it sent none that is valid.
func boxJourney(r *http.Request) string {
	if j := r.FormValue("j"); desk.ValidJourneyToken(j) {
		return j
	}
	return ""
}
