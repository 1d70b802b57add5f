package web

// Tier and team names in the reader's language, for the pages that show
// them (issue 8.7: an English reader must not read "Support de niveau 1").

// tierLabel is "L1 · Front line" for the tier with the id, "" when none.
func tierLabel(rq *request, id int64) string {
	t := rq.dir.Tier(id)
	if t.ID == 0 {
		return ""
	}
	return t.Code + " · " + t.NameIn(rq.loc.Lang)
}

// teamNamed is the reader's name of the team an event or a rule names by
// any of its names; the name itself when no team answers to it (a team
// since renamed).
func teamNamed(rq *request, name string) string {
	for _, t := range rq.dir.Teams {
		if name != "" && t.Named(name) {
			return t.NameIn(rq.loc.Lang)
		}
	}
	return name
}
