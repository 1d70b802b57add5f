package demo

import (
	"fmt"
	"strconv"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/macro"
)

// The demo's macros, written through the service as a lead and an agent
// would: a shared answer to the commonest question with its article, the
// billing team's refund answer, and one agent's personal follow-up.
func (b *builder) createMacros() error {
	ctx, svc := b.ctx, b.svc
	sophie, nadia := b.actors["sophie"], b.actors["nadia"]
	article := func(key string) string { return "{{article:" + strconv.FormatInt(b.kb[key].FR, 10) + "}}" }
	articleEN := func(key string) string { return "{{article:" + strconv.FormatInt(b.kb[key].EN, 10) + "}}" }
	for _, m := range []struct {
		by    auth.Actor
		macro macro.Macro
	}{
		{sophie, macro.Macro{Name: "Mot de passe oublié", Scope: macro.Shared,
			BodyFR: "Bonjour {{customer_first_name}},\n\nVous pouvez choisir un nouveau mot de passe en suivant ce guide : " + article("password") +
				"\n\nBien cordialement,\n{{agent_first_name}}",
			BodyEN: "Hello {{customer_first_name}},\n\nYou can choose a new password by following this guide: " + articleEN("password") +
				"\n\nKind regards,\n{{agent_first_name}}",
			Actions: macro.Actions{Status: "pending", AddTags: []string{"mot-de-passe"}}}},
		{sophie, macro.Macro{Name: "Double prélèvement : remboursement lancé", Scope: macro.Team, TeamID: b.teams["billing"].ID,
			BodyFR: "Bonjour {{customer_first_name}},\n\nNous avons bien constaté le double prélèvement ({{ticket_ref}}) et lancé le remboursement : il apparaîtra sous 5 jours ouvrés. " +
				article("charged-twice") + "\n\n{{agent_name}}",
			BodyEN: "Hello {{customer_first_name}},\n\nWe found the double charge ({{ticket_ref}}) and started the refund: it will show within 5 working days. " +
				articleEN("charged-twice") + "\n\n{{agent_name}}",
			Actions: macro.Actions{Status: "solved", AddTags: []string{"remboursement"}, Assign: macro.AssignMe}}},
		{nadia, macro.Macro{Name: "Relance sans réponse", Scope: macro.Personal,
			BodyFR:  "Bonjour {{customer_first_name}},\n\nAvez-vous pu essayer la solution proposée ? Sans nouvelles de votre part, nous clôturerons la demande dans 3 jours.\n\nNadia",
			BodyEN:  "Hello {{customer_first_name}},\n\nHave you been able to try the solution? Without news from you we will close the request in 3 days.\n\nNadia",
			Actions: macro.Actions{Status: "pending"}}},
	} {
		if _, err := svc.CreateMacro(ctx, m.by, m.macro); err != nil {
			return fmt.Errorf("macro %q: %w", m.macro.Name, err)
		}
	}
	return nil
}
