package demo

import (
	"fmt"
	"strings"

	"github.com/palier/palier/internal/helpbox"
)

// The demo's help box, so that a newcomer sees it work: a fixed public key
// (public anyway, and the same on every load so the README's snippet
// works), allowed on Palier's own default address (its demo page,
// /help/box/demo) and on a second local port for a page of "another
// site", with the demo page mapped to an article.

// HelpBoxKey is the demo workspace's help-box key.
const HelpBoxKey = "pk_NuagiqueDemoHelpBox000"

// HelpBoxOrigins are the origins the demo's box may be shown on: Palier's
// default address, and port 8081 for a page served by any static server.
var HelpBoxOrigins = []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://127.0.0.1:8081", "http://localhost:8081"}

// HelpBoxDemoPath is Palier's demo page carrying the box.
const HelpBoxDemoPath = "/help/box/demo"

func (b *builder) createHelpBox() error {
	ctx, svc := b.ctx, b.svc
	admin := b.actors["marc"]
	if err := b.s.SetHelpBoxKey(ctx, b.ws.ID, admin.AgentID, HelpBoxKey); err != nil {
		return err
	}
	if err := svc.SetHelpBoxOrigins(ctx, admin, strings.Join(HelpBoxOrigins, "\n")); err != nil {
		return fmt.Errorf("origins: %w", err)
	}
	// The demo page shows "Charged twice?" in the page's language.
	for _, id := range []int64{b.kb["charged-twice"].FR, b.kb["charged-twice"].EN} {
		if _, err := svc.AddHelpBoxMapping(ctx, admin, helpbox.Mapping{Kind: helpbox.Prefix, Pattern: HelpBoxDemoPath, ArticleID: id}); err != nil {
			return fmt.Errorf("mapping: %w", err)
		}
	}
	return nil
}
