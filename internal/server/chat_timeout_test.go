package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/server"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// TestChatOutlivesRequestTimeouts runs the production server with request
// timeouts far shorter than a conversation: a chat's WebSocket stays up
// past them (the exception is on purpose and only for it), is counted in
// /metrics while open, and an ordinary slow request is still cut.
func TestChatOutlivesRequestTimeouts(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	f := storetest.Seed(t, s)
	open := f.WS
	open.BusinessHours = "24/7" // the help centre offers chat at any hour
	if err := s.UpdateWorkspace(context.Background(), f.Admin.ID, open); err != nil {
		t.Fatal(err)
	}
	d := desk.New(s, nil)
	h, err := server.New(d, server.Config{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	const limit = 300 * time.Millisecond
	srv := server.HTTPServer(h, server.Limits{ReadHeaderTimeout: limit, ReadTimeout: limit, WriteTimeout: limit, IdleTimeout: limit}, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	base := "http://" + ln.Addr().String()

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, base+"/help/chat", strings.NewReader(url.Values{"name": {"Zoé"}, "message": {"Bonjour"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start chat: %d", res.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/help/chat/ws",
		&websocket.DialOptions{HTTPClient: c, HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	// Pings keep the reader going; the deadline passes meanwhile.
	go func() {
		for {
			if _, _, err := conn.Read(ctx); err != nil {
				return
			}
		}
	}()
	opened := time.Now()
	for time.Since(opened) < 4*limit {
		if err := conn.Ping(ctx); err != nil {
			t.Fatalf("the chat's connection was cut after %v: %v", time.Since(opened), err)
		}
	}
	b, _ := json.Marshal(map[string]string{"type": "say", "ref": "late", "text": "toujours là"})
	if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("write after the timeouts: %v", err)
	}
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("ping after the timeouts: %v", err)
	}

	res, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "palier_live_subscribers 1\n") {
		t.Fatalf("the open chat is not counted:\n%s", body)
	}

	// An ordinary request that trickles its body is still cut.
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, _ = raw.Write([]byte("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail="))
	_ = raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(raw); err != nil {
		t.Fatalf("a slow request was not cut by the server: %v", err)
	}
}
