package escalation

import (
	"github.com/palier/palier/internal/i18n"
	"github.com/palier/palier/internal/problem"
)

// ValidationError points at one faulty element of a procedure, or at the
// field of an escalation request that makes the move impossible.
type ValidationError struct {
	// Path locates the element, e.g. "steps[1].required[0].key" for a
	// procedure or "target_tier" for a request, so that the UI can
	// highlight it.
	Path string `json:"path"`
	// Code is a stable machine code ("unknown_tier", "no_step", …) for
	// tests and for translation at the edges.
	Code string `json:"code"`
	// Message is the English text, for logs and the API.
	Message string `json:"message"`
	// Params holds the values the message mentions so that the edges can
	// build their own wording.
	Params map[string]string `json:"params,omitempty"`
}

func (e ValidationError) Error() string { return e.Path + ": " + e.Message }

// Text returns the message in lang ("fr" or "en"). The texts are declared
// here, beside the codes, and registered in the i18n catalogue under
// "escalation.", so that the procedure editor and the escalation dialog
// speak both languages without another package knowing every code.
func (e ValidationError) Text(lang string) string {
	return render(lang, e.Code, e.Params)
}

// ValidationErrors are all the errors found at once, in document order.
type ValidationErrors []ValidationError

func (es ValidationErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return problem.Summary("escalation: "+problem.Count(len(es), "error"), msgs)
}

// textPrefix is where escalation's texts live in the i18n catalogue.
const textPrefix = "escalation."

func init() {
	i18n.Register(textPrefix, messages)
	i18n.Register(textPrefix+"summary.", summaryTexts)
}

// messages maps each stable code to its English and French text, with
// {name} placeholders filled from Params.
var messages = i18n.Messages{
	// Procedures.
	"invalid_id":           {"The id {value} is negative.", "L'identifiant {value} est négatif."},
	"missing_name":         {"The procedure has no name.", "La procédure n'a pas de nom."},
	"too_long":             {"This text is too long (maximum {max} characters).", "Ce texte est trop long (maximum {max} caractères)."},
	"bad_utf8":             {"This text is not valid UTF-8.", "Ce texte n'est pas de l'UTF-8 valide."},
	"no_steps":             {"The procedure has no step.", "La procédure n'a aucune étape."},
	"missing_tier":         {"The tier is missing.", "Le niveau est manquant."},
	"bad_tier":             {"{tier} is not a tier; use L0 to L4.", "{tier} n'est pas un niveau ; utilisez L0 à L4."},
	"unknown_tier":         {"Tier {tier} is not defined in this workspace.", "Le niveau {tier} n'existe pas dans cet espace de travail."},
	"self_service_tier":    {"L0 is self-service: no agent works there, so a hand-off cannot start or end there.", "L0 est le libre-service : aucun agent n'y travaille, un transfert ne peut donc ni en partir ni y aboutir."},
	"not_ascending":        {"A step must go up: {to} is not above {from}.", "Une étape doit monter : {to} n'est pas au-dessus de {from}."},
	"steps_out_of_order":   {"Steps must be listed from the lowest tier up: {tier} comes after {previous}.", "Les étapes doivent aller du niveau le plus bas au plus haut : {tier} vient après {previous}."},
	"duplicate_step":       {"There is already a step up from {tier}.", "Il existe déjà une étape partant de {tier}."},
	"invalid_team_id":      {"The team id {value} is negative.", "L'identifiant d'équipe {value} est négatif."},
	"vendor_email_not_l4":  {"Only a step to L4 (an outside vendor) has a vendor email.", "Seule une étape vers L4 (un prestataire externe) a une adresse e-mail de prestataire."},
	"bad_email":            {"{value} is not an email address.", "{value} n'est pas une adresse e-mail."},
	"too_many_items":       {"A step may require at most {max} items.", "Une étape peut exiger au plus {max} éléments."},
	"missing_key":          {"The item has no key.", "L'élément n'a pas de clé."},
	"bad_key":              {"Use only a-z, 0-9, _ and - (at most 64).", "Utilisez uniquement a-z, 0-9, _ et - (64 au plus)."},
	"duplicate_key":        {"The key {key} is already required by this step.", "La clé {key} est déjà exigée par cette étape."},
	"unknown_kind":         {"Unknown item kind {kind}; use custom_field, answer or attachment.", "Type d'élément {kind} inconnu ; utilisez custom_field, answer ou attachment."},
	"unknown_custom_field": {"The custom field {key} is not defined in this workspace.", "Le champ personnalisé {key} n'existe pas dans cet espace de travail."},
	"missing_label":        {"The item needs a label in French or English.", "L'élément doit avoir un libellé en français ou en anglais."},
	"unknown_direction":    {"Unknown direction {value}; use up, down or return.", "Sens {value} inconnu ; utilisez up, down ou return."},
	"no_step":              {"The procedure has no step up from {tier}.", "La procédure ne prévoit pas d'escalade depuis {tier}."},
	"target_not_above":     {"To escalate, the target must be above {tier}.", "Pour escalader, la cible doit être au-dessus de {tier}."},
	"target_not_below":     {"To de-escalate, the target must be below {tier}.", "Pour désescalader, la cible doit être en dessous de {tier}."},
	"target_not_reachable": {"The procedure does not lead from {from} to {to}.", "La procédure ne mène pas de {from} à {to}."},
	"missing_target":       {"Say which tier the ticket goes back to.", "Indiquez vers quel niveau le ticket repart."},
	"same_tier":            {"The ticket is already at {tier}.", "Le ticket est déjà au niveau {tier}."},
	"no_lower_tier":        {"There is no tier below {tier} to hand the ticket to.", "Il n'y a pas de niveau sous {tier} auquel transmettre le ticket."},
}

// render fills the text of code in lang. An unknown code renders as the
// code itself so that a missing text is visible rather than blank.
func render(lang, code string, params map[string]string) string {
	if _, ok := messages[code]; !ok {
		return code
	}
	return i18n.Tm(lang, textPrefix+code, params)
}

// newError builds an error whose Message is the English text of code.
func newError(path, code string, params map[string]string) ValidationError {
	return ValidationError{Path: path, Code: code, Message: render("en", code, params), Params: params}
}
