package textsearch

// IsStopWord reports whether a folded word (see Normalize) carries no
// meaning for matching in language lang ("le", "de", "the", "how"): the
// words ParseQuery drops. The answering assistant needs it to tell a
// question that is only stop words from one that has something to answer.
func IsStopWord(lang, folded string) bool {
	return isStopWord(BaseLang(lang), folded)
}
