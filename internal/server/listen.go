package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits protect the server from clients that hold connections: slow
// headers or bodies (slowloris), answers read slowly, idle keep-alives, and
// one address opening many connections. Zero fields take the defaults.
type Limits struct {
	ReadHeaderTimeout time.Duration // to receive a request's headers
	ReadTimeout       time.Duration // to receive a whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the answer
	IdleTimeout       time.Duration // a keep-alive connection waiting for its next request
	MaxConnsPerAddr   int           // concurrent connections from one client address
}

// DefaultLimits are generous for people and API clients (the largest body
// is 1 MiB; the slowest page a few seconds) and short for a client that
// trickles bytes.
var DefaultLimits = Limits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      60 * time.Second,
	IdleTimeout:       2 * time.Minute,
	MaxConnsPerAddr:   64,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.ReadHeaderTimeout > 0 {
		d.ReadHeaderTimeout = l.ReadHeaderTimeout
	}
	if l.ReadTimeout > 0 {
		d.ReadTimeout = l.ReadTimeout
	}
	if l.WriteTimeout > 0 {
		d.WriteTimeout = l.WriteTimeout
	}
	if l.IdleTimeout > 0 {
		d.IdleTimeout = l.IdleTimeout
	}
	if l.MaxConnsPerAddr > 0 {
		d.MaxConnsPerAddr = l.MaxConnsPerAddr
	}
	return d
}

// HTTPServer returns an http.Server for h with the limits' timeouts.
func HTTPServer(h http.Handler, l Limits, log *slog.Logger) *http.Server {
	l = l.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	return &http.Server{Handler: h, ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout,
		WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)}
}

// LongRunning marks a handler that answers for longer than the write
// timeout allows (an event stream, a large export): its connection's read
// and write deadlines are lifted, explicitly, for that request only. The
// per-address connection budget still applies.
func LongRunning(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{})
		_ = rc.SetReadDeadline(time.Time{})
		h.ServeHTTP(w, r)
	})
}

// LimitListener wraps ln so that one client address holds at most max
// connections at once. The connection over budget is answered 503 with
// Retry-After and closed, without reaching the HTTP server.
func LimitListener(ln net.Listener, max int, log *slog.Logger) net.Listener {
	if log == nil {
		log = slog.Default()
	}
	return &limitListener{Listener: ln, max: max, open: map[string]int{}, log: log}
}

type limitListener struct {
	net.Listener
	max int
	log *slog.Logger

	mu         sync.Mutex
	open       map[string]int
	lastLogged time.Time
	refused    int
}

// refusal is the whole answer to a connection over budget.
const refusal = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 29\r\n\r\ntoo many connections, retry\r\n"

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := hostOf(c.RemoteAddr())
		if l.acquire(host) {
			return &budgetConn{Conn: c, release: sync.OnceFunc(func() { l.release(host) })}, nil
		}
		// Answered and closed aside, so a flood cannot stall Accept.
		go func() {
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = c.Write([]byte(refusal))
			_ = c.Close()
		}()
	}
}

func (l *limitListener) acquire(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host] < l.max {
		l.open[host]++
		return true
	}
	l.refused++
	if time.Since(l.lastLogged) >= time.Minute {
		// Once a minute at most: a flood must not flood the log too.
		l.log.Warn("connections refused: per-address budget reached", "addr", host, "max", l.max, "refused", l.refused)
		l.lastLogged, l.refused = time.Now(), 0
	}
	return false
}

func (l *limitListener) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host]--; l.open[host] <= 0 {
		delete(l.open, host)
	}
}

// Open is how many connections an address holds (tests, diagnostics).
func (l *limitListener) Open(host string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[host]
}

func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

type budgetConn struct {
	net.Conn
	release func()
}

func (c *budgetConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// Serve runs srv on ln until ctx ends, then shuts it down gracefully
// within grace.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
