package web

import (
	"context"
	"net/http"
	"time"

	"github.com/palier/palier/internal/desk"
)

// The visitor's journey token on the public help pages. It lives in an
// HttpOnly SameSite=Lax cookie; because the help box shows these pages in
// a cross-site iframe, where the browser may withhold the cookie, the
// pages also carry it in their links and forms as j, accepted when valid.

const journeyCookie = "palier_journey"

// journeyToken returns the visitor's journey token: the cookie's, else a
// valid j from the query or form, else a new one, set as the cookie. The
// cookie wins over j so that a link passed on to someone else does not
// merge their journey into the sender's.
func (s *server) journeyToken(w http.ResponseWriter, r *http.Request) string {
	tok, _ := s.journey(w, r)
	return tok
}

// journey returns the token and what links should carry as j: nothing
// when the browser sent the cookie (it will send it again), the token
// when it did not (a first visit, or an iframe without cookies).
func (s *server) journey(w http.ResponseWriter, r *http.Request) (token, carry string) {
	if c, err := r.Cookie(journeyCookie); err == nil && desk.ValidJourneyToken(c.Value) {
		return c.Value, ""
	}
	if j := r.FormValue("j"); desk.ValidJourneyToken(j) {
		return j, j
	}
	tok := desk.NewJourneyToken()
	http.SetCookie(w, &http.Cookie{Name: journeyCookie, Value: tok, Path: "/help", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: int((30 * 24 * time.Hour).Seconds())})
	return tok, tok
}

// recordStep records a journey step. A step that cannot be recorded is
// logged and the page served anyway: the journey is a record, not what
// the visitor came for.
func (s *server) recordStep(ctx context.Context, wsID int64, token string, st desk.JourneyStep) {
	if err := s.d.RecordJourneyStep(ctx, wsID, token, st); err != nil {
		s.log.WarnContext(ctx, "journey step not recorded", "kind", st.Kind, "err", err)
	}
}
