package api

import (
	"github.com/palier/palier/internal/escalation"
	"github.com/palier/palier/internal/routing"
	"github.com/palier/palier/internal/workspace"
)

// Schemas of routing rules, dry runs, escalation procedures and hand-offs.
// They are kept apart from schemas.go because the rule set is recursive and
// long to describe; the shapes are routing's and escalation's own JSON.

var ruleOps = []string{routing.OpIs, routing.OpIsNot, routing.OpIn, routing.OpContainsWords, routing.OpContainsAnyWord,
	routing.OpContainsPhrase, routing.OpEq, routing.OpGt, routing.OpGte, routing.OpLt, routing.OpLte}

func routingSchemas() map[string]any {
	placement := object([]string{"tier"}, schema{"tier": str("Tier code."), "team": str("Team name; absent when the rules name none (the team is then chosen by request type).")})
	return map[string]any{
		"RuleSet": object([]string{"rules", "fallback"}, schema{
			"rules":    list(ref("Rule"), "Tried in order on each new ticket; the first enabled rule whose condition holds applies, no later rule runs."),
			"fallback": ref("Actions"),
		}),
		"Rule": object([]string{"id", "name", "enabled", "when", "then"}, schema{
			"id":      integer("Names the rule on timelines; unique in the set, 0 for none."),
			"name":    str("Shown on the ticket's timeline when the rule placed it."),
			"enabled": boolean("Disabled rules are kept and validated but never match."),
			"when":    ref("Condition"),
			"then":    ref("Actions"),
		}),
		"Condition": object(nil, schema{
			"all": list(ref("Condition"), "Every condition holds."),
			"any": list(ref("Condition"), "At least one condition holds."),
			"not": ref("Condition"),
			"field": str("A leaf's field: channel, request_type, segment, organisation, language, priority (is, is_not, in); " +
				"text (subject and body), subject, body (contains_words, contains_any_word, contains_phrase: words compare by stem in the ticket's language, " +
				"ignoring case and accents, so \"facturé\" matches \"factures\"); custom_field:<key> (every op); business_hours (is inside|outside); " +
				"open_tickets (eq, gt, gte, lt, lte); sensitive (is true|false); inbound_address, the address an email was sent to (is, is_not, in)."),
			"op":     schema{"type": "string", "enum": ruleOps, "description": "A leaf's operator."},
			"value":  str("A leaf's value (every op but in)."),
			"values": list(schema{"type": "string"}, "The values of the op in."),
			"ids":    list(schema{"type": "integer"}, "A request_type test's request type ids: value's, or one per entry of values (0: the key says)."),
		}),
		"Actions": object(nil, schema{
			"tier":    str("Tier code (the fallback must set a tier); shown beside tier_id, or stands for it when tier_id is absent."),
			"tier_id": integer("The tier, by id: rules name tiers, teams and request types by id, so renames change nothing."),
			"team":    str("Team name, refreshed from team_id when rules are read; stands for the team when team_id is absent."),
			"team_id": integer("The team, by id."), "priority": str("low, normal, high or urgent."),
			"request_type":    str("Request type key, set when the ticket has none; refreshed from request_type_id."),
			"request_type_id": integer("The request type, by id."),
			"add_tags":        list(schema{"type": "string"}, "Tags added to the ticket."),
			"assign_agent":    integer("Assign this agent (by id)."),
			"assign_strategy": schema{"type": "string", "enum": []string{routing.AssignRoundRobin, routing.AssignLeastLoaded}, "description": "Assign within the team."},
			"mark_sensitive":  boolean("Move the conversation to a private channel."),
			"require_human":   boolean("Never answer from self-service (regulated requests)."),
			"auto_reply":      str("Reply sent to the customer; placeholders {{ticket.reference}}, {{ticket.subject}}, {{customer.name}}."),
		}),
		"DryRunRequest": object(nil, schema{
			"rules":    list(ref("Rule"), "The rules to try; with fallback, a rule set as PUT /routing/rules takes it. Without both, the saved rules are tried."),
			"fallback": ref("Actions"),
			"limit":    schema{"type": "integer", "minimum": 1, "maximum": maxDryRun, "description": "How many of the most recent tickets to try (default 1000)."},
		}),
		"DryRunResult": object([]string{"total", "moved", "moved_by_agents", "hits", "flows", "moved_tickets", "moved_tickets_truncated"}, schema{
			"total":           integer("Tickets tried, newest first: those the caller may read."),
			"moved":           integer("Tickets the rules would place in another tier, or another team when they name one, than routing placed them at intake (their routed event)."),
			"moved_by_agents": integer("Tickets agents moved since routing placed them (escalations, hand-offs); not counted in moved."),
			"hits": list(object([]string{"count"}, schema{
				"rule_id": integer(""), "rule_name": str(""), "fallback": boolean("The fallback route."), "count": integer("Tickets it would take."),
			}), "One entry per enabled rule, in order, then the fallback."),
			"flows": list(object([]string{"from", "to", "count"}, schema{"from": placement, "to": placement, "count": integer("")}),
				"Moved tickets grouped by where they are and where they would go, largest first."),
			"moved_tickets": list(object([]string{"ticket_id", "reference", "subject", "from", "to"}, schema{
				"ticket_id": integer(""), "reference": str(""), "subject": str(""), "from": placement, "to": placement,
				"rule_id": integer("The rule that would take it."), "rule_name": str(""), "fallback": boolean("Taken by the fallback route."),
			}), "The moved tickets you may see, newest first, at most 200 (the counts above cover every ticket)."),
			"moved_tickets_truncated": boolean("More moved tickets than listed."),
		}),
	}
}

func escalationSchemas() map[string]any {
	tiers := workspace.TierCodes
	item := schema{
		"key":      str("The custom field's key (kind custom_field) or the answer's key, e.g. steps_tried."),
		"kind":     enum("", []escalation.ItemKind{escalation.KindAnswer, escalation.KindCustomField, escalation.KindAttachment}),
		"label_fr": str(""), "label_en": str(""), "help_fr": str(""), "help_en": str(""),
	}
	step := schema{
		"from_tier": enum("", tiers), "to_tier": enum("Above from_tier.", tiers),
		"team_id":     integer("Receiving team; absent: the team of the target tier that handles the request type."),
		"guidance_fr": str("When to take this step."), "guidance_en": str(""),
		"required":     list(ref("ChecklistItem"), "What must be provided before the hand-off."),
		"vendor_email": str("For a step to L4 only: the vendor's address, instead of the tier's."),
	}
	procedure := schema{
		"request_type_id": integer("0 = the workspace's default procedure."), "name": str(""),
		"steps": list(ref("EscalationStep"), "From the lowest tier up, one step per tier."),
	}
	return map[string]any{
		"ChecklistItem":  object([]string{"key", "kind", "label_fr", "label_en"}, item),
		"EscalationStep": object([]string{"from_tier", "to_tier", "required"}, step),
		"EscalationProcedure": object([]string{"id", "request_type_id", "name", "steps"}, with(procedure, schema{
			"id": integer(""),
		})),
		"EscalationProcedurePage":  pageSchema("EscalationProcedure", "Procedures by id."),
		"EscalationProcedureWrite": object([]string{"name", "steps"}, procedure),
		"EscalationGuide": object([]string{"ticket_id", "tier", "procedure_name", "possible"}, schema{
			"ticket_id": integer(""), "tier": enum("The ticket's tier.", tiers),
			"procedure_id":   integer("Absent when the built-in default procedure applies."),
			"procedure_name": str(""),
			"possible":       boolean("Whether you may escalate the ticket now (once the checklist and a reason are provided)."),
			"blocked": enum("Why not: swarming (the ticket's request type, or the workspace, is worked by swarming: its owner keeps it and invites experts; step is then absent), "+
				"no_step (the procedure goes no higher) or not_allowed (you may read the ticket, not work it).", []string{"swarming", "no_step", "not_allowed"}),
			"step": object([]string{"from_tier", "to_tier", "guidance", "guidance_fr", "guidance_en", "required"}, schema{
				"from_tier": enum("", tiers), "to_tier": enum("", tiers), "team_id": integer("Receiving team, when the procedure names one."),
				"guidance": str("When to take the step, in the language of Accept-Language."), "guidance_fr": str(""), "guidance_en": str(""),
				"required": list(object([]string{"key", "kind", "label", "label_fr", "label_en", "provided"}, with(item, schema{
					"label":    str("In the language of Accept-Language."),
					"help":     str("In the language of Accept-Language."),
					"provided": boolean("The ticket already meets the item, as escalating checks it: a custom field it has a value for, an answer its text custom field of the same key holds, an attachment item met by a file on the ticket."),
				})), "The checklist, in order. A reason is always required too."),
			}),
		}),
		"EscalateRequest": object(nil, schema{
			"direction":   enum("Default up.", []escalation.Direction{escalation.Up, escalation.Down, escalation.Return}),
			"target_tier": enum("Up: default the procedure's next step (a higher tier collects every step's checklist on the way). Down: default the tier below. Return: required; below the ticket's tier, or a tier it was at before.", tiers),
			"reason":      str("Why; always required."),
			"answers":     textMap("Checklist answers by item key (kind answer); custom field items are read from the ticket."),
			"from_tier":   enum("The tier you expect the ticket to be at; if it is elsewhere by now (a duplicate submit, a colleague was faster) the hand-off is refused with 409 tier_changed and nothing moves. Recommended.", tiers),
		}),
		"HandoffSummary": object([]string{"direction", "from", "to", "reason", "subject"}, schema{
			"direction": enum("", []escalation.Direction{escalation.Up, escalation.Down, escalation.Return}),
			"from":      str(""), "to": str(""), "by": str("Who handed over."), "reason": str(""), "subject": str(""),
			"problem":      str("The customer's first message, shortened."),
			"self_service": list(schema{"type": "string"}, "What the customer did alone before contact."),
			"tried":        list(schema{"type": "string"}, "The steps_tried answer, one entry per line."),
			"answers": list(object([]string{"key", "kind", "label_fr", "label_en"}, with(item, schema{"value": str("")})),
				"Collected values, labelled in both languages."),
			"attachments": integer(""),
		}),
	}
}
