package demo

// Nuagique's help centre (content/kb.json): the articles a newcomer finds under /help, each
// in French and English (the two variants are linked), plus internal notes
// for agents. Keys name articles in the search-quality tests.

// kbCategorySpec is a help-centre category: its slug and its names.
type kbCategorySpec struct {
	Slug string `json:"slug"`
	FR   string `json:"fr"`
	EN   string `json:"en"`
}

var kbCategories = kbContent.Categories

type kbText struct {
	title, body string
	tags        []string
}

type kbArticleSpec struct {
	key      string
	category string
	internal bool
	fr, en   kbText // en.title == "" for a French-only article
	helpful  int64  // "Was this helpful?" yes, out of about views/10 answers
	views    int64
}

var kbArticles = kbContent.Articles

// kbContent is content/kb.json.
var kbContent = mustLoadContent[kbFile]("kb.json")
