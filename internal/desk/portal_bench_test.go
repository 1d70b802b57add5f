package desk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

// BenchmarkPortalSignInTiming measures whether the help centre's sign-in
// answers take as long for an address with an account as for one
// without: asking for a link (with a mail relay: one job queued either
// way) and a wrong password (one hash checked either way). Known and
// unknown addresses alternate in one loop, so a loaded machine slows both
// alike; it reports each one's median and the difference.
//
//	go test ./internal/desk -run '^$' -bench PortalSignInTiming
func BenchmarkPortalSignInTiming(b *testing.B) {
	link, login := desk.SignInLinkThrottle, auth.LoginThrottle
	desk.SignInLinkThrottle.Free, auth.LoginThrottle.Free = 1<<30, 1<<30 // measure the work, not the refusal
	b.Cleanup(func() { desk.SignInLinkThrottle, auth.LoginThrottle = link, login })
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, d)
			f := storetest.Seed(b, s)
			svc := desk.New(s, nil)
			svc.EnableEmailReplies(desk.Outbound{Domain: "acme.example"})
			alice := f.Customer["alice"]
			hash, err := auth.HashPasswordContext(ctx, "alice's password")
			if err != nil {
				b.Fatal(err)
			}
			if err := s.SetCustomerPassword(ctx, f.WS.ID, alice.ID, hash); err != nil {
				b.Fatal(err)
			}
			cases := map[string]func(email string, i int) error{
				"link": func(email string, i int) error {
					return svc.RequestSignInLink(ctx, f.WS.ID, email, fmt.Sprintf("192.0.2.%d", i%250), "https://help.acme.example")
				},
				"password": func(email string, i int) error {
					_, err := svc.SignInWithPassword(ctx, f.WS.ID, email, "not the password", fmt.Sprintf("192.0.2.%d", i%250))
					return err
				},
			}
			for _, name := range []string{"link", "password"} {
				ask := cases[name]
				b.Run(name, func(b *testing.B) {
					var known, unknown []time.Duration
					i := 0
					for b.Loop() {
						i++
						email, list := alice.Email, &known
						if i%2 == 0 {
							email, list = "nobody@nowhere.example", &unknown
						}
						t0 := time.Now()
						err := ask(email, i)
						*list = append(*list, time.Since(t0))
						if name == "link" && err != nil {
							b.Fatal(err)
						}
					}
					if len(unknown) == 0 {
						return
					}
					k, u := median(known), median(unknown)
					b.ReportMetric(float64(k.Microseconds()), "known-p50-µs")
					b.ReportMetric(float64(u.Microseconds()), "unknown-p50-µs")
					b.ReportMetric(float64((k - u).Microseconds()), "diff-µs")
				})
			}
		})
	}
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}
