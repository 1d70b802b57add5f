package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    string               `json:"code"`
	Message string               `json:"message"`
	Params  map[string]string    `json:"params,omitempty"`
	Fields  map[string]fieldJSON `json:"fields,omitempty"`
}

type fieldJSON struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Params  map[string]string `json:"params,omitempty"`
}

// statusOverride gives the statuses that package problem has no kind for:
// they only exist at the HTTP edge.
var statusOverride = map[string]int{
	"method_not_allowed":     http.StatusMethodNotAllowed,
	"unsupported_media_type": http.StatusUnsupportedMediaType,
	"unavailable":            http.StatusServiceUnavailable,
}

var (
	errInternal    = problem.New(problem.Internal, "internal", "internal error")
	errUnavailable = problem.New(problem.Internal, "unavailable", "the service is briefly unavailable; nothing was saved")
	// errOutcomeUnknown is 500, not 503 with Retry-After: a client that
	// sends the same ticket again may store it twice.
	errOutcomeUnknown = problem.New(problem.Internal, "outcome_unknown", "the connection to the database was lost while saving: the change may have been saved; check before sending it again")
)

// RetryAfter is what a 503 tells clients to wait, in seconds.
const RetryAfter = "5"

// fail renders err as the JSON error answer. Errors that are not problems,
// and problems of kind Internal, are logged and answered 500 "internal"
// without details: they may carry SQL or file paths. A database that cannot
// be reached is not a fault of the request nor a bug: 503 "unavailable"
// with Retry-After, reported once per incident rather than per request. A
// request its client abandoned is only logged at debug level (the server
// counts it as cancelled, not as an error).
func (a *API) fail(c *call, err error) {
	p, ok := problem.As(err)
	if !ok || p.Kind == problem.Internal {
		switch {
		case errors.Is(err, store.ErrOutcomeUnknown):
			// Checked first: the database may be down too, or the
			// request's time out, but "nothing was saved" would be untrue.
			a.log.Error("api: commit outcome unknown", "method", c.r.Method, "path", c.r.URL.Path, "operation", c.route.ID, "err", err)
			p = errOutcomeUnknown
		case errors.Is(c.r.Context().Err(), context.DeadlineExceeded):
			// The server's request budget ran out: a wait that never
			// ended (server.DefaultRequestBudget). A fault, logged; the
			// client may try again.
			a.log.Error("api: request out of time", "method", c.r.Method, "path", c.r.URL.Path, "operation", c.route.ID, "err", err)
			p = errUnavailable
		case c.r.Context().Err() != nil:
			a.log.Debug("api: request abandoned", "method", c.r.Method, "path", c.r.URL.Path, "err", err)
			p = errInternal
		case store.Unavailable(err):
			a.desk.Store().ReportUnavailable(c.r.Context(), a.log, err)
			p = errUnavailable
		default:
			a.log.Error("api: internal error", "method", c.r.Method, "path", c.r.URL.Path, "operation", c.route.ID, "err", err)
			p = errInternal
		}
	}
	status := p.Kind.Status()
	if s, ok := statusOverride[p.Code]; ok {
		status = s
	}
	if status == http.StatusServiceUnavailable {
		c.w.Header().Set("Retry-After", RetryAfter)
	}
	if status == http.StatusUnauthorized {
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="palier"`)
	}
	if ra := p.Params["retry_after"]; ra != "" {
		c.w.Header().Set("Retry-After", ra)
	}
	c.w.Header().Set("Content-Language", c.lang)
	writeJSON(c.w, status, errorBody{Error: translate(c.lang, p)})
}

// translate renders a problem in a language: the catalogue's "error.<code>"
// and "field.<code>" texts with the problem's parameters, or the problem's
// own English message when the catalogue has no text for the code.
func translate(lang string, p *problem.Error) errorJSON {
	out := errorJSON{Code: p.Code, Params: p.Params, Message: problemMessage(lang, p)}
	if len(p.Fields) > 0 {
		out.Fields = make(map[string]fieldJSON, len(p.Fields))
		missing, _ := p.Detail.([]escalation.Missing)
		for name, f := range p.Fields {
			msg := fieldMessage(lang, p.Code, f)
			if i := slices.IndexFunc(missing, func(m escalation.Missing) bool { return m.Field() == name }); i >= 0 && f.Code == "required" {
				// A missing checklist item is named by its own label.
				msg = i18n.T(lang, "api.field.required_item", "label", missing[i].Label(lang))
			}
			out.Fields[name] = fieldJSON{Code: f.Code, Params: f.Params, Message: msg}
		}
	}
	return out
}

func problemMessage(lang string, p *problem.Error) string {
	if p.Code == "escalation_incomplete" {
		// The refusal names what to fill in, with the checklist's own
		// labels in the caller's language.
		if ms, _ := p.Detail.([]escalation.Missing); len(ms) > 0 {
			return escalation.MissingText(lang, ms)
		}
	}
	return message(lang, "error."+p.Code, p.Code, p.Message, p.Params)
}

// fieldMessage words one field failure. The failures of routing rules and
// escalation procedures have texts of their own: their codes mean other
// things than the generic field codes of the same name ("unknown_field" is
// a condition's field there), and escalation keeps its French texts in its
// package. (A required checklist item is named by its label: see
// translate.)
func fieldMessage(lang, problemCode string, f problem.Field) string {
	switch problemCode {
	case "invalid_rules":
		if i18n.Has("api.rules." + f.Code) {
			return message(lang, "api.rules."+f.Code, f.Code, f.Message, readableLists(f.Params))
		}
	case "invalid_procedure", "escalation_not_possible":
		s := escalation.ValidationError{Code: f.Code, Params: f.Params}.Text(lang)
		if s != f.Code && !placeholder.MatchString(s) {
			return s
		}
	}
	return message(lang, "field."+f.Code, f.Code, f.Message, f.Params)
}

// readableLists spaces out the comma-separated lists that routing puts in
// its parameters ("allowed": "is,is_not,in"), for a sentence.
func readableLists(params map[string]string) map[string]string {
	out := maps.Clone(params)
	for k, v := range out {
		if k == "allowed" || k == "kinds" {
			out[k] = strings.ReplaceAll(v, ",", ", ")
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func message(lang, key, code, fallback string, params map[string]string) string {
	if !i18n.Has(key) {
		return fallback
	}
	s := i18n.Tm(lang, key, derived(lang, code, params))
	if placeholder.MatchString(s) {
		// The text needs a value this problem did not give (e.g. a
		// "too_long" without its maximum): a sentence with a hole in it
		// helps nobody, the problem's own message does.
		return fallback
	}
	return s
}

// derived adds the parameters some texts are phrased with and that the
// problem cannot know because they depend on the language.
func derived(lang, code string, params map[string]string) map[string]string {
	out := maps.Clone(params)
	if out == nil {
		out = map[string]string{}
	}
	switch code {
	case "unknown_value":
		out["value_suffix"] = ""
		if v, ok := params["value"]; ok && v != "" {
			out["value_suffix"] = i18n.Pick(lang, ` "`+v+`"`, " «\u00a0"+v+"\u00a0»")
		}
	case "bad_json":
		out["detail"] = i18n.Tm(lang, "api.json."+params["reason"], params)
	case "body_too_large":
		out["limit"] = i18n.T(lang, "api.limit.body")
	case "wrong_type":
		if e, ok := params["expected"]; ok {
			out["expected"] = i18n.T(lang, "api.type."+e)
		}
	}
	return out
}

// writeJSON writes v as the answer. The encoder escapes <, > and & inside
// strings, so HTML a customer typed stays inert even for a client that
// ignores the content type; nosniff forbids guessing it anyway.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The status line is gone; all that is left is to say so.
		slog.Debug("api: write answer", "err", err)
	}
}
