// Package urgency assigns a priority to a resident's message from what it says:
// no heating in the cold, no water, gas, fire, flooding with hot water, live
// wires, danger to life, collapse, children or the elderly at risk. Negations
// («газом не пахнет», «не горит фонарь») and resolved states («отопление дали»,
// «вопрос решён») are taken into account. The package is pure and runs in time
// linear in the length of the text.
package urgency

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Priorities.
const (
	Urgent = "urgent"
	High   = "high"
	Normal = "normal"
)

// Result is the priority of a message with the reasons for it (in Russian,
// shown to operators) and a score in [0, 1] that grows with the evidence.
type Result struct {
	Priority string
	Reasons  []string
	Score    float64
}

type topic uint8

const (
	tHeat topic = iota + 1
	tWater
	tHotWater
	tElec
	tGas
	tFire
	tFlood
	tWires
	tCollapse
	tLift
	tHazard
	tSewage
	tDanger
	nTopics
)

// flags seen in one clause.
type flags uint64

const (
	fHeat flags = 1 << iota
	fWater
	fHot
	fColdWater
	fElec
	fGas
	fSmell
	fSmellGen // «запаха» — negated by «нет» in the clause
	fAbsent
	fCold
	fFire
	fFireGen // «пожара», «дыма» — negated by «нет»
	fFireExcl
	fLighting
	fFlood
	fPlace // квартира, подвал, подъезд
	fWires
	fWireState
	fShock
	fCollapse
	fCrack
	fDanger
	fLife
	fVulnerable
	fManhole
	fOpen
	fIcicle
	fTree
	fFall
	fDogs
	fAttack
	fLift
	fStuck
	fSewage
	fPartial
	fAtAll
	fLong
	fResolved
	fRisk
	fLeak
	fRoof
	fPresent     // «уже», «снова», «теперь»: a following «есть» means restored
	fResolvedAll // «вопрос решён», «всё починили»: resolves everything said before
	fFireStrong  // «пожар», «дым», «пламя»: fire whatever else the clause says
	fLifeStrong  // «погиб», «задыхается»: danger to life by itself
	fStove       // a stove, burner or candle that burns as it should
	fBoiling     // «кипяток», «пар»: hot water escaping
)

type rule struct {
	prefixes []string
	exclude  []string
	flag     flags
}

// Word rules by prefix of the normalised (lower-case, ё→е) word.
var rules = []rule{
	{[]string{"отоплен", "батаре", "радиатор", "теплоснаб", "теплоносит", "котельн", "теплотрасс"}, nil, fHeat},
	{[]string{"тепла", "тепло"}, []string{"теплов", "теплиц"}, fHeat},
	{[]string{"вода", "воды", "воду", "водой", "водоснаб", "хвс", "водопровод", "кран"}, []string{"краном", "кранов"}, fWater},
	{[]string{"горяч", "гвс", "кипят", "кипяток"}, nil, fHot},
	{[]string{"кипят", "кипяток", "пар", "парит", "парят"}, []string{"парк", "парат", "парал", "партн", "пари", "парн", "парад", "паро"}, fBoiling},
	{[]string{"холодн"}, nil, fColdWater},
	{[]string{"свет", "электричеств", "электроэнерг", "электроснаб", "энергоснаб"}, []string{"светоф", "светил", "светл", "светит", "светодиод", "светов"}, fElec},
	{[]string{"плит", "конфорк", "горелк", "свеч", "камин", "котел", "котл"}, nil, fStove},
	// A light's colour or blinking names a signal, not a fire: «на светофоре горит только жёлтый», «мигает».
	{[]string{"фонар", "светофор", "светильник", "ламп", "освещен", "подсветк", "гирлянд", "табло", "прожектор",
		"желт", "зелен", "красн", "мига", "моргает", "индикатор"}, nil, fLighting},
	{[]string{"газ", "газоснаб", "газопровод", "газов", "газа", "газом"}, []string{"газет", "газон", "газел", "газир", "газпромбанк"}, fGas},
	{[]string{"пахн", "запах", "воня", "вонь", "утечк", "травит", "надыша"}, nil, fSmell},
	{[]string{"отсутств", "отключ", "отрубил", "перекрыл", "пропал", "пропад", "обесточ", "вырубил", "выключил", "нету"}, nil, fAbsent},
	{[]string{"холодно", "холода", "холод", "холоде", "холодрыг", "мороз", "замерза", "замерз", "мерзн", "ледян", "стыло", "дубак", "колотун", "окоченел"}, []string{"холодной", "холодная", "холодную", "холодные", "холодных", "холодный", "холодильник"}, fCold},
	{[]string{"горит", "горят", "горело", "загорел", "сгорел", "сгорает", "горим", "огонь", "огня"}, nil, fFire},
	{[]string{"пожар", "возгоран", "подожг", "поджог", "пламя", "пламен", "задымл", "тлеет", "полыха", "дым"}, []string{"пожарн", "дымоход", "дымов", "дымит"}, fFire | fFireStrong},
	{[]string{"безопасн", "учени", "инструктаж", "тренировк", "срок", "путевк", "планов", "сигнализац", "сигарет", "курят", "курил", "курен"}, nil, fFireExcl},
	{[]string{"затоп", "затапл", "заливает", "залило", "залил", "потоп", "прорвал", "прорыв", "хлещ", "фонтан", "подтопл", "топит"}, nil, fFlood},
	{[]string{"теч", "тек", "протека", "капает", "капл", "льет", "льется"}, []string{"текущ", "течени", "технич"}, fLeak},
	{[]string{"кварт", "подвал", "подъезд", "комнат", "кухн", "спальн", "потол"}, []string{"квартал"}, fPlace},
	{[]string{"провод", "кабел"}, []string{"проводит", "проводил", "проводят", "проводк"}, fWires},
	{[]string{"проводк"}, nil, fWires},
	{[]string{"оголен", "оборван", "оборвал", "висит", "висят", "свисает", "свисают", "лежит", "лежат", "упал", "упали", "валяется", "валяются", "искр", "замыкан", "коротнул", "плавит", "оплав"}, nil, fWireState},
	{[]string{"искрит", "искрят"}, nil, fWires | fWireState},
	{[]string{"током", "напряжением", "электротравм"}, nil, fShock},
	{[]string{"обруш", "рухн", "обвал", "провалил", "провалив", "осыпа"}, nil, fCollapse},
	{[]string{"трещин", "аварийн", "покосил", "накренил", "разруш", "треснул"}, nil, fCrack},
	{[]string{"угроз", "опасн", "угрожа"}, nil, fDanger},
	{[]string{"жизн"}, nil, fLife},
	{[]string{"погиб", "смерт", "умира", "задыха", "сознани", "реанимац", "отравил", "угорел"}, nil, fLifeStrong},
	{[]string{"дет", "ребен", "ребят", "малыш", "младен", "грудн", "новорожд", "школьник", "дошкольн", "садик", "пенсионер", "пожил", "бабушк", "дедушк", "старик", "старушк", "инвалид", "лежач", "беремен", "колясоч", "престарел", "ветеран"}, []string{"детал", "детект", "детсад"}, fVulnerable},
	{[]string{"детсад"}, nil, fVulnerable},
	{[]string{"люк", "колодец", "колодц"}, []string{"люкс"}, fManhole},
	{[]string{"открыт", "крышк", "провал", "сдвинут", "нараспашку"}, nil, fOpen},
	{[]string{"сосул", "наледь", "наледи", "глыб"}, nil, fIcicle},
	{[]string{"дерев", "ветк", "тополь", "тополя", "береза", "березы", "сосна", "сосны", "столб"}, []string{"деревн", "деревян"}, fTree},
	{[]string{"упал", "упадет", "падает", "рухнет", "повалил", "наклон", "аварийн", "сломал", "сломан", "свалил"}, nil, fFall},
	{[]string{"собак", "псов", "псы"}, nil, fDogs},
	{[]string{"напал", "покусал", "кусают", "укусил", "бросают", "стая", "стаей", "стаи", "бродяч"}, nil, fAttack},
	{[]string{"лифт"}, nil, fLift},
	{[]string{"застрял", "застряли", "застрять", "заблокир"}, nil, fStuck},
	{[]string{"канализац", "нечистот", "фекал", "стоки", "стоков", "септик", "выгреб"}, nil, fSewage},
	{[]string{"еле", "чуть", "слабый", "слабое", "слабо", "напор", "давлени", "перебо", "низкое", "еле-еле", "полухолодн", "прохладн", "едва"}, nil, fPartial},
	{[]string{"вообще", "совсем", "полностью", "никакой", "никакая", "целиком"}, nil, fAtAll},
	{[]string{"сутки", "суток", "неделю", "недели", "неделя", "недель", "месяц", "давно", "несколько"}, []string{"месяцем"}, fLong},
	{[]string{"дали", "включили", "восстанов", "вернули", "подключили", "заработал", "наладил", "запустили", "появил", "дал"}, []string{"далее", "далек", "далью", "дальн"}, fResolved},
	{[]string{"решен", "решил", "починил", "устранил", "устранен", "исправил", "отремонтирова"}, []string{"решени"}, fResolvedAll},
	{[]string{"болеют", "заболел", "болеет", "простыл", "простуж", "мерзнут", "замерзают", "плачут", "температур"}, nil, fRisk},
	{[]string{"крыш", "кровл", "чердак"}, nil, fRoof},
}

// prefixEntry is one prefix of a rule, bucketed by the prefix's first letter.
type prefixEntry struct {
	prefix  string
	exclude []string
	flag    flags
}

// ruleIndex holds the rules' prefixes by the first letter (а…я, then others).
var ruleIndex = func() [34][]prefixEntry {
	var idx [34][]prefixEntry
	for _, rl := range rules {
		for _, p := range rl.prefixes {
			r, _ := utf8.DecodeRuneInString(p)
			b := bucket(r)
			idx[b] = append(idx[b], prefixEntry{prefix: p, exclude: rl.exclude, flag: rl.flag})
		}
	}
	return idx
}()

func bucket(r rune) int {
	if r >= 'а' && r <= 'я' {
		return int(r - 'а')
	}
	return 33
}

// Bigram triggers that prefix rules cannot see.
var absentAfterNe = []string{"был", "да", "пода", "гре", "топ", "работа", "включ", "ид", "бежит", "течет", "поступа", "появля"}

// resolvedWords negated by «не» keep the problem open.
var resolvedWords = []string{"дали", "включ", "восстанов", "вернули", "подключ", "починил", "устран", "решен", "решил", "исправил", "отремонтирова", "заработал"}

// hazardVerbs are negated by a preceding «не»: «газом не пахнет», «не горит».
var hazardVerbs = []string{"пахн", "горит", "горят", "горел", "искр", "теч", "тек", "топит", "капает", "воня", "льет", "затап"}

// firstPrefix returns the matching prefix of w among ps, or "".
func hasPrefix(w string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// normWord lower-cases and maps ё to е.
func normWord(b []byte, w string) []byte {
	b = b[:0]
	for _, r := range w {
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

type clauseScan struct {
	f        flags
	prevNe   bool
	prevNet  bool // «нет»/«без» right before
	lastNum  int  // the previous token as a number, -1 if not a number
	minus    bool // a minus sign right before the number
	ordDay   bool // «второй», «третий» … before «день»
	negSmell bool
	negFire  bool
}

// Assess returns the priority of a message.
func Assess(text string) Result { return assess(text, nil) }

// assess is Assess with an optional counter of rule checks, which tests use
// to check that the work is linear in the length of the text.
func assess(text string, steps *int) Result {
	var (
		pending [nTopics]flags // the clause flags that raised each open problem
		msg     flags          // flags of the whole message (context: cold, children, duration)
		open    [nTopics]bool
		buf     []byte
		sc      = clauseScan{lastNum: -1}
	)
	var lastTopics []topic // the topics of the latest clause that stated a problem
	flush := func() {
		f := sc.f
		if sc.negSmell {
			f &^= fSmell
		}
		if sc.negFire {
			f &^= fFire | fFireStrong
		}
		if f&fSmellGen != 0 && f&fAbsent != 0 {
			f &^= fSmell | fGas | fAbsent // «запаха газа нет»
		}
		if f&fStove != 0 && f&fFireStrong == 0 {
			f &^= fFire // «плита плохо горит»
		}
		if f&fFireGen != 0 && f&fAbsent != 0 {
			f &^= fFire | fFireStrong // «пожара нет», «дыма нет»
		}
		if f&fFireExcl != 0 {
			f &^= fFire | fFireStrong // «пожарная безопасность», «сроки горят»
		}
		if f&fFireStrong == 0 && f&(fLighting|fElec) != 0 {
			f &^= fFire // «горит свет», «горит фонарь»: lighting, not fire
		}
		ts := topicsOf(f)
		switch {
		case f&(fResolved|fResolvedAll) != 0 && len(ts) > 0:
			for _, t := range ts {
				open[t] = false
			}
		case f&fResolvedAll != 0:
			// «Всё починили», «вопрос решён»: everything said before is resolved.
			for i := range open {
				open[i] = false
			}
		case f&fResolved != 0:
			// «Сегодня дали»: resolves what the last problem clause said.
			for _, t := range lastTopics {
				open[t] = false
			}
		default:
			for _, t := range ts {
				open[t] = true
				pending[t] |= f
			}
			if len(ts) > 0 {
				lastTopics = ts
			}
		}
		msg |= f &^ (fResolved | fResolvedAll)
		sc = clauseScan{lastNum: -1}
	}
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsLetter(r):
			j := i + n
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r2) && !(r2 == '-' && j+n2 < len(text) && isLetterAt(text, j+n2)) {
					break
				}
				j += n2
			}
			buf = normWord(buf, text[i:j])
			sc.word(string(buf))
			if steps != nil {
				*steps++
			}
			i = j
			continue
		case unicode.IsDigit(r):
			j := i
			v := 0
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				if v < 1000000 {
					v = v*10 + int(text[j]-'0')
				}
				j++
			}
			if j == i { // a non-ASCII digit
				j = i + n
			}
			sc.number(v)
			i = j
			continue
		case r == '.' || r == '!' || r == '?' || r == ';' || r == '\n' || r == ',' || r == ':' || r == '(' || r == ')':
			flush()
			if steps != nil {
				*steps += int(nTopics)
			}
		case r == '-' || r == '−' || r == '–':
			sc.minus = true
			sc.lastNum = -1
			i += n
			continue
		case unicode.IsSpace(r):
			i += n
			continue
		}
		sc.minus = false
		i += n
	}
	flush()
	return decide(open, pending, msg)
}

func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func (sc *clauseScan) number(v int) {
	if sc.minus && v >= 10 && v <= 70 {
		sc.f |= fCold
	}
	sc.minus = false
	sc.lastNum = v
	sc.prevNe, sc.prevNet = false, false
}

func (sc *clauseScan) word(w string) {
	// Clause-internal conjunctions that start a new thought are handled by the
	// caller's punctuation; «но» and «а» reset negation only.
	if w != "минус" {
		sc.minus = false
	}
	switch w {
	case "не":
		sc.prevNe = true
		sc.lastNum = -1
		return
	case "нет", "без", "ни":
		sc.f |= fAbsent
		if w == "ни" {
			sc.f |= fAtAll
		}
		sc.prevNet = true
		sc.prevNe = false
		sc.lastNum = -1
		return
	case "но", "а", "однако", "зато":
		sc.prevNe, sc.prevNet = false, false
		return
	case "день", "дня", "дней", "дню":
		if sc.lastNum >= 2 || sc.ordDay {
			sc.f |= fLong
		}
	case "часов", "часа":
		if sc.lastNum >= 12 {
			sc.f |= fLong
		}
	case "второй", "третий", "четвертый", "пятый", "шестой", "седьмой", "вторые", "третьи", "который":
		sc.ordDay = true
	case "градусов", "градуса":
		if sc.lastNum >= 20 && sc.minus {
			sc.f |= fCold
		}
	case "минус":
		sc.minus = true
		sc.lastNum = -1
		return
	case "уже", "снова", "теперь", "опять":
		// «уже есть», «снова есть» mark a restored service; handled with «есть».
	case "есть", "появилась", "появилось", "появился", "идет", "идёт":
		if sc.f&fPresent != 0 {
			sc.f |= fResolved
		}
	}
	if w == "уже" || w == "снова" || w == "теперь" {
		sc.f |= fPresent
	}
	if sc.minus && (w == "тридцать" || w == "сорок" || w == "двадцать") {
		sc.f |= fCold
	}
	if sc.prevNe {
		sc.prevNe = false
		if hasPrefix(w, hazardVerbs) {
			// «не пахнет», «не горит», «не течёт»: the hazard is denied. «не течёт»
			// of water means no water, though.
			if strings.HasPrefix(w, "пахн") || strings.HasPrefix(w, "воня") {
				sc.negSmell = true
			}
			if strings.HasPrefix(w, "гор") {
				sc.negFire = true
				sc.f |= fLighting // «не горит фонарь / свет»
			}
			if strings.HasPrefix(w, "теч") || strings.HasPrefix(w, "тек") || strings.HasPrefix(w, "топит") {
				sc.f |= fAbsent
			}
			sc.lastNum = -1
			return
		}
		if hasPrefix(w, resolvedWords) {
			// «не дали», «не включили», «не решён»: the problem stands.
			sc.f |= fAbsent
			sc.lastNum = -1
			return
		}
		if hasPrefix(w, absentAfterNe) {
			sc.f |= fAbsent // «не греют», «не топят», «не подают»
		}
	}
	if sc.prevNet {
		sc.prevNet = false
		switch {
		case strings.HasPrefix(w, "запах"):
			sc.negSmell = true
			sc.lastNum = -1
			return
		case strings.HasPrefix(w, "пожар") || strings.HasPrefix(w, "дым") || strings.HasPrefix(w, "возгоран") || w == "огня":
			sc.negFire = true
			sc.lastNum = -1
			return
		case strings.HasPrefix(w, "угроз") || strings.HasPrefix(w, "опасн"):
			sc.lastNum = -1
			return
		}
	}
	if w == "запаха" {
		sc.f |= fSmellGen
	}
	if w == "пожара" || w == "дыма" || w == "возгорания" {
		sc.f |= fFireGen
	}
	r, _ := utf8.DecodeRuneInString(w)
	for _, pe := range ruleIndex[bucket(r)] {
		if sc.f&pe.flag != pe.flag && strings.HasPrefix(w, pe.prefix) && !hasPrefix(w, pe.exclude) {
			sc.f |= pe.flag
		}
	}
	if w == "топят" || w == "топили" || w == "топит" {
		// «не топят» is no heating; the flood reading of «топит» stays.
		sc.f |= fHeat
	}
	sc.lastNum = -1
}

// topicsOf lists the problems a clause states.
func topicsOf(f flags) []topic {
	var ts []topic
	has := func(x flags) bool { return f&x == x }
	if has(fHeat) && (f&(fAbsent|fCold|fPartial|fColdWater) != 0) && f&fFlood == 0 {
		ts = append(ts, tHeat)
	}
	if has(fWater) && f&fAbsent != 0 {
		if f&fHot != 0 && f&fColdWater == 0 && f&fAtAll == 0 {
			ts = append(ts, tHotWater)
		} else {
			ts = append(ts, tWater)
		}
	} else if has(fWater) && f&fPartial != 0 {
		ts = append(ts, tHotWater) // weak pressure: a partial outage
	}
	if has(fElec) && f&fAbsent != 0 && f&fLighting == 0 {
		ts = append(ts, tElec)
	}
	if has(fGas) && (f&(fSmell|fAbsent) != 0) {
		ts = append(ts, tGas)
	}
	if has(fFire) {
		ts = append(ts, tFire)
	}
	if has(fFlood) || (has(fLeak) && f&(fPlace|fRoof|fHot) != 0 && f&fAbsent == 0) || (has(fBoiling) && has(fPlace)) {
		ts = append(ts, tFlood)
	}
	if (has(fWires) && has(fWireState)) || has(fShock) {
		ts = append(ts, tWires)
	}
	if has(fCollapse) || has(fCrack) {
		ts = append(ts, tCollapse)
	}
	if has(fLift) && has(fStuck) {
		ts = append(ts, tLift)
	}
	if (has(fManhole) && has(fOpen)) || has(fIcicle) || (has(fTree) && has(fFall)) || (has(fDogs) && has(fAttack)) {
		ts = append(ts, tHazard)
	}
	if has(fSewage) && f&(fFlood|fLeak|fPlace|fAbsent) != 0 {
		ts = append(ts, tSewage)
	}
	if has(fDanger) || has(fLifeStrong) {
		ts = append(ts, tDanger)
	}
	return ts
}

func decide(open [nTopics]bool, pending [nTopics]flags, msg flags) Result {
	var (
		urgent, high []string
	)
	any := false
	for _, o := range open {
		any = any || o
	}
	if !any {
		return Result{Priority: Normal, Score: 0.05}
	}
	cold := msg&fCold != 0
	vuln := msg&fVulnerable != 0
	long := msg&fLong != 0
	risk := msg&fRisk != 0
	if open[tHeat] {
		f := pending[tHeat]
		switch {
		case f&fPartial != 0 && f&(fAbsent|fColdWater) == 0:
			high = append(high, "слабое отопление")
		case cold:
			urgent = append(urgent, "нет отопления в холод")
		case vuln:
			urgent = append(urgent, "нет отопления, в доме дети или пожилые")
		case long:
			urgent = append(urgent, "нет отопления долгое время")
		default:
			high = append(high, "нет отопления")
		}
	}
	if open[tWater] {
		f := pending[tWater]
		switch {
		case f&fAtAll != 0 || (f&fColdWater != 0 && f&fHot != 0):
			urgent = append(urgent, "нет воды совсем")
		case long:
			urgent = append(urgent, "нет воды долгое время")
		case vuln && risk:
			urgent = append(urgent, "нет воды, под угрозой дети или пожилые")
		default:
			high = append(high, "нет воды")
		}
	}
	if open[tHotWater] {
		if pending[tHotWater]&fAbsent == 0 {
			high = append(high, "слабый напор воды")
		} else {
			high = append(high, "нет горячей воды")
		}
	}
	if open[tElec] {
		switch {
		case long:
			urgent = append(urgent, "нет электричества долгое время")
		case cold:
			urgent = append(urgent, "нет электричества в холод")
		case vuln && risk:
			urgent = append(urgent, "нет электричества, под угрозой дети или пожилые")
		default:
			high = append(high, "нет электричества")
		}
	}
	if open[tGas] {
		if pending[tGas]&fSmell != 0 {
			urgent = append(urgent, "запах или утечка газа")
		} else {
			high = append(high, "нет газа")
		}
	}
	if open[tFire] {
		urgent = append(urgent, "пожар или задымление")
	}
	if open[tFlood] {
		f := pending[tFlood]
		switch {
		case f&(fHot|fBoiling) != 0:
			urgent = append(urgent, "затопление горячей водой")
		default:
			high = append(high, "затопление или протечка")
		}
	}
	if open[tWires] {
		urgent = append(urgent, "оголённые или оборванные провода, опасность удара током")
	}
	if open[tCollapse] {
		if pending[tCollapse]&fCollapse != 0 {
			urgent = append(urgent, "обрушение")
		} else {
			high = append(high, "аварийное состояние конструкций")
		}
	}
	if open[tLift] {
		urgent = append(urgent, "люди застряли в лифте")
	}
	if open[tHazard] {
		f := pending[tHazard]
		switch {
		case f&fManhole != 0:
			high = append(high, "открытый люк")
		case f&fIcicle != 0:
			high = append(high, "сосульки или наледь над проходом")
		case f&fDogs != 0:
			high = append(high, "агрессивные бродячие собаки")
		default:
			high = append(high, "опасное дерево или конструкция")
		}
	}
	if open[tSewage] {
		high = append(high, "авария канализации")
	}
	if open[tDanger] {
		f := pending[tDanger]
		if f&fLifeStrong != 0 || f&fLife != 0 || vuln {
			urgent = append(urgent, "угроза жизни")
		} else {
			high = append(high, "опасная ситуация")
		}
	}
	if len(urgent) == 0 && len(high) > 0 && vuln && (risk || cold) {
		urgent = append(urgent, "дети или пожилые под угрозой")
	}
	switch {
	case len(urgent) > 0:
		reasons := append(urgent, high...)
		if vuln {
			reasons = append(reasons, "упомянуты дети или пожилые")
		}
		return Result{Priority: Urgent, Reasons: dedupe(reasons), Score: capScore(0.85 + 0.05*float64(len(reasons)-1))}
	default:
		reasons := high
		if vuln {
			reasons = append(reasons, "упомянуты дети или пожилые")
		}
		return Result{Priority: High, Reasons: dedupe(reasons), Score: capScore(0.55 + 0.05*float64(len(reasons)-1))}
	}
}

func capScore(x float64) float64 {
	if x > 0.99 {
		return 0.99
	}
	return float64(int(x*100+0.5)) / 100
}

func dedupe(xs []string) []string {
	out := xs[:0:0]
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
