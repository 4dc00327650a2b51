package geo

import (
	"sort"
	"strings"
)

// FormKind says what a name form denotes; it sets the form's default weight.
type FormKind uint8

// Kinds of name forms, from the most to the least telling.
const (
	FormOfficial   FormKind = iota + 1 // the official name: «Шелеховский муниципальный район»
	FormShort                          // the usual short name: «Шелеховский район», «Иркутск»
	FormVariant                        // a colloquial or irregular form: «Усолье», «АГО»
	FormSettlement                     // a town or village inside the territory
	FormDistrict                       // a part of a city: «Левый берег», «Ново-Ленино», «# микрорайон»
	FormAdjective                      // the bare adjective of a district: «Шелеховский»
	FormBlock                          // a name that must not match anything («Иркутская область»)
)

// DefaultWeight is the base confidence of a match of a form of this kind.
func (k FormKind) DefaultWeight() float64 {
	switch k {
	case FormOfficial:
		return 0.92
	case FormShort:
		return 0.88
	case FormVariant:
		return 0.84
	case FormSettlement:
		return 0.8
	case FormDistrict:
		return 0.7
	case FormAdjective:
		return 0.45
	}
	return 0
}

// Form is one name of a place. Text is written as residents write it; "#" stands
// for any number. With Inflect the gazetteer adds the Russian case forms of the
// text (the words agreeing in case). Common marks names that are also ordinary
// words («Зима», «Мама», «Солнечный»): they match only when written with a capital
// letter and not at the start of a sentence unless a preposition or a settlement
// word comes first. Weight 0 means the kind's default weight.
type Form struct {
	Text    string
	Kind    FormKind
	Weight  float64
	Inflect bool
	Common  bool
}

// Place is a territory with all the names that point to it. ID is the
// territory's identifier (the OKTMO code in Otklik); Name is its display name.
// A place with an empty ID blocks its forms: text matching them is skipped.
type Place struct {
	ID    string
	Name  string
	Forms []Form
}

// Candidate is one territory a text may be about.
type Candidate struct {
	TerritoryID string
	Name        string
	Matched     string // the words as written in the text
	Start, End  int    // byte span of Matched in the text
	Confidence  float64
}

// Result is the territory found in a text. When nothing is found the fallback
// territory is returned with FromFallback set and a low confidence; with no
// fallback TerritoryID is empty. Alternatives lists other territories the text
// may be about (ambiguous names, several places named), best first.
type Result struct {
	TerritoryID  string
	Name         string
	Matched      string
	Start, End   int
	Confidence   float64
	FromFallback bool
	Alternatives []Candidate
}

// Confidence levels of Find.
const (
	FallbackConfidence = 0.2  // a fallback territory
	MinConfidence      = 0.25 // matches below this are dropped
	maxConfidence      = 0.99
)

type entry struct {
	place  int32 // index into Gazetteer.places; -1 blocks
	kind   FormKind
	weight float32
	common bool
}

// Gazetteer finds territories in text. It is immutable after NewGazetteer and
// safe for concurrent use.
type Gazetteer struct {
	places []Place
	byID   map[string]int
	index  map[string][]entry // normalised token n-gram → candidates
	first  map[string]int     // first word of a key → the longest key's word count
	maxN   int
}

// NewGazetteer indexes the places' forms, adding inflected forms where asked.
func NewGazetteer(places []Place) *Gazetteer {
	g := &Gazetteer{byID: make(map[string]int), index: make(map[string][]entry), first: make(map[string]int), maxN: 1}
	var toks []token
	for _, p := range places {
		pi := int32(-1)
		if p.ID != "" {
			if i, ok := g.byID[p.ID]; ok {
				pi = int32(i)
				g.places[i].Forms = append(g.places[i].Forms, p.Forms...)
			} else {
				pi = int32(len(g.places))
				g.byID[p.ID] = len(g.places)
				g.places = append(g.places, Place{ID: p.ID, Name: p.Name, Forms: append([]Form(nil), p.Forms...)})
			}
		}
		for _, f := range p.Forms {
			w := f.Weight
			if w == 0 {
				w = f.Kind.DefaultWeight()
			}
			kind := f.Kind
			if pi < 0 {
				kind = FormBlock
			}
			toks = tokenize(f.Text, toks[:0])
			var words []string
			for _, t := range toks {
				switch {
				case t.kind == tokNum || t.kind == tokAlnum:
					words = append(words, "#")
				case t.kind == tokWord:
					words = append(words, t.norm)
				case t.norm == "#":
					words = append(words, "#")
				}
			}
			if len(words) == 0 {
				continue
			}
			base := strings.Join(words, " ")
			keys := []string{base}
			if f.Inflect {
				keys = append(keys, inflect(base)...)
			}
			for _, k := range keys {
				g.add(k, entry{place: pi, kind: kind, weight: float32(w), common: f.Common})
				if ab := abbreviateRayon(k); ab != "" {
					g.add(ab, entry{place: pi, kind: kind, weight: float32(w), common: f.Common})
				}
			}
		}
	}
	return g
}

// abbreviateRayon turns «… района» into «… р на» (the tokens of «р-на»).
func abbreviateRayon(key string) string {
	for _, p := range [...][2]string{{" район", " р н"}, {" района", " р на"}, {" районе", " р не"}, {" районом", " р ном"}} {
		if strings.HasSuffix(key, p[0]) {
			return strings.TrimSuffix(key, p[0]) + p[1]
		}
	}
	return ""
}

func (g *Gazetteer) add(key string, e entry) {
	n := strings.Count(key, " ") + 1
	if n > g.maxN {
		g.maxN = n
	}
	fw, _, _ := strings.Cut(key, " ")
	if n > g.first[fw] {
		g.first[fw] = n
	}
	list := g.index[key]
	for i := range list {
		if list[i].place == e.place {
			if e.place < 0 {
				return
			}
			if e.weight > list[i].weight {
				list[i] = e
			}
			// A name that is also a common word stays restricted whichever
			// form declared it.
			list[i].common = list[i].common || e.common
			return
		}
	}
	g.index[key] = append(list, e)
}

// Name returns the display name of a territory, or "" if it is unknown.
func (g *Gazetteer) Name(id string) string {
	if i, ok := g.byID[id]; ok {
		return g.places[i].Name
	}
	return ""
}

// Places returns the number of territories indexed and the number of keys.
func (g *Gazetteer) Size() (places, keys int) { return len(g.places), len(g.index) }

var (
	prepositions = setOf("в", "во", "на", "из", "под", "около", "у", "возле", "до", "по", "к", "ко", "за",
		"от", "через", "близ", "вблизи", "между", "со", "с", "над", "при", "рядом")
	typeWords = setOf("г", "гор", "город", "города", "городе", "городу", "городом", "пос", "п", "пгт", "рп", "пос",
		"поселок", "поселке", "поселка", "посёлок", "посёлке", "посёлка", "с", "село", "селе", "села", "д", "дер",
		"деревня", "деревне", "деревни", "район", "районе", "района", "р", "мкр", "микрорайон", "микрорайоне",
		"микрорайона", "мкрн", "округ", "округе", "округа", "жилрайон", "жилрайоне", "ж", "снт", "нп", "ст", "станция")
	sentenceEnd = setOf(".", "!", "?", "…")
	firstNames  = buildFirstNames()
	patronymics = [...]string{"ович", "евич", "овна", "евна", "ична", "инична", "овича", "евича", "овной", "евной", "овичу", "евичу"}
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func buildFirstNames() map[string]bool {
	names := []string{
		"александр", "алексей", "андрей", "антон", "артем", "борис", "вадим", "валентин", "валерий", "василий",
		"виктор", "виталий", "владимир", "владислав", "геннадий", "георгий", "григорий", "дмитрий", "евгений",
		"егор", "иван", "игорь", "илья", "кирилл", "константин", "леонид", "максим", "михаил", "никита",
		"николай", "олег", "павел", "петр", "роман", "руслан", "сергей", "станислав", "степан", "юрий", "ярослав",
		"анна", "алена", "алина", "валентина", "вера", "галина", "дарья", "евгения", "екатерина", "елена",
		"ирина", "лариса", "любовь", "людмила", "марина", "мария", "наталья", "надежда", "нина", "ольга",
		"светлана", "татьяна", "юлия", "оксана", "полина", "виктория", "ксения", "софья", "тамара", "зоя",
	}
	m := make(map[string]bool, len(names)*6)
	for _, n := range names {
		for _, f := range inflect(n) {
			m[f] = true
		}
	}
	return m
}

func isPatronymic(w string) bool {
	for _, p := range patronymics {
		if strings.HasSuffix(w, p) && len(w) > len(p)+2 {
			return true
		}
	}
	return false
}

type match struct {
	first, last int // token indices
	entries     []entry
	conf        float64
}

// Find returns the territory the text is most likely about. fallback is the
// source's own default territory (an ID of this gazetteer or any identifier the
// caller understands); it is returned with low confidence when nothing is found.
// The work is linear in the length of the text.
func (g *Gazetteer) Find(text string, fallback string) Result {
	return g.find(text, fallback, nil)
}

// find is Find with an optional counter of index look-ups, which tests use
// to check that the work stays linear in the length of the text.
func (g *Gazetteer) find(text string, fallback string, steps *int) Result {
	toks := tokenize(text, make([]token, 0, len(text)/5+4))
	type agg struct {
		best  Candidate
		count int
	}
	scores := make(map[int32]*agg)
	var buf []byte
	idx := make([]int, 0, g.maxN)
	n := len(toks)
	for i := 0; i < n; {
		if !toks[i].isWordLike() {
			i++
			continue
		}
		// Collect up to maxN word tokens from i, joined by hyphens only.
		var m *match
		idx = idx[:0]
		var head string
		if toks[i].kind == tokNum || toks[i].kind == tokAlnum {
			head = "#"
		} else {
			head = toks[i].norm
		}
		limit := g.first[head]
		if steps != nil {
			*steps++
		}
		if limit == 0 {
			i++
			continue
		}
		for j := i; j < n && len(idx) < limit; j++ {
			t := &toks[j]
			if t.kind == tokPunct {
				if t.norm == "-" {
					continue
				}
				break
			}
			idx = append(idx, j)
		}
		for k := len(idx); k >= 1 && m == nil; k-- {
			buf = buf[:0]
			for q := 0; q < k; q++ {
				if q > 0 {
					buf = append(buf, ' ')
				}
				t := &toks[idx[q]]
				if t.kind == tokNum || t.kind == tokAlnum {
					buf = append(buf, '#')
				} else {
					buf = append(buf, t.norm...)
				}
			}
			if steps != nil {
				*steps += 1 + k
			}
			if es, ok := g.index[string(buf)]; ok {
				m = &match{first: idx[0], last: idx[k-1], entries: es}
			}
		}
		if m == nil {
			i++
			continue
		}
		i = m.last + 1
		if m.entries[0].place < 0 {
			continue // blocked name such as the region's own
		}
		ctx := g.context(toks, m.first, m.last)
		distinct := 0
		for _, e := range m.entries {
			if e.place >= 0 {
				distinct++
			}
		}
		for _, e := range m.entries {
			if e.place < 0 {
				continue
			}
			c := ctx.score(e)
			if distinct > 1 {
				c *= 0.6
			}
			if c <= 0 {
				continue
			}
			a := scores[e.place]
			if a == nil {
				a = &agg{}
				scores[e.place] = a
			}
			a.count++
			if c > a.best.Confidence {
				p := &g.places[e.place]
				a.best = Candidate{TerritoryID: p.ID, Name: p.Name, Matched: text[toks[m.first].start:toks[m.last].end],
					Start: toks[m.first].start, End: toks[m.last].end, Confidence: c}
			}
		}
	}
	var cands []Candidate
	for _, a := range scores {
		c := a.best
		c.Confidence += 0.05 * float64(a.count-1)
		if c.Confidence > maxConfidence {
			c.Confidence = maxConfidence
		}
		if c.Confidence >= MinConfidence {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		if fallback == "" {
			return Result{}
		}
		return Result{TerritoryID: fallback, Name: g.Name(fallback), Confidence: FallbackConfidence, FromFallback: true}
	}
	sort.Slice(cands, func(a, b int) bool {
		if cands[a].Confidence != cands[b].Confidence {
			return cands[a].Confidence > cands[b].Confidence
		}
		return cands[a].Start < cands[b].Start
	})
	best := cands[0]
	r := Result{TerritoryID: best.TerritoryID, Name: best.Name, Matched: best.Matched, Start: best.Start, End: best.End, Confidence: best.Confidence}
	if len(cands) > 1 {
		r.Alternatives = cands[1:]
		// A close second makes the first less certain.
		if cands[1].Confidence > 0.8*best.Confidence {
			r.Confidence *= 0.85
		}
	}
	r.Confidence = round3(r.Confidence)
	return r
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

type matchContext struct {
	prep, typed    bool
	capital        bool
	sentenceStart  bool
	personal       bool
	multiWord      bool
	lowerMidstream bool
}

func (g *Gazetteer) context(toks []token, first, last int) matchContext {
	var c matchContext
	c.capital = toks[first].upper
	c.multiWord = last > first
	// Up to two previous words, skipping abbreviation dots.
	var prev [2]*token
	np := 0
	for j := first - 1; j >= 0 && np < 2; j-- {
		t := &toks[j]
		if t.kind == tokPunct {
			if t.norm == "." && j > 0 && toks[j-1].kind == tokWord && (typeWords[toks[j-1].norm] || len([]rune(toks[j-1].norm)) == 1) {
				continue
			}
			break
		}
		prev[np] = t
		np++
	}
	if prev[0] != nil {
		p := prev[0].norm
		c.typed = typeWords[p]
		c.prep = prepositions[p]
		if c.typed && prev[1] != nil && prepositions[prev[1].norm] {
			c.prep = true
		}
		if prev[0].upper && !c.typed && !c.prep {
			if firstNames[p] || len([]rune(p)) == 1 {
				c.personal = true
			}
		}
	}
	// Sentence start: nothing before, a line break, or . ! ? that is not an abbreviation dot.
	switch {
	case first == 0 || toks[first].newline:
		c.sentenceStart = true
	case toks[first-1].kind == tokPunct && sentenceEnd[toks[first-1].norm]:
		c.sentenceStart = true
		if toks[first-1].norm == "." && first >= 2 && toks[first-2].kind == tokWord &&
			(typeWords[toks[first-2].norm] || len([]rune(toks[first-2].norm)) == 1) {
			c.sentenceStart = false
		}
	case toks[first-1].kind == tokPunct && (toks[first-1].norm == "«" || toks[first-1].norm == "\"") && first == 1:
		c.sentenceStart = true
	}
	// A first name, patronymic or initial right after: «Шелехов Александр», «Шелехов А. В.».
	if last+1 < len(toks) {
		nx := &toks[last+1]
		if nx.kind == tokWord && nx.upper && (firstNames[nx.norm] || isPatronymic(nx.norm)) {
			c.personal = true
		}
		if nx.kind == tokWord && nx.upper && len([]rune(nx.norm)) == 1 && last+2 < len(toks) && toks[last+2].norm == "." && !c.typed {
			c.personal = true
		}
	}
	return c
}

func (c matchContext) score(e entry) float64 {
	s := float64(e.weight)
	if e.common {
		switch {
		case !c.capital && !c.typed:
			return 0
		case c.sentenceStart && !c.prep && !c.typed:
			return 0
		case !c.prep && !c.typed:
			s *= 0.6
		}
	}
	if c.typed {
		s += 0.12
	} else if c.prep {
		s += 0.06
	}
	if c.personal && !c.typed {
		s *= 0.25
	}
	if s > maxConfidence {
		s = maxConfidence
	}
	return s
}
