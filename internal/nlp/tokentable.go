package nlp

import "math"

// tokenTable maps token texts to records holding the token's hash for
// bigrams, the number of features it contributes on its own (its unigram
// and character n-grams) and their summed weights (nc float32s). It is an
// open-addressing hash table (linear probing) whose slots hold a 32-bit
// tag of the token's hash and the offset of its record; a record keeps the
// token's bytes just before its weights, so a hit costs about two cache
// misses (the slot, then the record) and compares no string stored
// elsewhere. A table is not safe for concurrent writes; the model's shared
// table is only read after it is built.
type tokenTable struct {
	nc    int
	slots []uint64 // tag<<32 | (record offset + 1); 0 is empty
	mask  uint64
	// rec holds the records one after another: byte length of the
	// text, token hash, feature count, the text packed four bytes per
	// word (little-endian), then nc float32 weights (as bits).
	rec  []uint32
	n    int // records
	maxN int // records allowed before the table is full
}

// record header words before the packed text.
const recHeader = 3

// newTokenTable returns an empty table for up to maxN tokens.
func newTokenTable(nc, maxN int) *tokenTable {
	size := 16
	for size < 2*maxN {
		size *= 2
	}
	return &tokenTable{nc: nc, slots: make([]uint64, size), mask: uint64(size - 1), maxN: maxN}
}

// hashToken is FNV-1a over the token's bytes, finished with the
// MurmurHash3 64-bit mixer.
func hashToken(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// find returns the offset of tok's record (h = hashToken(tok)).
func (t *tokenTable) find(tok string, h uint64) (int, bool) {
	if t == nil {
		return 0, false
	}
	tag := h >> 32
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if s>>32 == tag {
			if off := int(uint32(s)) - 1; t.textIs(off, tok) {
				return off, true
			}
		}
	}
}

// textIs reports whether the record at off is the token tok.
func (t *tokenTable) textIs(off int, tok string) bool {
	if int(t.rec[off]) != len(tok) {
		return false
	}
	words := t.rec[off+recHeader : off+recHeader+(len(tok)+3)/4]
	for w := range words {
		var x uint32
		for k := 0; k < 4 && 4*w+k < len(tok); k++ {
			x |= uint32(tok[4*w+k]) << (8 * k)
		}
		if words[w] != x {
			return false
		}
	}
	return true
}

// full reports whether the table holds as many tokens as it may.
func (t *tokenTable) full() bool { return t.n >= t.maxN }

// reset empties the table, keeping its memory.
func (t *tokenTable) reset() {
	clear(t.slots)
	t.rec = t.rec[:0]
	t.n = 0
}

// insert adds a record for tok (which must not be in the table and the
// table must not be full) with the given weights and returns its offset.
func (t *tokenTable) insert(tok string, h uint64, hw, n uint32, sums []float32) int {
	off := len(t.rec)
	t.rec = append(t.rec, uint32(len(tok)), hw, n)
	for w := 0; w < (len(tok)+3)/4; w++ {
		var x uint32
		for k := 0; k < 4 && 4*w+k < len(tok); k++ {
			x |= uint32(tok[4*w+k]) << (8 * k)
		}
		t.rec = append(t.rec, x)
	}
	for _, v := range sums[:t.nc] {
		t.rec = append(t.rec, math.Float32bits(v))
	}
	i := h & t.mask
	for t.slots[i] != 0 {
		i = (i + 1) & t.mask
	}
	t.slots[i] = (h>>32)<<32 | uint64(off+1)
	t.n++
	return off
}

// entry returns the record at off: the token's hash, its feature count and
// its summed weights (float32 bits).
func (t *tokenTable) entry(off int) (hw, n uint32, sums []uint32) {
	ln := int(t.rec[off])
	w := off + recHeader + (ln+3)/4
	return t.rec[off+1], t.rec[off+2], t.rec[w : w+t.nc]
}
