package i18n

// Texts of the JSON API's own messages: the details of a malformed body and
// the names of JSON types, which error messages are phrased with; the
// errors of routing rules, escalation procedures and hand-offs.
func init() {
	register(Messages{
		"api.json.syntax":     {"unexpected character at position {offset}", "caractère inattendu à la position {offset}"},
		"api.json.eof":        {"the body ends before the JSON value does", "le corps s'arrête avant la fin de la valeur JSON"},
		"api.json.trailing":   {"unexpected data after the JSON value at position {offset}", "données inattendues après la valeur JSON, à la position {offset}"},
		"api.json.empty":      {"the body is empty", "le corps est vide"},
		"api.json.not_object": {"a JSON object is expected", "un objet JSON est attendu"},
		"api.json.invalid":    {"it could not be read", "il n'a pas pu être lu"},
		"api.json.unreadable": {"it could not be received completely", "il n'a pas pu être reçu entièrement"},
		"api.limit.body":      {"1 MiB", "1 Mio"},
		"api.type.string":     {"text", "du texte"},
		"api.type.integer":    {"an integer", "un entier"},
		"api.type.number":     {"a number", "un nombre"},
		"api.type.boolean":    {"true or false", "true ou false"},
		"api.type.array":      {"a list", "une liste"},
		"api.type.object":     {"an object", "un objet"},
		"api.type.value":      {"another type", "un autre type"},
	})
	register(Messages{
		"error.invalid_procedure":              {"The escalation procedure is invalid.", "La procédure d'escalade est invalide."},
		"error.escalation_procedure_not_found": {"Escalation procedure not found.", "Procédure d'escalade introuvable."},
		"api.field.required_item":              {"{label} is required.", "{label} est obligatoire."},
	})
	// What is wrong with a routing rule set, by routing's validation codes.
	// Values come from the rule set as typed.
	register(Messages{
		"api.rules.empty_rule_name":          {"The rule has no name.", "La règle n'a pas de nom."},
		"api.rules.invalid_rule_id":          {"The rule id {id} is negative.", "L'identifiant de règle {id} est négatif."},
		"api.rules.duplicate_rule_id":        {"The rule id {id} is already used by {other}.", "L'identifiant de règle {id} est déjà utilisé par {other}."},
		"api.rules.missing_fallback_tier":    {"The fallback route must set a tier.", "La route par défaut doit indiquer un niveau."},
		"api.rules.unknown_tier":             {"The tier {tier} does not exist in this workspace.", "Le niveau {tier} n'existe pas dans cet espace de travail."},
		"api.rules.unknown_team":             {"The team {team} does not exist in this workspace.", "L'équipe {team} n'existe pas dans cet espace de travail."},
		"api.rules.unknown_priority":         {"Unknown priority {priority}; use low, normal, high or urgent.", "Priorité {priority} inconnue ; utilisez low, normal, high ou urgent."},
		"api.rules.unknown_channel":          {"Unknown channel {channel}.", "Canal {channel} inconnu."},
		"api.rules.unknown_request_type":     {"The request type {request_type} does not exist in this workspace.", "Le type de demande {request_type} n'existe pas dans cet espace de travail."},
		"api.rules.unknown_language":         {"Unsupported language {language}.", "Langue {language} non prise en charge."},
		"api.rules.unknown_segment":          {"Unknown segment {segment}.", "Segment {segment} inconnu."},
		"api.rules.too_deep":                 {"Conditions are nested more than {max} levels deep.", "Les conditions sont imbriquées sur plus de {max} niveaux."},
		"api.rules.empty_condition":          {"The condition is empty.", "La condition est vide."},
		"api.rules.mixed_condition":          {"A condition is exactly one of all, any, not or a field test; this one has {kinds}.", "Une condition est exactement l'un de all, any, not ou un test de champ ; celle-ci a {kinds}."},
		"api.rules.missing_field":            {"The condition has no field.", "La condition n'a pas de champ."},
		"api.rules.unknown_field":            {"Unknown field {field}; use one of {allowed}.", "Champ {field} inconnu ; utilisez l'un de ceux-ci : {allowed}."},
		"api.rules.missing_custom_field_key": {"custom_field: must be followed by the custom field's key.", "custom_field: doit être suivi de la clé du champ personnalisé."},
		"api.rules.missing_op":               {"The condition has no operator (op).", "La condition n'a pas d'opérateur (op)."},
		"api.rules.unknown_op":               {"Unknown operator {op}; use one of {allowed}.", "Opérateur {op} inconnu ; utilisez l'un de ceux-ci : {allowed}."},
		"api.rules.op_not_allowed":           {"The operator {op} does not apply to the field {field} (allowed: {allowed}).", "L'opérateur {op} ne s'applique pas au champ {field} (autorisés : {allowed})."},
		"api.rules.unexpected_value":         {"The operator in takes its values from values, not value.", "L'opérateur in prend ses valeurs dans values, pas dans value."},
		"api.rules.missing_values":           {"The operator in needs at least one value in values.", "L'opérateur in demande au moins une valeur dans values."},
		"api.rules.unexpected_values":        {"The operator {op} takes one value, not values.", "L'opérateur {op} prend une seule valeur (value), pas values."},
		"api.rules.empty_value":              {"The value is empty.", "La valeur est vide."},
		"api.rules.missing_value":            {"The condition has no value.", "La condition n'a pas de valeur."},
		"api.rules.no_words":                 {"“{value}” contains no word to look for.", "« {value} » ne contient aucun mot à rechercher."},
		"api.rules.bad_number":               {"“{value}” is not a number.", "« {value} » n'est pas un nombre."},
		"api.rules.invalid_value":            {"“{value}” must be one of {allowed}.", "« {value} » doit être l'une de ces valeurs : {allowed}."},
		"api.rules.blank_value":              {"The value is only spaces.", "La valeur ne contient que des espaces."},
		"api.rules.empty_tag":                {"The tag is empty.", "L'étiquette est vide."},
		"api.rules.invalid_agent":            {"The agent id {agent} is negative.", "L'identifiant d'agent {agent} est négatif."},
		"api.rules.conflicting_assignment":   {"Assign either a given agent or by a strategy, not both.", "Assignez soit un agent donné, soit selon une stratégie, pas les deux."},
		"api.rules.strategy_requires_team":   {"The strategy {strategy} picks an agent within a team: set the team.", "La stratégie {strategy} choisit un agent dans une équipe : indiquez l'équipe."},
		"api.rules.unknown_assign_strategy":  {"Unknown assignment strategy {strategy}; use one of {allowed}.", "Stratégie d'assignation {strategy} inconnue ; utilisez l'une de celles-ci : {allowed}."},
		"api.rules.unclosed_placeholder":     {"The placeholder at character {offset} is not closed with }}.", "Le champ de fusion au caractère {offset} n'est pas fermé par }}."},
		"api.rules.unknown_placeholder":      {"Unknown placeholder {placeholder} (allowed: {allowed}).", "Champ de fusion {placeholder} inconnu (autorisés : {allowed})."},
	})
}
