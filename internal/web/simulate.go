package web

import (
	"net/http"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/sim"
	"github.com/palier/palier/internal/simjob"
)

// The simulator page: a lead calibrates the model chooser on the
// workspace's history (scenario A), changes staffing and the support model
// (scenario B), and runs both in the background while the page polls for
// progress. Results are rendered in the reader's language when shown, so
// the same run reads in French or English. The files beside this one hold
// the page's other concerns: the calibration (simulate_calibration.go),
// the form (simulate_form.go), starting a run (simulate_start.go), the
// views (simulate_view.go) and charts (simulate_chart.go). Runs themselves
// are background work, done by package simjob.

const (
	// simMaxRunning bounds the simulations running at once on an
	// instance: each keeps half the cores busy, and agents' pages must
	// stay fast.
	simMaxRunning = 2
	// simMaxJobs bounds the finished runs kept in memory.
	simMaxJobs = 50
	// simJobTTL is how long a run's result can be read again.
	simJobTTL = 15 * time.Minute
	// simJobTimeout stops a run that would take unreasonably long.
	simJobTimeout = 10 * time.Minute
	// simCalibrationTTL keeps a calibration for the form's round trips:
	// reading the history and checking the fit take seconds on a big
	// workspace, and a few minutes of new tickets change nothing.
	simCalibrationTTL  = 10 * time.Minute
	simMaxCalibrations = 64

	simDefaultReplications = 10
	simMaxReplications     = 100
	simMaxHorizonDays      = 365
	simMaxAgents           = 10_000
	// simSeed is fixed: running the same settings twice gives the same
	// answer, and A and B share their customers.
	simSeed = 1
)

var errLeadOnly = problem.New(problem.Forbidden, "lead_only", "only a lead or an administrator can use the simulator")

// simulator holds the page's state on this instance: calibrations live
// in memory, and so do runs while simjob.Runner keeps them, so a run is
// only found on the instance that started it (behind a load balancer, its
// progress and result need sticky sessions; elsewhere the page says the
// run is gone).
type simulator struct {
	s    *server
	jobs simjob.Queue
	cals *simCalibrations
}

// simStarted is what a run was started with, kept with it so that its
// page shows the same settings and B's assumptions.
type simStarted struct {
	form  simForm
	notes []sim.Text
}

func (s *server) simulateRoutes(mux *http.ServeMux) {
	jobs := simjob.New(simjob.Options{MaxRunning: simMaxRunning, MaxKept: simMaxJobs, TTL: simJobTTL,
		Timeout: simJobTimeout, Log: s.log})
	sm := &simulator{s: s, jobs: jobs,
		cals: &simCalibrations{byWorkspace: map[int64]simCalibration{}}}
	mux.Handle("GET /simulate", s.auth(leadOnly(sm.page)))
	mux.Handle("POST /simulate", s.auth(leadOnly(sm.start)))
	mux.Handle("GET /simulate/runs/{id}", s.auth(leadOnly(sm.runPage)))
	mux.Handle("GET /simulate/runs/{id}/progress", s.auth(leadOnly(sm.progress)))
}

// leadOnly refuses agents before any work is done (the desk refuses them
// the history too).
func leadOnly(h handler) handler {
	return gate(auth.Actor.IsLeadOrAdmin, errLeadOnly, h)
}

// simPage is the simulator page, or its body fragment.
type simPage struct {
	base
	Fit     *simFitView
	NoCal   string
	Form    simForm
	Errors  formErrors
	Message string
	Run     *simRunView
	// NextOOB updates the language switch's return address when htmx
	// pushed the run's address in place of the page's.
	NextOOB bool
}

func (sm *simulator) newPage(r *http.Request, rq *request, c simCalibration) simPage {
	p := simPage{base: sm.s.base(r, rq, rq.loc.T("simulate.title"), "simulate")}
	if c.failed {
		p.NoCal = rq.loc.T("simulate.no_history", "n", rq.loc.Num(c.tickets))
		return p
	}
	p.Fit = fitView(rq, c)
	p.Form = newSimForm(rq, c)
	return p
}

func (sm *simulator) page(w http.ResponseWriter, r *http.Request, rq *request) error {
	c, err := sm.calibrate(r.Context(), rq)
	if err != nil {
		return err
	}
	sm.s.render(w, r, rq.loc, http.StatusOK, "simulate", "", sm.newPage(r, rq, c))
	return nil
}

// htmx pushed, so a reload lands here).
func (sm *simulator) runPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	job, ok := sm.jobs.Get(r.PathValue("id"), rq.actor.WorkspaceID)
	if !ok {
		return problem.New(problem.NotFound, "not_found", "no such simulation run")
	}
	c, err := sm.calibrate(r.Context(), rq)
	if err != nil {
		return err
	}
	p := sm.newPage(r, rq, c)
	if p.Fit != nil {
		p.Form = started(job).form
	}
	p.Run = runView(rq, job)
	sm.s.render(w, r, rq.loc, http.StatusOK, "simulate", "", p)
	return nil
}

// progress is what the page polls: the progress bar while the run goes
// on, then the result, which ends the polling.
func (sm *simulator) progress(w http.ResponseWriter, r *http.Request, rq *request) error {
	job, ok := sm.jobs.Get(r.PathValue("id"), rq.actor.WorkspaceID)
	if !ok {
		// Rendered here rather than as an alert, so the polling element
		// is replaced and stops asking.
		sm.s.render(w, r, rq.loc, http.StatusNotFound, "simulate", "sim-gone", pair{L: rq.loc})
		return nil
	}
	v := runView(rq, job)
	v.Polled = true
	sm.s.render(w, r, rq.loc, http.StatusOK, "simulate", "sim-poll", pair{L: rq.loc, V: v})
	return nil
}

// started is what the run was started with.
func started(job simjob.Status) simStarted {
	st, _ := job.Spec.Started.(simStarted)
	return st
}
