package web

import (
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/ticket"
)

// "My requests" / « Mes demandes »: a signed-in customer's tickets, the
// public conversation of each, and replying, attaching and closing. Every
// read and write goes through desk, which filters by the customer.

type portalPage struct {
	base
	View        string // sign-in, sent, confirm, list, request, account
	Email       string
	Next        string
	Token       string
	Error       string
	Errors      formErrors
	Notice      string
	Customer    desk.Customer
	Requests    []ticket.Ticket
	Request     desk.PortalRequest
	Body        string
	FilesHint   string
	Files       bool // attachments are stored on this server
	HasPassword bool
}

func (s *server) signedPortalPage(r *http.Request, pr *portalReq, view, titleKey string) portalPage {
	p := s.portalPage(r, pr.loc, view, titleKey)
	p.Customer = pr.c
	return p
}

// portalNumber reads a request number; one that cannot exist is a
// missing page like any other customer's.
func portalNumber(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil || n <= 0 {
		return 0, errPageNotFound
	}
	return n, nil
}

func (s *server) portalRequests(w http.ResponseWriter, r *http.Request, pr *portalReq) error {
	list, err := s.d.CustomerRequests(r.Context(), pr.c)
	if err != nil {
		return err
	}
	p := s.signedPortalPage(r, pr, "list", "portal.my_requests")
	p.Requests = list
	s.render(w, r, pr.loc, http.StatusOK, "portal", "", p)
	return nil
}

func (s *server) portalRequest(w http.ResponseWriter, r *http.Request, pr *portalReq) error {
	return s.showPortalRequest(w, r, pr, http.StatusOK, "", nil)
}

func (s *server) showPortalRequest(w http.ResponseWriter, r *http.Request, pr *portalReq, status int, body string, errs formErrors) error {
	n, err := portalNumber(r)
	if err != nil {
		return err
	}
	req, err := s.d.CustomerRequest(r.Context(), pr.c, n, pr.loc.Lang)
	if err != nil {
		return err
	}
	p := s.signedPortalPage(r, pr, "request", "portal.my_requests")
	p.Title = req.Ticket.Subject
	p.Request, p.Body, p.Errors = req, body, errs
	p.Files = s.d.AttachmentsEnabled()
	lim, _ := s.d.WorkspaceAttachmentLimits(r.Context(), pr.c.WorkspaceID)
	p.FilesHint = pr.loc.T("attachments.limits", "files", strconv.Itoa(lim.MaxFiles), "size", attachment.FormatSize(lim.MaxFileBytes))
	if r.URL.Query().Get("sent") != "" {
		p.Notice = pr.loc.T("portal.reply_sent")
	}
	s.render(w, r, pr.loc, status, "portal", "", p)
	return nil
}

func (s *server) portalReply(w http.ResponseWriter, r *http.Request, pr *portalReq) error {
	n, err := portalNumber(r)
	if err != nil {
		return err
	}
	files, done, err := s.formFiles(w, r)
	defer done()
	if err != nil {
		return err
	}
	body := r.FormValue("body")
	if _, err := s.d.CustomerReply(r.Context(), pr.c, n, body, files); err != nil {
		fe, ok := pr.loc.fieldErrors(err)
		if !ok {
			fe, ok = fileRefusal(&request{loc: pr.loc}, err)
		}
		if ok {
			status, _ := s.classify(w, r, err)
			return s.showPortalRequest(w, r, pr, status, body, fe)
		}
		return err
	}
	http.Redirect(w, r, "/help/requests/"+strconv.FormatInt(n, 10)+"?sent=1", http.StatusSeeOther)
	return nil
}

func (s *server) portalSolve(w http.ResponseWriter, r *http.Request, pr *portalReq) error {
	n, err := portalNumber(r)
	if err != nil {
		return err
	}
	if _, err := s.d.CustomerSolve(r.Context(), pr.c, n); err != nil {
		return err
	}
	http.Redirect(w, r, "/help/requests/"+strconv.FormatInt(n, 10), http.StatusSeeOther)
	return nil
}

func (s *server) portalDownload(w http.ResponseWriter, r *http.Request, pr *portalReq) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return serveFile(w, r)(s.d.OpenCustomerAttachment(r.Context(), pr.c, id))
}

func (s *server) portalAccount(w http.ResponseWriter, r *http.Request, pr *portalReq) error {
	return s.showPortalAccount(w, r, pr, http.StatusOK, "", nil)
}

func (s *server) showPortalAccount(w http.ResponseWriter, r *http.Request, pr *portalReq, status int, notice string, errs formErrors) error {
	has, err := s.d.CustomerHasPassword(r.Context(), pr.c)
	if err != nil {
		return err
	}
	p := s.signedPortalPage(r, pr, "account", "portal.account")
	p.HasPassword, p.Notice, p.Errors = has, notice, errs
	s.render(w, r, pr.loc, status, "portal", "", p)
	return nil
}

func (s *server) portalSetPassword(w http.ResponseWriter, r *http.Request, pr *portalReq) error {
	password := r.PostFormValue("password")
	if r.PostFormValue("remove") != "" {
		password = ""
	} else if password == "" {
		return s.showPortalAccount(w, r, pr, http.StatusUnprocessableEntity, "", formErrors{"password": pr.loc.T("field.required")})
	}
	if err := s.d.SetCustomerPassword(r.Context(), pr.c, password); err != nil {
		if fe, ok := pr.loc.fieldErrors(err); ok {
			return s.showPortalAccount(w, r, pr, http.StatusUnprocessableEntity, "", fe)
		}
		return err
	}
	notice := pr.loc.T("portal.password_set")
	if password == "" {
		notice = pr.loc.T("portal.password_removed")
	}
	return s.showPortalAccount(w, r, pr, http.StatusOK, notice, nil)
}
