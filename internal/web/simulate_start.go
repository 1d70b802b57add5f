package web

import (
	"net/http"
	"strconv"

	"github.com/palier/palier/internal/simjob"
)

// Starting a run: the form is checked, scenarios A and B are built and
// handed to the job runner, and the page shows the run's progress.

// start checks the form and starts a run: htmx gets the page's body with
// the progress bar (and the run's address for the history), a plain form
// post is sent to the run's page.
func (sm *simulator) start(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseForm(); err != nil {
		return badParameter("form")
	}
	c, err := sm.calibrate(r.Context(), rq)
	if err != nil {
		return err
	}
	p := sm.newPage(r, rq, c)
	if c.failed {
		// The history changed since the form was shown (or the cache
		// expired): say why there is no form any more.
		return sm.refuse(w, r, rq, p, http.StatusUnprocessableEntity, nil, p.NoCal)
	}
	form, set, fe := parseSimForm(r, rq, c)
	p.Form = form
	if len(fe) > 0 {
		return sm.refuse(w, r, rq, p, http.StatusUnprocessableEntity, fe, rq.loc.T("simulate.err.form"))
	}
	a, b, notes, fe, msg := scenarios(rq, c, set)
	if msg != "" {
		return sm.refuse(w, r, rq, p, http.StatusUnprocessableEntity, fe, msg)
	}
	spec := simjob.Spec{WorkspaceID: rq.actor.WorkspaceID, A: a, B: b, Replications: set.replications, Seed: simSeed,
		Started: simStarted{form: form, notes: notes}}
	id, err := sm.jobs.Start(spec)
	if err != nil { // simjob.ErrBusy, the only refusal
		busy := rq.loc.T("simulate.err.busy", "n", strconv.Itoa(simMaxRunning))
		return sm.refuse(w, r, rq, p, http.StatusTooManyRequests, nil, busy)
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/simulate/runs/"+id, http.StatusSeeOther)
		return nil
	}
	w.Header().Set("HX-Push-Url", "/simulate/runs/"+id)
	// Errors show the form's top; a started run shows its progress.
	w.Header().Set("HX-Reswap", "innerHTML show:#sim-run:top")
	p.Run = runView(rq, simjob.Status{ID: id, Spec: spec})
	p.NextOOB = true
	sm.renderSim(w, r, rq, http.StatusAccepted, p)
	return nil
}

// refuse shows the form again with its errors and a message.
func (sm *simulator) refuse(w http.ResponseWriter, r *http.Request, rq *request, p simPage, status int, fe formErrors, msg string) error {
	p.Errors, p.Message = fe, msg
	sm.renderSim(w, r, rq, status, p)
	return nil
}

// renderSim renders the whole page, or only its body for htmx.
func (sm *simulator) renderSim(w http.ResponseWriter, r *http.Request, rq *request, status int, p simPage) {
	name := ""
	if isHTMX(r) {
		name = "sim-body"
	}
	sm.s.render(w, r, rq.loc, status, "simulate", name, p)
}

// runPage shows a run with the settings it was started with (the address
