// Package webhook delivers Palier's outgoing HTTP calls: today the agents'
// replies to a connector's webhook (package connector), signed with the
// connector's secret, retried with back-off by the job queue.
//
// Where a webhook may point is checked when dialling, not when the address
// is saved: a name can resolve to an internal address later. By default
// loopback, private, link-local and unspecified addresses are refused, so
// a webhook cannot be turned against the network Palier runs in.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// Policy says where webhooks may go.
type Policy struct {
	// AllowPrivate lets webhooks reach loopback and private addresses
	// (tests, and receivers on the same network on purpose).
	AllowPrivate bool
	// Timeout bounds one delivery (default 10 s).
	Timeout time.Duration
}

// Deliverer sends connector.deliver jobs.
type Deliverer struct {
	desk   *desk.Service
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
}

// ErrForbiddenAddress refuses a webhook that resolves to an address the
// policy keeps out of reach.
var ErrForbiddenAddress = errors.New("webhook address is not allowed (loopback, private or link-local)")

// New returns a deliverer.
func New(d *desk.Service, p Policy, log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.Default()
	}
	if p.Timeout <= 0 {
		p.Timeout = 10 * time.Second
	}
	dialer := &net.Dialer{Timeout: p.Timeout}
	if !p.AllowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			return checkAddress(address)
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: p.Timeout,
		ResponseHeaderTimeout: p.Timeout, MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: transport, Timeout: p.Timeout,
		// A redirect could lead anywhere; the receiver must answer at the
		// address it was given.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Deliverer{desk: d, client: client, log: log, now: time.Now}
}

// checkAddress refuses the addresses a webhook must not reach. It runs on
// the resolved address of every connection, redirects and re-resolutions
// included.
func checkAddress(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
	}
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ip)
	}
	return nil
}

// Register makes a job runner deliver connector replies.
func (w *Deliverer) Register(r *jobs.Runner) { r.Handle(desk.ConnectorDeliverJob, w.Deliver) }

// Deliver sends one reply to its connector's webhook. The receiver should
// deduplicate on message_id (also sent as Idempotency-Key): a crash
// between its answer and our record of it sends the reply again.
func (w *Deliverer) Deliver(ctx context.Context, j jobs.Job) error {
	var job desk.ConnectorJob
	if err := j.Decode(&job); err != nil {
		return err
	}
	msgID := job.Message.MessageID
	if state, _, err := w.desk.ConnectorDelivery(ctx, job.ConnectorID, msgID); err != nil {
		if problem.Is(err, problem.NotFound) {
			return jobs.Permanent(err)
		}
		return err
	} else if state == store.MailSent {
		return nil
	}
	c, err := w.desk.ConnectorForDelivery(ctx, job.WorkspaceID, job.ConnectorID)
	if err != nil {
		if problem.Is(err, problem.NotFound) {
			return jobs.Permanent(err)
		}
		return err
	}
	if !c.Active || c.WebhookURL == "" {
		return w.finish(ctx, job, jobs.Permanent(errors.New("the connector is off or has no webhook")))
	}
	status, answer, err := w.post(ctx, c, job.Message)
	switch {
	case err != nil:
		if errors.Is(err, ErrForbiddenAddress) {
			err = jobs.Permanent(err)
		}
	case status >= 200 && status < 300:
		return w.desk.SetConnectorDelivery(ctx, c.ID, msgID, store.MailSent, strconv.Itoa(status))
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500:
		err = fmt.Errorf("webhook answered %d: %s", status, answer)
	default:
		err = jobs.Permanent(fmt.Errorf("webhook refused the reply with %d: %s", status, answer))
	}
	if !jobs.IsPermanent(err) && j.Attempt >= j.MaxAttempts {
		err = jobs.Permanent(err)
	}
	return w.finish(ctx, job, err)
}

// finish records a failed attempt: still queued while the job retries,
// failed once it will not.
func (w *Deliverer) finish(ctx context.Context, job desk.ConnectorJob, err error) error {
	state := store.MailQueued
	if jobs.IsPermanent(err) {
		state = store.MailFailed
	}
	if serr := w.desk.SetConnectorDelivery(ctx, job.ConnectorID, job.Message.MessageID, state, err.Error()); serr != nil {
		w.log.Error("webhook: record delivery state", "message_id", job.Message.MessageID, "err", serr)
	}
	return err
}

// post sends the signed message and returns the receiver's status and the
// start of its answer.
func (w *Deliverer) post(ctx context.Context, c connector.Connector, msg connector.Outbound) (int, string, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return 0, "", jobs.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return 0, "", jobs.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Palier-Webhook/1")
	req.Header.Set("Idempotency-Key", msg.MessageID)
	req.Header.Set(connector.SignatureHeader, connector.Sign(c.Secret, w.now(), body))
	res, err := w.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 300))
	return res.StatusCode, string(answer), nil
}
