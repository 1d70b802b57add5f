package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
)

// TestSimulatorStaffsTheDemoFromItsDirectory is issue 8.13: Sophie, the
// demo's lead, opens the simulator and scenario A has the people of the
// directory (5 in L1: herself, Nadia, Thomas, Camille and Emily), not a
// head count inferred from the workload (19 before), and the first
// comparison offered is an alternative model, not A against itself.
func TestSimulatorStaffsTheDemoFromItsDirectory(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	if _, err := demo.Load(context.Background(), s, 1); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(desk.New(s, nil), web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{srv: srv}
	c := e.loginWith(t, "sophie@nuagique.example", demo.Password)
	res, body := c.get("/simulate")
	expectStatus(t, res, body, http.StatusOK)
	agents := calibratedAgents(t, body)
	// L1: Sophie, Nadia, Thomas, Camille, Emily; L2: Sophie, Karim, Julie;
	// L3: Karim, Antoine, Priya.
	for tier, want := range map[string]string{"L1": "5", "L2": "3", "L3": "3"} {
		if agents[tier] != want {
			t.Errorf("%s has %s agents in scenario A, want %s from the directory", tier, agents[tier], want)
		}
	}
	// The first comparison is A (tiered, as calibrated) against another
	// model: the demo's escalating types swarmed (hybrid).
	contains(t, body, `name="model" value="hybrid" checked`)
	lacks(t, body, `name="model" value="tiered" checked`)
}
