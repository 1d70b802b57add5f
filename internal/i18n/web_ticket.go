package i18n

// Texts of the agent's ticket page: the checklist read with the custom
// fields, refusals that name what is missing, and swarm invitations told
// in the panel.
func init() {
	register(Messages{
		"escalate.missing_items": {"Fill in what the next tier needs before handing off: {items}.",
			"Renseignez ce dont le niveau suivant a besoin avant de transférer : {items}."},
		"escalate.missing_sep": {", ", ", "},
		"escalate.item_done":   {"(filled in)", "(renseigné)"},
		"escalate.linked_field": {"Also the ticket's field of the same name: filled in either place, it counts in both.",
			"C'est aussi le champ du ticket du même nom : renseigné à un endroit, il compte pour les deux."},

		"swarm.them": {"This colleague", "Ce collègue"},
		"swarm.invited": {"Invitation sent to {name}: they read the ticket and answer with internal notes.",
			"Invitation envoyée à {name} : le ticket lui est ouvert en lecture, avec les notes internes pour répondre."},
		"swarm.already": {"{name} already takes part in this ticket: nothing changed.",
			"{name} participe déjà à ce ticket : rien n'a changé."},
		"swarm.refused": {"The invitation was refused: check who you invite and your question.",
			"L'invitation a été refusée : vérifiez la personne invitée et votre question."},
		"swarm.refused_agent_or_team": {"Invite one colleague or one team, not both.",
			"Invitez un collègue ou une équipe, pas les deux."},
		"swarm.refused_required": {"Choose a colleague or a team to invite.",
			"Choisissez un collègue ou une équipe à inviter."},
		"swarm.refused_unknown": {"This colleague or team cannot be invited (unknown or inactive).",
			"Ce collègue ou cette équipe ne peut pas être invité (inconnu ou inactif)."},
	})
}
