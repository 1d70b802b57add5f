package escalation

import (
	"embed"

	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

// ValidationError points at one faulty element of a procedure, or at the
// field of an escalation request that makes the move impossible.
type ValidationError struct {
	// Path locates the element, e.g. "steps[1].required[0].key" for a
	// procedure or "target_tier" for a request, so that the UI can
	// highlight it.
	Path string `json:"path"`
	// Code is a stable machine code ("unknown_tier", "no_step", …) for
	// tests and for translation at the edges.
	Code string `json:"code"`
	// Message is the English text, for logs and the API.
	Message string `json:"message"`
	// Params holds the values the message mentions so that the edges can
	// build their own wording.
	Params map[string]string `json:"params,omitempty"`
}

func (e ValidationError) Error() string { return e.Path + ": " + e.Message }

// Text returns the message in lang ("fr" or "en"). The texts are declared
// beside the codes (texts/errors.json) and registered in the i18n
// catalogue under "escalation.", so that the procedure editor and the
// escalation dialog speak both languages without another package knowing
// every code.
func (e ValidationError) Text(lang string) string {
	return render(lang, e.Code, e.Params)
}

// ValidationErrors are all the errors found at once, in document order.
type ValidationErrors []ValidationError

func (es ValidationErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return problem.Summary("escalation: "+problem.Count(len(es), "error"), msgs)
}

// textPrefix is where escalation's texts live in the i18n catalogue.
const textPrefix = "escalation."

// textFiles are escalation's texts, as data a translator edits
// (internal/i18n/texts/README.md): errors.json maps each stable code to its
// text, with {name} placeholders filled from Params; summary.json holds
// the summary's headings and the refusal that names missing items.
//
//go:embed texts/*.json
var textFiles embed.FS

// messages and summaryTexts are the texts of errors.json and summary.json
// by key, so that render and Summary.Text can tell the codes they have a
// text for.
var messages, summaryTexts i18n.Messages

func init() {
	messages = i18n.RegisterJSON(textPrefix, textFiles, "texts/errors.json")
	summaryTexts = i18n.RegisterJSON(textPrefix+"summary.", textFiles, "texts/summary.json")
}

// render fills the text of code in lang. An unknown code renders as the
// code itself so that a missing text is visible rather than blank.
func render(lang, code string, params map[string]string) string {
	if _, ok := messages[code]; !ok {
		return code
	}
	return i18n.Tm(lang, textPrefix+code, params)
}

// newError builds an error whose Message is the English text of code.
func newError(path, code string, params map[string]string) ValidationError {
	return ValidationError{Path: path, Code: code, Message: render("en", code, params), Params: params}
}
