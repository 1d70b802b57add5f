package sim

import (
	"embed"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/palier/palier/internal/i18n"
)

// The simulator speaks English and French. Its sentences are built from
// numbers it has just measured, so it declares them next to the code that
// formats those numbers (texts/sim.json), and registers them in the i18n
// catalogue under "sim." like every other text: the command line and the
// web page read the same sentences. A language is any tag i18n.Lang
// understands ("fr", "fr_FR.UTF-8", "fr-CA"); everything else reads
// English.

// Languages the simulator's reports are written in; English is the default.
const (
	English = i18n.English
	French  = i18n.French
)

// textPrefix is where the simulator's texts live in the i18n catalogue.
const textPrefix = "sim."

// textFile holds every sentence of the simulator, as data a translator
// edits (internal/i18n/texts/README.md). The placeholders {1}, {2}… are
// Text's arguments in order, rendered in the language first, so a
// translation may reorder them.
//
//go:embed texts/sim.json
var textFile embed.FS

// texts are the sentences of texts/sim.json by key, so that In can tell a
// key it has a sentence for.
var texts i18n.Messages

func init() { texts = i18n.RegisterJSON(textPrefix, textFile, "texts/sim.json") }

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
