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
	"strings"
	"sync"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// mailFlags configure the email channel of palier serve.
type mailFlags struct {
	smtpAddr string
	relay    string
	inbound  string
}

func (m *mailFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.smtpAddr, "smtp-addr", os.Getenv("PALIER_SMTP_ADDR"), "address of the built-in SMTP receiver an MTA delivers inbound mail to, e.g. 127.0.0.1:2525 (off when empty)")
	fs.StringVar(&m.relay, "smtp-relay", os.Getenv("PALIER_SMTP_RELAY"), "SMTP relay for agents' replies, smtp://user:password@host:port or smtps://… (replies are not emailed when empty)")
	fs.StringVar(&m.inbound, "inbound-addresses", os.Getenv("PALIER_INBOUND_ADDRESSES"), "comma-separated addresses the first workspace receives mail at, e.g. support@example.com")
}

// mailService is the running email channel and the job runner: the SMTP
// receiver, and the one runner of every queued job (replies by email,
// webhook deliveries…).
type mailService struct {
	receiver *mail.Receiver
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

// start starts what the flags ask for and the job runner, with the handlers
// runner already has; the returned service is stopped with shutdown.
func (m *mailFlags) start(ctx context.Context, s *store.Store, d *desk.Service, runner *jobs.Runner, log *slog.Logger, stdout io.Writer) (*mailService, error) {
	svc := &mailService{}
	if err := m.addInbound(ctx, s); err != nil {
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
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	svc.stop = stop
	svc.wg.Go(func() { _ = runner.Run(runCtx) })
	return svc, nil
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
	done := make(chan struct{})
	go func() { svc.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, ctx.Err())
	}
	return err
}
