package nlp

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

// Model file layout (all integers little-endian):
//
//	magic    [8]byte  "OTKLTOPM"
//	version  uint32   (FormatVersion)
//	length   uint64   byte length of the compressed payload
//	payload  [length]byte, DEFLATE-compressed:
//	    bits, wordNgrams, minN, maxN, flags  uint8 each
//	    nLabels uvarint, then per label: uvarint length + UTF-8 bytes
//	    temperature float32, bias [nLabels]float32
//	    nRows uvarint; per non-zero weight row: uvarint bucket delta,
//	    float32 scale, [nLabels]int8 (weight = int8 * scale)
//	    version 2 only: nWords uvarint, then per vocabulary word (most
//	    frequent first): uvarint length + UTF-8 bytes, uint32 stem hash
//	crc      uint32   CRC-32C of magic, version, length and payload
//
// Weights are quantised to 8 bits per value with one scale per bucket row,
// and rows that are all zero (buckets never seen in training) are omitted.
const (
	modelMagic = "OTKLTOPM"
	// FormatVersion is the newest model file version: this package reads
	// versions 1 and 2 and writes 2 for models with a vocabulary (see
	// vocab.go), 1 for those without (byte-identical to older builds).
	FormatVersion = 2
	maxPayload    = 1 << 30
	maxLabels     = 1 << 16
)

// ErrNotModel is returned when a file is not an Otklik topic model at all.
var ErrNotModel = errors.New("nlp: not an Otklik topic model file (bad magic)")

// ErrCorruptModel is returned when a model file fails its checksum or is
// truncated or inconsistent.
var ErrCorruptModel = errors.New("nlp: corrupt model file")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// WriteTo writes the model in the versioned binary format.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	var payload bytes.Buffer
	zw, err := flate.NewWriter(&payload, flate.BestCompression)
	if err != nil {
		return 0, fmt.Errorf("nlp: save model: %w", err)
	}
	bw := bufio.NewWriter(zw)
	var flags uint8
	if m.cfg.DropStopWords {
		flags |= 1
	}
	bw.Write([]byte{m.cfg.Bits, m.cfg.WordNgrams, m.cfg.MinN, m.cfg.MaxN, flags})
	var tmp [binary.MaxVarintLen64]byte
	putUvarint := func(v uint64) { bw.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	putF32 := func(f float32) {
		binary.LittleEndian.PutUint32(tmp[:4], math.Float32bits(f))
		bw.Write(tmp[:4])
	}
	putUvarint(uint64(len(m.labels)))
	for _, l := range m.labels {
		putUvarint(uint64(len(l)))
		bw.WriteString(l)
	}
	putF32(m.temp)
	for _, b := range m.bias {
		putF32(b)
	}
	m.quantise()
	nc := m.nc
	rows := 0
	for r := 0; r < m.cfg.Buckets(); r++ {
		if sc, _ := m.qrow(r); sc != 0 {
			rows++
		}
	}
	putUvarint(uint64(rows))
	prev := 0
	for r := 0; r < m.cfg.Buckets(); r++ {
		sc, q := m.qrow(r)
		if sc == 0 {
			continue
		}
		putUvarint(uint64(r - prev))
		prev = r
		putF32(sc)
		bw.Write(q[:nc])
	}
	version := uint32(1)
	if len(m.vocab) > 0 {
		version = 2
		putUvarint(uint64(len(m.vocab)))
		for _, w := range m.vocab {
			putUvarint(uint64(len(w.text)))
			bw.WriteString(w.text)
			binary.LittleEndian.PutUint32(tmp[:4], w.hw)
			bw.Write(tmp[:4])
		}
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("nlp: save model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("nlp: save model: %w", err)
	}
	var head [20]byte
	copy(head[:8], modelMagic)
	binary.LittleEndian.PutUint32(head[8:12], version)
	binary.LittleEndian.PutUint64(head[12:20], uint64(payload.Len()))
	crc := crc32.Update(0, crcTable, head[:])
	crc = crc32.Update(crc, crcTable, payload.Bytes())
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], crc)
	var n int64
	for _, b := range [][]byte{head[:], payload.Bytes(), tail[:]} {
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			return n, fmt.Errorf("nlp: save model: %w", err)
		}
	}
	return n, nil
}

// Save writes the model to path atomically (temporary file, then rename).
func (m *Model) Save(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".model-*")
	if err != nil {
		return fmt.Errorf("nlp: save model: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if _, err := m.WriteTo(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("nlp: save model: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("nlp: save model: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("nlp: save model: %w", err)
	}
	return nil
}

// LoadFile reads a model saved by Save.
func LoadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("nlp: load model: %w", err)
	}
	defer f.Close()
	m, err := Load(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, nil
}

// Load reads a model written by WriteTo. A file of another kind gives
// ErrNotModel, a newer format version a version error, and a damaged one
// ErrCorruptModel (all wrapped).
func Load(r io.Reader) (*Model, error) {
	var head [20]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("nlp: load model: %w", ErrNotModel)
		}
		return nil, fmt.Errorf("nlp: load model: %w", err)
	}
	if string(head[:8]) != modelMagic {
		return nil, fmt.Errorf("nlp: load model: %w", ErrNotModel)
	}
	version := binary.LittleEndian.Uint32(head[8:12])
	if version < 1 || version > FormatVersion {
		return nil, fmt.Errorf("nlp: load model: format version %d, this build reads versions 1 to %d", version, FormatVersion)
	}
	n := binary.LittleEndian.Uint64(head[12:20])
	if n > maxPayload {
		return nil, fmt.Errorf("nlp: load model: payload length %d: %w", n, ErrCorruptModel)
	}
	payload := make([]byte, n+4)
	if _, err := io.ReadFull(r, payload); err != nil {
		return nil, fmt.Errorf("nlp: load model: truncated: %w", ErrCorruptModel)
	}
	crc := crc32.Update(0, crcTable, head[:])
	crc = crc32.Update(crc, crcTable, payload[:n])
	if crc != binary.LittleEndian.Uint32(payload[n:]) {
		return nil, fmt.Errorf("nlp: load model: checksum mismatch: %w", ErrCorruptModel)
	}
	m, err := decodePayload(flate.NewReader(bytes.NewReader(payload[:n])), version)
	if err != nil {
		return nil, fmt.Errorf("nlp: load model: %w: %w", ErrCorruptModel, err)
	}
	m.buildShared()
	return m, nil
}

// maxVocabulary bounds the vocabulary a model file may declare.
const maxVocabulary = 1 << 20

func decodePayload(zr io.Reader, version uint32) (*Model, error) {
	br := bufio.NewReader(zr)
	var cfgb [5]byte
	if _, err := io.ReadFull(br, cfgb[:]); err != nil {
		return nil, err
	}
	cfg := FeatureConfig{Bits: cfgb[0], WordNgrams: cfgb[1], MinN: cfgb[2], MaxN: cfgb[3], DropStopWords: cfgb[4]&1 != 0}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	nl, err := binary.ReadUvarint(br)
	if err != nil {
		return nil, err
	}
	if nl == 0 || nl > maxLabels {
		return nil, fmt.Errorf("label count %d", nl)
	}
	labels := make([]string, nl)
	seen := map[string]bool{}
	for i := range labels {
		ln, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, err
		}
		if ln > 4096 {
			return nil, fmt.Errorf("label length %d", ln)
		}
		b := make([]byte, ln)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, err
		}
		labels[i] = string(b)
		if seen[labels[i]] {
			return nil, fmt.Errorf("duplicate label %q", labels[i])
		}
		seen[labels[i]] = true
	}
	if uint64(cfg.Buckets())*nl > 1<<28 {
		return nil, fmt.Errorf("model too large: %d buckets × %d labels", cfg.Buckets(), nl)
	}
	m := newModel(labels, cfg)
	m.w = nil
	stride := 4 + len(labels)
	m.qb = make([]byte, cfg.Buckets()*stride)
	var f4 [4]byte
	readF32 := func() (float32, error) {
		if _, err := io.ReadFull(br, f4[:]); err != nil {
			return 0, err
		}
		v := math.Float32frombits(binary.LittleEndian.Uint32(f4[:]))
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return 0, errors.New("non-finite number")
		}
		return v, nil
	}
	if m.temp, err = readF32(); err != nil {
		return nil, err
	}
	if m.temp <= 0 {
		return nil, fmt.Errorf("temperature %v", m.temp)
	}
	for c := range m.bias {
		if m.bias[c], err = readF32(); err != nil {
			return nil, err
		}
	}
	rows, err := binary.ReadUvarint(br)
	if err != nil {
		return nil, err
	}
	if rows > uint64(cfg.Buckets()) {
		return nil, fmt.Errorf("row count %d", rows)
	}
	nc := m.nc
	q := make([]byte, nc)
	r := uint64(0)
	for i := uint64(0); i < rows; i++ {
		d, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, err
		}
		r += d
		if r >= uint64(cfg.Buckets()) || (i > 0 && d == 0) {
			return nil, fmt.Errorf("row index %d out of order or range", r)
		}
		scale, err := readF32()
		if err != nil {
			return nil, err
		}
		if _, err := io.ReadFull(br, q); err != nil {
			return nil, err
		}
		if scale <= 0 {
			return nil, fmt.Errorf("row %d scale %v", r, scale)
		}
		rec := m.qb[int(r)*stride : int(r)*stride+stride]
		binary.LittleEndian.PutUint32(rec, math.Float32bits(scale))
		copy(rec[4:], q)
	}
	if version >= 2 {
		nw, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, err
		}
		if nw > maxVocabulary {
			return nil, fmt.Errorf("vocabulary size %d", nw)
		}
		m.vocab = make([]vocabWord, 0, nw)
		seen := make(map[string]bool, nw)
		for i := uint64(0); i < nw; i++ {
			ln, err := binary.ReadUvarint(br)
			if err != nil {
				return nil, err
			}
			if ln == 0 || ln > 1024 {
				return nil, fmt.Errorf("vocabulary word length %d", ln)
			}
			b := make([]byte, ln+4)
			if _, err := io.ReadFull(br, b); err != nil {
				return nil, err
			}
			w := string(b[:ln])
			if seen[w] {
				return nil, fmt.Errorf("duplicate vocabulary word %q", w)
			}
			seen[w] = true
			m.vocab = append(m.vocab, vocabWord{text: w, hw: binary.LittleEndian.Uint32(b[ln:])})
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, errors.New("trailing data after weights")
	}
	return m, nil
}
