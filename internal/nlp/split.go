package nlp

import (
	"crypto/sha1"
	"encoding/binary"
	"strings"
	"unicode"
)

// SplitKey is the benchmark normalisation of issue 3: lower case, "ё"→"е",
// runs of white space to one space, trimmed. It is deliberately simpler
// than Normalise so that figures stay comparable with other tools.
func SplitKey(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range text {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// IsTestKey reports whether a SplitKey-normalised text belongs to the test
// part of the benchmark split: the first 8 bytes of its SHA-1, read as a
// big-endian integer, modulo 10 are 0 or 1.
func IsTestKey(key string) bool {
	h := sha1.Sum([]byte(key))
	return binary.BigEndian.Uint64(h[:8])%10 < 2
}

// Dedupe keeps one example per distinct SplitKey text, with its most
// frequent label (ties go to the label seen first). The returned texts are
// the normalised keys; order follows first occurrence.
func Dedupe(examples []Example) []Example {
	type entry struct {
		counts map[string]int
		first  []string // labels in order of first appearance
	}
	idx := map[string]int{}
	var keys []string
	var entries []*entry
	for _, e := range examples {
		k := SplitKey(e.Text)
		if k == "" || e.Label == "" {
			continue
		}
		i, ok := idx[k]
		if !ok {
			i = len(keys)
			idx[k] = i
			keys = append(keys, k)
			entries = append(entries, &entry{counts: map[string]int{}})
		}
		en := entries[i]
		if en.counts[e.Label] == 0 {
			en.first = append(en.first, e.Label)
		}
		en.counts[e.Label]++
	}
	out := make([]Example, len(keys))
	for i, k := range keys {
		en := entries[i]
		best := en.first[0]
		for _, l := range en.first[1:] {
			if en.counts[l] > en.counts[best] {
				best = l
			}
		}
		out[i] = Example{Text: k, Label: best}
	}
	return out
}

// BenchSplit dedupes examples and splits them into train and test parts as
// issue 3 prescribes.
func BenchSplit(examples []Example) (train, test []Example) {
	for _, e := range Dedupe(examples) {
		if IsTestKey(e.Text) {
			test = append(test, e)
		} else {
			train = append(train, e)
		}
	}
	return train, test
}
