package nlp

import (
	"strings"

	"github.com/kljensen/snowball/russian"
)

// DefaultStemCache is the stem cache size used by NewFeaturizer.
const DefaultStemCache = 1 << 16

// Stemmer is the Snowball Russian stemmer with a small bounded cache in
// front of it (the Snowball implementation allocates and is slow compared
// with a map look-up). A Stemmer is not safe for concurrent use: give each
// goroutine its own.
type Stemmer struct {
	cache map[string]string
	max   int
}

// NewStemmer returns a stemmer whose cache holds at most max words
// (max <= 0 disables the cache). When the cache is full it is emptied and
// refilled, which keeps memory bounded without bookkeeping per entry.
func NewStemmer(max int) *Stemmer {
	s := &Stemmer{max: max}
	if max > 0 {
		s.cache = make(map[string]string, min(max, 4096))
	}
	return s
}

// Stem returns the Snowball stem of a lower-case word. Words without
// Cyrillic letters (numbers, Latin words, placeholders) are returned as is.
// A cache hit does not allocate.
func (s *Stemmer) Stem(word string) string {
	if !hasCyrillic(word) {
		return word
	}
	if s.cache != nil {
		if st, ok := s.cache[word]; ok {
			return st
		}
	}
	st := russian.Stem(word, true)
	if s.cache != nil {
		if len(s.cache) >= s.max {
			clear(s.cache)
		}
		// Clone so that the cache does not pin the caller's whole text.
		s.cache[strings.Clone(word)] = strings.Clone(st)
	}
	return st
}

func hasCyrillic(w string) bool {
	for i := 0; i < len(w); i++ {
		// Cyrillic letters U+0400..U+04FF start with 0xD0..0xD3 in UTF-8.
		if b := w[i]; b >= 0xD0 && b <= 0xD3 {
			return true
		}
	}
	return false
}

// IsStopWord reports whether a lower-case word is a Russian function word
// (prepositions, conjunctions, pronouns, particles) per the Snowball list.
func IsStopWord(word string) bool {
	return russian.IsStopWord(word)
}
