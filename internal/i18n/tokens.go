package i18n

// Texts of sign-in throttling, API tokens ("My tokens", the admin list)
// and unlocking accounts.
func init() {
	register(Messages{
		"error.login_busy":      {"The server is busy checking other sign-ins; try again in {retry_after} seconds.", "Le serveur vérifie d'autres connexions ; réessayez dans {retry_after} secondes."},
		"error.token_expired":   {"This API token has expired.", "Ce jeton d'API a expiré."},
		"error.token_revoked":   {"This API token was revoked.", "Ce jeton d'API a été révoqué."},
		"error.token_not_found": {"Token not found.", "Jeton introuvable."},
		"error.bad_lifetime":    {`A lifetime is a number and a unit: h, d, w or y (e.g. "90d").`, `Une durée est un nombre et une unité : h, d, w ou y (par exemple « 90d »).`},
		"field.in_the_past":     {"This must be in the future.", "Ce doit être dans le futur."},
		"field.too_far":         {"This is too far in the future (at most {max}).", "C'est trop loin dans le futur ({max} au plus)."},
		"field.not_a_time":      {"This must be a date and time.", "Ce doit être une date et une heure."},

		"nav.tokens":          {"My tokens", "Mes jetons"},
		"tokens.title":        {"My tokens", "Mes jetons"},
		"tokens.all_title":    {"API tokens", "Jetons d'API"},
		"tokens.intro":        {"API tokens let programs act as you through the JSON API. Keep them secret; revoke one you no longer need.", "Les jetons d'API permettent à des programmes d'agir en votre nom via l'API JSON. Gardez-les secrets ; révoquez ceux dont vous n'avez plus besoin."},
		"tokens.new":          {"New token", "Nouveau jeton"},
		"tokens.name":         {"Name", "Nom"},
		"tokens.expires":      {"Expires", "Expiration"},
		"tokens.expires_in":   {"Lifetime", "Durée de validité"},
		"tokens.never":        {"Never", "Jamais"},
		"tokens.days":         {"{n} days", "{n} jours"},
		"tokens.create":       {"Create the token", "Créer le jeton"},
		"tokens.secret":       {"Copy this token now: it will not be shown again.", "Copiez ce jeton maintenant : il ne sera plus affiché."},
		"tokens.owner":        {"Agent", "Agent"},
		"tokens.created":      {"Created", "Créé"},
		"tokens.last_used":    {"Last used", "Dernière utilisation"},
		"tokens.never_used":   {"Never used", "Jamais utilisé"},
		"tokens.state":        {"State", "État"},
		"tokens.live":         {"Active", "Actif"},
		"tokens.expired":      {"Expired", "Expiré"},
		"tokens.revoked":      {"Revoked", "Révoqué"},
		"tokens.done_revoked": {"Token revoked: it no longer works.", "Jeton révoqué : il ne fonctionne plus."},
		"tokens.revoke":       {"Revoke", "Révoquer"},
		"tokens.none":         {"No tokens yet.", "Aucun jeton pour l'instant."},
		"tokens.more":         {"Older tokens", "Jetons plus anciens"},
		"admin.unlock":        {"Unlock sign-in", "Débloquer la connexion"},
		"admin.unlock_hint":   {"Clears the failed sign-ins that make this member wait before trying again.", "Efface les connexions échouées qui obligent ce membre à attendre avant de réessayer."},
		"admin.locked":        {"Sign-in waits {seconds} s after {n} failed attempts.", "La connexion attend {seconds} s après {n} tentatives échouées."},
		"admin.unlocked":      {"Sign-in unlocked.", "Connexion débloquée."},
	})
}
