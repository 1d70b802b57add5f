package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/clientip"
	"github.com/palier/palier/internal/demo"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/webhook"
	"github.com/palier/palier/internal/workspace"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var db dbFlags
	db.register(fs)
	addr := fs.String("addr", envOr("PALIER_ADDR", "127.0.0.1:8080"), "address to listen on")
	withDemo := fs.Bool("demo", false, "load the demo workspace into an empty database")
	secure := fs.Bool("secure-cookies", os.Getenv("PALIER_SECURE_COOKIES") == "true", "mark cookies Secure (set when serving over HTTPS)")
	logLevel := fs.String("log-level", envOr("PALIER_LOG_LEVEL", "info"), "debug, info, warn or error")
	proxies := fs.String("trusted-proxies", os.Getenv("PALIER_TRUSTED_PROXIES"), "comma-separated CIDRs of proxies whose X-Forwarded-For is believed (default: none)")
	hashes := fs.Int("max-password-hashes", envInt("PALIER_MAX_PASSWORD_HASHES", 0), "password hashes run at once, 19 MiB each (default: 2 × GOMAXPROCS)")
	lim, metricsAddr, metricsToken, err := edgeFlags(fs)
	if err != nil {
		return err
	}
	var mf mailFlags
	mf.register(fs)
	publicURL := fs.String("public-url", os.Getenv("PALIER_PUBLIC_URL"), "address customers reach Palier at, for emailed sign-in links (default: http://ADDR)")
	attachDir := fs.String("attachments-dir", os.Getenv("PALIER_ATTACHMENTS_DIR"), "directory of attachment files (default: attachments inside --data)")
	attachMiB := fs.Int("attachment-max-mib", envInt("PALIER_ATTACHMENT_MAX_MIB", 25), "largest attachment accepted, in MiB")
	privateHooks := fs.Bool("webhooks-allow-private", os.Getenv("PALIER_WEBHOOKS_ALLOW_PRIVATE") == "true", "let webhooks reach loopback and private addresses (refused by default)")
	attachFiles := fs.Int("attachment-max-files", envInt("PALIER_ATTACHMENT_MAX_FILES", 10), "most files attached to one message")
	blobStore := fs.String("blob-store", os.Getenv("PALIER_BLOB_STORE"), "keep attachments in an S3-compatible bucket: s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R (keys: PALIER_S3_ACCESS_KEY, PALIER_S3_SECRET_KEY); default: --attachments-dir")
	if err := fs.Parse(args); err != nil {
		return err
	}
	trusted, err := clientip.Parse(*proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	auth.SetHashConcurrency(*hashes)
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	s, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := bootstrap(ctx, s, *withDemo, stdout); err != nil {
		return err
	}
	d := desk.New(s, log)
	hub := desk.NewLiveHub(s, d)
	d.UseLive(hub)
	go func() { _ = hub.Run(ctx, nil) }()
	// Chats nobody accepted in time are offered to leave a message; every
	// instance sweeps, each chat is missed once.
	go d.RunChatExpiry(ctx, 5*time.Second)
	if *attachDir == "" {
		*attachDir = filepath.Join(db.dataDir, "attachments")
	}
	blobs, err := openBlobs(ctx, *blobStore, *attachDir, log)
	if err != nil {
		return err
	}
	go sweepBlobs(ctx, d, log)
	d.EnableAttachments(blobs, attachment.Limits{MaxFileBytes: int64(*attachMiB) << 20, MaxFiles: *attachFiles})
	if *publicURL == "" {
		*publicURL = "http://" + *addr
	}
	if *withDemo && mf.relay == "" {
		d.LogSignInLinks() // the demo's customers have no inbox: their links go to the log
	}
	if err := enableSecrets(s, d, db.dataDir, log); err != nil {
		return err
	}
	if n, err := d.SealConnectorSecrets(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("connector secrets sealed with the server key", "count", n)
	}
	handler, metrics, err := server.Handlers(d, server.Config{SecureCookies: *secure, Log: log, Version: version,
		SeparateMetrics: *metricsAddr != "", MetricsToken: *metricsToken, TrustedProxies: trusted, PublicURL: *publicURL,
		Done: ctx.Done()}) // the signal ends event streams before the graceful shutdown waits on them
	if err != nil {
		return err
	}
	runner := jobs.New(s, log)
	webhook.New(d, webhook.Policy{AllowPrivate: *privateHooks}, log).Register(runner)
	mailSvc, err := mf.start(ctx, s, d, runner, log, stdout)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := server.HTTPServer(handler, *lim, log)
	fmt.Fprintf(stdout, "Palier is running (%s): open http://%s/\n", s.Dialect(), displayAddr(ln.Addr()))
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(server.LimitListener(ln, lim.MaxConnsPerAddr, log)) }()
	var metricsSrv *http.Server
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("listen on %s (metrics): %w", *metricsAddr, err)
		}
		metricsSrv = server.HTTPServer(metrics, *lim, log)
		fmt.Fprintf(stdout, "Metrics: http://%s/metrics\n", displayAddr(mln.Addr()))
		go func() { errc <- metricsSrv.Serve(mln) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(shutdownCtx)
	}
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := mailSvc.shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown mail: %w", err)
	}
	return nil
}

// edgeFlags declares the limits that protect the server from slow or
// greedy clients, and where metrics are served.
func edgeFlags(fs *flag.FlagSet) (lim *server.Limits, metricsAddr, metricsToken *string, err error) {
	d := server.DefaultLimits
	lim = &server.Limits{}
	for _, t := range []struct {
		into      *time.Duration
		flag, env string
		def       time.Duration
		usage     string
	}{
		{&lim.ReadHeaderTimeout, "read-header-timeout", "PALIER_READ_HEADER_TIMEOUT", d.ReadHeaderTimeout, "time a client has to send a request's headers"},
		{&lim.ReadTimeout, "read-timeout", "PALIER_READ_TIMEOUT", d.ReadTimeout, "time a client has to send a whole request, body included"},
		{&lim.WriteTimeout, "write-timeout", "PALIER_WRITE_TIMEOUT", d.WriteTimeout, "time to answer a request, from the end of its headers"},
		{&lim.IdleTimeout, "idle-timeout", "PALIER_IDLE_TIMEOUT", d.IdleTimeout, "time a keep-alive connection may wait for its next request"},
	} {
		def := t.def
		if v := os.Getenv(t.env); v != "" {
			if def, err = time.ParseDuration(v); err != nil || def <= 0 {
				return nil, nil, nil, fmt.Errorf("%s: %q is not a positive duration (e.g. 30s)", t.env, v)
			}
		}
		fs.DurationVar(t.into, t.flag, def, t.usage)
	}
	maxConns := d.MaxConnsPerAddr
	if v := os.Getenv("PALIER_MAX_CONNS_PER_ADDR"); v != "" {
		if maxConns, err = strconv.Atoi(v); err != nil || maxConns <= 0 {
			return nil, nil, nil, fmt.Errorf("PALIER_MAX_CONNS_PER_ADDR: %q is not a positive number", v)
		}
	}
	fs.IntVar(&lim.MaxConnsPerAddr, "max-conns-per-addr", maxConns, "concurrent connections one client address may hold")
	metricsAddr = fs.String("metrics-addr", os.Getenv("PALIER_METRICS_ADDR"), "serve /metrics on this address only (not on --addr)")
	metricsToken = fs.String("metrics-token", os.Getenv("PALIER_METRICS_TOKEN"), "require this bearer token to read /metrics")
	return lim, metricsAddr, metricsToken, nil
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// bootstrap prepares an empty database: the demo workspace on request, or
// a default workspace plus the first admin from PALIER_ADMIN_EMAIL and
// PALIER_ADMIN_PASSWORD.
func bootstrap(ctx context.Context, s *store.Store, withDemo bool, stdout io.Writer) error {
	_, err := s.FirstWorkspace(ctx)
	empty := problem.Is(err, problem.NotFound)
	if err != nil && !empty {
		return err
	}
	if withDemo && empty {
		fmt.Fprintln(stdout, "Loading the demo workspace…")
		info, err := demo.Load(ctx, s, 1)
		if err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		printDemoLogins(stdout, info)
		return nil
	}
	if withDemo {
		fmt.Fprintln(stdout, "The database already holds a workspace; the demo is not loaded again.")
	}
	if empty {
		if _, err := createDefaultWorkspace(ctx, s); err != nil {
			return err
		}
	}
	return createFirstAdmin(ctx, s, stdout)
}

func printDemoLogins(w io.Writer, info demo.Info) {
	fmt.Fprintf(w, "Demo workspace ready: %d tickets. Sign in with one of these accounts:\n", info.Tickets)
	for _, l := range info.Logins {
		fmt.Fprintf(w, "  %-8s %-32s password: %s  (%s%s)\n", l.Role, l.Email, l.Password, l.Name, tiersSuffix(l.Tiers))
	}
	if info.HelpBoxKey != "" {
		fmt.Fprintf(w, "Help box: open %s on this server (at its default address), or put this tag on a page served from http://localhost:8081:\n  <script src=\"http://127.0.0.1:8080/help/box.js?key=%s\" async></script>\n",
			demo.HelpBoxDemoPath, info.HelpBoxKey)
	}
}

func tiersSuffix(t string) string {
	if t == "" {
		return ""
	}
	return ", " + t
}

func createDefaultWorkspace(ctx context.Context, s *store.Store) (workspace.Workspace, error) {
	lang := envOr("PALIER_LANGUAGE", "fr")
	return s.CreateWorkspace(ctx, workspace.Workspace{
		Name: envOr("PALIER_WORKSPACE_NAME", "Support"), SupportModel: workspace.Tiered,
		Languages: []string{"fr", "en"}, DefaultLanguage: lang, Timezone: envOr("PALIER_TIMEZONE", "Europe/Paris"),
		BusinessHours: envOr("PALIER_BUSINESS_HOURS", workspace.DefaultBusinessHours),
	}, workspace.DefaultTiers(lang))
}

func createFirstAdmin(ctx context.Context, s *store.Store, stdout io.Writer) error {
	n, err := s.CountMembers(ctx)
	if err != nil || n > 0 {
		return err
	}
	email, password := os.Getenv("PALIER_ADMIN_EMAIL"), os.Getenv("PALIER_ADMIN_PASSWORD")
	if email == "" || password == "" {
		fmt.Fprintln(stdout, "No accounts yet. Set PALIER_ADMIN_EMAIL and PALIER_ADMIN_PASSWORD and restart, or run: palier user create --email you@example.com --name You --role admin")
		return nil
	}
	if len([]rune(password)) < auth.MinPasswordLength {
		return fmt.Errorf("PALIER_ADMIN_PASSWORD must be at least %d characters", auth.MinPasswordLength)
	}
	ws, err := s.FirstWorkspace(ctx)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	name, _, _ := strings.Cut(email, "@")
	if _, err := s.CreateMember(ctx, ws.ID, 0, workspace.Member{Email: email, Name: name, Role: workspace.Admin, Active: true}, hash); err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	fmt.Fprintf(stdout, "Created the first administrator: %s\n", email)
	return nil
}

func envInt(key string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return fallback
}
