package quality

import (
	"strings"
	"unicode/utf8"
)

// stopwords are function words and words that say nothing about the matter; they are neither content nor
// relevance evidence.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет
о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя
ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж
тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех
никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три
эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между
это также которые который которая которое которых которым этих этим этому эта будут будем было были является
являются ваш ваше вашего вашему вашим ваши вашей вашу наш наше нашего нашей наши свой своего своей своих
уважаемый уважаемая уважаемые пользователь пользователя житель жители гражданин гражданка обращение обращения
обращению обращением сообщение сообщения сообщению сообщением сообщаем информируем вопрос вопросу вопроса
ответ ответа ответе просим прошу спасибо благодарим связи данный данного данной данном указанный указанного
указанной указанном следующее также весь вся всё свои нами вами ними очень просто сегодня портал портале
наш санкт-петербург санкт-петербурга петербург город города городе района район районе`) {
		m[w] = true
	}
	return m
}()

// match fills g.cls (the class of the phrase starting at each token) and g.cov (the token is inside a phrase).
func (g *Grader) match(t *text) {
	n := len(t.toks)
	if cap(g.cls) < n {
		g.cls = make([]class, n, n+16)
		g.cov = make([]bool, n, n+16)
	}
	g.cls, g.cov = g.cls[:n], g.cov[:n]
	clear(g.cls)
	clear(g.cov)
	lx := defaultLexicon
	for i := 0; i < n; {
		e, l := lx.longest(t, i)
		if e < 0 {
			i++
			continue
		}
		g.cls[i] = lx.entries[e].cls
		for k := i; k < i+l; k++ {
			g.cov[k] = true
		}
		i += l
	}
}

// orig returns the original text of tokens i..j.
func (t *text) orig(src string, i, j int) string {
	return src[t.toks[i].os:t.toks[j].oe]
}

// phraseEnd returns the index of the last token of the phrase starting at i.
func (g *Grader) phraseEnd(i int) int {
	j := i + 1
	for j < len(g.cls) && g.cov[j] && g.cls[j] == clsNone {
		j++
	}
	return j - 1
}

func isGenAdj(w string) bool {
	return strings.HasSuffix(w, "ого") || strings.HasSuffix(w, "его") || strings.HasSuffix(w, "ых") ||
		strings.HasSuffix(w, "их") || strings.HasSuffix(w, "ой") || strings.HasSuffix(w, "ей")
}

func isGenNoun(w string, runes int) bool {
	switch w {
	case "работ", "мер", "средств", "норм", "услуг", "территорий", "объектов":
		return true
	}
	if runes < 5 {
		return false
	}
	for _, suf := range [...]string{"ния", "ции", "тия", "ства", "ости", "ии", "ов", "ев"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

func isPassive(w string, runes int) bool {
	if runes < 6 {
		return false
	}
	if !(strings.HasSuffix(w, "ется") || strings.HasSuffix(w, "ются") || strings.HasSuffix(w, "ится") || strings.HasSuffix(w, "ятся")) {
		return false
	}
	switch w {
	case "находится", "находятся", "является", "являются", "требуется", "требуются", "остается", "остаются",
		"нуждается", "относится", "относятся", "касается", "оказывается", "получается", "кажется", "появляется",
		"появляются", "случается", "пользуется", "пользуются", "надеется", "нравится", "стараются", "старается",
		"учится", "учатся", "боится", "ремонтируется", "начинается", "заканчивается", "продолжается":
		return false
	}
	return true
}

// isDateNumber says whether a number token looks like a date or a time («10.11.2026», «15.12», «10:00»).
func isDateNumber(s string, tk *token) bool {
	if tk.numDots == 2 && tk.numOther == 0 {
		parts := strings.Split(s, ".") // rare path: only numbers with two dots
		return len(parts) == 3 && atoiMax(parts[0]) <= 31 && atoiMax(parts[1]) <= 12 && atoiMax(parts[0]) > 0 && atoiMax(parts[1]) > 0
	}
	if tk.numDots == 1 && tk.numOther == 0 {
		d := strings.IndexByte(s, '.')
		a, b := atoiMax(s[:d]), atoiMax(s[d+1:])
		return a > 0 && a <= 31 && b > 0 && b <= 12 && d <= 2 && len(s)-d-1 == 2
	}
	if tk.numDots == 0 && tk.numOther == 1 {
		if c := strings.IndexByte(s, ':'); c > 0 {
			return atoiMax(s[:c]) <= 23 && atoiMax(s[c+1:]) <= 59 && len(s)-c-1 == 2
		}
	}
	return false
}

// atoiMax parses a short decimal number; 1<<30 when it is not one.
func atoiMax(s string) int {
	if len(s) == 0 || len(s) > 6 {
		return 1 << 30
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 1 << 30
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func isYear(s string) bool {
	return len(s) == 4 && (strings.HasPrefix(s, "20") || strings.HasPrefix(s, "19")) && atoiMax(s) < 1<<30
}

// collect walks the answer once and fills f.
func (g *Grader) collect(in Input, f *feats) {
	t := &g.a
	src := in.Answer
	n := len(t.toks)
	cfg := &g.cfg
	if strings.TrimSpace(in.Question) != "" {
		g.stemQuestion(in.Question, f)
	}

	// explained legal references: sentences with an explanation marker
	var explainSent [8]int32
	nExplain := 0
	for i := 0; i < n; i++ {
		if g.cls[i] == clsExplain && nExplain < len(explainSent) {
			explainSent[nExplain] = t.toks[i].sent
			nExplain++
		}
	}
	explained := func(sent int32) bool {
		for _, s := range explainSent[:nExplain] {
			if s == sent || s == sent+1 {
				return true
			}
		}
		return false
	}

	curSent, curLen := int32(-1), 0
	flushSent := func() {
		if curLen > f.maxSent {
			f.maxSent = curLen
		}
		if curLen > cfg.LongSentenceWords {
			f.long++
		}
	}
	genRun, genStart := 0, -1
	lastLegalEnd := -100
	var lastLegalSent int32 = -1
	legalCounted := false

	for i := 0; i < n; i++ {
		tk := &t.toks[i]
		if tk.sent != curSent {
			flushSent()
			curSent, curLen = tk.sent, 0
			genRun, genStart = 0, -1
		}
		w := t.word(i)
		if tk.kind == tokWord || tk.kind == tokNumber {
			f.words++
			curLen++
		}
		if tk.kind == tokWord {
			sy := int(tk.vowels)
			if sy == 0 {
				sy = 1 // abbreviations such as «ЖКС» are read as one syllable at least
			}
			f.syllables += sy
		} else if tk.kind == tokNumber {
			f.syllables += 2 // a number is read as a word of about two syllables
		}

		// genitive chains
		if tk.kind == tokWord && !g.cov[i] || tk.kind == tokWord && g.cls[i] == clsBureau {
			switch {
			case isGenNoun(w, int(tk.runes)):
				if genRun == 0 {
					genStart = i
					// the head noun of the chain is in any case: «обеспечению безопасности движения»
					if p := i - 1; p >= 0 && t.toks[p].kind == tokWord && t.toks[p].sent == tk.sent && t.toks[p].runes >= 5 && !t.toks[p].commaAfter && !isGenAdj(t.word(p)) {
						genRun++
						genStart = p
					}
				}
				genRun++
				if genRun == cfg.GenitiveChainLen {
					f.genChains++
					if f.genExample == "" {
						f.genExample = t.orig(src, genStart, i)
					}
				}
			case genRun > 0 && isGenAdj(w):
				// adjectives agree with the chain: neither count nor break it
			default:
				genRun = 0
			}
			if tk.commaAfter {
				genRun = 0
			}
		} else {
			genRun = 0
		}

		if tk.kind == tokWord && isPassive(w, int(tk.runes)) {
			f.passive++
			if f.nPassive < len(f.passiveLabels) && !hasLabel(f.passiveLabels[:f.nPassive], w) {
				f.passiveLabels[f.nPassive] = w
				f.nPassive++
			}
		}

		// phone numbers, dates written as numbers
		if tk.kind == tokNumber {
			if tk.runes >= 7 && tk.numDots == 0 && strings.IndexByte(w, ':') < 0 && strings.IndexByte(w, '/') < 0 {
				f.contact = true
			} else if isDateNumber(w, tk) && !g.nearLegal(i) {
				f.date = true
			} else if isYear(w) && !g.nearLegal(i) {
				f.dateWeak = true
			}
		}

		if tk.kind == tokWord && !g.cov[i] && tk.runes >= 4 && !stopwords[w] {
			f.content++
		}
		// a surname followed by initials, or initials before a surname
		if tk.kind == tokWord && tk.upper && tk.runes >= 3 && i+1 < n && t.toks[i+1].kind == tokWord && t.toks[i+1].runes == 1 && t.toks[i+1].upper && t.toks[i+1].dotAfter {
			f.org = true
		}
		if tk.kind == tokWord && tk.upper && tk.runes == 1 && tk.dotAfter && i+2 < n && t.toks[i+1].runes == 1 && t.toks[i+1].upper && t.toks[i+2].upper && t.toks[i+2].runes >= 3 {
			f.org = true
		}

		c := g.cls[i]
		if c == clsNone {
			continue
		}
		end := g.phraseEnd(i)
		switch c {
		case clsBureau:
			f.bureau++
			if f.nBureauLabels < len(f.bureauLabels) {
				l := strings.ToLower(t.orig(src, i, end))
				if !hasLabel(f.bureauLabels[:f.nBureauLabels], l) {
					f.bureauLabels[f.nBureauLabels] = l
					f.nBureauLabels++
				}
			}
		case clsDone:
			switch g.lookBack(i, 3) {
			case clsNegation:
				f.negDone++
			case clsFuture:
				f.plan++
			case clsModal:
				// «необходимо заменить» is a requirement, not an action
			default:
				f.done++
			}
		case clsPlan:
			if g.lookBack(i, 2) != clsNegation {
				f.plan++
			}
		case clsFinding:
			f.finding++
		case clsForward:
			f.forward++
			if f.forwardLabel == "" {
				f.forwardLabel = strings.ToLower(t.orig(src, i, end))
			}
		case clsVague:
			f.vague++
			if f.vagueLabel == "" {
				f.vagueLabel = strings.ToLower(t.orig(src, i, end))
			}
		case clsConditional:
			f.conditional++
			if f.condLabel == "" {
				f.condLabel = strings.ToLower(t.orig(src, i, end))
			}
		case clsIncompetent:
			f.incompetent++
			if f.incompLabel == "" {
				f.incompLabel = strings.ToLower(t.orig(src, i, end))
			}
			if g.redirectAfter(i) {
				f.redirectOK = true
			}
		case clsRecommend:
			f.recomm++
			if g.redirectAfter(i) {
				f.redirectOK = true
			}
		case clsOrg:
			f.org = true
		case clsAddress:
			for k := end + 1; k <= end+3 && k < n && t.toks[k].sent == tk.sent; k++ {
				if t.toks[k].kind == tokNumber || t.toks[k].kind == tokWord && t.toks[k].upper {
					f.address = true
					break
				}
			}
		case clsContact:
			f.contact = true
		case clsProof:
			f.proofMention = true
		case clsDateWord, clsDatePhrase:
			if !g.nearLegal(i) {
				if c == clsDatePhrase && strings.HasSuffix(lexLabelAt(g, t, i), "год") {
					f.dateWeak = true
				} else {
					f.date = true
				}
			}
		case clsSeason:
			f.dateWeak = true
		case clsLegal:
			// a legal act word counts only with a number next to it
			ref := false
			for k := end + 1; k <= end+3 && k < n && t.toks[k].sent == tk.sent; k++ {
				if t.toks[k].kind == tokNumber || t.toks[k].kind == tokSign {
					ref = true
					break
				}
			}
			if !ref && i > 0 && t.toks[i-1].kind == tokNumber && t.toks[i-1].sent == tk.sent {
				ref = true
			}
			if !ref {
				break
			}
			if i-lastLegalEnd <= 6 && lastLegalSent == tk.sent {
				lastLegalEnd = end + 2
				break // the same reference continued: «ч. 3 ст. 28.1 КоАП»
			}
			f.legal++
			legalCounted = true
			lastLegalEnd, lastLegalSent = end+2, tk.sent
			if !explained(tk.sent) {
				f.legalUnexplained++
				if f.legalExample == "" {
					j := end
					for k := end + 1; k < n && k <= end+6 && t.toks[k].sent == tk.sent; k++ {
						if kt := &t.toks[k]; kt.kind == tokNumber || kt.kind == tokSign || g.cov[k] && (g.cls[k] == clsLegal || g.cls[k] == clsNone) {
							j = k
							continue
						}
						break
					}
					f.legalExample = t.orig(src, i, j)
				}
			}
		}
	}
	flushSent()
	_ = legalCounted
	if t.at {
		f.contact = true
	}

	// relevance: answer words that share a stem with the question
	if f.qStems > 0 {
		for i := 0; i < n; i++ {
			tk := &t.toks[i]
			if tk.kind != tokWord || tk.runes < 4 {
				continue
			}
			c := g.cls[i]
			if g.cov[i] && (c == clsPolite || c == clsBureau || c == clsForward) {
				continue
			}
			w := t.word(i)
			if stopwords[w] {
				continue
			}
			// cheap prefilter: a stem must share the first two letters
			cand := false
			for _, s := range f.qStemList[:f.qStems] {
				if len(s) >= 4 && len(w) >= 4 && s[:4] == w[:4] {
					cand = true
					break
				}
			}
			if !cand {
				continue
			}
			st := g.stem(w)
			for _, s := range f.qStemList[:f.qStems] {
				if stemsMatch(s, st) && !hasLabel(f.sharedLabels[:f.nShared], s) {
					if f.nShared < len(f.sharedLabels) {
						f.sharedLabels[f.nShared] = s
						f.nShared++
					}
					f.shared++
					break
				}
			}
		}
		if f.shared > f.qStems {
			f.shared = f.qStems
		}
	}
}

// lexLabelAt returns the last word of the phrase starting at i.
func lexLabelAt(g *Grader, t *text, i int) string {
	return t.word(g.phraseEnd(i))
}

func hasLabel(ls []string, l string) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// lookBack returns the class of a negation, future or modal word among the k tokens before i in its sentence.
func (g *Grader) lookBack(i, k int) class {
	t := &g.a
	for j := i - 1; j >= 0 && j >= i-k; j-- {
		if t.toks[j].sent != t.toks[i].sent {
			break
		}
		switch g.cls[j] {
		case clsNegation, clsFuture, clsModal:
			return g.cls[j]
		}
	}
	return clsNone
}

// nearLegal says whether a legal act word is among the four tokens before i (a date inside a reference such as
// «постановление от 06.10.2016 № 875» is not a deadline).
func (g *Grader) nearLegal(i int) bool {
	for j := i - 1; j >= 0 && j >= i-4; j-- {
		if g.cls[j] == clsLegal {
			return true
		}
	}
	return false
}

// redirectAfter says whether a redirect at i names who is competent and how to reach them: an organisation
// and a contact or an address within the next 20 tokens.
func (g *Grader) redirectAfter(i int) bool {
	t := &g.a
	org, reach := false, false
	for j := i + 1; j < len(t.toks) && j <= i+20; j++ {
		switch g.cls[j] {
		case clsOrg:
			org = true
		case clsContact:
			reach = true
		case clsAddress:
			reach = true
		}
		tk := &t.toks[j]
		if tk.kind == tokNumber && tk.runes >= 7 {
			reach = true
		}
		if tk.kind == tokWord && tk.upper && j > i+1 && t.toks[j-1].sent == tk.sent {
			org = true // a proper name: «обратитесь в Водоканал», «в Комитет по транспорту»
		}
	}
	if t.at {
		reach = true
	}
	return org && reach
}

// stemsMatch compares two Snowball stems. The stemmer sometimes cuts a noun like a verb («надпись» → «надп»,
// «надписи» → «надпис»), so a stem of at least four letters that begins the other one also matches.
func stemsMatch(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return utf8.RuneCountInString(a) >= 4 && strings.HasPrefix(b, a)
}
