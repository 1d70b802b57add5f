package demo

import (
	"fmt"
	"net/url"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
)

// The demo's saved views, written through the service as a lead and an
// agent would: the billing requests still waiting, oldest first, shared
// with everyone (each sees those they may), and Nadia's own tickets
// waiting on the customer, latest change first.
func (b *builder) createViews() error {
	ctx, svc := b.ctx, b.svc
	sophie, nadia := b.actors["sophie"], b.actors["nadia"]
	for _, v := range []struct {
		by auth.Actor
		in desk.ViewInput
	}{
		{sophie, desk.ViewInput{Name: "Factures en retard", Scope: store.ViewShared,
			Query:   url.Values{"type": {"billing"}, "status": {"new", "open"}, "sort": {"oldest"}},
			Columns: []string{"number", "subject", "customer", "status", "priority", "owner", "created"}}},
		{nadia, desk.ViewInput{Name: "En attente du client", Scope: store.ViewPersonal,
			Query:   url.Values{"owner": {"me"}, "status": {"pending"}, "sort": {"updated"}},
			Columns: desk.DefaultViewColumns()}},
	} {
		if _, err := svc.CreateSavedView(ctx, v.by, v.in); err != nil {
			return fmt.Errorf("view %q: %w", v.in.Name, err)
		}
	}
	return nil
}
