package quality

import (
	"unicode"
	"unicode/utf8"
)

// tokKind says what a token is.
type tokKind uint8

const (
	tokWord   tokKind = iota // letters (Cyrillic or Latin), possibly with inner hyphens
	tokNumber                // digits, possibly with inner '.', ':', '/', '-' between digits
	tokSign                  // a single significant sign: '№', '@', '%'
)

// token is a span of the lower-cased text buffer. Offsets index into text.lower.
type token struct {
	start, end int32 // in text.lower
	os, oe     int32 // in the original string
	kind       tokKind
	runes      uint16 // letters in a word, digits in a number
	vowels     uint16 // Russian/English vowels in a word (syllables)
	sent       int32  // sentence index
	upper      bool   // the word began with an upper-case letter
	dotAfter   bool   // a '.' follows immediately
	dotBefore  bool   // a '.' precedes immediately
	commaAfter bool   // ',' ';' ':' or a dash follows (phrase boundary)
	numDots    uint8  // for numbers: count of inner '.'
	numOther   uint8  // for numbers: count of inner ':', '/', '-'
}

// text is the tokenized answer or question. lower is the lower-cased copy with ё folded to е.
type text struct {
	lower     []byte
	ls        string // lower as a string, set once after tokenizing
	toks      []token
	sentences int
	at        bool // an '@' between letters (e-mail)
}

// word returns the lower-cased token i (a substring of t.ls, no allocation).
func (t *text) word(i int) string {
	tk := &t.toks[i]
	return t.ls[tk.start:tk.end]
}

// span returns the lower-cased text from token i to token j inclusive.
func (t *text) span(i, j int) string {
	return t.ls[t.toks[i].start:t.toks[j].end]
}

// abbreviations after which a '.' does not end a sentence.
var abbrev = map[string]bool{
	"ул": true, "д": true, "г": true, "пр": true, "ст": true, "п": true, "кв": true, "корп": true, "лит": true,
	"им": true, "тел": true, "руб": true, "т": true, "е": true, "ч": true, "пер": true, "наб": true, "пл": true,
	"см": true, "стр": true, "к": true, "р": true, "обл": true, "просп": true, "б": true, "ш": true, "гг": true,
	"рр": true, "пос": true, "мкр": true, "зам": true, "нач": true, "отд": true, "эт": true, "пом": true,
	"вкл": true, "др": true, "тыс": true, "млн": true, "коп": true, "вх": true, "исх": true, "от": false,
}

func isVowel(r rune) bool {
	switch r {
	case 'а', 'е', 'ё', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я', 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// lowerRune folds case and ё→е quickly for Cyrillic and ASCII, falling back to unicode.ToLower.
func lowerRune(r rune) (rune, bool) {
	switch {
	case r >= 'А' && r <= 'Я':
		return r + 0x20, true
	case r >= 'а' && r <= 'я':
		return r, false
	case r == 'Ё':
		return 'е', true
	case r == 'ё':
		return 'е', false
	case r >= 'A' && r <= 'Z':
		return r + 0x20, true
	case r >= 'a' && r <= 'z':
		return r, false
	}
	l := unicode.ToLower(r)
	return l, l != r
}

func isLetter(r rune) bool {
	if r >= 'а' && r <= 'я' || r >= 'А' && r <= 'Я' || r == 'ё' || r == 'Ё' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
		return true
	}
	if r < 0x80 {
		return false
	}
	return unicode.IsLetter(r)
}

// tokenize splits s into tokens and sentences. buf and toks are reused when large enough.
func tokenize(s string, t *text) {
	if cap(t.lower) < len(s) {
		t.lower = make([]byte, 0, len(s)+8)
	}
	t.lower = t.lower[:0]
	t.toks = t.toks[:0]
	t.at = false
	sent := int32(0)
	sentHasTok := false
	endSentence := func() {
		if sentHasTok {
			sent++
			sentHasTok = false
		}
	}
	n := len(s)
	i := 0
	for i < n {
		r, sz := decode(s, i)
		switch {
		case isLetter(r):
			start := int32(len(t.lower))
			os := i
			var tk token
			tk.kind = tokWord
			tk.sent = sent
			_, tk.upper = lowerRune(r)
			tk.dotBefore = i > 0 && s[i-1] == '.'
			for i < n {
				r, sz = decode(s, i)
				if isLetter(r) {
					l, _ := lowerRune(r)
					t.lower = utf8.AppendRune(t.lower, l)
					tk.runes++
					if isVowel(l) {
						tk.vowels++
					}
					i += sz
					continue
				}
				// inner hyphen between letters: «пр-т», «e-mail», «из-за»
				if r == '-' && i+1 < n && tk.runes > 0 {
					r2, _ := utf8.DecodeRuneInString(s[i+1:])
					if isLetter(r2) {
						t.lower = append(t.lower, '-')
						i++
						continue
					}
				}
				break
			}
			tk.start, tk.end = start, int32(len(t.lower))
			tk.os, tk.oe = int32(os), int32(i)
			t.toks = append(t.toks, tk)
			sentHasTok = true
		case r >= '0' && r <= '9':
			start := int32(len(t.lower))
			os := i
			var tk token
			tk.kind = tokNumber
			tk.sent = sent
			tk.dotBefore = i > 0 && s[i-1] == '.'
			for i < n {
				c := s[i]
				if c >= '0' && c <= '9' {
					t.lower = append(t.lower, c)
					tk.runes++
					i++
					continue
				}
				if (c == '.' || c == ':' || c == '/' || c == '-' || c == ',') && i+1 < n && s[i+1] >= '0' && s[i+1] <= '9' {
					if c == ',' { // decimal comma «3,5» but not a list «1, 2»
						t.lower = append(t.lower, c)
						i++
						continue
					}
					t.lower = append(t.lower, c)
					if c == '.' {
						tk.numDots++
					} else {
						tk.numOther++
					}
					i++
					continue
				}
				break
			}
			tk.start, tk.end = start, int32(len(t.lower))
			tk.os, tk.oe = int32(os), int32(i)
			t.toks = append(t.toks, tk)
			sentHasTok = true
		case r == '№' || r == '%':
			start := int32(len(t.lower))
			t.lower = utf8.AppendRune(t.lower, r)
			t.toks = append(t.toks, token{start: start, end: int32(len(t.lower)), os: int32(i), oe: int32(i + sz), kind: tokSign, sent: sent})
			i += sz
		case r == '@':
			if len(t.toks) > 0 && i > 0 && i+1 < n && s[i-1] != ' ' && s[i+1] != ' ' {
				t.at = true
			}
			i += sz
		case r == '.' || r == '!' || r == '?' || r == '…':
			if r == '.' {
				if len(t.toks) > 0 {
					last := &t.toks[len(t.toks)-1]
					if int(last.oe) == i {
						last.dotAfter = true
					}
				}
				if !sentenceEndsAtDot(s, i, t) {
					i += sz
					continue
				}
			}
			i += sz
			// swallow runs like «?!» or «...»
			for i < n && (s[i] == '.' || s[i] == '!' || s[i] == '?') {
				i++
			}
			endSentence()
		case r == '\n':
			// a line break ends a sentence unless the line ended in a comma or the next line starts lower-case
			i += sz
			if next := nextLetter(s, i); next == 0 || !unicode.IsLower(next) {
				endSentence()
			}
		case r == ',' || r == ';' || r == ':' || r == '—' || r == '–' || r == '(' || r == ')':
			if len(t.toks) > 0 && t.toks[len(t.toks)-1].sent == sent {
				t.toks[len(t.toks)-1].commaAfter = true
			}
			i += sz
		default:
			i += sz
		}
		// keep words separated in the lower buffer for phrase quoting
		if len(t.lower) > 0 && t.lower[len(t.lower)-1] != ' ' && len(t.toks) > 0 && int(t.toks[len(t.toks)-1].end) == len(t.lower) {
			t.lower = append(t.lower, ' ')
		}
	}
	if sentHasTok {
		sent++
	}
	t.sentences = int(sent)
	t.ls = string(t.lower)
}

// nextLetter returns the next letter or digit rune after position i, skipping spaces and quotes; 0 at end.
func nextLetter(s string, i int) rune {
	for i < len(s) {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if isLetter(r) || r >= '0' && r <= '9' {
			return r
		}
		i += sz
	}
	return 0
}

// sentenceEndsAtDot decides whether the '.' at s[i] ends a sentence.
func sentenceEndsAtDot(s string, i int, t *text) bool {
	if len(t.toks) > 0 {
		last := &t.toks[len(t.toks)-1]
		if int(last.oe) == i && last.kind == tokWord {
			w := string(t.lower[last.start:last.end])
			if abbrev[w] {
				return false
			}
			if last.runes == 1 && last.upper { // initials «И. И. Иванов»
				return false
			}
		}
	}
	// look at what follows: lower-case letter or digit → not an end
	j := i + 1
	for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '"' || s[j] == '\'') {
		j++
	}
	if j >= len(s) || s[j] == '\n' || s[j] == '\r' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	if unicode.IsLower(r) || r >= '0' && r <= '9' || r == ',' {
		return false
	}
	return true
}

// decode decodes the rune at s[i], with a fast path for ASCII and two-byte sequences (Cyrillic).
func decode(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if c&0xE0 == 0xC0 && c >= 0xC2 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	return utf8.DecodeRuneInString(s[i:])
}
