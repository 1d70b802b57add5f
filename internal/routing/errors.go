package routing

import (
	"github.com/palier/palier/internal/problem"
)

// ValidationError points at one faulty element of a rule set.
type ValidationError struct {
	// Path locates the element, e.g. "rules[2].when.all[1].value" or
	// "fallback.tier", so that the admin UI can highlight it.
	Path string `json:"path"`
	// Place is the same location as data (see Place).
	Place Place `json:"-"`
	// Code is a stable machine code ("unknown_field", "bad_number", …) for
	// translating the message and for tests.
	Code string `json:"code"`
	// Message is an English explanation for logs and the API.
	Message string `json:"message"`
	// Params holds the values the message mentions (field, op, value,
	// allowed, …) so that a translated message can use them.
	Params map[string]string `json:"params,omitempty"`
}

func (e ValidationError) Error() string {
	return e.Path + ": " + e.Message
}

// ValidationErrors are all the errors found in one rule set, in the order
// of the rule set (rules first, then the fallback, then the environment).
type ValidationErrors []ValidationError

func (es ValidationErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return problem.Summary("routing: invalid rule set ("+problem.Count(len(es), "error")+")", msgs)
}
