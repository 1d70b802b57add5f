// Package server assembles Palier's HTTP surface: the agent web UI, the JSON
// API, health and readiness checks and Prometheus metrics, behind the
// middleware every request passes (panic recovery, request log, security
// headers, CSRF protection).
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/palier/palier/internal/api"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/web"
)

// Config tunes the server.
type Config struct {
	SecureCookies bool // set the Secure flag on cookies (behind HTTPS)
	Log           *slog.Logger
	Version       string
}

// New returns the complete HTTP handler.
func New(d *desk.Service, cfg Config) (http.Handler, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	ui, err := web.New(d, web.Options{SecureCookies: cfg.SecureCookies, Log: cfg.Log})
	if err != nil {
		return nil, err
	}
	m := newMetrics(cfg.Version)
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", api.New(d, cfg.Log))
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
	mux.Handle("GET /metrics", m)
	mux.Handle("/", ui)

	csrf := http.NewCrossOriginProtection()
	var h http.Handler = mux
	h = csrf.Handler(h)
	h = securityHeaders(h)
	h = recoverPanics(cfg.Log, h)
	h = observe(cfg.Log, m, h)
	return h, nil
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
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into a logged 500 so one bad request cannot
// take the instance down.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

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
		m.observe(r, rec.status, took)
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelError
		}
		log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration", took)
	})
}
