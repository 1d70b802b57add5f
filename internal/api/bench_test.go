package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

// BenchmarkCreateTicketHTTP opens tickets over real HTTP on loopback, as an
// integrator would: 8 concurrent clients on the 2-core reference machine
// (parallelism 4 × GOMAXPROCS), each request a POST /api/v1/tickets with a
// bearer token, authenticated, validated, placed by default routing and
// stored with its timeline. It reports tickets per second, and the CPU time
// this process spent per ticket (HTTP client and server, desk, and on
// SQLite the database itself), which does not depend on the machine's load.
func BenchmarkCreateTicketHTTP(b *testing.B) {
	const benchCustomers = 500
	for _, dialect := range storetest.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			s := storetest.Open(b, dialect)
			f := storetest.Seed(b, s)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			d := desk.New(s, log)
			srv := httptest.NewServer(New(d, log, ""))
			b.Cleanup(srv.Close)
			token, err := d.CreateToken(context.Background(), storetest.Actor(b, s, f.AgentL1), f.AgentL1.ID, "bench")
			if err != nil {
				b.Fatal(err)
			}
			// Tickets come from many customers, as real intake does: routing
			// counts each customer's open tickets, and one customer with
			// thousands would measure that count instead of the intake.
			bodies := make([][]byte, benchCustomers)
			for i := range bodies {
				c, err := s.CreateCustomer(context.Background(), f.WS.ID, customer.Customer{Name: fmt.Sprintf("Client %d", i),
					Email: fmt.Sprintf("client%d@example.fr", i), Language: "fr", Segment: "b2c"})
				if err != nil {
					b.Fatal(err)
				}
				bodies[i] = fmt.Appendf(nil, `{"subject": "Facture en double pour mars", "body": "J'ai été facturée deux fois ce mois-ci, merci de vérifier.",
					"customer_id": %d, "request_type": "billing", "priority": "high", "tags": ["facture"]}`, c.ID)
			}
			var next atomic.Int64
			// Keep-alive connections for every client, as a real integration
			// would pool them; otherwise the benchmark measures TCP set-up.
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			b.Cleanup(client.CloseIdleConnections)
			b.SetParallelism(8 / runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := bodies[next.Add(1)%benchCustomers]
					req, err := http.NewRequest("POST", srv.URL+Prefix+"/tickets", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Content-Type", "application/json")
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusCreated {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
			b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/ticket")
		})
	}
}
