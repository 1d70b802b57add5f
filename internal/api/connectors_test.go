package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/connector"
	"github.com/palier/palier/internal/jobs"
	"github.com/palier/palier/internal/webhook"
)

// hookSink is a webhook receiver: it records what it is sent and answers
// with the status it is told to.
type hookSink struct {
	srv    *httptest.Server
	secret string
	status int
	got    chan connector.Outbound
	bad    chan string // signature failures
}

func newHookSink(t *testing.T) *hookSink {
	h := &hookSink{status: 200, got: make(chan connector.Outbound, 8), bad: make(chan string, 8)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := connector.Verify(h.secret, r.Header.Get(connector.SignatureHeader), time.Now(), body); err != nil {
			h.bad <- err.Error()
			w.WriteHeader(401)
			return
		}
		var m connector.Outbound
		_ = json.Unmarshal(body, &m)
		if r.Header.Get("Idempotency-Key") != m.MessageID {
			h.bad <- "idempotency key differs from message_id"
		}
		h.got <- m
		w.WriteHeader(h.status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// createConnector declares a connector as the admin; the answer carries
// its signing secret, shown this once.
func (e *env) createConnector(settings map[string]any) newConnectorJSON {
	e.t.Helper()
	var conn newConnectorJSON
	e.must(e.send("admin", "POST", Prefix+"/connectors", settings), 201, &conn)
	return conn
}

// post sends a message as the source would, signed with secret.
func (e *env) postChannel(key, secret string, msg any) answer {
	e.t.Helper()
	raw, _ := json.Marshal(msg)
	return e.do(req{method: "POST", path: Prefix + "/channels/" + key + "/messages", body: raw,
		header: map[string]string{connector.SignatureHeader: connector.Sign(secret, time.Now(), raw)}})
}

func inbound(conv, msg, text string) map[string]any {
	return map[string]any{"conversation_id": conv, "message_id": msg, "text": text,
		"author": map[string]any{"id": "fb:1001", "name": "Léa Martin"}, "language": "fr"}
}

func TestChannelAPIRoundTrip(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		sink := newHookSink(t)
		// Only admins declare connectors.
		for _, who := range []string{"lead", "agentL1"} {
			if a := e.send(who, "POST", Prefix+"/connectors", map[string]any{"name": "Facebook"}); a.status != 403 {
				t.Fatalf("%s creates a connector: %s", who, a)
			}
		}
		conn := e.createConnector(map[string]any{"name": "Facebook", "webhook_url": sink.srv.URL, "public": true})
		sink.secret = conn.Secret
		if conn.URL != Prefix+"/channels/"+conn.Key+"/messages" || !connector.ValidKey(conn.Key) {
			t.Fatalf("connector %+v", conn)
		}
		var list struct{ Data []map[string]any }
		e.must(e.get("admin", Prefix+"/connectors"), 200, &list)
		if len(list.Data) != 1 || list.Data[0]["secret"] != nil {
			t.Fatalf("list shows %v (the secret must never be listed)", list.Data)
		}

		// A conversation's first message opens a routed ticket on channel social.
		var first struct {
			TicketID  int64 `json:"ticket_id"`
			NewTicket bool  `json:"new_ticket"`
		}
		e.must(e.postChannel(conn.Key, conn.Secret, inbound("post-77", "m1", "Bonjour, ma facture de mars est fausse.\nMerci")), 200, &first)
		var tk struct {
			Channel string `json:"channel"`
			Subject string `json:"subject"`
		}
		e.must(e.get("admin", ticketPath(first.TicketID)), 200, &tk)
		if !first.NewTicket || tk.Channel != "social" || tk.Subject != "Bonjour, ma facture de mars est fausse." {
			t.Fatalf("new ticket: %+v %+v", first, tk)
		}
		// The next message of the conversation joins it; a repeated one stores nothing.
		var second struct {
			TicketID  int64 `json:"ticket_id"`
			NewTicket bool  `json:"new_ticket"`
		}
		e.must(e.postChannel(conn.Key, conn.Secret, inbound("post-77", "m2", "Des nouvelles ?")), 200, &second)
		if second.TicketID != first.TicketID || second.NewTicket {
			t.Fatalf("second message: %+v", second)
		}
		before := e.rowCounts()
		var dup struct{ Duplicate bool }
		e.must(e.postChannel(conn.Key, conn.Secret, inbound("post-77", "m2", "Des nouvelles ?")), 200, &dup)
		if !dup.Duplicate || !sameCounts(before, e.rowCounts()) {
			t.Fatalf("duplicate stored something: %+v", dup)
		}

		// An agent's public reply goes to the webhook, signed, once the job runs.
		runner := jobs.New(e.s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		webhook.New(e.d, webhook.Policy{AllowPrivate: true}, nil).Register(runner)
		e.must(e.send("lead", "POST", ticketPath(first.TicketID)+"/replies", map[string]any{"body": "Nous corrigeons la facture."}), 201, nil)
		if n, err := runner.RunOnce(context.Background()); err != nil || n != 1 {
			t.Fatalf("runner ran %d jobs: %v", n, err)
		}
		select {
		case m := <-sink.got:
			if m.ConversationID != "post-77" || m.Text != "Nous corrigeons la facture." || m.Private || m.Connector != conn.Key {
				t.Fatalf("webhook got %+v", m)
			}
			if state, _, _ := e.d.ConnectorDelivery(context.Background(), conn.ID, m.MessageID); state != "sent" {
				t.Fatalf("delivery state %q, want sent", state)
			}
		case bad := <-sink.bad:
			t.Fatalf("webhook refused the delivery: %s", bad)
		}

		// On a public connector, a sensitive ticket's answer is not posted publicly.
		e.must(e.send("lead", "PATCH", ticketPath(first.TicketID), map[string]any{"sensitive": true}), 200, nil)
		e.must(e.send("lead", "POST", ticketPath(first.TicketID)+"/replies", map[string]any{"body": "Votre IBAN FR76… est confirmé."}), 201, nil)
		if _, err := runner.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		m := <-sink.got
		if !m.Private || strings.Contains(m.Text, "IBAN") || !strings.Contains(m.Text, "en privé") {
			t.Fatalf("sensitive reply posted publicly: %+v", m)
		}

		// A receiver that refuses for good marks the delivery failed; one
		// that fails for now leaves it queued for a retry.
		e.must(e.send("lead", "PATCH", ticketPath(first.TicketID), map[string]any{"sensitive": false}), 200, nil)
		for _, c := range []struct {
			status int
			want   string
		}{{503, "queued"}, {400, "failed"}} {
			sink.status = c.status
			e.must(e.send("lead", "POST", ticketPath(first.TicketID)+"/replies", map[string]any{"body": "Encore un mot."}), 201, nil)
			if _, err := runner.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			m := <-sink.got
			if state, answer, _ := e.d.ConnectorDelivery(context.Background(), conn.ID, m.MessageID); state != c.want || !strings.Contains(answer, "answered") && !strings.Contains(answer, "refused") {
				t.Fatalf("receiver answered %d: state %q (%s), want %s", c.status, state, answer, c.want)
			}
		}

		// By default a webhook may not point into Palier's own network:
		// the delivery fails for good without reaching the receiver.
		strict := jobs.New(e.s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		webhook.New(e.d, webhook.Policy{}, nil).Register(strict)
		e.must(e.send("lead", "POST", ticketPath(first.TicketID)+"/replies", map[string]any{"body": "Dernier mot."}), 201, nil)
		if _, err := strict.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-sink.got:
			t.Fatalf("a loopback webhook was reached under the default policy: %+v", m)
		default:
		}
		var n int
		if err := e.s.DB().QueryRow(`SELECT count(*) FROM connector_messages WHERE state = 'failed' AND answer LIKE '%not allowed%'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("deliveries refused by the address policy: %d (%v), want 1", n, err)
		}
	})
}

func sameCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestChannelAPIRefusals: what a forger, a replayer or a careless source
// sends is refused and stores nothing.
func TestChannelAPIRefusals(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		conn := e.createConnector(map[string]any{"name": "Partenaire"})
		good, _ := json.Marshal(inbound("c1", "m1", "Bonjour"))
		path := Prefix + "/channels/" + conn.Key + "/messages"
		type refusal struct {
			name   string
			path   string
			body   []byte
			sig    string
			status int
			code   string
		}
		cases := []refusal{
			{"unsigned", path, good, "", 401, "unsigned"},
			{"wrong secret", path, good, connector.Sign("whsec_nope", time.Now(), good), 401, "bad_signature"},
			{"body changed after signing", path, []byte(strings.Replace(string(good), "Bonjour", "Bonsoir", 1)), connector.Sign(conn.Secret, time.Now(), good), 401, "bad_signature"},
			{"replayed an hour later", path, good, connector.Sign(conn.Secret, time.Now().Add(-time.Hour), good), 401, "stale_signature"},
			{"unknown key", Prefix + "/channels/ch_aaaaaaaaaaaaaaaa/messages", good, connector.Sign(conn.Secret, time.Now(), good), 401, "bad_signature"},
			{"not a key", Prefix + "/channels/..%2f/messages", good, connector.Sign(conn.Secret, time.Now(), good), 401, "bad_signature"},
		}
		invalid, _ := json.Marshal(map[string]any{"conversation_id": "", "message_id": "m9", "text": " ", "author": map[string]any{"id": "x", "name": ""}})
		cases = append(cases, refusal{"fields missing", path, invalid, connector.Sign(conn.Secret, time.Now(), invalid), 422, "validation_failed"})
		before := e.rowCounts()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				a := e.on(t).do(req{method: "POST", path: c.path, body: c.body, header: map[string]string{connector.SignatureHeader: c.sig}})
				if a.status != c.status || a.errorCode() != c.code {
					t.Fatalf("got %s, want %d %s", a, c.status, c.code)
				}
			})
		}
		if !sameCounts(before, e.rowCounts()) {
			t.Fatal("a refused post stored something")
		}
		// A connector turned off refuses even well-signed posts.
		e.must(e.send("admin", "PUT", idPath("/connectors", conn.ID), map[string]any{"name": "Partenaire", "active": false}), 200, nil)
		if a := e.postChannel(conn.Key, conn.Secret, inbound("c1", "m1", "Bonjour")); a.status != 403 || a.errorCode() != "connector_inactive" {
			t.Fatalf("post to an inactive connector: %s", a)
		}
		if a := e.send("admin", "POST", Prefix+"/connectors", map[string]any{"name": "x", "webhook_url": "ftp://example.com"}); a.status != 422 {
			t.Fatalf("ftp webhook accepted: %s", a)
		}
	})
}

// TestChannelConversationRace: the first messages of one conversation,
// posted at once, end on one ticket, each stored once.
func TestChannelConversationRace(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		conn := e.createConnector(map[string]any{"name": "Instagram"})
		const n = 8
		tickets := make(chan int64, 2*n)
		var wg sync.WaitGroup
		for i := range n {
			for range 2 { // every message twice: the copy must store nothing
				wg.Go(func() {
					var res struct {
						TicketID int64 `json:"ticket_id"`
					}
					a := e.postChannel(conn.Key, conn.Secret, inbound("story-9", "m"+strconv.Itoa(i), "Bonjour "+strconv.Itoa(i)))
					if a.status != 200 {
						t.Errorf("post %d: %s", i, a)
						return
					}
					_ = json.Unmarshal(a.body, &res)
					tickets <- res.TicketID
				})
			}
		}
		wg.Wait()
		close(tickets)
		ids := map[int64]bool{}
		for id := range tickets {
			if id != 0 {
				ids[id] = true
			}
		}
		if len(ids) != 1 {
			t.Fatalf("one conversation made tickets %v", ids)
		}
		var msgs int
		for id := range ids {
			if err := e.s.DB().QueryRow(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = 'customer_message'`, id).Scan(&msgs); err != nil {
				t.Fatal(err)
			}
		}
		if msgs != n {
			t.Fatalf("%d customer messages stored, want %d (each once)", msgs, n)
		}
	})
}
