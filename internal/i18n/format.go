package i18n

// How each language writes numbers and joins words. Code that formats
// for people takes these from the catalogue rather than testing the
// language, so a third language would be a catalogue entry, not a branch.
func init() {
	register(Messages{
		"num.thousands": {",", "\u202f"},        // French: narrow no-break space
		"num.decimal":   {".", ","},             // the decimal separator
		"num.percent":   {"{n}%", "{n}\u00a0%"}, // French: no-break space before %
		"list.and":      {"{a} and {b}", "{a} et {b}"},
		"punct.colon":   {":", "\u00a0:"}, // French: a space before the colon
	})
}
