package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokenKind tells what a token is.
type TokenKind uint8

// Token kinds.
const (
	KindWord   TokenKind = iota // letters (possibly with inner hyphens or digits)
	KindNumber                  // digits only
	KindURL                     // the TokURL placeholder
	KindEmail                   // the TokEmail placeholder
	KindPhone                   // the TokPhone placeholder
)

// Token is one token of a text. Text is a substring of the tokenised string
// (no copy), Start and End are its byte offsets in it.
type Token struct {
	Text       string
	Start, End int
	Kind       TokenKind
}

// AppendTokens appends the tokens of s to dst and returns the extended
// slice. It is meant for text already passed through Normalise (it does not
// lower-case), but works on any string. A token is a run of letters and
// digits; a hyphen between two letters stays inside the word («кто-то»,
// «санкт-петербург»); the placeholders of Normalise are tokens of their own.
// With enough capacity in dst it does not allocate.
func AppendTokens(dst []Token, s string) []Token {
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '<' {
			if k, n := placeholderAt(s[i:]); n > 0 {
				dst = append(dst, Token{Text: s[i : i+n], Start: i, End: i + n, Kind: k})
				i += n
				continue
			}
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = decodeRune(s[i:])
		}
		if !isTokenRune(r) {
			i += size
			continue
		}
		start := i
		onlyDigits := true
		for i < len(s) {
			c := s[i]
			r, size := rune(c), 1
			if c >= utf8.RuneSelf {
				r, size = decodeRune(s[i:])
			}
			if isTokenRune(r) {
				if onlyDigits && !('0' <= r && r <= '9') {
					onlyDigits = false
				}
				i += size
				continue
			}
			// Keep a hyphen joining two letters.
			if r == '-' && i > start && i+1 < len(s) {
				prev, _ := utf8.DecodeLastRuneInString(s[start:i])
				next, _ := utf8.DecodeRuneInString(s[i+1:])
				if unicode.IsLetter(prev) && unicode.IsLetter(next) {
					i++
					continue
				}
			}
			break
		}
		kind := KindWord
		if onlyDigits {
			kind = KindNumber
		}
		dst = append(dst, Token{Text: s[start:i], Start: start, End: i, Kind: kind})
	}
	return dst
}

// Tokenize is AppendTokens into a fresh slice, for convenience.
func Tokenize(s string) []Token {
	return AppendTokens(nil, s)
}

func isTokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || ('A' <= r && r <= 'Z')
	}
	if 'а' <= r && r <= 'я' || r == 'ё' || 'А' <= r && r <= 'Я' || r == 'Ё' {
		return true
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func placeholderAt(s string) (TokenKind, int) {
	switch {
	case strings.HasPrefix(s, TokURL):
		return KindURL, len(TokURL)
	case strings.HasPrefix(s, TokEmail):
		return KindEmail, len(TokEmail)
	case strings.HasPrefix(s, TokPhone):
		return KindPhone, len(TokPhone)
	}
	return 0, 0
}
