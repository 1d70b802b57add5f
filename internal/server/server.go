// Package server assembles Palier's HTTP surface: the agent web UI, the JSON
// API, health and readiness checks and Prometheus metrics, behind the
// middleware every request passes (panic recovery, request log, security
// headers, CSRF protection).
package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/palier/palier/internal/api"
	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/web"
)

// Config tunes the server.
type Config struct {
	SecureCookies bool // set the Secure flag on cookies (behind HTTPS)
	Log           *slog.Logger
	Version       string
	// TrustedProxies may set X-Forwarded-For (see package clientip).
	TrustedProxies clientip.Proxies
	// SeparateMetrics serves /metrics only from the handler Handlers
	// returns for it (--metrics-addr), not from the main address.
	SeparateMetrics bool
	// PublicURL is where customers reach the server (sign-in links).
	PublicURL string
	// MetricsToken, when set, is required as "Authorization: Bearer …" to
	// read /metrics.
	MetricsToken string
	// Done, when closed, ends the UI's event streams, so that a graceful
	// shutdown does not wait for them (close it before Shutdown).
	Done <-chan struct{}
	// RequestBudget bounds how long an ordinary request may wait (zero:
	// DefaultRequestBudget); see budget.go.
	RequestBudget time.Duration
}

// New returns the complete HTTP handler.
func New(d *desk.Service, cfg Config) (http.Handler, error) {
	app, _, err := Handlers(d, cfg)
	return app, err
}

// Handlers returns the application's handler and the metrics handler (for
// a separate address; the application serves /metrics itself unless
// cfg.SeparateMetrics).
func Handlers(d *desk.Service, cfg Config) (app, metricsHandler http.Handler, err error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	ui, err := web.New(d, web.Options{SecureCookies: cfg.SecureCookies, Log: cfg.Log, PublicURL: cfg.PublicURL, Done: cfg.Done})
	if err != nil {
		return nil, nil, err
	}
	m := newMetrics(cfg.Version)
	m.gauges = liveGauges(d)
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", withBudget(cfg.RequestBudget, api.New(d, cfg.Log, cfg.PublicURL)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := d.Store().Ping(ctx); err != nil {
			cfg.Log.Warn("not ready", "err", err)
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	// Saved routing rules that cannot compile leave every new ticket on the
	// default route. That is not a readiness failure (every instance reads
	// the same rules, so failing /readyz would stop all intake rather than
	// degrade it), so it has a detail check of its own for monitoring.
	mux.HandleFunc("GET /healthz/routing", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		broken, err := d.BrokenRoutingRules(ctx)
		switch {
		case err != nil:
			cfg.Log.Warn("routing health check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("cannot check the routing rules\n"))
		case len(broken) > 0:
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, b := range broken {
				_, _ = fmt.Fprintf(w, "workspace %d: routing rules version %d do not compile (%s); new tickets follow the default route\n",
					b.WorkspaceID, b.Version, problem.Count(b.Errors, "error"))
			}
		default:
			_, _ = w.Write([]byte("ok\n"))
		}
	})
	metricsHandler = guardMetrics(cfg.MetricsToken, m)
	if !cfg.SeparateMetrics {
		mux.Handle("GET /metrics", metricsHandler)
	}
	mux.Handle("/", withBudget(cfg.RequestBudget, ui))
	// The page's event stream is the one UI route that answers for longer
	// than the write timeout: its deadlines are lifted, for it alone, and
	// it has no request budget.
	mux.Handle("GET /events", LongRunning(ui))

	csrf := http.NewCrossOriginProtection()
	var h http.Handler = mux
	h = csrf.Handler(h)
	h = securityHeaders(h)
	h = recoverPanics(cfg.Log, h)
	h = observe(cfg.Log, m, h)
	h = clientip.Middleware(cfg.TrustedProxies, h)
	metricsMux := http.NewServeMux()
	metricsMux.Handle("GET /metrics", metricsHandler)
	return h, recoverPanics(cfg.Log, metricsMux), nil
}

// guardMetrics requires the bearer token, when one is set.
func guardMetrics(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries. Scripts and
// styles come only from Palier itself; htmx injects one small style element
// for its indicators, hence 'unsafe-inline' for styles only.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		// The one exception to "never framed": the help box's pages, which
		// narrow frame-ancestors to the origins their workspace allows once
		// they know its key (web.FramedPath, web/helpbox.go). Every other
		// response refuses framing whatever its handler set.
		if !web.FramedPath(r.URL.Path) {
			w = &refuseFraming{ResponseWriter: w}
		}
		next.ServeHTTP(w, r)
	})
}

const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// refuseFraming makes sure, as the response starts, that it still refuses
// framing: X-Frame-Options DENY, and frame-ancestors 'none' in whatever
// policy the handler chose (a stricter one, as for attachments, is kept).
type refuseFraming struct {
	http.ResponseWriter
	started bool
}

func (f *refuseFraming) WriteHeader(code int) {
	if !f.started {
		f.started = true
		h := f.Header()
		h.Set("X-Frame-Options", "DENY")
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			if strings.Contains(csp, "frame-ancestors") || csp == "" {
				csp = contentSecurityPolicy
			} else {
				csp += "; frame-ancestors 'none'"
			}
			h.Set("Content-Security-Policy", csp)
		}
	}
	f.ResponseWriter.WriteHeader(code)
}

func (f *refuseFraming) Write(b []byte) (int, error) {
	if !f.started {
		f.WriteHeader(http.StatusOK)
	}
	return f.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (f *refuseFraming) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// recoverPanics turns a panic into a logged 500 so one bad request cannot
// take the instance down: JSON in the API's error shape under /api/, a
// short page elsewhere. http.ErrAbortHandler is net/http's way to abort a
// response on purpose and passes through.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			h := w.Header()
			h.Del("Content-Length")
			h.Set("Cache-Control", "no-store")
			if strings.HasPrefix(r.URL.Path, "/api/") {
				h.Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"error":{"code":"internal","message":"Something went wrong on our side. Nothing was saved; please try again."}}` + "\n"))
				return
			}
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(panicPage))
		}()
		next.ServeHTTP(w, r)
	})
}

// panicPage is bilingual: the locale is not known once a handler panicked.
const panicPage = `<!doctype html><html><head><meta charset="utf-8"><title>Erreur / Error</title></head><body>
<h1>Une erreur est survenue / Something went wrong</h1>
<p>Rien n'a été enregistré ; veuillez réessayer. / Nothing was saved; please try again.</p>
<p><a href="/">Palier</a></p></body></html>
`

// statusClientClosed is nginx's code for a request the client abandoned.
const statusClientClosed = 499

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flushing).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// observe records every request once it is answered: its latency in the
// metrics and a log line (errors at error level, the rest at debug).
func observe(log *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		status := rec.status
		if errors.Is(r.Context().Err(), context.Canceled) && status >= 500 {
			// The client went away and its request failed for that reason:
			// counted as cancelled (nginx's 499), not as a server error.
			status = statusClientClosed
		}
		m.observe(r, status, took)
		// Server errors are logged where they happen, with their cause (a
		// database outage once per incident): here they only get the debug
		// line every request gets, so a failure is never logged twice.
		log.Log(r.Context(), slog.LevelDebug, "request", "method", r.Method, "path", r.URL.Path, "status", status,
			"bytes", rec.bytes, "duration", took)
	})
}
