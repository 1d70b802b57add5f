package desk

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
)

// Customer accounts of the help centre (issue 11). A customer signs in with
// a link emailed to them (single use, minutes long, bound to the workspace
// and their address), or with a password they chose. Their session is not
// an agent's: another table, another cookie, another type (Customer, never
// an auth.Actor), so no agent rule can ever admit one.

// Customer is a signed-in customer of the help centre.
type Customer struct {
	WorkspaceID int64
	customer.Customer
}

const (
	// SignInLinkTTL is how long a sign-in link works.
	SignInLinkTTL = 15 * time.Minute
	// CustomerSessionTTL is how long a customer stays signed in.
	CustomerSessionTTL = 7 * 24 * time.Hour
	// SignInLinkJob is the job kind that emails a sign-in link.
	SignInLinkJob = "portal.sign_in_link"
	// signInPath is where a link lands; the token follows it.
	signInPath = "/help/sign-in/"
)

// SignInLinkThrottle bounds how many links one address, or one client,
// may ask for: a few at once, then one a minute doubling up to an hour.
// Every request counts (nothing is forgiven), so nobody can flood an
// inbox, and the answer is the same whether the address is known.
var SignInLinkThrottle = auth.Throttle{Free: 5, Base: time.Minute, Cap: time.Hour, Forget: 6 * time.Hour}

type portalConfig struct {
	// logLinks writes sign-in links to the log when no relay sends mail
	// (the demo only).
	logLinks bool
}

// LogSignInLinks makes sign-in links go to the log when no mail relay is
// configured: for the demo, where nobody has a real inbox. Never in
// production, where the log is not the customer's.
func (d *Service) LogSignInLinks() { d.portal.logLinks = true }

var (
	errTooManyLinks       = problem.New(problem.TooMany, "too_many_sign_in_links", "too many sign-in links were asked for; try again in {retry_after} seconds")
	errBadCustomerLogin   = problem.New(problem.Unauthorized, "bad_credentials", "wrong email or password")
	errCustomerSignedOut  = problem.New(problem.Unauthorized, "customer_unauthenticated", "please sign in")
	errAttachmentNotShown = problem.NotFoundf("attachment")
)

// checkEmail is the shape of an address typed on the sign-in page.
func checkEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	f := problem.Fields{}
	local, domain, ok := strings.Cut(email, "@")
	if email == "" {
		f.Required("email")
	} else if !ok || local == "" || !strings.Contains(domain, ".") || strings.Contains(domain, "@") || len(email) > 254 ||
		!utf8.ValidString(email) || strings.ContainsAny(email, " \t\r\n<>,;\"\\") {
		f.Add("email", "bad_email", "is not an email address")
	}
	return email, f.Err()
}

// SignInJob is a portal.sign_in_link job's payload: the address typed
// and the link's selector, chosen when asked so that a retried send arms
// the same link. The customer is looked up and the secret made only when
// the email is written, so the page does the same work for every address
// and no secret waits in the queue.
type SignInJob struct {
	WorkspaceID int64  `json:"workspace_id"`
	Email       string `json:"email"`
	Selector    string `json:"selector"`
	BaseURL     string `json:"base_url"`
}

// RequestSignInLink sends a sign-in link to a customer of the workspace
// with that address: by email through the outbox when a relay is
// configured, else to the log in the demo. It answers the same (nil)
// whether or not the address is a customer's, and with a relay it does
// the same work too (one job queued, whoever asks; the job finds out), so
// neither the page nor its timing reveals an account. Only the throttle
// (per address typed and per client) may refuse, alike for every address.
func (d *Service) RequestSignInLink(ctx context.Context, wsID int64, email, clientIP, baseURL string) error {
	email, err := checkEmail(email)
	if err != nil {
		return err
	}
	wait, err := d.store.ReserveLoginAttempt(ctx, SignInLinkThrottle, "link:"+auth.AccountKey(email), "link:"+auth.AddressKey(clientIP))
	if err != nil {
		return err
	}
	if wait > 0 {
		return errTooManyLinks.With("retry_after", auth.RetryAfter(wait))
	}
	selector := rand.Text()
	switch {
	case d.outbound != nil:
		payload, _ := json.Marshal(SignInJob{WorkspaceID: wsID, Email: email, Selector: selector, BaseURL: baseURL})
		_, _, err := d.store.Enqueue(ctx, store.NewJob{Kind: SignInLinkJob, Payload: payload, UniqueKey: SignInLinkJob + ":" + selector})
		return err
	case d.portal.logLinks:
		// The demo only: the log is the inbox, and timing is no secret.
		verifier := rand.Text()
		to, ok, err := d.store.PrepareSignIn(ctx, wsID, email, selector, auth.HashSecret(verifier), SignInLinkTTL)
		if err != nil || !ok {
			return err
		}
		d.log.InfoContext(ctx, "customer sign-in link (demo: no mail relay, so it is logged instead of emailed)",
			"email", to.Email, "link", strings.TrimRight(baseURL, "/")+signInPath+selector+"."+verifier, "valid_for", SignInLinkTTL.String())
		return nil
	default:
		d.log.WarnContext(ctx, "customer sign-in link not sent: no mail relay is configured")
		return nil
	}
}

// SignInMail is what the email of a sign-in link says and where it goes.
type SignInMail struct {
	From, FromName string
	To, ToName     string
	Language       string
	Link           string
	ValidFor       time.Duration
}

// SignInLinkMail makes the link of a queued request and its secret, and
// returns its email; ok is false when no customer has the address, or the
// link was used or expired meanwhile (nothing to send).
func (d *Service) SignInLinkMail(ctx context.Context, job SignInJob) (m SignInMail, ok bool, err error) {
	if job.Selector == "" || job.Email == "" {
		return m, false, nil // queued by an older version: the customer asks again
	}
	verifier := rand.Text()
	to, ok, err := d.store.PrepareSignIn(ctx, job.WorkspaceID, job.Email, job.Selector, auth.HashSecret(verifier), SignInLinkTTL)
	if err != nil || !ok {
		return m, ok, err
	}
	addrs, err := d.store.InboundAddresses(ctx, job.WorkspaceID)
	if err != nil {
		return m, false, err
	}
	var oc store.OutboundMail
	if len(addrs) > 0 {
		oc.From = addrs[0]
	}
	o := d.outbound
	if o == nil {
		o = &Outbound{}
	}
	from, _ := o.sender(oc)
	lang := to.Language
	if lang == "" {
		dir, err := d.Directory(ctx, auth.Actor{WorkspaceID: job.WorkspaceID})
		if err != nil {
			return m, false, err
		}
		lang = dir.Workspace.DefaultLanguage
	}
	return SignInMail{From: from, FromName: o.FromName, To: to.Email, ToName: to.Name, Language: lang,
		Link: strings.TrimRight(job.BaseURL, "/") + signInPath + to.Selector + "." + verifier, ValidFor: SignInLinkTTL}, true, nil
}

// SignInWithLink spends a sign-in link of the workspace and opens a
// customer session, returning its secret.
func (d *Service) SignInWithLink(ctx context.Context, wsID int64, token string) (string, error) {
	selector, verifier, ok := strings.Cut(token, ".")
	if !ok || selector == "" || verifier == "" || len(token) > 200 {
		return "", store.ErrBadSignInLink
	}
	secret, err := auth.NewSecret("c_")
	if err != nil {
		return "", err
	}
	if _, err := d.store.RedeemSignIn(ctx, wsID, selector, auth.HashSecret(verifier), secret, CustomerSessionTTL); err != nil {
		return "", err
	}
	return secret, nil
}

// SignInWithPassword checks a customer's password and opens a session, as
// agents' Login does: throttled per address and per client before any
// hashing, the hash in a bounded slot, the same answer and the same work
// for an unknown address or one without a password.
func (d *Service) SignInWithPassword(ctx context.Context, wsID int64, email, password, clientIP string) (string, error) {
	email, err := checkEmail(email)
	if err != nil {
		return "", err
	}
	acct, addr := "customer:"+auth.AccountKey(email), auth.AddressKey(clientIP)
	wait, err := d.store.ReserveLoginAttempt(ctx, auth.LoginThrottle, acct, addr)
	if err != nil {
		return "", err
	}
	if wait > 0 {
		return "", errTooManyAttempts.With("retry_after", auth.RetryAfter(wait))
	}
	c, err := d.store.CustomerByEmail(ctx, wsID, email)
	hash := ""
	if err == nil {
		hash, err = d.store.CustomerPasswordHash(ctx, wsID, c.ID)
	}
	if err != nil && !problem.Is(err, problem.NotFound) {
		return "", d.refund(ctx, err, acct, addr)
	}
	ok, err := auth.CheckLogin(ctx, hash, password)
	if err != nil {
		return "", d.refund(ctx, err, acct, addr)
	}
	if !ok {
		return "", errBadCustomerLogin
	}
	if err := d.store.SettleLogin(ctx, auth.LoginThrottle, []string{acct}, []string{addr}); err != nil {
		return "", err
	}
	secret, err := auth.NewSecret("c_")
	if err != nil {
		return "", err
	}
	return secret, d.store.OpenCustomerSession(ctx, wsID, c.ID, secret, CustomerSessionTTL)
}

// CustomerSession returns the customer of a live customer session.
func (d *Service) CustomerSession(ctx context.Context, secret string) (Customer, error) {
	if secret == "" {
		return Customer{}, errCustomerSignedOut
	}
	wsID, id, err := d.store.CustomerSession(ctx, secret)
	if err != nil {
		return Customer{}, err
	}
	c, err := d.store.Customer(ctx, wsID, id)
	if problem.Is(err, problem.NotFound) {
		return Customer{}, errCustomerSignedOut
	}
	return Customer{WorkspaceID: wsID, Customer: c}, err
}

// CustomerSignOut ends a customer session.
func (d *Service) CustomerSignOut(ctx context.Context, secret string) error {
	return d.store.CloseCustomerSession(ctx, secret)
}

// SetCustomerPassword sets the signed-in customer's password ("" removes
// it: they sign in by link only).
func (d *Service) SetCustomerPassword(ctx context.Context, c Customer, password string) error {
	if password == "" {
		return d.store.SetCustomerPassword(ctx, c.WorkspaceID, c.ID, "")
	}
	if utf8.RuneCountInString(password) < auth.MinPasswordLength || len(password) > 256 {
		f := problem.Fields{}
		f.Add("password", "too_short", "must be at least {min} characters", "min", strconv.Itoa(auth.MinPasswordLength))
		return f.Err()
	}
	hash, err := auth.HashPasswordContext(ctx, password)
	if err != nil {
		return err
	}
	return d.store.SetCustomerPassword(ctx, c.WorkspaceID, c.ID, hash)
}

// CustomerHasPassword tells the signed-in customer whether they set one.
func (d *Service) CustomerHasPassword(ctx context.Context, c Customer) (bool, error) {
	h, err := d.store.CustomerPasswordHash(ctx, c.WorkspaceID, c.ID)
	return h != "", err
}
