package sim

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Changes are the what-if edits a lead makes to a scenario: staffing per
// tier, the support model, the measured period.
type Changes struct {
	// Agents sets head counts per tier; a tier staffed by shifts keeps its
	// shift proportions.
	Agents map[string]int
	// Model switches the model ("" keeps it). Hybrid needs TypeModels,
	// the model (tiered or swarming) of every request type.
	Model      Model
	TypeModels map[string]Model
	// Collaboration is an expert's mean time per swarm (0: the
	// scenario's own, or DefaultCollaboration when it has none).
	Collaboration Duration
	// Horizon replaces the measured period (0 keeps it).
	Horizon Duration
}

// DefaultCollaboration is the expert time per swarm assumed when switching
// to swarming a scenario that gives none.
const DefaultCollaboration = Duration(15 * time.Minute)

// Apply returns a copy of base with the changes, and notes on what it had
// to assume. The copy is validated; base is never modified.
func Apply(base Scenario, ch Changes) (Scenario, []Text, error) {
	sc := cloneScenario(base)
	if err := applyAgents(&sc, ch.Agents); err != nil {
		return Scenario{}, nil, err
	}
	var notes []Text
	if ch.Model != "" {
		note, err := applyModel(&sc, ch.Model, ch.TypeModels, ch.Collaboration)
		if err != nil {
			return Scenario{}, nil, err
		}
		if note != nil {
			notes = append(notes, *note)
		}
	}
	if ch.Horizon < 0 {
		return Scenario{}, nil, fmt.Errorf("horizon %s: must be positive", ch.Horizon)
	}
	if ch.Horizon > 0 {
		sc.Horizon = ch.Horizon
	}
	if err := sc.Validate(); err != nil {
		return Scenario{}, nil, err
	}
	return sc, notes, nil
}

// cloneScenario copies the parts changes modify.
func cloneScenario(sc Scenario) Scenario {
	out := sc
	out.Tiers = make([]Tier, len(sc.Tiers))
	for i, t := range sc.Tiers {
		t.Shifts = append([]Shift(nil), t.Shifts...)
		out.Tiers[i] = t
	}
	out.RequestTypes = append([]RequestType(nil), sc.RequestTypes...)
	return out
}

// applyAgents sets head counts; a tier staffed by shifts keeps its shift
// proportions (largest remainder rounding keeps the total exact).
func applyAgents(sc *Scenario, agents map[string]int) error {
	for _, name := range sortedKeys(agents) {
		n := agents[name]
		if n < 0 {
			return fmt.Errorf("%s=%d: must be >= 0", name, n)
		}
		i := -1
		for j := range sc.Tiers {
			if sc.Tiers[j].Name == name {
				i = j
			}
		}
		if i < 0 {
			var have []string
			for _, t := range sc.Tiers {
				have = append(have, t.Name)
			}
			return fmt.Errorf("%s: the scenario has no tier %s (it has %s)", name, name, strings.Join(have, ", "))
		}
		t := &sc.Tiers[i]
		if len(t.Shifts) == 0 {
			t.Agents = n
			continue
		}
		scaleShifts(t.Shifts, n)
	}
	return nil
}

func scaleShifts(shifts []Shift, n int) {
	total := 0
	for _, s := range shifts {
		total += s.Agents
	}
	if total == 0 {
		for i := range shifts {
			shifts[i].Agents = n / len(shifts)
		}
		for i := 0; i < n%len(shifts); i++ {
			shifts[i].Agents++
		}
		return
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(shifts))
	given := 0
	for i, s := range shifts {
		exact := float64(s.Agents) * float64(n) / float64(total)
		shifts[i].Agents = int(math.Floor(exact))
		given += shifts[i].Agents
		rems[i] = rem{i, exact - math.Floor(exact)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < n; k++ {
		shifts[rems[k%len(rems)].i].Agents++
		given++
	}
}

// applyModel switches the scenario's model. Swarming needs a collaboration
// time; when the scenario has none, DefaultCollaboration is assumed and a
// note says so.
func applyModel(sc *Scenario, m Model, typeModels map[string]Model, collab Duration) (*Text, error) {
	switch m {
	case Tiered, Swarming:
		for i := range sc.RequestTypes {
			sc.RequestTypes[i].Model = ""
		}
	case Hybrid:
		if err := setTypeModels(sc, typeModels); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("model %q: use tiered, swarming or hybrid", m)
	}
	sc.Model = m
	if collab < 0 {
		return nil, errors.New("collaboration time: must be positive")
	}
	var note *Text
	if collab == 0 && swarms(sc) && sc.Swarming.Collaboration == nil {
		collab = DefaultCollaboration
		n := text("note.collaboration", quantity{UnitDuration, collab.Seconds()})
		note = &n
	}
	if collab > 0 {
		sc.Swarming.Collaboration = &Distribution{Dist: DistLognormal, Mean: collab, SD: collab * 2 / 3}
	}
	return note, nil
}

// setTypeModels gives every request type its model, for the hybrid model.
func setTypeModels(sc *Scenario, typeModels map[string]Model) error {
	for i := range sc.RequestTypes {
		rt := &sc.RequestTypes[i]
		m := typeModels[rt.Name]
		if m != Tiered && m != Swarming {
			return fmt.Errorf("hybrid model: request type %q needs tiered or swarming (got %q)", rt.Name, m)
		}
		rt.Model = m
	}
	return nil
}

// swarms reports whether any ticket of the scenario may be swarmed.
func swarms(sc *Scenario) bool {
	if sc.Model == Swarming {
		return true
	}
	for _, rt := range sc.RequestTypes {
		if sc.Model == Hybrid && rt.Model == Swarming {
			return true
		}
	}
	return false
}
