package kb

import "strings"

// DiffOp is one line of a diff.
type DiffOp struct {
	Kind byte // ' ' kept, '-' removed, '+' added
	Line string
}

// Diff compares two revisions' Markdown line by line (longest common
// subsequence), so an editor can show what a revision changed.
func Diff(before, after string) []DiffOp {
	a, b := lines(before), lines(after)
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:]. Article bodies are at most a few thousand lines.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []DiffOp
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			ops = append(ops, DiffOp{' ', a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, DiffOp{'-', a[i]})
			i++
		default:
			ops = append(ops, DiffOp{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		ops = append(ops, DiffOp{'-', a[i]})
	}
	for ; j < len(b); j++ {
		ops = append(ops, DiffOp{'+', b[j]})
	}
	return ops
}

// lines splits text into lines; empty text has none (a first revision is
// all added lines).
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
