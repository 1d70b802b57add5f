package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/palier/palier/internal/kb"
)

// kbArticlesTerm is the term of kb_term_docs whose row counts a language's
// articles (migration 0049): real terms are never empty.
const kbArticlesTerm = ""

// kbDocKey is one row of kb_term_docs within a workspace.
type kbDocKey struct{ lang, term string }

// kbDocDelta is a change to one row: articles holding the term, and those
// holding it in their title.
type kbDocDelta struct{ docs, titles int64 }

// kbDocDeltas gathers the changes one transaction makes to a workspace's
// term counts, so that each row is written once per transaction: an
// import of 80,000 French articles would otherwise update the row of a
// common term tens of thousands of times in one transaction.
type kbDocDeltas map[kbDocKey]kbDocDelta

// add counts (sign 1) or uncounts (sign -1) one article of language lang
// whose analysed title and body terms are titleTerms and bodyTerms.
func (d kbDocDeltas) add(lang, titleTerms, bodyTerms string, sign int64) {
	inTitle := map[string]bool{}
	for _, t := range strings.Fields(titleTerms) {
		inTitle[t] = true
	}
	seen := map[string]bool{}
	for _, t := range strings.Fields(bodyTerms) {
		seen[t] = true
	}
	for t := range inTitle {
		seen[t] = true
	}
	seen[kbArticlesTerm] = true
	for t := range seen {
		k := kbDocKey{lang, t}
		v := d[k]
		v.docs += sign
		if inTitle[t] {
			v.titles += sign
		}
		d[k] = v
	}
}

// write adds the gathered changes to workspace wsID's counts. Rows are
// written in key order, so two transactions writing articles at once lock
// the rows they share in the same order (no deadlock).
func (d kbDocDeltas) write(ctx context.Context, tx *Tx, wsID int64) error {
	keys := slices.SortedFunc(maps.Keys(d), func(x, y kbDocKey) int {
		return cmp.Or(cmp.Compare(x.lang, y.lang), cmp.Compare(x.term, y.term))
	})
	keys = slices.DeleteFunc(keys, func(k kbDocKey) bool { return d[k] == kbDocDelta{} })
	const chunk = 200
	for len(keys) > 0 {
		n := min(chunk, len(keys))
		var b strings.Builder
		args := make([]any, 0, 1+4*n)
		args = append(args, wsID)
		b.WriteString(`INSERT INTO kb_term_docs (workspace_id, language, term, docs, titles) VALUES `)
		for i, k := range keys[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($1, $%d, $%d, $%d, $%d)", 2+4*i, 3+4*i, 4+4*i, 5+4*i)
			args = append(args, k.lang, k.term, d[k].docs, d[k].titles)
		}
		b.WriteString(` ON CONFLICT (workspace_id, language, term) DO UPDATE
			SET docs = kb_term_docs.docs + excluded.docs, titles = kb_term_docs.titles + excluded.titles`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("count search terms: %w", err)
		}
		keys = keys[n:]
	}
	return nil
}

// uncountKBArticle adds to d the removal of article id's stored terms
// (before it is written again): the stored ones, not those the article
// would be analysed into today, which a new analyser may change.
func uncountKBArticle(ctx context.Context, tx *Tx, id int64, d kbDocDeltas) error {
	var lang, title, body string
	if err := tx.QueryRowContext(ctx, `SELECT language, title_terms, body_terms FROM kb_articles WHERE id = $1`, id).Scan(&lang, &title, &body); err != nil {
		return fmt.Errorf("read indexed terms: %w", err)
	}
	d.add(lang, title, body, -1)
	return nil
}

// countAllKBTerms fills kb_term_docs from the articles (migration 0049).
func countAllKBTerms(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT workspace_id, language, title_terms, body_terms FROM kb_articles ORDER BY workspace_id`)
	if err != nil {
		return fmt.Errorf("read articles: %w", err)
	}
	perWS := map[int64]kbDocDeltas{}
	err = eachRow(rows, func(r *sql.Rows) error {
		var ws int64
		var lang, title, body string
		if err := r.Scan(&ws, &lang, &title, &body); err != nil {
			return err
		}
		if perWS[ws] == nil {
			perWS[ws] = kbDocDeltas{}
		}
		perWS[ws].add(lang, title, body, 1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("count search terms: %w", err)
	}
	for ws, d := range perWS {
		if err := d.write(ctx, tx, ws); err != nil {
			return err
		}
	}
	return nil
}

// kbCounts is what one search reads of the term counts: how many articles
// the workspace has in each language, whatever their status (the n of the
// ranking's term weights), and how many articles of the language searched
// hold each of the search's terms, anywhere (docs) and in the title.
type kbCounts struct {
	articles     map[string]int
	docs, titles map[string]int64
}

// in is the article count for lang, all languages when lang is "".
func (c kbCounts) in(lang string) int {
	if lang != "" {
		return c.articles[lang]
	}
	n := 0
	for _, v := range c.articles {
		n += v
	}
	return n
}

// kbSearchCounts reads, in one query, the workspace's article counts and,
// for each word of a search in lang ("" for every language), whether an
// article of the workspace may hold it: false only
// when the term counts prove that none holds any of its terms (a word
// typed whole that no article uses, "deux" in "facturé deux fois"). A
// search for every word can then find nothing, and is not run: on
// PostgreSQL its index scans cost as much as those of a search that
// finds articles. A word with a prefix beginning more known terms than
// were looked up is taken as held.
func (s *Store) kbSearchCounts(ctx context.Context, wsID int64, lang string, matches []kb.Match) (kbCounts, []bool, error) {
	type alt struct {
		term  string
		title bool // a short prefix's term: matched in titles only
	}
	words := make([][]alt, len(matches))
	var terms []string
	held := make([]bool, len(matches))
	for i, m := range matches {
		for _, t := range m.Terms {
			words[i] = append(words[i], alt{t, false})
		}
		for j, p := range m.Prefixes {
			if j >= len(m.PrefixTerms) || m.PrefixTerms[j] == nil {
				held[i] = true // not looked up: too many terms
				continue
			}
			short := utf8.RuneCountInString(p) < kb.MinBodyPrefix
			for _, t := range m.PrefixTerms[j] {
				words[i] = append(words[i], alt{t, short})
			}
		}
		for _, a := range words[i] {
			terms = append(terms, a.term)
		}
	}
	// Every language's article count: the language mark's choice weighs
	// one against the others.
	args := []any{wsID, kbArticlesTerm}
	var langMarks, termMarks []string
	for _, l := range kb.Languages {
		args = append(args, l)
		langMarks = append(langMarks, fmt.Sprintf("$%d", len(args)))
	}
	for _, t := range terms {
		args = append(args, t)
		termMarks = append(termMarks, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT language, term, docs, titles FROM kb_term_docs WHERE workspace_id = $1
		AND language IN (`+strings.Join(langMarks, ", ")+`) AND term IN ($2`+strings.Join(append([]string{""}, termMarks...), ", ")+`)`, args...)
	if err != nil {
		return kbCounts{}, nil, fmt.Errorf("count search terms: %w", err)
	}
	docs, titles := map[string]int64{}, map[string]int64{}
	counts := kbCounts{articles: map[string]int{}, docs: docs, titles: titles}
	err = eachRow(rows, func(r *sql.Rows) error {
		var l, t string
		var d, ti int64
		if err := r.Scan(&l, &t, &d, &ti); err != nil {
			return err
		}
		switch {
		case t == kbArticlesTerm:
			counts.articles[l] = int(d)
		case lang == "" || l == lang:
			docs[t] += d
			titles[t] += ti
		}
		return nil
	})
	if err != nil {
		return kbCounts{}, nil, fmt.Errorf("count search terms: %w", err)
	}
	for i := range words {
		for _, a := range words[i] {
			if docs[a.term] > 0 && (!a.title || titles[a.term] > 0) {
				held[i] = true
			}
		}
	}
	return counts, held, nil
}
