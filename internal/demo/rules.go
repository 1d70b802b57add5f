package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// Marc writes the routing rules and the escalation procedures a couple of
// hours after creating the teams, before anyone else joins.
const rulesAge = setupAge - 2*time.Hour

// ruleSet is Nuagique's routing: the first rule that matches wins, so the
// sensitive cases come first, then the cases that skip the front line,
// then the rules that only adjust priority or tags. Rule names are the
// admin's, in French; the IDs are fixed so that the timelines' "rule_id"
// stays meaningful when the set is edited in the admin UI.
func ruleSet() routing.RuleSet {
	text := func(op, value string) routing.Condition {
		return routing.Condition{Field: routing.FieldText, Op: op, Value: value}
	}
	return routing.RuleSet{
		Rules: []routing.Rule{{
			ID: 1, Name: "Fraude → Billing experts (sensible)", Enabled: true,
			When: routing.Condition{Any: []routing.Condition{
				{Field: routing.FieldRequestType, Op: routing.OpIs, Value: "fraud"},
				text(routing.OpContainsAnyWord, "frauduleux frauduleuse fraudulent hameçonnage phishing"),
			}},
			Then: routing.Actions{Tier: "L2", Team: "Billing experts", MarkSensitive: true, RequireHuman: true},
		}, {
			ID: 2, Name: "Données personnelles et sécurité → sensible", Enabled: true,
			When: routing.Condition{Any: []routing.Condition{
				text(routing.OpContainsAnyWord, "RGPD GDPR"),
				text(routing.OpContainsPhrase, "données personnelles"),
				text(routing.OpContainsPhrase, "personal data"),
				text(routing.OpContainsPhrase, "connexion suspecte"),
				text(routing.OpContainsWords, "effacer coordonnées"),
			}},
			Then: routing.Actions{MarkSensitive: true, RequireHuman: true},
		}, {
			ID: 3, Name: "Prélèvement en double → Billing experts", Enabled: true,
			When: routing.Condition{All: []routing.Condition{
				text(routing.OpContainsAnyWord, "prélèvement prélevé prélevée prélevés debit"),
				text(routing.OpContainsAnyWord, "double deux twice duplicate"),
			}},
			Then: routing.Actions{Tier: "L2", Team: "Billing experts", AddTags: []string{"prelevement-double"}},
		}, {
			ID: 4, Name: "API / webhooks → Product specialists", Enabled: true,
			When: routing.Condition{Any: []routing.Condition{
				{Field: routing.FieldChannel, Op: routing.OpIs, Value: "api"},
				text(routing.OpContainsAnyWord, "webhook webhooks"),
			}},
			Then: routing.Actions{Tier: "L2", Team: "Product specialists"},
		}, {
			// Not urgent: the rule must never lower a priority.
			ID: 5, Name: "Clients VIP → priorité haute", Enabled: true,
			When: routing.Condition{All: []routing.Condition{
				{Field: routing.FieldSegment, Op: routing.OpIs, Value: "vip"},
				{Field: routing.FieldPriority, Op: routing.OpIsNot, Value: "urgent"},
			}},
			Then: routing.Actions{Priority: "high", AddTags: []string{"vip"}},
		}, {
			ID: 6, Name: "Hors heures ouvrées → tag after-hours", Enabled: true,
			When: routing.Condition{Field: routing.FieldBusinessHours, Op: routing.OpIs, Value: "outside"},
			Then: routing.Actions{AddTags: []string{"after-hours"}},
		}, {
			// A rule Marc tried and switched off: the billing experts were
			// swamped with invoices L1 could settle. Disabled rules stay
			// in the set, validated, ready to switch back on.
			ID: 7, Name: "Gros montants (plus de 1 000 €) → Billing experts", Enabled: false,
			When: routing.Condition{All: []routing.Condition{
				{Field: routing.FieldRequestType, Op: routing.OpIn, Values: []string{"billing", "payment"}},
				{Field: routing.FieldCustomPrefix + "amount_eur", Op: routing.OpGt, Value: "1000"},
			}},
			Then: routing.Actions{Tier: "L2", Team: "Billing experts"},
		}},
		Fallback: routing.Actions{Tier: "L1", Team: "Front line"},
	}
}

// routingEnv is the environment desk compiles Nuagique's rules with,
// built from the demo's own specs so the rules can be compiled before (and
// without) a database: the demo routes its tickets with it, so that the
// timelines say what the service would have said.
func routingEnv(loc *time.Location) routing.Env {
	dir := desk.Directory{
		Workspace:    workspace.Workspace{Timezone: loc.String(), BusinessHours: workspace.DefaultBusinessHours},
		Tiers:        tierSpecs,
		RequestTypes: requestTypeSpecs,
	}
	for _, t := range teamSpecs {
		dir.Teams = append(dir.Teams, workspace.Team{Name: t.name})
	}
	return desk.RoutingEnv(dir)
}

// procedureSpec is one escalation procedure, by request type key ("" for
// the workspace default).
type procedureSpec struct {
	typ string
	p   escalation.Procedure
}

// procedures are Nuagique's escalation paths. Billing and payment go to
// the billing experts, then straight to PayBridge when the cause is on
// their side; bugs and integrations go to the product specialists, then
// to the platform engineers. Every other type follows the default
// procedure, which climbs to L4 too since Nuagique has one.
func (b *builder) procedures() []procedureSpec {
	item := defaultItem
	amount := escalation.Item{Key: "amount_eur", Kind: escalation.KindCustomField, LabelFR: "Montant (€)", LabelEN: "Amount (€)",
		HelpFR: "Le montant en jeu, tel qu'il figure sur la facture ou le relevé du client.",
		HelpEN: "The amount at stake, as shown on the customer's invoice or bank statement."}
	incident := escalation.Item{Key: "incident_date", Kind: escalation.KindCustomField, LabelFR: "Date de l'incident", LabelEN: "Incident date",
		HelpFR: "Le jour où le problème est apparu (ou, à défaut, celui du premier message du client).",
		HelpEN: "The day the problem started (or else the day of the customer's first message)."}
	money := []escalation.Step{{
		FromTier: "L1", ToTier: "L2", TeamID: b.teams["billing"].ID,
		GuidanceFR: "Escaladez quand il faut émettre un avoir, rééditer une facture, rembourser ou rapprocher un paiement à la main : le niveau 1 n'a pas ces droits.",
		GuidanceEN: "Escalate when a credit note, a reissued invoice, a refund or a manual reconciliation is needed: L1 does not have these rights.",
		Required:   []escalation.Item{item(escalation.KeyStepsTried), amount, item(escalation.KeyErrorMessage)},
	}, {
		FromTier: "L2", ToTier: "L4", TeamID: b.teams["paybridge"].ID,
		GuidanceFR: "Transmettez à PayBridge seulement quand l'opération est en cause chez eux (prélèvement rejoué, virement bloqué, litige) : ils reçoivent le résumé par e-mail et répondent sous 48 h ouvrées.",
		GuidanceEN: "Hand over to PayBridge only when the transaction is at fault on their side (replayed debit, blocked transfer, dispute): they receive the summary by email and answer within two working days.",
		Required:   []escalation.Item{item(escalation.KeyVendorContext), amount},
	}}
	product := []escalation.Step{{
		FromTier: "L1", ToTier: "L2", TeamID: b.teams["product"].ID,
		GuidanceFR: "Escaladez quand le problème persiste après les contournements du centre d'aide, ou quand il faut consulter les journaux du compte.",
		GuidanceEN: "Escalate when the problem persists after the help centre's workarounds, or when the account's logs must be read.",
		Required:   []escalation.Item{item(escalation.KeyStepsTried), item(escalation.KeyErrorMessage), incident},
	}, {
		FromTier: "L2", ToTier: "L3", TeamID: b.teams["platform"].ID,
		GuidanceFR: "Escaladez quand le problème est reproduit et vient de la plateforme (code, configuration, traitement de nuit) : les ingénieurs ont besoin de le reproduire seuls.",
		GuidanceEN: "Escalate when the problem is reproduced and comes from the platform (code, configuration, nightly jobs): the engineers must be able to reproduce it alone.",
		Required:   []escalation.Item{item(escalation.KeyReproductionSteps), item(escalation.KeyImpact)},
	}}
	return []procedureSpec{
		{"billing", escalation.Procedure{Name: "Facturation : Billing experts, puis PayBridge", Steps: money}},
		{"payment", escalation.Procedure{Name: "Paiement : Billing experts, puis PayBridge", Steps: money}},
		{"bug", escalation.Procedure{Name: "Anomalie : Product specialists, puis plateforme", Steps: product}},
		{"integration", escalation.Procedure{Name: "Intégration API : Product specialists, puis plateforme", Steps: product}},
		{"", escalation.DefaultProcedure("fr")},
	}
}

// defaultItem is a checklist item of the default procedure, so that the
// demo's procedures word the common items exactly as a new workspace does.
func defaultItem(key string) escalation.Item {
	for _, s := range escalation.DefaultProcedure("fr").Steps {
		if i := slices.IndexFunc(s.Required, func(it escalation.Item) bool { return it.Key == key }); i >= 0 {
			return s.Required[i]
		}
	}
	panic("demo: no default checklist item " + key)
}

// configure saves the routing rules and the escalation procedures through
// the service, as Marc would in the admin UI: the service validates both
// against the workspace. The demo then routes with the same rules.
func (b *builder) configure() error {
	b.at(b.now.Add(-rulesAge))
	admin := b.actors["marc"]
	b.svc = desk.New(b.s, nil)
	svc := b.svc
	rs := ruleSet()
	if err := svc.SaveRoutingRules(b.ctx, admin, rs); err != nil {
		return fmt.Errorf("routing rules: %w", err)
	}
	var err error
	if b.engine, err = routing.Compile(rs, routingEnv(b.loc)); err != nil {
		return fmt.Errorf("routing rules: %w", err)
	}
	for _, ps := range b.procedures() {
		p := ps.p
		if ps.typ != "" {
			p.RequestTypeID = b.types[ps.typ].ID
		}
		saved, err := svc.SaveProcedure(b.ctx, admin, p)
		if err != nil {
			return fmt.Errorf("escalation procedure %q: %w", p.Name, err)
		}
		b.procs = append(b.procs, saved)
	}
	return nil
}

// procedure is the procedure that applies to a request type, as desk
// selects it; the demo always saves a default one.
func (b *builder) procedure(requestTypeID int64) escalation.Procedure {
	p, _ := escalation.Select(b.procs, requestTypeID)
	return p
}

// placement is where routing puts a new ticket, and what it changes.
type placement struct {
	tier, team string // tier code, team key (see teamSpecs)
	priority   ticket.Priority
	tags       []string
	sensitive  bool
	event      ticket.Event // the routed event, as desk records it
}

// route decides a new ticket's placement with the workspace's rules, from
// the facts desk gives them, and records the decision the way desk does:
// the rule (or "default"), its id, the tier and team, and each condition
// that held. Explicit values (none here: the demo's tickets come from
// customers) would win over the rules.
func (b *builder) route(in routing.Ticket, tags []string) (placement, error) {
	dec := b.engine.Route(in)
	a := dec.Actions
	pl := placement{tier: a.Tier, sensitive: in.Sensitive || a.MarkSensitive}
	if _, ok := b.tiers[a.Tier]; !ok {
		return pl, fmt.Errorf("routing: unknown tier %q", a.Tier)
	}
	for _, ts := range teamSpecs {
		if strings.EqualFold(ts.name, a.Team) {
			pl.team = ts.key
		}
	}
	if pl.team == "" || teamTier(pl.team) != a.Tier {
		return pl, fmt.Errorf("routing: team %q is not in tier %s", a.Team, a.Tier)
	}
	if a.AssignAgent != 0 || a.AssignStrategy != "" {
		// The stories choose who works each ticket; a rule that assigns
		// would be contradicted by them.
		return pl, fmt.Errorf("routing: rule %q assigns an agent, which the demo does not model", dec.RuleName)
	}
	pl.priority, _ = ticket.ParsePriority(in.Priority)
	if p, ok := ticket.ParsePriority(a.Priority); ok && a.Priority != "" {
		pl.priority = p
	}
	pl.tags = ticket.NormalizeTags(problem.Fields{}, "tags", append(slices.Clone(tags), a.AddTags...))

	data := desk.RoutedData(dec, b.tiers[a.Tier].ID, b.teams[pl.team].ID)
	pl.event = ticket.Event{Kind: ticket.Routed, Data: data}
	return pl, nil
}

// openTickets counts a customer's tickets still active at t, as desk
// counts them for the open_tickets condition. Stories are played one
// after the other, so the store already holds later events of earlier
// tickets: the count comes from what each ticket's story did, in time.
func (b *builder) openTickets(cust int, t time.Time) int {
	n := 0
	for _, sp := range b.history[cust] {
		if !sp.created.After(t) && (sp.solved == nil || sp.solved.After(t)) {
			n++
		}
	}
	return n
}

// span is when one of a customer's tickets was active.
type span struct {
	created time.Time
	solved  *time.Time
}

func teamTier(key string) string {
	for _, t := range teamSpecs {
		if t.key == key {
			return t.tier
		}
	}
	return ""
}
