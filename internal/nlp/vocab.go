package nlp

import (
	"slices"
	"strings"
)

// The vocabulary of a model is the list of its training data's most
// frequent tokens (words with their stem hashes, and numbers). It is stored in the model file
// (format version 2) so that a loaded model can precompute, once, the
// summed weights every known word contributes (its unigram and character
// n-grams): a prediction then costs one look-up per known word instead of
// stemming it and reading a weight row per n-gram, from the very first
// message after start-up. Words outside the vocabulary go through the
// per-goroutine token cache instead.

// vocabWord is one vocabulary entry.
type vocabWord struct {
	text string
	hw   uint32 // hash of the word's stem (the unigram and bigram key)
}

// vocabCount is a word's count while a vocabulary is collected.
type vocabCount struct {
	n  int
	hw uint32
}

// countWords adds the tokens of the last text featurised by f to counts
// (cloning new keys: the tokens point into f's buffer).
func (f *Featurizer) countWords(counts map[string]*vocabCount) {
	for i, t := range f.toks {
		if c := counts[t.Text]; c != nil {
			c.n++
			continue
		}
		counts[strings.Clone(t.Text)] = &vocabCount{n: 1, hw: f.hword[i]}
	}
}

// pickVocabulary keeps the most frequent words (ties alphabetical), at
// most max of them.
func pickVocabulary(counts map[string]*vocabCount, max int) []vocabWord {
	type wc struct {
		w string
		c *vocabCount
	}
	var all []wc
	for w, c := range counts {
		all = append(all, wc{w, c})
	}
	slices.SortFunc(all, func(a, b wc) int {
		if a.c.n != b.c.n {
			return b.c.n - a.c.n
		}
		return strings.Compare(a.w, b.w)
	})
	if len(all) > max {
		all = all[:max]
	}
	out := make([]vocabWord, len(all))
	for i, x := range all {
		out[i] = vocabWord{text: x.w, hw: x.c.hw}
	}
	return out
}

// buildShared precomputes the summed weights of the vocabulary's words for
// a quantised model.
func (m *Model) buildShared() {
	if m.w != nil || len(m.vocab) == 0 {
		m.shared = nil
		return
	}
	f := NewFeaturizer(m.cfg)
	t := newTokenTable(m.nc, len(m.vocab))
	row := make([]float32, m.nc)
	var feats []uint32
	var toks []Token
	for _, w := range m.vocab {
		feats = feats[:0]
		// Numbers and placeholders contribute their own hash only; words
		// their stem's unless a dropped stop word, and their n-grams.
		toks = AppendTokens(toks[:0], w.text)
		switch {
		case len(toks) == 1 && toks[0].Kind != KindWord:
			feats = append(feats, fmix(w.hw)&f.mask)
		case !(m.cfg.DropStopWords && IsStopWord(w.text)):
			feats = append(feats, fmix(w.hw)&f.mask)
			fallthrough
		default:
			if m.cfg.MaxN > 0 {
				feats = f.appendCharNgrams(feats, w.text)
			}
		}
		clear(row)
		for _, ft := range feats {
			m.addRow(row, ft)
		}
		t.insert(w.text, hashToken(w.text), w.hw, uint32(len(feats)), row)
	}
	m.shared = t
}

// VocabularySize is the number of words whose weights the model keeps
// precomputed (0 for models without a stored vocabulary).
func (m *Model) VocabularySize() int { return len(m.vocab) }

// mergeCounts adds src's counts into dst.
func mergeCounts(dst, src map[string]*vocabCount) {
	for w, c := range src {
		if d := dst[w]; d != nil {
			d.n += c.n
		} else {
			dst[w] = c
		}
	}
}
