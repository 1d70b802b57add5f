package web

import (
	"errors"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/sim"
)

// The simulator's form: scenario B's changes and the run settings, as
// typed, and the scenarios they make.

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
	model, swarmed := alternative(c.sc)
	f.Model = string(model)
	for _, rt := range c.sc.RequestTypes {
		v := sim.Tiered
		if swarmed[rt.Name] {
			v = sim.Swarming
		}
		f.Types = append(f.Types, simTypeInput{Key: rt.Name, Name: simTypeName(rq, rt.Name), Value: string(v)})
	}
	f.Models = modelOptions(rq)
	return f
}

// alternative is the comparison the page offers first (issue 8.13): A,
// the organisation as calibrated (tiered), against the alternative that
// suits it, rather than against an unchanged copy of A. It follows the
// rule of thumb of seed article 000: swarm the request types that escalate
// more than the average (complex ones, where hand-offs cost most) and keep
// tiers for the others, which is hybrid; when no type stands out, full
// swarming. It is a starting point the lead changes, not a search for
// the best model (each guess would cost a simulation).
func alternative(sc sim.Scenario) (sim.Model, map[string]bool) {
	if len(sc.Tiers) == 0 {
		return sim.Swarming, nil
	}
	first := sc.Tiers[0].Name
	rate := func(rt sim.RequestType) float64 {
		entry := rt.Entry
		if entry == "" {
			entry = first
		}
		return rt.Escalate[entry]
	}
	mean, shares := 0.0, 0.0
	for _, rt := range sc.RequestTypes {
		mean += rt.Share * rate(rt)
		shares += rt.Share
	}
	if shares > 0 {
		mean /= shares
	}
	swarmed := map[string]bool{}
	for _, rt := range sc.RequestTypes {
		if rate(rt) > mean {
			swarmed[rt.Name] = true
		}
	}
	if len(swarmed) == 0 || len(swarmed) == len(sc.RequestTypes) {
		return sim.Swarming, nil
	}
	return sim.Hybrid, swarmed
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
