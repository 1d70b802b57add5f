package escalation

import "github.com/palier/palier/internal/i18n"

// Keys of the default checklist items. KeyStepsTried is also how the
// summary finds "what was tried" in any procedure.
const (
	KeyStepsTried        = "steps_tried"
	KeyErrorMessage      = "error_message"
	KeyReproductionSteps = "reproduction_steps"
	KeyImpact            = "impact"
	KeyVendorContext     = "vendor_reference_context"
)

// defaultItems returns the default checklist items, fresh on each call so
// that no caller can change another's procedure.
func defaultItems() map[string]Item {
	items := make(map[string]Item)
	for _, it := range []Item{
		answer(KeyStepsTried,
			"Étapes déjà essayées", "Steps already tried",
			"Ce que le client et vous avez déjà essayé, une action par ligne : articles suivis, réglages modifiés, contournements.",
			"What the customer and you already tried, one per line: articles followed, settings changed, workarounds."),
		answer(KeyErrorMessage,
			"Message d'erreur", "Error message",
			"Le texte exact de l'erreur ou de ce que voit le client ; écrivez « aucun » s'il n'y a pas de message.",
			"The exact text of the error or of what the customer sees; write \"none\" if there is no message."),
		answer(KeyReproductionSteps,
			"Étapes pour reproduire", "Steps to reproduce",
			"Comment faire réapparaître le problème, étape par étape, avec le compte, la page ou la version concernés.",
			"How to make the problem happen again, step by step, with the account, page or version concerned."),
		answer(KeyImpact,
			"Impact", "Impact",
			"Qui est touché et à quel point : un utilisateur ou plusieurs, bloqué ou ralenti, échéance éventuelle.",
			"Who is affected and how badly: one user or many, blocked or slowed down, any deadline."),
		answer(KeyVendorContext,
			"Contexte pour le prestataire", "Context for the vendor",
			"Ce dont le prestataire a besoin pour enquêter sans revenir vers nous : produit et version, identifiants, dates, et sa référence de dossier s'il en existe une.",
			"What the vendor needs to investigate without coming back to us: product and version, identifiers, dates, and their case reference if one exists."),
	} {
		items[it.Key] = it
	}
	return items
}

// answer is a checklist item the agent answers in words, labelled and
// explained in both languages; its key is said once.
func answer(key, labelFR, labelEN, helpFR, helpEN string) Item {
	return Item{Key: key, Kind: KindAnswer, LabelFR: labelFR, LabelEN: labelEN, HelpFR: helpFR, HelpEN: helpEN}
}

// DefaultProcedure is the procedure a workspace starts with, named in
// lang. It climbs L1 → L2 → L3 → L4, each step asking for what the next
// tier needs first: L2 what was tried and the error, L3 how to reproduce
// and how bad it is, the vendor the context to open a case. A workspace
// without an L4 tier drops the last step before saving it.
func DefaultProcedure(lang string) Procedure {
	it := defaultItems()
	return Procedure{
		Name: i18n.Pick(lang, "Default procedure", "Procédure par défaut"),
		Steps: []Step{{
			FromTier: "L1", ToTier: "L2",
			GuidanceFR: "Escaladez quand la base de connaissances et les solutions habituelles n'ont pas résolu le problème, quand il faut des droits ou des outils que le niveau 1 n'a pas (fonctionnalités avancées, facturation complexe, données de compte), ou quand vous ne pouvez plus avancer dans cet échange. Résolvez au niveau 1 dès que possible : il vise 80 % des demandes.",
			GuidanceEN: "Escalate when the knowledge base and the usual fixes did not solve the problem, when it needs rights or tools L1 does not have (advanced features, complex billing, account data), or when you cannot make progress within this exchange. Resolve at L1 whenever you can: L1 aims at 80% of requests.",
			Required:   []Item{it[KeyStepsTried], it[KeyErrorMessage]},
		}, {
			FromTier: "L2", ToTier: "L3",
			GuidanceFR: "Escaladez quand le problème est reproductible et ressemble à un défaut du produit, demande une modification du code, de la configuration ou des données que le niveau 2 ne peut pas faire, ou exige une expertise (conformité, sécurité, installation sur mesure).",
			GuidanceEN: "Escalate when the problem is reproducible and looks like a product defect, needs a change to code, configuration or data that L2 cannot make, or needs expert knowledge (compliance, security, a custom setup).",
			Required:   []Item{it[KeyReproductionSteps], it[KeyImpact]},
		}, {
			FromTier: "L3", ToTier: "L4",
			GuidanceFR: "Escaladez vers le prestataire seulement quand la cause se trouve dans son produit ou service, celui auquel le nôtre se connecte, et que vous avez écarté notre côté. Il reçoit le résumé du transfert par e-mail.",
			GuidanceEN: "Escalate to the vendor only when the cause lies in their product or service, the one ours connects to, and you have ruled out our side. The vendor receives the hand-off summary by email.",
			Required:   []Item{it[KeyVendorContext]},
		}},
	}
}

// wellKnown labels answers that a step's checklist does not list (they were
// collected at an earlier step), so that the summary still names them.
var wellKnown = defaultItems()
