package mail_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/mail"
	"github.com/palier/palier/internal/store/storetest"
)

// BenchmarkReceive measures messages parsed and stored per second through
// the SMTP receiver: each is a new customer's first message, so each opens
// a routed ticket. One connection delivers them one after another, as an
// MTA's single delivery agent would.
func BenchmarkReceive(b *testing.B) {
	raw, err := os.ReadFile("testdata/windows1252_qp.eml")
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.Open(b, d)
			f := storetest.Seed(b, s)
			if err := s.AddInboundAddress(context.Background(), f.WS.ID, "support@acme.example"); err != nil {
				b.Fatal(err)
			}
			rcv := mail.NewReceiver(desk.New(s, nil), "mx.acme.example", nil)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			go func() { _ = rcv.Serve(l) }()
			defer rcv.Shutdown(context.Background())
			c, err := smtp.Dial(l.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			b.ResetTimer()
			for i := range b.N {
				from := fmt.Sprintf("client%d@bench.example", i)
				msg := strings.Replace(string(raw), "Elodie.Marchand@Boulangerie-Marchand.example", from, 1)
				msg = strings.Replace(msg, "<000101dc8b2a$4f1e2d30$ed5a8790$@boulangerie-marchand.example>", fmt.Sprintf("<bench-%d@bench.example>", i), 1)
				if err := c.SendMail(from, []string{"support@acme.example"}, strings.NewReader(msg)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
