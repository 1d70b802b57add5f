package api

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"regexp"

	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
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
}

var errInternal = problem.New(problem.Internal, "internal", "internal error")

// fail renders err as the JSON error answer. Errors that are not problems,
// and problems of kind Internal, are logged and answered 500 "internal"
// without details: they may carry SQL or file paths.
func (a *API) fail(c *call, err error) {
	p, ok := problem.As(err)
	if !ok || p.Kind == problem.Internal {
		if c.r.Context().Err() != nil {
			a.log.Debug("api: request abandoned", "method", c.r.Method, "path", c.r.URL.Path, "err", err)
		} else {
			a.log.Error("api: internal error", "method", c.r.Method, "path", c.r.URL.Path, "operation", c.route.ID, "err", err)
		}
		p = errInternal
	}
	status := p.Kind.Status()
	if s, ok := statusOverride[p.Code]; ok {
		status = s
	}
	if status == http.StatusUnauthorized {
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="palier"`)
	}
	c.w.Header().Set("Content-Language", c.lang)
	writeJSON(c.w, status, errorBody{Error: translate(c.lang, p)})
}

// translate renders a problem in a language: the catalogue's "error.<code>"
// and "field.<code>" texts with the problem's parameters, or the problem's
// own English message when the catalogue has no text for the code.
func translate(lang string, p *problem.Error) errorJSON {
	out := errorJSON{Code: p.Code, Params: p.Params,
		Message: message(lang, "error."+p.Code, p.Code, p.Message, p.Params)}
	if len(p.Fields) > 0 {
		out.Fields = make(map[string]fieldJSON, len(p.Fields))
		for name, f := range p.Fields {
			out.Fields[name] = fieldJSON{Code: f.Code, Params: f.Params,
				Message: message(lang, "field."+f.Code, f.Code, f.Message, f.Params)}
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
			if lang == "fr" {
				out["value_suffix"] = " «\u00a0" + v + "\u00a0»"
			} else {
				out["value_suffix"] = ` "` + v + `"`
			}
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
