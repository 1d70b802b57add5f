package i18n

// Texts of the JSON API's own messages: the details of a malformed body and
// the names of JSON types, which error messages are phrased with.
func init() {
	register(map[string][2]string{
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
}
