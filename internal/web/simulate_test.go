package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/palier/palier/internal/browsertest"
	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/web"
	"github.com/palier/palier/internal/workspace"
)

// simEnv is the seeded workspace with four weeks of history, enough for
// the simulator to calibrate on.
func simEnv(t *testing.T) *env {
	t.Helper()
	e, s := sqliteEnv(t)
	_, err := s.BulkLoad(context.Background(), e.f.WS.ID, store.BulkSpec{Tickets: 1500, Seed: 7,
		End: time.Now().Add(-time.Hour), Span: 28 * 24 * time.Hour})
	if err != nil {
		t.Fatalf("bulk load: %v", err)
	}
	// Scenario A is staffed from the directory (issue 8.13): give the
	// fixture a team the size of the generated workload, open 24/7, so A
	// keeps up with its history as a real workspace's staff does.
	ctx := context.Background()
	ws := e.f.WS
	ws.BusinessHours = "24/7"
	if err := s.UpdateWorkspace(ctx, e.f.Admin.ID, ws); err != nil {
		t.Fatal(err)
	}
	for tier, n := range map[string]int{"L1": 130, "L2": 40, "L3": 15} {
		for i := range n {
			m := workspace.Member{Email: fmt.Sprintf("%s-%d@acme.test", strings.ToLower(tier), i), Name: fmt.Sprintf("%s agent %d", tier, i),
				Role: workspace.Agent, Active: true, TierIDs: []int64{e.f.Tier[tier].ID}}
			if _, err := s.CreateMember(ctx, ws.ID, e.f.Admin.ID, m, "not-a-password-hash"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e
}

var agentsInput = regexp.MustCompile(`name="agents\.(L\d)"[^>]*value="(\d+)"`)

// calibratedAgents reads scenario A's head counts from the form.
func calibratedAgents(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range agentsInput.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	if out["L1"] == "" {
		t.Fatalf("the form shows no L1 staffing:\n%s", excerpt(body))
	}
	return out
}

// simForm is a valid form: A's staffing with some tiers changed, a short
// run.
func simForm(agents map[string]string, changes map[string]string) url.Values {
	v := url.Values{"model": {"tiered"}, "replications": {"3"}, "horizon_days": {"7"}}
	for tier, n := range agents {
		v.Set("agents."+tier, n)
	}
	for k, val := range changes {
		v.Set(k, val)
	}
	return v
}

// waitForResult polls the run as the page does until the result replaces
// the progress bar. Only the outcome is checked, never the time taken.
func waitForResult(t *testing.T, c *client, runPath string) string {
	t.Helper()
	for {
		req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+runPath+"/progress", nil)
		req.Header.Set("HX-Request", "true")
		res, body := c.do(req)
		expectStatus(t, res, body, http.StatusOK)
		if !strings.Contains(body, `id="sim-progress"`) {
			return body
		}
		contains(t, body, `hx-trigger="every 500ms"`, "<progress")
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSimulatorIsForLeads(t *testing.T) {
	e := simEnv(t)
	agent := e.login(t, "l1@acme.test")
	res, body := agent.get("/simulate")
	expectStatus(t, res, body, http.StatusForbidden)
	contains(t, body, html.EscapeString("Seuls les responsables d'équipe et les administrateurs peuvent utiliser le simulateur."))
	res, body = agent.post("/simulate", url.Values{"model": {"tiered"}}, true)
	expectStatus(t, res, body, http.StatusForbidden)
	_, body = agent.get("/")
	lacks(t, body, `href="/simulate"`)

	for _, who := range []string{"lead@acme.test", "admin@acme.test"} {
		c := e.login(t, who)
		_, body := c.get("/")
		contains(t, body, `<a href="/simulate">Simulateur</a>`)
		res, body = c.get("/simulate")
		expectStatus(t, res, body, http.StatusOK)
	}
}

func TestSimulatorShowsTheCalibration(t *testing.T) {
	e := simEnv(t)
	c := e.login(t, "lead@acme.test") // Léa works in French
	res, body := c.get("/simulate")
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, "Calibrage (scénario A)", "Estimé sur 1", "Agents par niveau", `name="agents.L1"`,
		"L1 · Niveau 1", `value="10"`, `name="horizon_days"`, "Modèle par type de demande", `name="type_model.billing"`,
		"Facturation", `aria-current="page">Simulateur`)
	agents := calibratedAgents(t, body)
	if agents["L1"] == "0" {
		t.Errorf("calibrated L1 staffing is 0: %v", agents)
	}
	lacks(t, body, "Agents per tier", "customer wait")
}

func TestSimulatorRunsInTheBackground(t *testing.T) {
	e := simEnv(t)
	c := e.login(t, "lead@acme.test")
	_, body := c.get("/simulate")
	agents := calibratedAgents(t, body)

	// Half the front line: B cannot keep up, the clearest of verdicts.
	form := simForm(agents, map[string]string{"agents.L1": "1"})
	res, body := c.post("/simulate", form, true)
	expectStatus(t, res, body, http.StatusAccepted)
	runPath := res.Header.Get("HX-Push-Url")
	if !strings.HasPrefix(runPath, "/simulate/runs/") {
		t.Fatalf("HX-Push-Url = %q", runPath)
	}
	contains(t, body, `hx-get="`+runPath+`/progress"`, `value="1"`)

	result := waitForResult(t, c, runPath)
	contains(t, result, "Recommandation", "Choisissez A : B ne suit pas la demande", "Pourquoi",
		"attente client, moyenne", "Différence (B − A)", "B : L1 "+agents["L1"]+" → 1 agents",
		`role="img"`, "Attente client avant un premier contact", "Résolutions par niveau", html.EscapeString("Taux d'occupation par niveau"),
		`<title id="chart-wait-title">`, `class="target"`, `hx-swap-oob="true"`, "Simulation terminée.")
	lacks(t, result, "Recommendation", "customer wait", "hx-trigger")
	// B finishes few tickets, quickly: its times are not called better.
	contains(t, result, "B ne suit pas la demande : ses délais et ses parts ne comptent que les tickets terminés",
		`<td class="num diff-worse">`)
	lacks(t, result, `<td class="num diff-better">`)

	// The same run reads in English once Léa switches language, and a
	// reload of the pushed address shows it with its settings.
	c.post("/settings/language", url.Values{"lang": {"en"}, "next": {runPath}}, false)
	res, body = c.get(runPath)
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, "Recommendation", "Choose A: B cannot keep up with demand", "Why", "customer wait, mean",
		"Customer wait for a first contact", `name="agents.L1"`, `value="1"`, "B: L1 "+agents["L1"]+" → 1 agents")
	lacks(t, body, "Recommandation", "Choisissez")

	// Without htmx the form post leads to the run's page.
	res, _ = c.post("/simulate", form, false)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/simulate/runs/") {
		t.Errorf("plain post: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSimulatorHybridModel(t *testing.T) {
	e := simEnv(t)
	c := e.login(t, "admin@acme.test")
	_, body := c.get("/simulate")
	form := simForm(calibratedAgents(t, body), map[string]string{"model": "hybrid", "type_model.billing": "swarming",
		"type_model.bug": "tiered", "type_model.access": "tiered"})
	res, body := c.post("/simulate", form, true)
	expectStatus(t, res, body, http.StatusAccepted)
	result := waitForResult(t, c, res.Header.Get("HX-Push-Url"))
	contains(t, result, "B : modèle : hybride · essaimage pour Facturation<",
		"essaims par ticket", "chaque essaim est supposé prendre 15 min en moyenne")
}

func TestSimulatorRefusesBadSettings(t *testing.T) {
	e := simEnv(t)
	c := e.login(t, "lead@acme.test")
	_, body := c.get("/simulate")
	agents := calibratedAgents(t, body)
	tests := []struct {
		name    string
		changes map[string]string
		field   string
		want    string
	}{
		{"negative agents", map[string]string{"agents.L1": "-2"}, "agents.L1", "Indiquez un nombre entier d'agents, de 0 à 10 000."},
		{"not a number", map[string]string{"agents.L2": "deux"}, "agents.L2", "Indiquez un nombre entier d'agents"},
		{"no replication", map[string]string{"replications": "0"}, "replications", "Indiquez un nombre entier de 1 à 100."},
		{"too many replications", map[string]string{"replications": "101"}, "replications", "Indiquez un nombre entier de 1 à 100."},
		{"no period", map[string]string{"horizon_days": "0"}, "horizon_days", "Indiquez un nombre entier de jours, de 1 à 365."},
		{"unknown model", map[string]string{"model": "chaos"}, "model", "Choisissez par niveaux, essaimage ou hybride."},
		{"hybrid without a type's model", map[string]string{"model": "hybrid", "type_model.bug": "chaos"}, "type_model.bug", "Choisissez par niveaux ou essaimage."},
		{"nobody at the entry tier", map[string]string{"agents.L1": "0"}, "agents.L1", "Il faut au moins un agent : des tickets arrivent à ce niveau."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := c.post("/simulate", simForm(agents, tc.changes), true)
			expectStatus(t, res, body, http.StatusUnprocessableEntity)
			contains(t, body, `<p class="field-error" id="err-`+tc.field+`">`+html.EscapeString(tc.want), "Certains réglages sont invalides")
			if tc.field != "model" { // radio buttons say it with their group's message
				contains(t, body, `aria-invalid="true"`)
			}
			// What was typed stays in the form.
			for k, v := range tc.changes {
				if strings.HasPrefix(k, "agents.") || k == "replications" || k == "horizon_days" {
					contains(t, body, `name="`+k+`" type="number" min=`, `value="`+v+`"`)
				}
			}
			lacks(t, body, "hx-trigger")
		})
	}
	// A plain post gets the whole page back, errors in place.
	res, body := c.post("/simulate", simForm(agents, map[string]string{"replications": "0"}), false)
	expectStatus(t, res, body, http.StatusUnprocessableEntity)
	contains(t, body, "<html", "Calibrage (scénario A)", `id="err-replications"`)
}

func TestSimulatorWithoutHistory(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite)) // seven tickets, all created at once
	c := e.login(t, "lead@acme.test")
	res, body := c.get("/simulate")
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, html.EscapeString("Le simulateur ne peut pas encore être calibré sur l'historique de cet espace (7 tickets)"))
	lacks(t, body, `name="agents.L1"`)
	res, body = c.post("/simulate", url.Values{"model": {"tiered"}}, true)
	expectStatus(t, res, body, http.StatusUnprocessableEntity)
	contains(t, body, "Le simulateur ne peut pas encore être calibré")
	lacks(t, body, "<form")
}

func TestSimulatorRunsStayInTheirWorkspace(t *testing.T) {
	e := simEnv(t)
	c := e.login(t, "lead@acme.test")
	_, body := c.get("/simulate")
	res, body := c.post("/simulate", simForm(calibratedAgents(t, body), nil), true)
	expectStatus(t, res, body, http.StatusAccepted)
	runPath := res.Header.Get("HX-Push-Url")
	waitForResult(t, c, runPath)

	// Another lead of the workspace may open a shared run…
	admin := e.login(t, "admin@acme.test")
	res, body = admin.get(runPath)
	expectStatus(t, res, body, http.StatusOK)
	contains(t, body, "Recommandation", html.EscapeString("B : la même organisation (rien n'a changé)"), "Pas de différence nette")

	// …a run that does not exist (or expired, or ran on another
	// instance) ends the polling with an explanation.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/simulate/runs/NOSUCHRUN/progress", nil)
	req.Header.Set("HX-Request", "true")
	res, body = c.do(req)
	expectStatus(t, res, body, http.StatusNotFound)
	contains(t, body, html.EscapeString("Cette simulation n'est plus disponible"))
	lacks(t, body, "hx-trigger")
	res, body = c.get("/simulate/runs/NOSUCHRUN")
	expectStatus(t, res, body, http.StatusNotFound)
}

// TestBrowserSimulator is Sophie's quarterly question in a real browser,
// under the production content security policy: the per-type models
// appear with the hybrid model, the run is polled by htmx and its result
// replaces the progress bar.
func TestBrowserSimulator(t *testing.T) {
	ctx := browsertest.New(t)
	e := simEnv(t)
	signInAt(t, ctx, e, "/simulate", "lead@acme.test", ".sim-form")
	run(t, ctx, "ask about hybrid, then about a thin front line",
		chromedp.WaitNotVisible(chromedp.CSS(".sim-type-models")),
		chromedp.Click(chromedp.CSS(`input[name=model][value=hybrid]`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name="type_model.billing"]`)),
		chromedp.Click(chromedp.CSS(`input[name=model][value=tiered]`)),
		chromedp.WaitNotVisible(chromedp.CSS(".sim-type-models")),
		chromedp.SetValue(chromedp.CSS(`input[name="agents.L1"]`), "1"),
		chromedp.SetValue(chromedp.CSS(`input[name=replications]`), "2"),
		chromedp.SetValue(chromedp.CSS(`input[name=horizon_days]`), "7"),
		chromedp.Click(chromedp.CSS(`.sim-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".sim-result .sim-rec")),
	)
	shoot(t, ctx, "simulator")
	expectText(t, ctx, ".sim-rec", "Choisissez A : B ne suit pas la demande")
	expectText(t, ctx, "#sim-status", "Simulation terminée.")
	expectText(t, ctx, "#chart-wait-title", "Attente client avant un premier contact")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/simulate/runs/") {
		t.Errorf("the address bar shows %q (%v), want the run's address", loc, err)
	}
	// Switching language keeps the results (issue 8.13): the switch comes
	// back to the run's address, not to an empty form.
	run(t, ctx, "read the result in English",
		clickAndLoad(`.topbar button[name=lang][value=en]`),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=en] .sim-result .sim-rec`)),
	)
	expectText(t, ctx, ".sim-rec", "Choose A: B cannot keep up with demand")
}

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
