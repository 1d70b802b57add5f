package server

import (
	"context"
	"net/http"
	"time"
)

// DefaultRequestBudget bounds an ordinary request: every wait it makes on
// the database (a pooled connection, SQLite's one writer, a batch to
// join) honours the request's context, and a browser or API client that
// keeps waiting never cancels it. Without a bound, a request whose
// connection never came stayed in the server for good (a browser test of
// the contact form, eighth session). Past the budget the waits end, and
// the request is answered 503 "unavailable" with Retry-After and logged
// (web and api map the expired deadline so). It is below the write
// timeout (DefaultLimits), so the answer can still be written, and far
// above the slowest page (a few seconds).
const DefaultRequestBudget = 30 * time.Second

// withBudget gives each request a deadline of budget. The event stream,
// which answers for as long as it is open, is mounted apart without it
// (see Handlers); a WebSocket's budget bounds its handshake only, as its
// session runs on a context of its own once accepted (web's runWS).
func withBudget(budget time.Duration, next http.Handler) http.Handler {
	if budget <= 0 {
		budget = DefaultRequestBudget
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), budget)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
