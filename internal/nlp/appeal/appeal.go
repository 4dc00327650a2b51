// Package appeal decides whether a message is an appeal to the authorities
// (a problem, a request for help, a question, a proposal), a thanks, or
// anything else (chatter, advertising, reposted news, questions to other
// residents).
//
// The decision is a three-class logistic regression over the hashed
// features of package nlp, trained by scripts/train-appeal-model.sh from the
// St Petersburg portal appeals and the hand-written corpus in corpus/, with
// a softmax temperature fitted on held-out data so that the probabilities
// are calibrated. The trained model is embedded in the package.
package appeal

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"sync"
	"unicode"

	"github.com/otklik/otklik/internal/nlp"
)

// The three kinds a message can be.
const (
	KindAppeal    = "appeal"
	KindGratitude = "gratitude"
	KindOther     = "other"
)

// Kind indexes into Result.Probs.
const (
	IdxAppeal = iota
	IdxGratitude
	IdxOther
	NumKinds
)

// Kinds lists the kinds in Result.Probs order.
var Kinds = [NumKinds]string{KindAppeal, KindGratitude, KindOther}

// Result is the detector's answer for one message.
type Result struct {
	// Kind is the most probable of KindAppeal, KindGratitude, KindOther.
	Kind string `json:"kind"`
	// P is the calibrated probability of Kind.
	P float64 `json:"p"`
	// Probs holds the probability of every kind, in Kinds order
	// (IdxAppeal, IdxGratitude, IdxOther); they sum to 1.
	Probs [NumKinds]float64 `json:"probs"`
}

// Detector classifies messages. It is immutable and safe for concurrent use.
type Detector struct {
	m *nlp.Model
	// idx maps the model's label order to Kinds order.
	idx [NumKinds]int
}

//go:embed appeal.model
var embeddedModel []byte

// New wraps a trained nlp model whose labels are exactly the three kinds.
func New(m *nlp.Model) (*Detector, error) {
	labels := m.Labels()
	if len(labels) != NumKinds {
		return nil, fmt.Errorf("appeal: model has %d labels %q, want %q", len(labels), labels, Kinds)
	}
	d := &Detector{m: m}
	seen := [NumKinds]bool{}
	for i, l := range labels {
		k := kindIndex(l)
		if k < 0 || seen[k] {
			return nil, fmt.Errorf("appeal: model labels %q are not %q", labels, Kinds)
		}
		seen[k] = true
		d.idx[k] = i
	}
	return d, nil
}

func kindIndex(kind string) int {
	for i, k := range Kinds {
		if k == kind {
			return i
		}
	}
	return -1
}

// Read loads a detector model in the nlp model format from r.
func Read(r io.Reader) (*Detector, error) {
	m, err := nlp.Load(r)
	if err != nil {
		return nil, fmt.Errorf("appeal: load model: %w", err)
	}
	return New(m)
}

// LoadFile loads a detector model from a file.
func LoadFile(path string) (*Detector, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("appeal: load model: %w", err)
	}
	defer f.Close()
	return Read(f)
}

// Load decodes the model embedded in the package. Every call decodes anew;
// use Default to share one decoded detector.
func Load() (*Detector, error) {
	return Read(bytes.NewReader(embeddedModel))
}

var defaultDetector = sync.OnceValues(Load)

// Default returns the detector of the embedded model, decoded once per
// process and shared (a Detector is read-only).
func Default() (*Detector, error) { return defaultDetector() }

// Model returns the underlying nlp model.
func (d *Detector) Model() *nlp.Model { return d.m }

// Detect classifies one message. A text with no letters or digits at all
// (empty, white space, punctuation, emoji only) is KindOther with P = 1:
// there is nothing in it to act on.
func (d *Detector) Detect(text string) Result {
	if !hasWordRune(text) {
		var r Result
		r.Kind, r.P = KindOther, 1
		r.Probs[IdxOther] = 1
		return r
	}
	var buf [NumKinds]float64
	p := d.m.Probabilities(maskPlaces(text), buf[:0])
	var r Result
	for k := range NumKinds {
		r.Probs[k] = p[d.idx[k]]
	}
	best := IdxOther
	for k := range NumKinds {
		if r.Probs[k] > r.Probs[best] {
			best = k
		}
	}
	r.Kind, r.P = Kinds[best], r.Probs[best]
	return r
}

func hasWordRune(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			return true
		}
	}
	return false
}

// IsKind reports whether s is one of the three kinds.
func IsKind(s string) bool { return kindIndex(s) >= 0 }
