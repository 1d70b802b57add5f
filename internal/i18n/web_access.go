package i18n

// Texts of who may see and place a ticket across tiers: hand-offs that
// keep the handing agent informed, the sensitive flag, and the refusals of
// placements outside an agent's tier.
func init() {
	register(Messages{
		"view.handed_off": {"Handed off by me", "Transmis par moi"},

		"error.tier_changed": {"This ticket was moved meanwhile (it is now at {tier}); nothing was changed.",
			"Ce ticket a été déplacé entre-temps (il est maintenant en {tier}) ; rien n'a été modifié."},
		"error.sensitive_not_allowed": {"Only leads, admins and the ticket's owner may mark it sensitive or lift the flag.",
			"Seuls les responsables d'équipe, les administrateurs et le responsable du ticket peuvent le marquer sensible ou lever ce marquage."},
		"error.out_of_scope": {"Agents keep a ticket in its tier: to move it to another tier, escalate it.",
			"Les agents gardent un ticket dans son niveau : pour le changer de niveau, escaladez-le."},
		"field.tier_out_of_scope": {"You may only place a ticket in a tier you work in.",
			"Vous ne pouvez placer un ticket que dans un niveau où vous travaillez."},
		"field.team_out_of_scope": {"This team belongs to another tier: escalate the ticket instead.",
			"Cette équipe appartient à un autre niveau : escaladez plutôt le ticket."},
		"field.owner_out_of_scope": {"This person does not work in the ticket's tier or team.",
			"Cette personne ne travaille pas dans le niveau ou l'équipe du ticket."},
		"field.return_not_visited": {"The ticket was never at {tier}: to send it up, escalate it.",
			"Le ticket n'a jamais été en {tier} : pour le faire monter, escaladez-le."},

		// After a hand-off: where the ticket went and who has it.
		"handoff.sent":       {"{ref} handed off to {tier}{team}. {owner}", "{ref} transmis à {tier}{team}. {owner}"},
		"handoff.sent_team":  {", team {team}", ", équipe {team}"},
		"handoff.owner":      {"{name} has it.", "{name} l'a pris en charge."},
		"handoff.unassigned": {"Nobody has it yet (unassigned).", "Personne ne l'a encore pris en charge (non assigné)."},
		"handoff.sent_hidden": {"The ticket was handed off. It is sensitive: only its assignees and leads follow it now.",
			"Le ticket a été transmis. Il est sensible : seuls ses responsables et les responsables d'équipe le suivent désormais."},
		"handoff.follow": {"You follow it in “Handed off by me”.", "Vous le suivez dans « Transmis par moi »."},
		"ticket.handed_off_note": {"You handed this ticket off: you follow it here and may add internal notes; its tier now answers the customer.",
			"Vous avez transmis ce ticket : vous le suivez ici et pouvez ajouter des notes internes ; son niveau répond désormais au client."},

		"prop.escalate_action": {"Escalate or send down", "Escalader ou redescendre"},
		"prop.sensitive":       {"Sensitive: only its owner, invited colleagues and leads read it", "Sensible : seuls son responsable, les collègues invités et les responsables d'équipe le lisent"},
	})
}
