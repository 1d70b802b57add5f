package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/i18n"
)

// The simulator speaks English and French. Its sentences are built from
// numbers it has just measured, so it declares them next to the code that
// formats those numbers, and registers them in the i18n catalogue under
// "sim." like every other text: the command line and the web page read
// the same sentences. A language is any tag i18n.Lang understands
// ("fr", "fr_FR.UTF-8", "fr-CA"); everything else reads English.

// Languages the simulator's reports are written in; English is the default.
const (
	English = i18n.English
	French  = i18n.French
)

// textPrefix is where the simulator's texts live in the i18n catalogue.
const textPrefix = "sim."

func init() { i18n.Register(textPrefix, texts) }

// Text is a sentence for people, kept as a catalog key and its arguments
// so it can be told in either language after the fact: a calibration is
// computed once and read by French- and English-speaking leads alike.
type Text struct {
	Key  string `json:"key"`
	Args []any  `json:"-"`
}

func text(key string, args ...any) Text { return Text{Key: key, Args: args} }

// In renders the text in a language. An unknown key shows itself, so a
// missing text is visible rather than blank.
func (t Text) In(lang string) string {
	if _, ok := texts[t.Key]; !ok {
		return t.Key
	}
	params := make([]string, 0, 2*len(t.Args))
	for i, a := range t.Args {
		params = append(params, strconv.Itoa(i+1), renderArg(lang, a))
	}
	return i18n.T(lang, textPrefix+t.Key, params...)
}

// String is the English text.
func (t Text) String() string { return t.In(English) }

// textsIn renders a list of texts.
func textsIn(lang string, ts []Text) []string {
	if len(ts) == 0 {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.In(lang)
	}
	return out
}

// Arguments that depend on the language. Plain strings (tier names,
// scenario letters) go in as they are.
type (
	// quantity is a value in a unit, formatted as FormatValueIn does.
	quantity struct {
		unit Unit
		v    float64
	}
	// pct is a share (0..1) as a percentage with prec decimals.
	pct struct {
		v    float64
		prec int
	}
	// dec is a plain decimal number.
	dec struct {
		v    float64
		prec int
	}
	// andList joins its items as "a, b and c".
	andList []any
	// commaList joins its items as "a, b, c".
	commaList []any
	// capitalised is its value with the first letter in upper case.
	capitalised struct{ v any }
	// signed is a decimal number with its sign, e.g. "+1.5".
	signed struct {
		v    float64
		prec int
	}
	// signedPct is a relative change as a signed percentage, "-12%".
	signedPct struct{ v float64 }
)

func renderArg(lang string, a any) string {
	switch v := a.(type) {
	case string:
		return v
	case int:
		return formatInt(lang, v)
	case Text:
		return v.In(lang)
	case quantity:
		return FormatValueIn(lang, v.unit, v.v)
	case pct:
		return formatPercent(lang, v.v, v.prec)
	case dec:
		return formatDecimal(lang, v.v, v.prec)
	case andList:
		return joinAnd(lang, renderAll(lang, v))
	case commaList:
		return strings.Join(renderAll(lang, v), ", ")
	case capitalised:
		return capitalise(renderArg(lang, v.v))
	case signed:
		return formatSigned(lang, v.v, v.prec)
	case signedPct:
		return percentSign(lang, formatSigned(lang, 100*v.v, 0))
	}
	return fmt.Sprint(a)
}

func renderAll(lang string, items []any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = renderArg(lang, it)
	}
	return out
}

func joinAnd(lang string, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return i18n.T(lang, "list.and", "a", strings.Join(items[:len(items)-1], ", "), "b", items[len(items)-1])
}

// formatDecimal writes v with prec decimals, with a decimal comma in French.
func formatDecimal(lang string, v float64, prec int) string {
	return localDecimal(lang, strconv.FormatFloat(v, 'f', prec, 64))
}

// formatSigned is formatDecimal with an explicit sign, except for a
// value that rounds to zero ("0", not "-0").
func formatSigned(lang string, v float64, prec int) string {
	s := fmt.Sprintf("%+.*f", prec, v)
	if strings.Trim(s, "+-0.") == "" {
		s = s[1:]
	}
	return localDecimal(lang, s)
}

func localDecimal(lang, s string) string {
	return strings.Replace(s, ".", i18n.T(lang, "num.decimal"), 1)
}

// formatPercent writes a share as "12.5%" or, in French, "12,5 %" (with
// a no-break space, so the sign never starts a line).
func formatPercent(lang string, share float64, prec int) string {
	return percentSign(lang, formatDecimal(lang, 100*share, prec))
}

func percentSign(lang, s string) string {
	return i18n.T(lang, "num.percent", "n", s)
}

// formatInt writes a count with thousands separators: "12,345" or, in
// French, "12 345" (narrow no-break space).
func formatInt(lang string, n int) string { return i18n.Number(lang, n) }

// durationUnit picks the most readable unit for a duration in seconds:
// its size in seconds and its name in the language.
func durationUnit(lang string, v float64) (float64, string) {
	a := math.Abs(v)
	switch {
	case a < 60:
		return 1, "s"
	case a < 3600:
		return 60, "min"
	case a < 48*3600:
		return 3600, "h"
	}
	return 86400, text("unit.day").In(lang)
}

// FormatSecondsIn renders a duration in seconds in the most readable unit:
// "42 s", "12.5 min", "3 h", "2.1 d" ("2,1 j" in French).
func FormatSecondsIn(lang string, s float64) string {
	scale, unit := durationUnit(lang, s)
	prec := 1
	if scale == 1 {
		prec = 0
	}
	// "15 min" reads better than "15.0 min".
	v := strings.TrimSuffix(strconv.FormatFloat(s/scale, 'f', prec, 64), ".0")
	return localDecimal(lang, v) + " " + unit
}

// FormatValueIn renders a metric value for people in a language:
// durations in their most readable unit, shares as percentages.
func FormatValueIn(lang string, u Unit, v float64) string {
	switch u {
	case UnitDuration:
		return FormatSecondsIn(lang, v)
	case UnitShare:
		return formatPercent(lang, v, 1)
	case UnitMoney:
		return formatDecimal(lang, v, 2)
	}
	if math.Abs(v) >= 100 {
		return formatDecimal(lang, v, 0)
	}
	return formatDecimal(lang, v, 2)
}

// roundsToZero reports whether v shows as zero once formatted: a relative
// change from such a base means nothing to a reader ("0 s" to "23.7 d" is
// not "+2046543%").
func roundsToZero(u Unit, v float64) bool {
	switch u {
	case UnitDuration:
		return math.Abs(v) < 0.5
	case UnitShare:
		return math.Abs(v) < 0.0005
	}
	return math.Abs(v) < 0.005
}

// FormatEstimateIn renders "12.3 ± 0.4 min" with one scale for both
// numbers ("—" for no estimate).
func FormatEstimateIn(lang string, u Unit, e *Estimate) string {
	if e == nil {
		return "—"
	}
	hw := e.HalfWidth()
	switch u {
	case UnitDuration:
		scale, name := durationUnit(lang, e.Mean)
		return formatDecimal(lang, e.Mean/scale, 1) + " ± " + formatDecimal(lang, hw/scale, 1) + " " + name
	case UnitShare:
		return formatDecimal(lang, 100*e.Mean, 1) + " ± " + formatPercent(lang, hw, 1)
	case UnitMoney:
		return formatDecimal(lang, e.Mean, 2) + " ± " + formatDecimal(lang, hw, 2)
	}
	prec := 2
	if math.Abs(e.Mean) >= 100 {
		prec = 0
	}
	return formatDecimal(lang, e.Mean, prec) + " ± " + formatDecimal(lang, hw, prec)
}

// FormatDiffIn renders a row's difference B − A: points for shares, the
// unit's own numbers otherwise, with the relative change unless A shows
// as zero ("—" when there is nothing to compare).
func FormatDiffIn(lang string, row ComparisonRow) string {
	if row.Diff == nil {
		return "—"
	}
	d := row.Diff.Mean
	var s string
	switch row.Unit {
	case UnitDuration:
		scale, name := durationUnit(lang, d)
		s = formatSigned(lang, d/scale, 1) + " " + name
	case UnitShare:
		s = text("unit.points", formatSigned(lang, 100*d, 1)).In(lang)
	default:
		s = formatSigned(lang, d, 2)
	}
	if row.Unit != UnitShare && row.A != nil && !roundsToZero(row.Unit, row.A.Mean) {
		s += " (" + percentSign(lang, formatSigned(lang, 100*d/math.Abs(row.A.Mean), 0)) + ")"
	}
	return s
}

// VerdictIn names a fit verdict (good, fair, poor, n/a) in a language.
func VerdictIn(lang, verdict string) string {
	if _, ok := texts["verdict."+verdict]; !ok {
		return verdict
	}
	return text("verdict." + verdict).In(lang)
}

// ModelIn names a support model in a language.
func ModelIn(lang string, m Model) string {
	if _, ok := texts["model."+string(m)]; !ok {
		return string(m)
	}
	return text("model." + string(m)).In(lang)
}

// texts holds every sentence of the simulator: English, then French. The
// placeholders {1}, {2}… are Text's arguments in order, rendered in the
// language first, so a translation may reorder them.
var texts = i18n.Messages{
	// Metrics of the comparison table.
	"metric.tickets_per_day":      {"tickets per day", "tickets par jour"},
	"metric.deflection":           {"self-service deflection (L0)", "résolu en libre-service (L0)"},
	"metric.wait_mean":            {"customer wait, mean", "attente client, moyenne"},
	"metric.wait_p50":             {"customer wait, median", "attente client, médiane"},
	"metric.wait_p90":             {"customer wait, p90", "attente client, p90"},
	"metric.wait_p99":             {"customer wait, p99", "attente client, p99"},
	"metric.prob_wait":            {"customers who wait at all", "clients qui attendent"},
	"metric.resolution_mean":      {"time to resolution, mean", "délai de résolution, moyenne"},
	"metric.resolution_p50":       {"time to resolution, median", "délai de résolution, médiane"},
	"metric.resolution_p90":       {"time to resolution, p90", "délai de résolution, p90"},
	"metric.resolution_p99":       {"time to resolution, p99", "délai de résolution, p99"},
	"metric.first_contact":        {"resolved at first contact", "résolus au premier contact"},
	"metric.handoffs":             {"hand-offs per ticket", "transmissions par ticket"},
	"metric.swarms":               {"swarms per ticket", "essaims par ticket"},
	"metric.abandonment":          {"abandoned before contact", "abandons avant contact"},
	"metric.sla_first_response":   {"SLA met: first response", "SLA respecté : première réponse"},
	"metric.sla_resolution":       {"SLA met: resolution", "SLA respecté : résolution"},
	"metric.cost_per_ticket":      {"staffing cost per ticket", "coût de personnel par ticket"},
	"metric.work_cost_per_ticket": {"work cost per ticket", "coût du travail par ticket"},
	"metric.unfinished":           {"still open at the end", "encore ouverts à la fin"},
	"tier.agents":                 {"{1} agents on duty (mean)", "{1} agents en service (moyenne)"},
	"tier.resolved_share":         {"{1} share resolved", "{1} part des résolutions"},
	"tier.utilisation":            {"{1} utilisation", "{1} taux d'occupation"},
	"unit.points":                 {"{1} pts", "{1} pts"},
	"unit.day":                    {"d", "j"},

	// What an improvement of a metric means for people.
	"phrase.deflection":           {"self-service resolves more", "le libre-service résout davantage"},
	"phrase.wait_mean":            {"customers wait less for a first contact", "les clients attendent moins un premier contact"},
	"phrase.wait_p90":             {"the slowest tenth of first contacts come sooner", "le dixième le plus lent des premiers contacts arrive plus tôt"},
	"phrase.resolution_mean":      {"tickets are resolved sooner", "les tickets sont résolus plus vite"},
	"phrase.resolution_p90":       {"the slowest tenth of tickets are resolved sooner", "le dixième le plus lent des tickets est résolu plus tôt"},
	"phrase.first_contact":        {"more tickets are resolved at first contact", "plus de tickets sont résolus au premier contact"},
	"phrase.handoffs":             {"customers are handed off less", "les clients sont moins souvent transmis d'un niveau à l'autre"},
	"phrase.abandonment":          {"fewer customers give up", "moins de clients abandonnent"},
	"phrase.sla_first_response":   {"more tickets meet the first-response SLA", "plus de tickets respectent le SLA de première réponse"},
	"phrase.sla_resolution":       {"more tickets meet the resolution SLA", "plus de tickets respectent le SLA de résolution"},
	"phrase.cost_per_ticket":      {"each ticket costs less in paid staff time", "chaque ticket coûte moins en temps de personnel payé"},
	"phrase.work_cost_per_ticket": {"each ticket takes less agent effort", "chaque ticket demande moins d'effort aux agents"},

	// The recommendation.
	"rec.named":             {"{1} ({2})", "{1} ({2})"},
	"rec.unfinished":        {"Choose {1}: {2} cannot keep up with demand ({3} of tickets still open at the end of the run, queues grow without limit).", "Choisissez {1} : {2} ne suit pas la demande ({3} des tickets encore ouverts à la fin de la simulation, les files grossissent sans limite)."},
	"rec.unfinished_reason": {"{1} leaves {2} of tickets unfinished; {3} keeps up.", "{1} laisse {2} des tickets non terminés ; {3} suit la demande."},
	"rec.none":              {"No clear difference: {1} and {2} perform the same within the simulation's precision; choose on other grounds (or run more replications).", "Pas de différence nette : {1} et {2} font jeu égal à la précision de la simulation près ; choisissez selon d'autres critères (ou lancez plus de réplications)."},
	"rec.tradeoff":          {"A trade-off, no clear winner: {1}.", "Un compromis, sans gagnant net : {1}."},
	"rec.with":              {"with {1} {2}", "avec {1}, {2}"},
	"rec.choose":            {"Choose {1}: {2}.", "Choisissez {1} : {2}."},
	"rec.price":             {"{1}; the price: {2}", "{1} ; en contrepartie : {2}"},
	"rec.describe":          {"{1}: {2} with {3}, {4} with {5} ({6}).", "{1} : {2} avec {3}, {4} avec {5} ({6})."},
	"rec.describe_plain":    {"{1}: {2} with {3}, {4} with {5}.", "{1} : {2} avec {3}, {4} avec {5}."},
	"rec.short":             {"{1} {2}", "{1} {2}"},
	"rec.short_values":      {"{1} {2} → {3}", "{1} {2} → {3}"},
	"rec.change_points":     {"{1} points", "{1} points"},
	"rec.busy":              {"With {1}, {2} is busy {3} of its time on duty: little slack for a busy day.", "Avec {1}, {2} est occupé {3} de son temps de service : peu de marge pour une journée chargée."},

	// Warnings about a run.
	"warn.unfinished": {"{1} of tickets were still open when the run stopped: the organisation cannot keep up with demand", "{1} des tickets étaient encore ouverts à la fin de la simulation : l'organisation ne suit pas la demande"},
	"warn.busy":       {"{1} is busy {2} of its time on duty: its queue is fragile and will grow with any extra demand", "{1} est occupé {2} de son temps de service : sa file est fragile et grossira au moindre surcroît de demande"},
	"warn.few":        {"only {1} tickets were measured: lengthen the horizon or add replications for firmer numbers", "seulement {1} tickets mesurés : allongez l'horizon ou ajoutez des réplications pour des chiffres plus solides"},
	"warn.one_rep":    {"one replication gives no confidence interval: use 5 replications or more", "une seule réplication ne donne pas d'intervalle de confiance : utilisez-en 5 ou plus"},

	// Calibration.
	"fit.summary":        {"{1}: simulated arrivals per hour of the week differ from the history by {2}, mean handling times are within {3} per tier, escalation rates within {4} points.", "{1} : l'écart entre les arrivées simulées et l'historique, heure par heure sur la semaine, {2} ; les durées moyennes de traitement sont à {3} près par niveau, les taux d'escalade à {4} points près."},
	"fit.quality.good":   {"Good fit", "Bon ajustement"},
	"fit.quality.fair":   {"Fair fit", "Ajustement moyen"},
	"fit.quality.poor":   {"Poor fit", "Ajustement médiocre"},
	"fit.quality.n/a":    {"Fit not measured", "Ajustement non mesuré"},
	"fit.chance":         {"no more than chance explains", "ne dépasse pas ce qu'explique le hasard"},
	"fit.chance_times":   {"{1} times what chance explains", "vaut {1} fois ce qu'explique le hasard"},
	"fit.skipped":        {"{1} tickets without a creation time or with unusable spans were skipped.", "{1} tickets sans date de création ou aux passages inutilisables ont été ignorés."},
	"fit.jumps":          {"{1} escalations skipped a tier (e.g. L1→L3); the simulator escalates one tier at a time, so they count as escalations to the next tier.", "{1} escalades ont sauté un niveau (par ex. L1→L3) ; le simulateur escalade d'un niveau à la fois, elles comptent donc comme des escalades au niveau suivant."},
	"fit.staffing":       {"Staffing is not in the history: {1} was set to {2} from its workload ({3} agents busy on average while open, {4} in the busiest hour, at {5} target utilisation).", "Les effectifs ne figurent pas dans l'historique : {1} a été fixé à {2} d'après sa charge ({3} agents occupés en moyenne pendant les heures d'ouverture, {4} à l'heure la plus chargée, pour un taux d'occupation visé de {5})."},
	"fit.bursty":         {"Arrivals are burstier than a Poisson process (variance {1}× the mean, hour by hour): real peaks will be worse than simulated; keep some slack.", "Les arrivées sont plus irrégulières qu'un processus de Poisson (variance {1}× la moyenne, heure par heure) : les pics réels seront pires que simulés ; gardez de la marge."},
	"fit.poor_shape":     {"{1} handling times fit the chosen distributions poorly (KS {2}); treat its waits with caution.", "Les durées de traitement de {1} collent mal aux lois choisies (KS {2}) ; prenez ses attentes avec précaution."},
	"fit.waits":          {"Observed median wait for a first contact: {1}; simulated: {2}. A gap here usually means the staffing differs from the real one.", "Attente médiane observée avant un premier contact : {1} ; simulée : {2}. Un écart ici signifie souvent que les effectifs diffèrent des effectifs réels."},
	"fit.row.arrivals":   {"tickets per hour (mean over the week)", "tickets par heure (moyenne sur la semaine)"},
	"fit.row.handling":   {"{1} mean handling", "{1} traitement moyen"},
	"fit.row.escalation": {"{1} escalation rate", "{1} taux d'escalade"},
	"fit.row.shape":      {"{1} handling shape (KS distance)", "{1} forme des durées de traitement (distance KS)"},
	"verdict.good":       {"good", "bon"},
	"verdict.fair":       {"fair", "moyen"},
	"verdict.poor":       {"poor", "médiocre"},
	"verdict.n/a":        {"n/a", "s.o."},

	// Changes to a scenario.
	"note.collaboration": {"No collaboration time is set: each swarm is assumed to take an expert {1} on average (lognormal).", "Aucun temps de collaboration n'est défini : chaque essaim est supposé prendre {1} en moyenne à un expert (loi log-normale)."},
	"model.tiered":       {"tiered", "par niveaux"},
	"model.swarming":     {"swarming", "essaimage"},
	"model.hybrid":       {"hybrid", "hybride"},

	// The command line's report.
	"cli.scenario":        {"{1}: {2} ({3}), {4} replications of {5}, seed {6}", "{1} : {2} ({3}), {4} réplications de {5}, graine {6}"},
	"cli.metric":          {"metric", "indicateur"},
	"cli.difference":      {"difference (B − A)", "différence (B − A)"},
	"cli.legend":          {"± is the 95% confidence interval over replications; * marks differences beyond it.", "± est l'intervalle de confiance à 95 % sur les réplications ; * marque les différences qui le dépassent."},
	"cli.recommendation":  {"Recommendation: {1}", "Recommandation : {1}"},
	"cli.for":             {"{1}: {2}", "{1} : {2}"},
	"cli.calibrated_name": {"workspace (calibrated)", "espace de travail (calibré)"},
	"cli.notes":           {"Notes:", "Remarques :"},
	"cli.calibrated":      {"Calibrated from {1} tickets, {2} to {3}.", "Calibré sur {1} tickets, du {2} au {3}."},
	"cli.check":           {"check", "vérification"},
	"cli.observed":        {"observed", "observé"},
	"cli.simulated":       {"simulated", "simulé"},
	"cli.fit":             {"fit", "ajustement"},
	"cli.staff_hint":      {"Give the real staffing with --staff {1}.", "Indiquez les effectifs réels avec --staff {1}."},
	"cli.collab_hint":     {"Set the collaboration time with --collaboration or in the scenario file.", "Réglez le temps de collaboration avec --collaboration ou dans le fichier du scénario."},
}
