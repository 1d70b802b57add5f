package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/problem"
)

// Merging a duplicate customer into the one whose page is open: the lead
// or admin types the duplicate's address; the desk moves its tickets and
// notes, keeps its address, ends its help-centre sessions and audits the
// merge, in one transaction.

func (s *server) mergeCustomer(w http.ResponseWriter, r *http.Request, rq *request, id int64) error {
	if !rq.actor.IsLeadOrAdmin() {
		return problem.New(problem.Forbidden, "forbidden", "you are not allowed to do this")
	}
	from := strings.TrimSpace(r.PostFormValue("from"))
	err := s.mergeFrom(r, rq, id, from)
	return afterSave(s, w, r, rq, err, "/customers/"+strconv.FormatInt(id, 10)+"?merged=1", "customer",
		func() (customerPage, error) { return s.buildCustomerPage(r, rq, id) },
		func(p *customerPage, fe formErrors) { p.MergeFrom, p.MergeError = from, fe["from"] })
}

// mergeFrom finds the duplicate by address and merges it; an address that
// names no customer, or this one, is the form's field error.
func (s *server) mergeFrom(r *http.Request, rq *request, id int64, from string) error {
	f := problem.Fields{}
	if from == "" {
		f.Required("from")
		return f.Err()
	}
	dup, err := s.d.CustomerByEmail(r.Context(), rq.actor, from)
	if problem.Is(err, problem.NotFound) {
		f.Add("from", "unknown_value", "no customer has this address", "value", from)
		return f.Err()
	}
	if err != nil {
		return err
	}
	_, err = s.d.MergeCustomers(r.Context(), rq.actor, id, dup.ID)
	if p, ok := problem.As(err); ok && p.Code == "customer_merged" {
		// The form's own field: the address typed names a merged record.
		f.Add("from", "already_merged", "this customer was already merged into another")
		return f.Err()
	}
	return err
}
