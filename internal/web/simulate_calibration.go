package web

import (
	"context"
	"sync"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/sim"
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
