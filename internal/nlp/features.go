package nlp

import (
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// FeatureConfig says which features a Featurizer extracts. It is stored in
// every model file, so a model always featurises the way it was trained.
type FeatureConfig struct {
	// Bits is the size of the hashed feature space: 2^Bits buckets (10..24).
	Bits uint8
	// WordNgrams is 1 for stemmed word unigrams only, 2 to add bigrams.
	WordNgrams uint8
	// MinN and MaxN bound the character n-grams taken from every word,
	// with "<" and ">" marking the word's edges (fastText style). MaxN = 0
	// disables character n-grams.
	MinN, MaxN uint8
	// DropStopWords leaves Russian function words out of the unigrams (they
	// still take part in bigrams and character n-grams).
	DropStopWords bool
}

// DefaultFeatureConfig is what Train uses when TrainOptions.Features is zero.
var DefaultFeatureConfig = FeatureConfig{Bits: 18, WordNgrams: 2, MinN: 3, MaxN: 5}

// Validate reports a configuration that cannot work.
func (c FeatureConfig) Validate() error {
	switch {
	case c.Bits < 10 || c.Bits > 24:
		return fmt.Errorf("nlp: feature bits %d out of range 10..24", c.Bits)
	case c.WordNgrams < 1 || c.WordNgrams > 2:
		return fmt.Errorf("nlp: word n-grams %d out of range 1..2", c.WordNgrams)
	case c.MaxN > 8 || (c.MaxN > 0 && (c.MinN < 1 || c.MinN > c.MaxN)):
		return fmt.Errorf("nlp: char n-gram range %d..%d invalid", c.MinN, c.MaxN)
	}
	return nil
}

// Buckets is the number of hashed feature buckets, 2^Bits.
func (c FeatureConfig) Buckets() int { return 1 << c.Bits }

// Featurizer turns a text into hashed feature indexes. It owns reusable
// buffers and a stem cache, so it is NOT safe for concurrent use: use one
// Featurizer per goroutine (Model does this internally with a pool).
type Featurizer struct {
	cfg   FeatureConfig
	mask  uint32
	stem  *Stemmer
	norm  []byte
	toks  []Token
	hword []uint32
	// words caches, per distinct word, its stem hash and character n-gram
	// features (bounded: emptied when it reaches maxWordCache entries).
	words map[string]wordFeatures
}

type wordFeatures struct {
	hw    uint32
	grams []uint32
}

const maxWordCache = 1 << 15

// NewFeaturizer returns a Featurizer for cfg with a stem cache of
// DefaultStemCache words. It panics on an invalid cfg (a programming error;
// call cfg.Validate for configurations from outside).
func NewFeaturizer(cfg FeatureConfig) *Featurizer {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	return &Featurizer{
		cfg:   cfg,
		mask:  uint32(cfg.Buckets() - 1),
		stem:  NewStemmer(DefaultStemCache),
		words: make(map[string]wordFeatures, 1024),
	}
}

// Config returns the Featurizer's configuration.
func (f *Featurizer) Config() FeatureConfig { return f.cfg }

// Hash seeds per feature family, so that the word "дом" and the character
// trigram "дом" land in different buckets.
const (
	seedWord   uint32 = 2166136261
	seedBigram uint32 = 0x9E3779B1
	seedChar   uint32 = 0x85EBCA6B
	fnvPrime   uint32 = 16777619
)

func fnvString(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

// fmix is the MurmurHash3 finaliser: it spreads FNV's weak low bits.
func fmix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85EBCA6B
	h ^= h >> 13
	h *= 0xC2B2AE35
	h ^= h >> 16
	return h
}

// Features appends the hashed features of text to dst and returns it:
// stemmed word unigrams, bigrams of stems, and character n-grams of every
// normalised word, each as a bucket index in [0, 2^Bits). Repeated features
// are repeated in the output. After warm-up (buffers grown, stems cached)
// it does not allocate.
func (f *Featurizer) Features(text string, dst []uint32) []uint32 {
	f.hword = f.hword[:0]
	for _, t := range f.normTokens(text) {
		if t.Kind != KindWord {
			hw := fnvString(seedWord, t.Text)
			f.hword = append(f.hword, hw)
			dst = append(dst, fmix(hw)&f.mask)
			continue
		}
		wf, ok := f.words[t.Text]
		if !ok {
			wf.hw = fnvString(seedWord, f.stem.Stem(t.Text))
			if f.cfg.MaxN > 0 {
				wf.grams = f.appendCharNgrams(nil, t.Text)
			}
			if len(f.words) >= maxWordCache {
				clear(f.words)
			}
			f.words[strings.Clone(t.Text)] = wf
		}
		f.hword = append(f.hword, wf.hw)
		if !(f.cfg.DropStopWords && IsStopWord(t.Text)) {
			dst = append(dst, fmix(wf.hw)&f.mask)
		}
		dst = append(dst, wf.grams...)
	}
	return f.appendBigrams(dst, f.hword)
}

// normTokens normalises text into f.norm and tokenises it into f.toks. The
// tokens' texts point into f.norm (no copy): they are valid until the next
// call, and whatever keeps one longer must clone it.
func (f *Featurizer) normTokens(text string) []Token {
	f.norm = AppendNormalised(f.norm[:0], text)
	var s string
	if len(f.norm) > 0 {
		s = unsafe.String(&f.norm[0], len(f.norm))
	}
	f.toks = AppendTokens(f.toks[:0], s)
	return f.toks
}

// tokenFeatures appends the features a token contributes on its own (its
// unigram unless it is a dropped stop word, and a word's character
// n-grams) to dst, and returns the token's hash for bigrams. It is
// Features' per-token step without the cache.
func (f *Featurizer) tokenFeatures(t Token, dst []uint32) (uint32, []uint32) {
	if t.Kind != KindWord {
		hw := fnvString(seedWord, t.Text)
		return hw, append(dst, fmix(hw)&f.mask)
	}
	hw := fnvString(seedWord, f.stem.Stem(t.Text))
	if !(f.cfg.DropStopWords && IsStopWord(t.Text)) {
		dst = append(dst, fmix(hw)&f.mask)
	}
	if f.cfg.MaxN > 0 {
		dst = f.appendCharNgrams(dst, t.Text)
	}
	return hw, dst
}

// appendBigrams appends the bigram features of consecutive token hashes
// when the configuration asks for them.
func (f *Featurizer) appendBigrams(dst []uint32, hword []uint32) []uint32 {
	if f.cfg.WordNgrams >= 2 {
		for i := 1; i < len(hword); i++ {
			dst = append(dst, bigramFeature(hword[i-1], hword[i], f.mask))
		}
	}
	return dst
}

// bigramFeature is the bucket of the bigram of two token hashes.
func bigramFeature(prev, cur, mask uint32) uint32 {
	return fmix((prev*seedBigram^cur)+seedBigram) & mask
}

// appendCharNgrams adds the n-grams (MinN..MaxN runes) of "<w>".
func (f *Featurizer) appendCharNgrams(dst []uint32, w string) []uint32 {
	minN, maxN := int(f.cfg.MinN), int(f.cfg.MaxN)
	// Walk start positions: -1 is the virtual "<".
	for start := -1; start < len(w); {
		h := seedChar
		n := 0
		if start < 0 {
			h = (h ^ '<') * fnvPrime
			n = 1
		}
		pos := max(start, 0)
		for n < maxN {
			if pos >= len(w) {
				// The virtual ">" closes the word.
				h = (h ^ '>') * fnvPrime
				n++
				if n >= minN {
					dst = append(dst, fmix(h^uint32(n))&f.mask)
				}
				break
			}
			_, size := utf8.DecodeRuneInString(w[pos:])
			for k := 0; k < size; k++ {
				h = (h ^ uint32(w[pos+k])) * fnvPrime
			}
			pos += size
			n++
			if n >= minN {
				dst = append(dst, fmix(h^uint32(n))&f.mask)
			}
		}
		if start < 0 {
			start = 0
		} else {
			_, size := utf8.DecodeRuneInString(w[start:])
			start += size
		}
	}
	return dst
}
