package connector

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/problem"
)

func TestVerify(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"text":"Bonjour"}`)
	good := Sign("s3cret", now, body)
	cases := []struct {
		name   string
		secret string
		header string
		body   []byte
		at     time.Time
		want   error
	}{
		{"valid", "s3cret", good, body, now, nil},
		{"valid, clocks 4 minutes apart", "s3cret", good, body, now.Add(4 * time.Minute), nil},
		{"no header", "s3cret", "", body, now, ErrNoSignature},
		{"other secret", "other", good, body, now, ErrBadSignature},
		{"body changed", "s3cret", good, []byte(`{"text":"Bonsoir"}`), now, ErrBadSignature},
		{"replayed 6 minutes later", "s3cret", good, body, now.Add(6 * time.Minute), ErrStale},
		{"from the future", "s3cret", good, body, now.Add(-6 * time.Minute), ErrStale},
		{"no time", "s3cret", strings.Split(good, ",")[1], body, now, ErrBadSignature},
		{"no mac", "s3cret", strings.Split(good, ",")[0], body, now, ErrBadSignature},
		{"garbage", "s3cret", "t=abc,v1=zz", body, now, ErrBadSignature},
		{"time reused with another mac", "s3cret", strings.Split(good, ",")[0] + ",v1=" + strings.Repeat("0", 64), body, now, ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Verify(c.secret, c.header, c.at, c.body); !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestInboundValidate(t *testing.T) {
	ok := Inbound{ConversationID: "c1", MessageID: "m1", Author: Author{ID: "u1", Name: "Léa"}, Text: "Bonjour"}
	cases := []struct {
		name   string
		change func(*Inbound)
		fields []string
	}{
		{"valid", func(*Inbound) {}, nil},
		{"nothing", func(in *Inbound) { *in = Inbound{} }, []string{"conversation_id", "message_id", "author.id", "author.name", "text"}},
		{"blank text", func(in *Inbound) { in.Text = " \n " }, []string{"text"}},
		{"long id", func(in *Inbound) { in.ConversationID = strings.Repeat("x", MaxExternalID+1) }, []string{"conversation_id"}},
		{"control character in id", func(in *Inbound) { in.MessageID = "m\x001" }, []string{"message_id"}},
		{"bad email", func(in *Inbound) { in.Author.Email = "not an address" }, []string{"author.email"}},
		{"unknown language", func(in *Inbound) { in.Language = "de" }, []string{"language"}},
		{"text too long", func(in *Inbound) { in.Text = strings.Repeat("é", MaxText+1) }, []string{"text"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.change(&in)
			err := in.Validate()
			var got []string
			if p, isProblem := problem.As(err); isProblem {
				for name := range p.Fields {
					got = append(got, name)
				}
			} else if err != nil {
				t.Fatalf("not a problem: %v", err)
			}
			slices.Sort(got)
			slices.Sort(c.fields)
			if strings.Join(got, ",") != strings.Join(c.fields, ",") {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func TestContactEmail(t *testing.T) {
	c := Connector{Key: "ch_abcdefghijklmnop"}
	a := ContactEmail(c, Author{ID: "fb:1"})
	if a != ContactEmail(c, Author{ID: "fb:1", Name: "Other name"}) {
		t.Fatal("the same author must get the same address")
	}
	if a == ContactEmail(c, Author{ID: "fb:2"}) || a == ContactEmail(Connector{Key: "ch_bbbbbbbbbbbbbbbb"}, Author{ID: "fb:1"}) {
		t.Fatal("different authors or connectors must get different addresses")
	}
	if !Undeliverable(a) || !strings.HasSuffix(a, ".connector.invalid") {
		t.Fatalf("made-up address %q must be undeliverable", a)
	}
	if got := ContactEmail(c, Author{ID: "x", Email: "Lea@Example.com"}); got != "lea@example.com" || Undeliverable(got) {
		t.Fatalf("a given address is used: %q", got)
	}
}

func TestValidKey(t *testing.T) {
	for i := range 20 {
		if k := NewKey(); !ValidKey(k) {
			t.Fatalf("NewKey #%d %q is not valid", i, k)
		}
	}
	for _, k := range []string{"", "ch_", "ch_ABCDEFGHIJKLMNOP", "../etc/passwd", "ch_abcdefghijklmnop/x"} {
		if ValidKey(k) {
			t.Fatalf("%q accepted", k)
		}
	}
}
