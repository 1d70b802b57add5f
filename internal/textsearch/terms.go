package textsearch

// Terms analyses s for matching in language lang (see BaseLang): it splits
// s into words (Tokens), folds each (Normalize) and stems it (Stem). Two
// texts share a word, for matching purposes, when their Terms share a term.
func Terms(lang, s string) []string {
	return AppendTerms(nil, lang, s)
}

// AppendTerms appends the terms of s to dst and returns the extended slice.
// It lets callers that analyse many texts reuse one slice; apart from that
// slice it allocates only the folded copy of s (none when s is already
// folded): terms are substrings of it, or stems remembered from earlier
// texts (see stemCaches), so a warm vocabulary costs no allocation.
func AppendTerms(dst []string, lang, s string) []string {
	lang = BaseLang(lang)
	// Folding the whole text first and then splitting gives the same words
	// as splitting then folding each word, with one allocation instead of
	// one per word.
	eachToken(Normalize(s), func(tok string) bool {
		dst = append(dst, stemFolded(lang, tok))
		return true
	})
	return dst
}
