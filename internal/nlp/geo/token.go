// Package geo finds where a message is about: the municipality (by a gazetteer of
// place names and their Russian inflected forms) and a street address with its
// span in the text. Everything here is pure: no I/O, no global mutable state.
package geo

import (
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokWord  tokKind = iota + 1 // letters only
	tokNum                      // digits only, possibly with an ordinal suffix ("7-й")
	tokAlnum                    // digits followed by letters or letters and digits ("12а", "12к3")
	tokPunct                    // one punctuation or symbol rune
)

// token is a span of the original text. norm is the lower-cased, ё→е form of
// the same bytes (a substring of the normalised copy of the text, so tokens
// cost no allocation of their own).
type token struct {
	start, end int
	norm       string
	kind       tokKind
	upper      bool // first rune is an upper-case letter
	space      bool // white space (or the start of the text) precedes the token
	newline    bool // a line break precedes the token
}

// normalize returns a copy of text with letters lower-cased and ё replaced by е.
// Byte offsets are preserved: a rune whose lower case has another UTF-8 length
// is kept as it is, and invalid bytes are copied through.
func normalize(text string) string {
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && n <= 1 {
			b = append(b, text[i])
			i++
			continue
		}
		var l rune
		switch {
		case r < utf8.RuneSelf:
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = append(b, byte(r))
			i++
			continue
		case r >= 'а' && r <= 'я':
			l = r
		case r >= 'А' && r <= 'Я':
			l = r + ('а' - 'А')
		case r == 'ё' || r == 'Ё':
			l = 'е'
		default:
			l = unicode.ToLower(r)
			if utf8.RuneLen(l) != n {
				l = r
			}
		}
		b = utf8.AppendRune(b, l)
		i += n
	}
	return string(b)
}

var ordinalSuffix = map[string]bool{
	"й": true, "я": true, "е": true, "го": true, "м": true, "ом": true, "ой": true, "ий": true,
	"ый": true, "ого": true, "ем": true, "ая": true, "ую": true, "ые": true, "х": true, "ти": true,
}

// tokenize splits text into words, numbers and single punctuation runes.
// White space separates tokens and is not returned. It runs in one pass.
func tokenize(text string, dst []token) []token {
	norm := normalize(text)
	space, newline := true, false
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '\r':
			space, newline = true, true
			i += n
			continue
		case unicode.IsSpace(r) || r == utf8.RuneError && n <= 1:
			space = true
			i += n
			continue
		}
		t := token{start: i, space: space, newline: newline}
		space, newline = false, false
		if isLetter(r) || unicode.IsDigit(r) {
			letters, digits := false, false
			j := i
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if isLetter(r2) {
					letters = true
				} else if unicode.IsDigit(r2) {
					digits = true
				} else {
					break
				}
				j += n2
			}
			t.end = j
			switch {
			case digits && !letters:
				t.kind = tokNum
			case digits:
				t.kind = tokAlnum
			default:
				t.kind = tokWord
			}
			t.upper = r >= 'А' && r <= 'Я' || r == 'Ё' || r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && !(r >= 'а' && r <= 'я') && unicode.IsUpper(r)
			// "7-й", "12-го": fold the ordinal ending into the number.
			if t.kind == tokNum && j+1 < len(text) && text[j] == '-' {
				k := j + 1
				for k < len(text) {
					r3, n3 := utf8.DecodeRuneInString(text[k:])
					if !unicode.IsLetter(r3) {
						break
					}
					k += n3
				}
				if k > j+1 && ordinalSuffix[norm[j+1:k]] {
					t.end = k
				}
			}
		} else {
			t.end = i + n
			t.kind = tokPunct
		}
		t.norm = norm[t.start:t.end]
		dst = append(dst, t)
		i = t.end
	}
	return dst
}

// isLetter is unicode.IsLetter with a fast path for Cyrillic and ASCII.
func isLetter(r rune) bool {
	switch {
	case r >= 'а' && r <= 'я' || r >= 'А' && r <= 'Я' || r == 'ё' || r == 'Ё':
		return true
	case r < utf8.RuneSelf:
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

// isWordLike reports whether a token can be part of a name.
func (t *token) isWordLike() bool { return t.kind != tokPunct }

// digitsPrefix returns the leading ASCII digits of s.
func digitsPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}
