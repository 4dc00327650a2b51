// Package nlp holds Otklik's Russian text basics (normalisation, tokenisation,
// stemming, hashed features) and the topic classifier built on them.
//
// The package is pure: no database, no network. Everything exported here is
// safe to reuse from the appeal detector, the territory finder and the
// urgency scorer.
package nlp

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholder tokens that Normalise substitutes for things that carry no
// topical meaning by their exact spelling.
const (
	TokURL   = "<url>"
	TokEmail = "<email>"
	TokPhone = "<phone>"
)

// Normalise prepares a message for every later step: HTML tags are removed,
// entities decoded, "ё" becomes "е", letters are lower-cased, URLs, e-mail
// addresses and phone numbers are replaced by the tokens TokURL, TokEmail and
// TokPhone, and runs of white space become one space (trimmed at both ends).
// It runs in time linear in len(s) and never panics on invalid UTF-8 (invalid
// bytes become U+FFFD).
func Normalise(s string) string {
	return string(AppendNormalised(nil, s))
}

// AppendNormalised appends the normalised form of s to dst and returns the
// extended buffer. Reusing dst avoids allocations on the hot path.
func AppendNormalised(dst []byte, s string) []byte {
	if strings.IndexByte(s, '<') >= 0 {
		s = stripTags(s)
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	start := len(dst)
	pendingSpace := false
	hasAt := strings.IndexByte(s, '@') >= 0
	i := 0
	for i < len(s) {
		c := s[i]
		// White space (ASCII fast path, then Unicode).
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
			pendingSpace = len(dst) > start
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = decodeRune(s[i:])
			if isSpaceNonASCII(r) {
				pendingSpace = len(dst) > start
				i += size
				continue
			}
		}
		// Word-start checks for URLs, e-mails and phones: only at the start
		// of a white-space delimited chunk or after punctuation, so each
		// byte is examined a bounded number of times.
		atBoundary := len(dst) == start || pendingSpace || !isWordByte(dst[len(dst)-1])
		if atBoundary {
			if n := matchURL(s[i:]); n > 0 {
				dst = appendSpace(dst, start, pendingSpace)
				pendingSpace = false
				dst = append(dst, TokURL...)
				i += n
				continue
			}
			if n := matchEmailIf(hasAt, s[i:]); n > 0 {
				dst = appendSpace(dst, start, pendingSpace)
				pendingSpace = false
				dst = append(dst, TokEmail...)
				i += n
				continue
			}
			if n := matchPhone(s[i:]); n > 0 {
				dst = appendSpace(dst, start, pendingSpace)
				pendingSpace = false
				dst = append(dst, TokPhone...)
				i += n
				continue
			}
		}
		dst = appendSpace(dst, start, pendingSpace)
		pendingSpace = false
		switch {
		case c < utf8.RuneSelf:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		case r == 'ё' || r == 'Ё':
			dst = append(dst, "е"...)
		case 'А' <= r && r <= 'Я':
			dst = utf8.AppendRune(dst, r+('а'-'А'))
		case 'а' <= r && r <= 'я':
			dst = append(dst, s[i:i+size]...)
		case r == utf8.RuneError && size == 1:
			dst = utf8.AppendRune(dst, utf8.RuneError)
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += size
	}
	return dst
}

func appendSpace(dst []byte, start int, pending bool) []byte {
	if pending && len(dst) > start {
		dst = append(dst, ' ')
	}
	return dst
}

// isWordByte reports whether the last byte of the output belongs to a word
// (ASCII letter or digit, or any byte of a multi-byte rune, which in our
// texts is nearly always a letter).
func isWordByte(b byte) bool {
	return b >= utf8.RuneSelf || ('a' <= b && b <= 'z') || ('0' <= b && b <= '9') || b == '_'
}

// stripTags replaces HTML tags by a space and drops the contents of script
// and style elements. Text such as "a < b" that is not a tag is kept.
func stripTags(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for i < len(s) {
		c := s[i]
		if c != '<' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		n := s[i+1]
		isTag := n == '/' || n == '!' || n == '?' || ('a' <= n && n <= 'z') || ('A' <= n && n <= 'Z')
		if !isTag {
			b.WriteByte(c)
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			// An unterminated tag: keep the rest as text.
			b.WriteString(s[i:])
			break
		}
		tag := s[i : i+end+1]
		i += end + 1
		b.WriteByte(' ')
		for _, skip := range [...]string{"script", "style"} {
			if len(tag) > len(skip)+1 && strings.EqualFold(tag[1:1+len(skip)], skip) {
				closing := "</" + skip
				j := indexFold(s[i:], closing)
				if j < 0 {
					i = len(s)
				} else {
					k := strings.IndexByte(s[i+j:], '>')
					if k < 0 {
						i = len(s)
					} else {
						i += j + k + 1
					}
				}
			}
		}
	}
	return b.String()
}

// indexFold is an ASCII case-insensitive strings.Index for short needles.
func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if s[i] == '<' && strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

// chunkEnd returns the length of the leading run of s that contains no
// white space (ASCII or Unicode).
func chunkEnd(s string) int {
	return chunkEndMax(s, len(s))
}

// chunkEndMax is chunkEnd that looks at no more than max bytes; it returns
// -1 when the chunk is longer than that.
func chunkEndMax(s string, max int) int {
	for i, r := range s {
		if i > max {
			return -1
		}
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' || (r >= utf8.RuneSelf && unicode.IsSpace(r)) {
			return i
		}
	}
	return len(s)
}

// trimTrailingPunct shortens a chunk so that closing punctuation after a URL
// or e-mail ("(см. http://x.ru)." ) stays outside the token.
func trimTrailingPunct(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case '.', ',', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '>':
			s = s[:len(s)-1]
			continue
		}
		break
	}
	return s
}

// decodeRune is utf8.DecodeRuneInString with the two-byte sequences of
// Cyrillic (and the rest of U+0080..U+07FF) decoded inline.
func decodeRune(s string) (rune, int) {
	if len(s) >= 2 {
		if c0, c1 := s[0], s[1]; c0 >= 0xC2 && c0 <= 0xDF && c1&0xC0 == 0x80 {
			return rune(c0&0x1F)<<6 | rune(c1&0x3F), 2
		}
	}
	return utf8.DecodeRuneInString(s)
}

// isSpaceNonASCII is unicode.IsSpace for r >= 0x80 with a fast answer for
// the letters between U+0100 and U+167F (Cyrillic among them), which hold
// no white space.
func isSpaceNonASCII(r rune) bool {
	if r > 0xFF && r < 0x1680 {
		return false
	}
	return unicode.IsSpace(r)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// matchURL returns the byte length of a URL at the start of s, or 0.
func matchURL(s string) int {
	if len(s) < 4 {
		return 0
	}
	if c := s[0] | 0x20; c != 'h' && c != 'w' {
		return 0
	}
	var rest int
	switch {
	case hasPrefixFold(s, "https://"):
		rest = 8
	case hasPrefixFold(s, "http://"):
		rest = 7
	case hasPrefixFold(s, "www."):
		rest = 4
	default:
		return 0
	}
	chunk := trimTrailingPunct(s[:chunkEnd(s)])
	if len(chunk) <= rest {
		return 0
	}
	return len(chunk)
}

// maxEmail bounds the e-mail scan so that normalisation stays linear on
// pathological input such as "a.a.a.a…".
const maxEmail = 254

func matchEmailIf(hasAt bool, s string) int {
	if !hasAt {
		return 0
	}
	return matchEmail(s)
}

// matchEmail returns the byte length of an e-mail address at the start of s, or 0.
func matchEmail(s string) int {
	if len(s) == 0 || !isASCIIAlnum(s[0]) {
		return 0
	}
	if strings.IndexByte(s[:min(len(s), maxEmail)], '@') < 0 {
		return 0
	}
	n := chunkEndMax(s, maxEmail)
	if n < 0 {
		return 0
	}
	chunk := trimTrailingPunct(s[:n])
	at := strings.IndexByte(chunk, '@')
	if at <= 0 || at == len(chunk)-1 {
		return 0
	}
	local, domain := chunk[:at], chunk[at+1:]
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isASCIIAlnum(c) && c != '.' && c != '_' && c != '-' && c != '+' {
			return 0
		}
	}
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return 0
	}
	for _, r := range domain {
		if r != '.' && r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return 0
		}
	}
	return len(chunk)
}

func isASCIIAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// matchPhone returns the byte length of a phone number at the start of s, or 0.
// Accepted: +7/8 followed by ten digits with optional spaces, dashes and
// brackets ("+7 (914) 123-45-67", "89141234567"), and seven-digit city
// numbers written with dashes ("123-45-67").
func matchPhone(s string) int {
	if len(s) == 0 {
		return 0
	}
	c := s[0]
	if c != '+' && c != '(' && (c < '0' || c > '9') {
		return 0
	}
	digits, dashes, end := 0, 0, 0
	for i := 0; i < len(s) && i < 32; i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
			end = i + 1
		case c == '-':
			dashes++
		case c == ' ' || c == '(' || c == ')' || c == '+' && i == 0:
		default:
			i = len(s)
		}
		if digits == 12 {
			break
		}
	}
	if end < len(s) && s[end] >= '0' && s[end] <= '9' {
		return 0
	}
	switch {
	case digits == 11 && (s[0] == '+' || s[0] == '7' || s[0] == '8'):
		return end
	case digits == 10 && (s[0] == '(' || s[0] == '9'):
		return end
	case digits == 7 && dashes == 2 && s[0] != '(':
		// 123-45-67; require the number to end the run of digits.
		if end-0 <= 9 {
			return end
		}
	}
	return 0
}
