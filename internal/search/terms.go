// Package search turns text into the index terms that incident full-text search matches: lower-cased words with
// ё folded to е, reduced to their Snowball Russian stems (English and other Latin words are lower-cased only).
// The same function indexes incidents and parses queries, so both sides always agree.
package search

import (
	"hash/maphash"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/russian"
)

// MaxTerms bounds how many distinct terms one text contributes to the index.
const MaxTerms = 96

// Terms returns the distinct index terms of text in order of first appearance.
func Terms(text string) []string {
	return terms(text, func(w []byte) string { return stem(string(w)) })
}

// Indexer computes the same terms as Terms with a bounded cache of stems in front of the Snowball stemmer, which
// allocates and is slow next to a map look-up. It is safe for concurrent use; ingest keeps one per pipeline.
type Indexer struct {
	seed   maphash.Seed
	shards [16]stemShard
}

type stemShard struct {
	mu sync.Mutex
	m  map[string]string
}

// indexerShardWords bounds each shard of an Indexer's cache; a full shard is emptied and refilled.
const indexerShardWords = 8192

// NewIndexer returns an Indexer with an empty cache.
func NewIndexer() *Indexer {
	x := &Indexer{seed: maphash.MakeSeed()}
	for i := range x.shards {
		x.shards[i].m = make(map[string]string, 256)
	}
	return x
}

// Terms returns the distinct index terms of text, as the package's Terms does.
func (x *Indexer) Terms(text string) []string { return terms(text, x.stem) }

func (x *Indexer) stem(w []byte) string {
	sh := &x.shards[maphash.Bytes(x.seed, w)%uint64(len(x.shards))]
	sh.mu.Lock()
	if s, ok := sh.m[string(w)]; ok { // the conversion in a map index does not allocate
		sh.mu.Unlock()
		return s
	}
	sh.mu.Unlock()
	word := string(w)
	s := stem(word)
	sh.mu.Lock()
	if len(sh.m) >= indexerShardWords {
		clear(sh.m)
	}
	sh.m[word] = s
	sh.mu.Unlock()
	return s
}

func stem(w string) string {
	if isCyrillic(w) {
		return russian.Stem(w, false)
	}
	return w
}

func terms(text string, stemOf func([]byte) string) []string {
	var out []string
	var arr [64]byte
	buf := arr[:0]
	flush := func() {
		if len(buf) == 0 {
			return
		}
		if utf8.RuneCount(buf) < 2 || len(out) >= MaxTerms {
			buf = buf[:0]
			return
		}
		w := stemOf(buf)
		buf = buf[:0]
		if w == "" {
			return
		}
		for _, seen := range out { // texts are short: a scan beats a map
			if seen == w {
				return
			}
		}
		out = append(out, w)
	}
	for _, r := range text {
		switch {
		case r == 'ё' || r == 'Ё':
			buf = utf8.AppendRune(buf, 'е')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
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
