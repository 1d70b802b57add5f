package web

import (
	"context"
	"sync"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/sim"
	"github.com/palier/palier/internal/workspace"
)

// The calibration of scenario A on the workspace's history, cached for
// the form's round trips.

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
	c.sc, c.fit, err = sim.Calibrate(history, sim.CalibrateOptions{Location: loc, Seed: simSeed,
		Agents: staffing(rq.dir), Hours: rq.dir.Workspace.BusinessHours})
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

// staffing is the head count of each tier from the directory (issue 8.13):
// the active agents and leads who belong to it, directly or through a
// team. Someone in two tiers counts in both, as they can take either's
// tickets. An outside vendor's tier (and a tier nobody is in) is left
// out, so calibration estimates it from its workload: their staff is not
// in our directory.
func staffing(dir desk.Directory) map[string]int {
	people := map[int64]map[int64]bool{} // tier → members
	for _, m := range dir.Members {
		if !m.Active || (m.Role != workspace.Agent && m.Role != workspace.Lead) {
			continue
		}
		tiers := append([]int64(nil), m.TierIDs...)
		for _, id := range m.TeamIDs {
			tiers = append(tiers, dir.Team(id).TierID)
		}
		for _, t := range tiers {
			if people[t] == nil {
				people[t] = map[int64]bool{}
			}
			people[t][m.ID] = true
		}
	}
	out := map[string]int{}
	for _, t := range dir.Tiers {
		if n := len(people[t.ID]); n > 0 && !t.External && !t.SelfService() {
			out[t.Code] = n
		}
	}
	return out
}
