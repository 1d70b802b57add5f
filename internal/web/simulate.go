package web

import (
	"context"
	"crypto/rand"
	"errors"
	"math"
	"net/http"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/sim"
)

// The simulator page: a lead calibrates the model chooser on the
// workspace's history (scenario A), changes staffing and the support model
// (scenario B), and runs both in the background while the page polls for
// progress. Results are rendered in the reader's language when shown, so
// the same run reads in French or English.

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

// simulator holds the page's state on this instance: calibrations and
// runs live in memory, so a run is only found on the instance that
// started it (behind a load balancer, its progress and result need
// sticky sessions; elsewhere the page says the run is gone).
type simulator struct {
	s    *server
	jobs *simJobs
	cals *simCalibrations
}

func (s *server) simulateRoutes(mux *http.ServeMux) {
	sm := &simulator{s: s, jobs: newSimJobs(simMaxRunning, simMaxJobs, simJobTTL),
		cals: &simCalibrations{byWorkspace: map[int64]simCalibration{}}}
	mux.Handle("GET /simulate", s.auth(leadOnly(sm.page)))
	mux.Handle("POST /simulate", s.auth(leadOnly(sm.start)))
	mux.Handle("GET /simulate/runs/{id}", s.auth(leadOnly(sm.runPage)))
	mux.Handle("GET /simulate/runs/{id}/progress", s.auth(leadOnly(sm.progress)))
}

// leadOnly refuses agents before any work is done (the desk refuses them
// the history too).
func leadOnly(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if !rq.actor.IsLeadOrAdmin() {
			return errLeadOnly
		}
		return h(w, r, rq)
	}
}

// --- Calibration ------------------------------------------------------

// simCalibration is scenario A of a workspace, or why there is none.
type simCalibration struct {
	at      time.Time
	tickets int
	sc      sim.Scenario
	fit     sim.FitReport
	failed  bool // the history cannot be calibrated (too little of it)
}

type simCalibrations struct {
	mu          sync.Mutex
	byWorkspace map[int64]simCalibration
}

// calibrate returns the workspace's calibrated scenario, from the cache
// while it is fresh.
func (sm *simulator) calibrate(ctx context.Context, rq *request) (simCalibration, error) {
	ws := rq.actor.WorkspaceID
	if c, ok := sm.cals.get(ws, time.Now()); ok {
		return c, nil
	}
	history, err := sm.s.d.History(ctx, rq.actor, desk.MaxHistory)
	if err != nil {
		return simCalibration{}, err
	}
	loc, err := time.LoadLocation(rq.dir.Workspace.Timezone)
	if err != nil {
		loc = time.UTC
	}
	c := simCalibration{at: time.Now(), tickets: len(history)}
	c.sc, c.fit, err = sim.Calibrate(history, sim.CalibrateOptions{Location: loc, Seed: simSeed})
	if err != nil {
		// Calibration refuses histories it cannot estimate from; the
		// page explains what it needs.
		sm.s.log.InfoContext(ctx, "simulator: calibration refused", "workspace", ws, "tickets", len(history), "err", err)
		c.failed = true
	}
	sm.cals.put(ws, c)
	return c, nil
}

func (cs *simCalibrations) get(ws int64, now time.Time) (simCalibration, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.byWorkspace[ws]
	return c, ok && now.Sub(c.at) < simCalibrationTTL
}

func (cs *simCalibrations) put(ws int64, c simCalibration) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for k, old := range cs.byWorkspace {
		if c.at.Sub(old.at) >= simCalibrationTTL || len(cs.byWorkspace) >= simMaxCalibrations {
			delete(cs.byWorkspace, k)
		}
	}
	cs.byWorkspace[ws] = c
}

// --- Form -------------------------------------------------------------

// simForm is the form of scenario B and the run settings, as typed.
type simForm struct {
	Tiers        []simTierInput
	Model        string
	Models       []option
	Types        []simTypeInput
	Replications string
	Horizon      string
}

// simTierInput is one tier's head count: A's (Base) and B's (Value).
type simTierInput struct {
	Code, Name, Value string
	Base              int
	Estimated         bool
}

// simTypeInput is a request type's model under the hybrid model.
type simTypeInput struct {
	Key, Name, Value string
}

// newSimForm fills the form with scenario A as calibrated.
func newSimForm(rq *request, c simCalibration) simForm {
	f := simForm{Model: string(sim.Tiered), Replications: strconv.Itoa(simDefaultReplications),
		Horizon: strconv.Itoa(int(math.Ceil(c.sc.Horizon.Seconds() / 86400)))}
	for _, t := range c.sc.Tiers {
		f.Tiers = append(f.Tiers, simTierInput{Code: t.Name, Name: simTierName(rq, t.Name), Base: t.Agents,
			Value: strconv.Itoa(t.Agents), Estimated: slices.Contains(c.fit.Estimated, t.Name)})
	}
	for _, rt := range c.sc.RequestTypes {
		f.Types = append(f.Types, simTypeInput{Key: rt.Name, Name: simTypeName(rq, rt.Name), Value: string(sim.Tiered)})
	}
	f.Models = modelOptions(rq)
	return f
}

func modelOptions(rq *request) []option {
	var out []option
	for _, m := range []sim.Model{sim.Tiered, sim.Swarming, sim.Hybrid} {
		out = append(out, option{string(m), rq.loc.T("model." + string(m))})
	}
	return out
}

// simTierName is "L1 · Niveau 1" when the workspace names the tier.
func simTierName(rq *request, code string) string {
	for _, t := range rq.dir.Tiers {
		if t.Code == code && t.Name != "" {
			return code + " · " + t.Name
		}
	}
	return code
}

// simTypeName names a request type key in the reader's language ("other" is
// what calibration calls tickets without a type).
func simTypeName(rq *request, key string) string {
	for _, rt := range rq.dir.RequestTypes {
		if rt.Key == key {
			return rt.Name(rq.loc.Lang)
		}
	}
	if key == "other" {
		return rq.loc.T("simulate.form.type_other")
	}
	return key
}

// simSettings is a valid form: scenario B's changes and the run size.
type simSettings struct {
	changes      sim.Changes
	replications int
}

// parseSimForm reads the posted form over scenario A's defaults; each
// invalid field gets its message.
func parseSimForm(r *http.Request, rq *request, c simCalibration) (simForm, simSettings, formErrors) {
	f := newSimForm(rq, c)
	fe := formErrors{}
	set := simSettings{changes: sim.Changes{Agents: map[string]int{}, TypeModels: map[string]sim.Model{}}}
	for i := range f.Tiers {
		t := &f.Tiers[i]
		name := "agents." + t.Code
		if v, ok := r.PostForm[name]; ok {
			t.Value = strings.TrimSpace(v[0])
		}
		n, ok := intIn(t.Value, 0, simMaxAgents)
		if !ok {
			fe[name] = rq.loc.T("simulate.err.agents")
		}
		set.changes.Agents[t.Code] = n
	}
	f.Model = r.PostForm.Get("model")
	set.changes.Model = sim.Model(f.Model)
	if !slices.Contains([]string{string(sim.Tiered), string(sim.Swarming), string(sim.Hybrid)}, f.Model) {
		fe["model"] = rq.loc.T("simulate.err.model")
	}
	parseTypeModels(r, rq, &f, &set, fe)
	var days int
	var ok bool
	f.Replications = strings.TrimSpace(r.PostForm.Get("replications"))
	if set.replications, ok = intIn(f.Replications, 1, simMaxReplications); !ok {
		fe["replications"] = rq.loc.T("simulate.err.replications")
	}
	f.Horizon = strings.TrimSpace(r.PostForm.Get("horizon_days"))
	if days, ok = intIn(f.Horizon, 1, simMaxHorizonDays); !ok {
		fe["horizon_days"] = rq.loc.T("simulate.err.horizon")
	}
	set.changes.Horizon = sim.Duration(time.Duration(days) * 24 * time.Hour)
	return f, set, fe
}

// parseTypeModels reads the per-type models, which only matter (and are
// only checked) under the hybrid model.
func parseTypeModels(r *http.Request, rq *request, f *simForm, set *simSettings, fe formErrors) {
	for i := range f.Types {
		t := &f.Types[i]
		name := "type_model." + t.Key
		if v := r.PostForm.Get(name); v != "" {
			t.Value = v
		}
		set.changes.TypeModels[t.Key] = sim.Model(t.Value)
		if f.Model == string(sim.Hybrid) && t.Value != string(sim.Tiered) && t.Value != string(sim.Swarming) {
			fe[name] = rq.loc.T("simulate.err.type_model")
		}
	}
}

// intIn parses a whole number within [lo, hi].
func intIn(s string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= lo && n <= hi
}

// scenarios builds A (calibrated, over the chosen period) and B (with the
// changes). A scenario the simulator refuses becomes field errors where a
// field explains it, else a message.
func scenarios(rq *request, c simCalibration, set simSettings) (a, b sim.Scenario, notes []sim.Text, fe formErrors, msg string) {
	a, _, err := sim.Apply(c.sc, sim.Changes{Horizon: set.changes.Horizon})
	if err == nil {
		b, notes, err = sim.Apply(c.sc, set.changes)
	}
	if err == nil {
		a.Name, b.Name = "A", "B"
		return a, b, notes, nil, ""
	}
	fe = formErrors{}
	var se *sim.ScenarioError
	if errors.As(err, &se) {
		for _, p := range se.Problems {
			if i, ok := tierProblem(p.Path); ok && i < len(c.sc.Tiers) {
				fe["agents."+c.sc.Tiers[i].Name] = rq.loc.T("simulate.err.agents_needed")
			}
		}
	}
	if len(fe) > 0 {
		return a, b, nil, fe, rq.loc.T("simulate.err.form")
	}
	return a, b, nil, fe, rq.loc.T("simulate.err.invalid", "detail", err.Error())
}

var tierStaffing = regexp.MustCompile(`^tiers\[(\d+)\]\.(agents|shifts)$`)

// tierProblem reads the tier index of a staffing problem's path.
func tierProblem(path string) (int, bool) {
	m := tierStaffing.FindStringSubmatch(path)
	if m == nil {
		return 0, false
	}
	i, err := strconv.Atoi(m[1])
	return i, err == nil
}

// --- Pages ------------------------------------------------------------

// simPage is the simulator page, or its body fragment.
type simPage struct {
	base
	Fit     *simFitView
	NoCal   string
	Form    simForm
	Errors  formErrors
	Message string
	Run     *simRunView
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
	job := &simJob{id: rand.Text(), workspaceID: rq.actor.WorkspaceID, form: form, notes: notes, replications: set.replications}
	if err := sm.jobs.start(job, func(ctx context.Context) { sm.run(ctx, job, a, b) }); err != nil {
		busy := rq.loc.T("simulate.err.busy", "n", strconv.Itoa(simMaxRunning))
		return sm.refuse(w, r, rq, p, http.StatusTooManyRequests, nil, busy)
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/simulate/runs/"+job.id, http.StatusSeeOther)
		return nil
	}
	w.Header().Set("HX-Push-Url", "/simulate/runs/"+job.id)
	// Errors show the form's top; a started run shows its progress.
	w.Header().Set("HX-Reswap", "innerHTML show:#sim-run:top")
	p.Run = runView(rq, job)
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
// htmx pushed, so a reload lands here).
func (sm *simulator) runPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	job, ok := sm.jobs.get(r.PathValue("id"), rq.actor.WorkspaceID)
	if !ok {
		return problem.New(problem.NotFound, "not_found", "no such simulation run")
	}
	c, err := sm.calibrate(r.Context(), rq)
	if err != nil {
		return err
	}
	p := sm.newPage(r, rq, c)
	if p.Fit != nil {
		p.Form = job.form
	}
	p.Run = runView(rq, job)
	sm.s.render(w, r, rq.loc, http.StatusOK, "simulate", "", p)
	return nil
}

// progress is what the page polls: the progress bar while the run goes
// on, then the result, which ends the polling.
func (sm *simulator) progress(w http.ResponseWriter, r *http.Request, rq *request) error {
	job, ok := sm.jobs.get(r.PathValue("id"), rq.actor.WorkspaceID)
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

// --- Runs -------------------------------------------------------------

// simJob is one background run of A and B.
type simJob struct {
	id           string
	workspaceID  int64
	form         simForm
	notes        []sim.Text
	replications int
	created      time.Time

	mu       sync.Mutex
	progress float64 // 0..1
	done     bool
	failed   bool
	finished time.Time
	a, b     sim.Result
}

func (j *simJob) setProgress(f float64) {
	j.mu.Lock()
	j.progress = f
	j.mu.Unlock()
}

func (j *simJob) finish(a, b sim.Result, failed bool) {
	j.mu.Lock()
	j.a, j.b, j.failed, j.done, j.progress, j.finished = a, b, failed, true, 1, time.Now()
	j.mu.Unlock()
}

// expired reports whether a finished run's result is no longer kept.
func (j *simJob) expired(now time.Time, ttl time.Duration) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done && now.Sub(j.finished) > ttl
}

// state is a consistent copy of what the page shows.
func (j *simJob) state() (progress float64, done, failed bool, a, b sim.Result) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.progress, j.done, j.failed, j.a, j.b
}

// run simulates A then B with the same seed, so both see the same
// customers; progress counts both halves.
func (sm *simulator) run(ctx context.Context, job *simJob, a, b sim.Scenario) {
	defer func() {
		// A bug in a run must not take the server down with it.
		if p := recover(); p != nil {
			sm.s.log.Error("simulator: run panicked", "workspace", job.workspaceID, "run", job.id, "panic", p)
			job.finish(sim.Result{}, sim.Result{}, true)
		}
	}()
	var results [2]sim.Result
	for i, sc := range []sim.Scenario{a, b} {
		opts := sim.RunOptions{Seed: simSeed, Replications: job.replications,
			Workers: max(1, runtime.GOMAXPROCS(0)/2),
			Progress: func(done, total int) {
				job.setProgress((float64(i) + float64(done)/float64(max(total, 1))) / 2)
			}}
		r, err := sim.Run(ctx, sc, opts)
		if err != nil {
			sm.s.log.Error("simulator: run failed", "workspace", job.workspaceID, "run", job.id, "err", err)
			job.finish(sim.Result{}, sim.Result{}, true)
			return
		}
		results[i] = r
	}
	job.finish(results[0], results[1], false)
}

// simJobs is the instance's table of runs: a few at a time, results kept
// for simJobTTL.
type simJobs struct {
	mu         sync.Mutex
	jobs       map[string]*simJob
	running    int
	maxRunning int
	maxKept    int
	ttl        time.Duration
}

var errSimBusy = errors.New("simulator busy")

func newSimJobs(maxRunning, maxKept int, ttl time.Duration) *simJobs {
	return &simJobs{jobs: map[string]*simJob{}, maxRunning: maxRunning, maxKept: maxKept, ttl: ttl}
}

// start registers the job and runs fn in the background, or refuses when
// enough runs are going on already.
func (t *simJobs) start(job *simJob, fn func(ctx context.Context)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	job.created = time.Now()
	t.prune(job.created)
	if t.running >= t.maxRunning {
		return errSimBusy
	}
	t.running++
	t.jobs[job.id] = job
	go func() {
		// The run outlives the request that started it, not the
		// timeout.
		ctx, cancel := context.WithTimeout(context.Background(), simJobTimeout)
		defer cancel()
		defer t.release()
		fn(ctx)
	}()
	return nil
}

// release frees the run's slot.
func (t *simJobs) release() {
	t.mu.Lock()
	t.running--
	t.mu.Unlock()
}

// prune forgets expired runs, then the oldest finished ones beyond the
// bound. The caller holds t.mu.
func (t *simJobs) prune(now time.Time) {
	var oldest *simJob
	for id, j := range t.jobs {
		if j.expired(now, t.ttl) {
			delete(t.jobs, id)
			continue
		}
		_, done, _, _, _ := j.state()
		if done && (oldest == nil || j.created.Before(oldest.created)) {
			oldest = j
		}
	}
	if len(t.jobs) >= t.maxKept && oldest != nil {
		delete(t.jobs, oldest.id)
	}
}

// get finds a run of the workspace: leads share their runs, other
// workspaces never see them.
func (t *simJobs) get(id string, workspaceID int64) (*simJob, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	j, ok := t.jobs[id]
	if !ok || j.workspaceID != workspaceID || j.expired(time.Now(), t.ttl) {
		return nil, false
	}
	return j, true
}

// --- Views ------------------------------------------------------------

// simFitView is the calibration's summary for the page.
type simFitView struct {
	Intro, Quality, QualityLabel, Summary string
	Rows                                  []simFitRow
	Notes                                 []string
	Estimated                             bool
}

type simFitRow struct {
	Label, Observed, Simulated, Verdict, VerdictKey string
}

func fitView(rq *request, c simCalibration) *simFitView {
	l, f := rq.loc, c.fit
	v := &simFitView{Quality: f.Quality, QualityLabel: sim.VerdictIn(l.Lang, f.Quality), Summary: f.SummaryIn(l.Lang),
		Notes: f.NotesIn(l.Lang), Estimated: len(f.Estimated) > 0,
		Intro: l.T("simulate.fit.from", "n", l.Num(f.Tickets), "from", l.Date(f.From), "to", l.Date(f.To))}
	v.Rows = append(v.Rows, simFitRow{Label: l.T("simulate.fit.arrivals"),
		Observed:  sim.FormatValueIn(l.Lang, sim.UnitNumber, meanOf(f.ObservedPerHour[:])),
		Simulated: sim.FormatValueIn(l.Lang, sim.UnitNumber, meanOf(f.SimulatedPerHour[:])),
		Verdict:   sim.VerdictIn(l.Lang, f.ArrivalVerdict), VerdictKey: f.ArrivalVerdict})
	for _, rows := range [][]sim.FitRow{f.Handling, f.Escalation} {
		for _, r := range rows {
			v.Rows = append(v.Rows, simFitRow{Label: r.LabelIn(l.Lang), Observed: sim.FormatValueIn(l.Lang, r.Unit, r.Observed),
				Simulated: sim.FormatValueIn(l.Lang, r.Unit, r.Simulated), Verdict: sim.VerdictIn(l.Lang, r.Verdict), VerdictKey: r.Verdict})
		}
	}
	return v
}

func meanOf(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(max(len(xs), 1))
}

// simRunView is a run as the page shows it.
type simRunView struct {
	ID           string
	Done, Failed bool
	Percent      int
	PercentLabel string
	Result       *simResultView
	// Polled is set for the polling fragment, which also updates the
	// page's status line for screen readers.
	Polled bool
}

func runView(rq *request, job *simJob) *simRunView {
	progress, done, failed, a, b := job.state()
	pct := int(math.Floor(100 * progress))
	v := &simRunView{ID: job.id, Done: done, Failed: failed, Percent: pct,
		PercentLabel: rq.loc.T("simulate.percent", "n", strconv.Itoa(pct))}
	if done && !failed {
		v.Result = resultView(rq, job, a, b)
	}
	return v
}

// simResultView is the comparison of a finished run, in the reader's
// language.
type simResultView struct {
	Setup, LegendA, LegendB string
	Rec                     sim.Recommendation
	ChoiceLabel, Choice     string
	Rows                    []simRow
	Charts                  []svgChart
	Notes                   []string
}

// simRow is a line of the comparison table; Mark is "better" or "worse"
// for a significant difference, "changed" when neither applies.
type simRow struct {
	Label, A, B, Diff, Mark string
	Tier                    bool
}

func resultView(rq *request, job *simJob, a, b sim.Result) *simResultView {
	l := rq.loc
	// The scenarios' names are the letters already: the recommendation
	// names them "A" and "B".
	a.Scenario, b.Scenario = "", ""
	rec := sim.RecommendIn(l.Lang, a, b)
	v := &simResultView{Rec: rec, Choice: strings.ToLower(rec.Choice), LegendA: l.T("simulate.result.a"), LegendB: legendB(rq, job.form),
		Setup: l.T("simulate.result.setup", "reps", l.Num(a.Replications), "days", job.form.Horizon)}
	switch rec.Choice {
	case "A":
		v.ChoiceLabel = l.T("simulate.rec.choice_a")
	case "B":
		v.ChoiceLabel = l.T("simulate.rec.choice_b")
	default:
		v.Choice, v.ChoiceLabel = "none", l.T("simulate.rec.choice_none")
	}
	behind := behindDemand(a, b)
	for _, row := range sim.CompareIn(l.Lang, a, &b) {
		v.Rows = append(v.Rows, tableRow(l.Lang, row, behind != "" && row.Key != "unfinished"))
	}
	v.Charts = resultCharts(rq, a, b)
	v.Notes = runNotes(rq, job, a, b)
	switch behind {
	case "":
	case "AB":
		v.Notes = append(v.Notes, l.T("simulate.note_behind_both"))
	default:
		v.Notes = append(v.Notes, l.T("simulate.note_behind", "letter", behind))
	}
	return v
}

// behindDemand names the scenario that leaves a sizeable share of its
// tickets unfinished ("A", "B", or "AB" for both), or "" when both keep up. Such a
// scenario's times only count the tickets it finished: shorter is not
// better there.
func behindDemand(a, b sim.Result) string {
	var out []string
	for _, x := range []struct {
		letter string
		r      sim.Result
	}{{"A", a}, {"B", b}} {
		if x.r.Unfinished.Mean > 0.02 {
			out = append(out, x.letter)
		}
	}
	return strings.Join(out, "")
}

// tableRow formats a comparison row; biased rows (measured on a scenario
// that cannot keep up) are marked as changed, never as better or worse.
func tableRow(lang string, row sim.ComparisonRow, biased bool) simRow {
	r := simRow{Label: row.Label, A: sim.FormatEstimateIn(lang, row.Unit, row.A), B: sim.FormatEstimateIn(lang, row.Unit, row.B),
		Diff: sim.FormatDiffIn(lang, row), Tier: strings.Contains(row.Key, ".")}
	if row.Significant && row.Diff != nil {
		switch {
		case row.Better == sim.Neutral || biased:
			r.Mark = "changed"
		case (row.Diff.Mean < 0) == (row.Better == sim.Lower):
			r.Mark = "better"
		default:
			r.Mark = "worse"
		}
	}
	return r
}

// legendB says what B changes: head counts, the model, each type's model
// under hybrid.
func legendB(rq *request, f simForm) string {
	l := rq.loc
	var parts []string
	for _, t := range f.Tiers {
		if t.Value != strconv.Itoa(t.Base) {
			parts = append(parts, l.T("simulate.change.agents", "tier", t.Code, "from", l.Num(t.Base), "to", t.Value))
		}
	}
	if f.Model != string(sim.Tiered) {
		parts = append(parts, l.T("simulate.change.model", "model", sim.ModelIn(l.Lang, sim.Model(f.Model))))
	}
	if f.Model == string(sim.Hybrid) {
		// The calibrated model is tiered: the swarmed types are the
		// change.
		var swarmed []string
		for _, t := range f.Types {
			if t.Value == string(sim.Swarming) {
				swarmed = append(swarmed, t.Name)
			}
		}
		if len(swarmed) > 0 {
			parts = append(parts, l.T("simulate.change.swarmed", "types", strings.Join(swarmed, ", ")))
		}
	}
	if len(parts) == 0 {
		return l.T("simulate.result.b_same")
	}
	return l.T("simulate.result.b", "changes", strings.Join(parts, " · "))
}

// runNotes are the warnings of both runs and the assumptions B made.
func runNotes(rq *request, job *simJob, a, b sim.Result) []string {
	l := rq.loc
	var out []string
	for _, x := range []struct {
		letter string
		r      sim.Result
	}{{"A", a}, {"B", b}} {
		for _, w := range x.r.WarningsIn(l.Lang) {
			out = append(out, l.T("simulate.note_for", "letter", x.letter, "note", w))
		}
	}
	for _, n := range job.notes {
		out = append(out, l.T("simulate.note_for", "letter", "B", "note", n.In(l.Lang)))
	}
	return out
}

// --- Charts -----------------------------------------------------------

// svgChart is a horizontal grouped bar chart, laid out here so the
// template only draws: each group (a percentile, a tier) has a bar for A
// and one for B, values written at the bars' ends.
type svgChart struct {
	ID, Title, Desc string
	Width, Height   px
	PlotLeft        px // where bars start
	PlotTop, Bottom px
	TickY           px
	Ticks           []svgTick
	Groups          []svgGroup
	Bars            []svgBar
	Targets         []svgTarget
	HasTargets      bool
}

// px is an SVG coordinate, written with one decimal.
type px float64

func (p px) String() string { return strconv.FormatFloat(float64(p), 'f', 1, 64) }

type svgTick struct {
	X     px
	Label string
}

type svgGroup struct {
	Y     px
	Label string
}

type svgBar struct {
	Series             string // "a" or "b"
	X, Y, W, H         px
	CILow, CIHigh, CIY px
	HasCI              bool
	ValueX, ValueY     px
	Value, Tip         string
}

type svgTarget struct {
	X, Y1, Y2 px
	Tip       string
}

// Chart geometry, in SVG units (the chart scales to its column).
const (
	chartWidth  = 400
	chartLabelW = 78 // group labels
	chartValueW = 64 // room for the value after the longest bar
	chartTop    = 8
	chartBarH   = 14
	chartBarGap = 3
	chartGroupG = 14
	chartAxisH  = 22
)

// chartSeries is one group's A and B estimates.
type chartSeries struct {
	label  string
	a, b   sim.Estimate
	target float64 // 0: none
}

// barChart lays out a chart; top is the scale's maximum and ticks its
// gridlines, format writes values.
func barChart(id, title, desc string, groups []chartSeries, top float64, ticks []float64, format func(float64) string, rq *request) svgChart {
	c := svgChart{ID: id, Title: title, Desc: desc, Width: chartWidth, PlotLeft: chartLabelW, PlotTop: chartTop}
	plotW := float64(chartWidth - chartLabelW - chartValueW)
	x := func(v float64) px { return px(chartLabelW + plotW*math.Min(math.Max(v/top, 0), 1)) }
	y := float64(chartTop)
	for _, g := range groups {
		c.Groups = append(c.Groups, svgGroup{Y: px(y + chartBarH + chartBarGap/2.0 + 4), Label: g.label})
		for i, e := range []sim.Estimate{g.a, g.b} {
			c.Bars = append(c.Bars, chartBar(rq, []string{"A", "B"}[i], g, e, px(y), x, format))
			y += chartBarH + chartBarGap
		}
		if g.target > 0 {
			// Values are written past the target line, not across it.
			for i := len(c.Bars) - 2; i < len(c.Bars); i++ {
				c.Bars[i].ValueX = max(c.Bars[i].ValueX, x(g.target)+5)
			}
			c.HasTargets = true
			c.Targets = append(c.Targets, svgTarget{X: x(g.target), Y1: px(y - 2*(chartBarH+chartBarGap) - 2), Y2: px(y - chartBarGap + 2),
				Tip: rq.loc.T("simulate.chart.target") + " " + format(g.target)})
		}
		y += chartGroupG - chartBarGap
	}
	c.Bottom = px(y)
	c.TickY = px(y + 14)
	c.Height = px(y + chartAxisH)
	for _, t := range ticks {
		c.Ticks = append(c.Ticks, svgTick{X: x(t), Label: format(t)})
	}
	return c
}

func chartBar(rq *request, series string, g chartSeries, e sim.Estimate, y px, x func(float64) px, format func(float64) string) svgBar {
	b := svgBar{Series: strings.ToLower(series), X: px(chartLabelW), Y: y, H: chartBarH, Value: format(e.Mean)}
	b.W = x(e.Mean) - chartLabelW
	b.ValueX, b.ValueY = b.X+b.W+4, y+chartBarH-3
	if e.High > e.Low {
		b.HasCI, b.CILow, b.CIHigh, b.CIY = true, x(e.Low), x(e.High), y+chartBarH/2
		b.ValueX = max(b.ValueX, b.CIHigh+4)
	}
	b.Tip = rq.loc.T("simulate.chart.bar", "series", series, "group", g.label, "value", b.Value)
	if g.target > 0 {
		b.Tip = rq.loc.T("simulate.chart.bar_target", "series", series, "group", g.label, "value", b.Value, "target", format(g.target))
	}
	return b
}

// resultCharts draws the waits, the tiers' shares of resolutions against
// their targets, and the tiers' utilisation.
func resultCharts(rq *request, a, b sim.Result) []svgChart {
	l := rq.loc
	waits := []chartSeries{
		{label: l.T("simulate.chart.p50"), a: a.Wait.P50, b: b.Wait.P50},
		{label: l.T("simulate.chart.p90"), a: a.Wait.P90, b: b.Wait.P90},
		{label: l.T("simulate.chart.p99"), a: a.Wait.P99, b: b.Wait.P99},
	}
	top, ticks := durationScale(max(a.Wait.P99.High, b.Wait.P99.High, a.Wait.P99.Mean, b.Wait.P99.Mean))
	formatDur := func(v float64) string { return sim.FormatSecondsIn(l.Lang, v) }
	formatPct := func(v float64) string { return l.T("simulate.percent", "n", strconv.Itoa(int(math.Round(100*v)))) }
	shareTicks := []float64{0, 0.25, 0.5, 0.75, 1}
	return []svgChart{
		barChart("chart-wait", l.T("simulate.chart.wait"), l.T("simulate.chart.wait_desc"), waits, top, ticks, formatDur, rq),
		barChart("chart-shares", l.T("simulate.chart.shares"), l.T("simulate.chart.shares_desc"), tierSeries(rq, a, b, true), 1, shareTicks, formatPct, rq),
		barChart("chart-utilisation", l.T("simulate.chart.utilisation"), l.T("simulate.chart.utilisation_desc"), tierSeries(rq, a, b, false), 1, shareTicks, formatPct, rq),
	}
}

// tierSeries gives each tier's resolution share (with the workspace's
// target) or utilisation.
func tierSeries(rq *request, a, b sim.Result, shares bool) []chartSeries {
	var out []chartSeries
	for _, ta := range a.Tiers {
		tb := b.FindTier(ta.Tier)
		if tb == nil {
			continue
		}
		g := chartSeries{label: ta.Tier, a: ta.Utilisation, b: tb.Utilisation}
		if shares {
			g.a, g.b, g.target = ta.ResolvedShare, tb.ResolvedShare, tierTarget(rq, ta.Tier)
		}
		out = append(out, g)
	}
	return out
}

func tierTarget(rq *request, code string) float64 {
	for _, t := range rq.dir.Tiers {
		if t.Code == code {
			return t.TargetShare
		}
	}
	return 0
}

// durationScale picks a round top for a duration axis and its ticks, in
// the unit the values are written in (seconds, minutes, hours, days).
func durationScale(v float64) (float64, []float64) {
	unit := 1.0
	switch a := math.Abs(v); {
	case a >= 48*3600:
		unit = 86400
	case a >= 3600:
		unit = 3600
	case a >= 60:
		unit = 60
	}
	step := niceStep(v / unit / 4)
	top := step * math.Max(1, math.Ceil(v/unit/step))
	var ticks []float64
	for t := 0.0; t <= top+step/2; t += step {
		ticks = append(ticks, t*unit)
	}
	return top * unit, ticks
}

// niceStep rounds up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
