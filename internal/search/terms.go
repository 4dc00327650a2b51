// Package search turns text into the index terms that incident full-text search matches: lower-cased words with
// ё folded to е, reduced to their Snowball Russian stems (English and other Latin words are lower-cased only).
// The same function indexes incidents and parses queries, so both sides always agree.
package search

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/russian"
)

// MaxTerms bounds how many distinct terms one text contributes to the index.
const MaxTerms = 96

// Terms returns the distinct index terms of text in order of first appearance.
func Terms(text string) []string {
	var out []string
	seen := make(map[string]struct{}, 16)
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := b.String()
		b.Reset()
		if len([]rune(w)) < 2 || len(out) >= MaxTerms {
			return
		}
		if isCyrillic(w) {
			w = russian.Stem(w, false)
		}
		if _, ok := seen[w]; ok || w == "" {
			return
		}
		seen[w] = struct{}{}
		out = append(out, w)
	}
	for _, r := range text {
		switch {
		case r == 'ё' || r == 'Ё':
			b.WriteRune('е')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

func isCyrillic(w string) bool {
	for _, r := range w {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}
