package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/secret"
	"github.com/palier/palier/internal/store"
)

// mailFlags configure the email channel of palier serve.
type mailFlags struct {
	smtpAddr string
	relay    string
	inbound  string
	imap     string
	rate     string
}

func (m *mailFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.smtpAddr, "smtp-addr", os.Getenv("PALIER_SMTP_ADDR"), "address of the built-in SMTP receiver an MTA delivers inbound mail to, e.g. 127.0.0.1:2525 (off when empty)")
	fs.StringVar(&m.relay, "smtp-relay", os.Getenv("PALIER_SMTP_RELAY"), "SMTP relay for agents' replies, smtp://user:password@host:port or smtps://… (replies are not emailed when empty)")
	fs.StringVar(&m.imap, "imap", os.Getenv("PALIER_IMAP"), "an IMAP mailbox the first workspace polls, imaps://user:password@host:993/INBOX?address=support@example.com&after=move:Processed (more in the admin page)")
	fs.StringVar(&m.rate, "inbound-sender-limit", envOr("PALIER_INBOUND_SENDER_LIMIT", "30/1h"), "inbound messages one sender may send per window, e.g. 30/1h; more are refused for now (SMTP 450, IMAP left for later); 0 for no limit")
	fs.StringVar(&m.inbound, "inbound-addresses", os.Getenv("PALIER_INBOUND_ADDRESSES"), "comma-separated addresses the first workspace receives mail at, e.g. support@example.com")
}

// mailService is the running email channel and the job runner: the SMTP
// receiver, and the one runner of every queued job (replies by email,
// webhook deliveries…).
type mailService struct {
	receiver   *mail.Receiver
	stop       context.CancelFunc
	stopPoller context.CancelFunc
	wg         sync.WaitGroup
}

// start starts what the flags ask for and the job runner, with the handlers
// runner already has; the returned service is stopped with shutdown. The
// IMAP poller always runs: admins add mailboxes in the admin page, and it
// only claims enabled ones.
func (m *mailFlags) start(ctx context.Context, s *store.Store, d *desk.Service, runner *jobs.Runner, log *slog.Logger, stdout io.Writer) (*mailService, error) {
	svc := &mailService{}
	if err := m.addInbound(ctx, s); err != nil {
		return nil, err
	}
	n, window, err := parseSenderLimit(m.rate)
	if err != nil {
		return nil, fmt.Errorf("--inbound-sender-limit: %w", err)
	}
	d.LimitInboundSenders(n, window)
	if err := m.startPoller(ctx, s, d, log, svc); err != nil {
		return nil, err
	}
	var relay mail.Relay
	if m.relay != "" {
		var err error
		if relay, err = mail.ParseRelay(m.relay); err != nil {
			return nil, fmt.Errorf("--smtp-relay: %w", err)
		}
	}
	var ln net.Listener
	if m.smtpAddr != "" {
		var err error
		if ln, err = net.Listen("tcp", m.smtpAddr); err != nil {
			return nil, fmt.Errorf("--smtp-addr: listen on %s: %w", m.smtpAddr, err)
		}
		host, _ := os.Hostname()
		svc.receiver = mail.NewReceiver(d, host, log)
		svc.wg.Go(func() {
			if err := svc.receiver.Serve(ln); err != nil {
				log.Error("smtp receiver", "err", err)
			}
		})
		fmt.Fprintf(stdout, "Receiving mail by SMTP on %s\n", ln.Addr())
	}
	if m.relay != "" {
		d.EnableEmailReplies(desk.Outbound{})
		mail.NewOutbox(d, relay, log).Register(runner)
		fmt.Fprintf(stdout, "Sending replies through %s:%d\n", relay.Host, relay.Port)
	} else if d.RelaySettingsEnabled() {
		// No server relay: workspaces whose admins set up their own relay
		// still send mail through it; the others queue nothing.
		d.EnableEmailReplies(desk.Outbound{WorkspaceRelayOnly: true})
		mail.NewOutbox(d, relay, log).Register(runner)
	}
	d.EnableRelayTests(mail.SendTest)
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	svc.stop = stop
	svc.wg.Go(func() { _ = runner.Run(runCtx) })
	return svc, nil
}

// startPoller configures the --imap mailbox, if any, and starts polling.
func (m *mailFlags) startPoller(ctx context.Context, s *store.Store, d *desk.Service, log *slog.Logger, svc *mailService) error {
	if m.imap != "" {
		in, err := mail.ParseMailboxURL(m.imap)
		if err != nil {
			return fmt.Errorf("--imap: %w", err)
		}
		ws, err := s.FirstWorkspace(ctx)
		if err != nil {
			return err
		}
		if _, err := d.ConfigureMailbox(ctx, ws.ID, in); err != nil {
			return fmt.Errorf("--imap: %w", err)
		}
	}
	pollCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	svc.stopPoller = stop
	p := mail.NewPoller(d, log)
	svc.wg.Go(func() { _ = p.Run(pollCtx) })
	return nil
}

// parseSenderLimit reads "30/1h" (0 or "" for no limit).
func parseSenderLimit(v string) (int, time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "0" {
		return 0, 0, nil
	}
	count, per, ok := strings.Cut(v, "/")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 0 {
		return 0, 0, fmt.Errorf("%q: write a number of messages and a window, e.g. 30/1h", v)
	}
	window, err := time.ParseDuration(per)
	if err != nil || window <= 0 {
		return 0, 0, fmt.Errorf("%q: the window must be a positive duration, e.g. 1h", v)
	}
	return n, window, nil
}

// enableSecrets loads the server key that seals mailbox passwords:
// PALIER_SECRET_KEY, else a key file generated in the data directory.
func enableSecrets(s *store.Store, d *desk.Service, dataDir string, log *slog.Logger) error {
	env := os.Getenv("PALIER_SECRET_KEY")
	box, err := secret.Load(env, dataDir)
	if err != nil {
		return err
	}
	if env == "" && s.Dialect() == store.Postgres {
		// Instances sharing one database must share the key, or one
		// cannot open what another sealed.
		log.Warn("PALIER_SECRET_KEY is not set: mailbox passwords are sealed with the key file of this instance's data directory; give every instance the same key", "file", filepath.Join(dataDir, secret.KeyFile))
	}
	d.EnableMailboxes(box)
	return nil
}

// addInbound registers the --inbound-addresses for the first workspace;
// addresses it already has are left alone.
func (m *mailFlags) addInbound(ctx context.Context, s *store.Store) error {
	if strings.TrimSpace(m.inbound) == "" {
		return nil
	}
	ws, err := s.FirstWorkspace(ctx)
	if err != nil {
		return err
	}
	for _, a := range strings.Split(m.inbound, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		if !strings.Contains(a, "@") {
			return fmt.Errorf("--inbound-addresses: %q is not an email address", a)
		}
		err := s.AddInboundAddress(ctx, ws.ID, a)
		if err != nil && !problem.Is(err, problem.Conflict) {
			return fmt.Errorf("--inbound-addresses: %w", err)
		}
	}
	return nil
}

// shutdown stops receiving (sessions in progress finish), then stops the
// runner, letting replies being sent finish.
func (svc *mailService) shutdown(ctx context.Context) error {
	var err error
	if svc.receiver != nil {
		err = svc.receiver.Shutdown(ctx)
	}
	if svc.stop != nil {
		svc.stop()
	}
	if svc.stopPoller != nil {
		svc.stopPoller()
	}
	done := make(chan struct{})
	go func() { svc.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, ctx.Err())
	}
	return err
}
