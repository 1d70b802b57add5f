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
	return map[string]Item{
		KeyStepsTried: {
			Key: KeyStepsTried, Kind: KindAnswer,
			LabelFR: "Étapes déjà essayées", LabelEN: "Steps already tried",
			HelpFR: "Ce que le client et vous avez déjà essayé, une action par ligne : articles suivis, réglages modifiés, contournements.",
			HelpEN: "What the customer and you already tried, one per line: articles followed, settings changed, workarounds.",
		},
		KeyErrorMessage: {
			Key: KeyErrorMessage, Kind: KindAnswer,
			LabelFR: "Message d'erreur", LabelEN: "Error message",
			HelpFR: "Le texte exact de l'erreur ou de ce que voit le client ; écrivez « aucun » s'il n'y a pas de message.",
			HelpEN: "The exact text of the error or of what the customer sees; write \"none\" if there is no message.",
		},
		KeyReproductionSteps: {
			Key: KeyReproductionSteps, Kind: KindAnswer,
			LabelFR: "Étapes pour reproduire", LabelEN: "Steps to reproduce",
			HelpFR: "Comment faire réapparaître le problème, étape par étape, avec le compte, la page ou la version concernés.",
			HelpEN: "How to make the problem happen again, step by step, with the account, page or version concerned.",
		},
		KeyImpact: {
			Key: KeyImpact, Kind: KindAnswer,
			LabelFR: "Impact", LabelEN: "Impact",
			HelpFR: "Qui est touché et à quel point : un utilisateur ou plusieurs, bloqué ou ralenti, échéance éventuelle.",
			HelpEN: "Who is affected and how badly: one user or many, blocked or slowed down, any deadline.",
		},
		KeyVendorContext: {
			Key: KeyVendorContext, Kind: KindAnswer,
			LabelFR: "Contexte pour le prestataire", LabelEN: "Context for the vendor",
			HelpFR: "Ce dont le prestataire a besoin pour enquêter sans revenir vers nous : produit et version, identifiants, dates, et sa référence de dossier s'il en existe une.",
			HelpEN: "What the vendor needs to investigate without coming back to us: product and version, identifiers, dates, and their case reference if one exists.",
		},
	}
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
