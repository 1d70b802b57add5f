package web

import (
	"net/http"

	"github.com/palier/palier/internal/helpbox"
)

// A page of "the customer company's site" carrying the help box's tag,
// served by Palier itself so that the demo shows the box at once
// (/help/box/demo). It exists only where the admin allowed Palier's own
// origin to show the box (the demo does; a real workspace normally does
// not), and it is never framed (the server's default headers stay: it is
// not a page of the box).

func (s *server) boxDemo(w http.ResponseWriter, r *http.Request, loc *locale, ws int64) error {
	box, err := s.d.HelpBoxOf(r.Context(), ws)
	if err != nil {
		return err
	}
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	if box.Key == "" || !box.Allows(scheme+"://"+r.Host) {
		return errPageNotFound
	}
	s.render(w, r, loc, http.StatusOK, "helpbox", "box-demo", struct {
		L      *locale
		Box    helpbox.Settings
		Origin string
	}{loc, box, scheme + "://" + r.Host})
	return nil
}
