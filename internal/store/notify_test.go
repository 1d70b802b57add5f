package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// Notifications sent at the same time share statements: none may be lost,
// each sender's arrive in the order it sent them, and a bad one is refused
// without failing the others.
func TestConcurrentNotificationsAllArriveInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		if s.Dialect() != store.Postgres {
			if err := s.Notify("palier_test", []string{"x"}, nil); !errors.Is(err, store.ErrNotifyUnsupported) {
				t.Fatalf("notify on SQLite: %v, want ErrNotifyUnsupported", err)
			}
			return
		}
		const senders, each = 8, 40
		got := make(chan string, senders*each+10)
		ready := make(chan struct{})
		listenCtx, stopListening := context.WithCancel(ctx)
		listened := make(chan error, 1)
		go func() {
			listened <- s.Listen(listenCtx, "palier_test", func() { close(ready) }, func(p string) { got <- p })
		}()
		select {
		case <-ready:
		case err := <-listened:
			t.Fatalf("listen: %v", err)
		case <-ctx.Done():
			t.Fatal("listen not ready")
		}
		var wg, sent sync.WaitGroup
		errs := make(chan error, senders*each+senders)
		for w := range senders {
			wg.Go(func() {
				for i := range each {
					sent.Add(1)
					err := s.Notify("palier_test", []string{fmt.Sprintf("%d-%d", w, i)}, func(err error) {
						if err != nil {
							errs <- err
						}
						sent.Done()
					})
					if err != nil {
						errs <- err
						sent.Done() // refused: done is never called
					}
				}
				// A refused notification fails alone, at once.
				if err := s.Notify("palier_test", []string{strings.Repeat("x", store.MaxNotifyPayload+1)}, func(error) {
					errs <- fmt.Errorf("sender %d: an oversized payload was queued", w)
				}); err == nil {
					errs <- fmt.Errorf("sender %d: an oversized payload was accepted", w)
				}
			})
		}
		wg.Wait()
		sent.Wait() // every statement has answered
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		next := make([]int, senders)
		for range senders * each {
			var p string
			select {
			case p = <-got:
			case <-ctx.Done():
				t.Fatalf("notifications missing; next expected per sender %v", next)
			}
			var w, i int
			if _, err := fmt.Sscanf(p, "%d-%d", &w, &i); err != nil || w < 0 || w >= senders {
				t.Fatalf("unexpected payload %q", p)
			}
			if i != next[w] {
				t.Fatalf("sender %d: got %d, want %d (lost or out of order)", w, i, next[w])
			}
			next[w]++
		}
		stopListening()
		<-listened
	})
}
