package geo

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Address is a street address found in a text.
type Address struct {
	StreetType string  // canonical full word: «улица», «проспект», «микрорайон», …; "" when the text gives none
	Street     string  // the street's name as written: «Ленина», «Карла Маркса», «7»
	House      string  // house number without its letter: «12», «12/3»
	Building   string  // корпус or строение
	Letter     string  // литера, upper case: «А»
	Flat       string  // квартира
	Raw        string  // the address as written
	Start, End int     // byte span of Raw in the text
	Confidence float64 // 0..1
}

// streetTypes maps a normalised word to the canonical street type.
var streetTypes = func() map[string]string {
	m := map[string]string{}
	add := func(canon string, words ...string) {
		for _, w := range words {
			m[w] = canon
		}
	}
	add("улица", "ул", "улица", "улицы", "улице", "улицу", "улицей", "улочка", "улочке")
	add("проспект", "просп", "проспект", "проспекта", "проспекте", "проспекту", "проспектом")
	add("переулок", "пер", "переулок", "переулка", "переулке", "переулку", "переулком")
	add("бульвар", "бульв", "бульвар", "бульвара", "бульваре", "бульвару")
	add("шоссе", "шоссе")
	add("микрорайон", "мкр", "мкрн", "микрорайон", "микрорайона", "микрорайоне", "микрорайону", "микр")
	add("квартал", "квартал", "квартала", "квартале", "кварталу")
	add("проезд", "проезд", "проезда", "проезде", "проезду")
	add("площадь", "пл", "площадь", "площади", "площадью")
	add("набережная", "наб", "набережная", "набережной", "набережную")
	add("тракт", "тракт", "тракта", "тракте", "тракту")
	add("тупик", "туп", "тупик", "тупика", "тупике")
	add("аллея", "аллея", "аллеи", "аллее", "аллею")
	add("линия", "линия", "линии", "линию")
	add("дорога", "дорога", "дороги", "дороге", "дорогу")
	return m
}()

// weakTypes are street types that are also everyday words («дорога разбита»,
// «линия электропередачи»): they make an address only after a name and
// before a house number («Муринская дорога, 55», «10-я линия, дом 25»).
var weakTypes = setOf("линия", "дорога")

// nameNouns are lower-case nouns inside street names: «набережная реки
// Мойки», «набережная Обводного канала», «набережная Чёрной речки».
var nameNouns = setOf("реки", "речки", "канала", "протоки", "ручья", "озера")

// hyphenTypes are abbreviations written with a hyphen: «пр-т», «б-р», «кв-л».
var hyphenTypes = map[[2]string]string{
	{"пр", "т"}: "проспект", {"пр", "кт"}: "проспект", {"пр", "д"}: "проезд", {"б", "р"}: "бульвар",
	{"кв", "л"}: "квартал", {"м", "н"}: "микрорайон", {"ш", "е"}: "шоссе",
}

var (
	houseWords    = setOf("д", "дом", "дома", "доме", "домом", "домa", "№")
	buildingWords = setOf("к", "корп", "корпус", "корпуса", "корпусе", "стр", "строение", "строения")
	letterWords   = setOf("лит", "литера", "литер", "литеры")
	flatWords     = setOf("кв", "квартира", "квартиры", "квартире", "квартиру", "офис", "оф", "комната", "комн")
	addrPreps     = setOf("на", "по", "в", "во", "около", "возле", "у", "напротив", "с", "со", "от", "до", "за", "вдоль", "рядом")
	// Words after a number that make it a quantity, a time or a date, not a house.
	unitWords = setOf("лет", "года", "год", "годов", "годы", "г", "гг", "час", "часа", "часов", "ч", "мин", "минут",
		"минуты", "минуту", "сек", "секунд", "дней", "дня", "день", "сут", "суток", "сутки", "недель", "недели",
		"неделю", "неделя", "месяц", "месяца", "месяцев", "раз", "раза", "руб", "рублей", "рубля", "рубль", "р",
		"тыс", "тысяч", "тысячи", "млн", "человек", "чел", "детей", "ребенка", "квартир", "подъездов", "подъезд",
		"подъезда", "подъезде", "этаж", "этажа", "этаже", "этажей", "этажный", "метров", "метра", "м", "км", "см",
		"мм", "градусов", "градуса", "градус", "шт", "штук", "кг", "литров", "л", "числа", "января", "февраля",
		"марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря", "утра",
		"вечера", "ночи", "дня", "процентов", "семей", "домов", "машин", "автобусов", "школ", "классов", "класс",
		"класса", "кабинет", "кабинета", "автобус", "маршрут", "остановки", "остановок", "тонн", "кубов", "вольт",
		"ампер", "квт", "мес", "нед", "копеек", "коп", "баллов", "лет", "летний", "летняя")
	// Capitalised words that are not street names although a number follows them.
	notStreet = setOf("дом", "дома", "квартира", "квартиры", "подъезд", "подъезда", "школа", "школы", "школе",
		"садик", "сад", "детсад", "автобус", "автобуса", "маршрут", "маршрута", "больница", "больницы",
		"поликлиника", "поликлиники", "гимназия", "гимназии", "лицей", "лицея", "корпус", "этаж", "палата",
		"кабинет", "номер", "участок", "участка", "остановка", "остановки", "уже", "всего", "сегодня", "вчера",
		"около", "почти", "более", "менее", "примерно", "после", "через", "каждого", "нашего", "моего", "этого",
		"того", "какого", "второго", "первого", "третьего", "года", "лет", "января", "февраля", "марта", "апреля",
		"мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря", "звонила", "звонил",
		"трамвай", "трамвая", "троллейбус", "троллейбуса", "детсада", "садика", "скорая", "скорой", "тел",
		"телефон", "телефона", "группа", "группы", "класс", "класса", "пункт", "пункта", "статья", "статьи",
		"закон", "закона", "приказ", "приказа", "магазин", "магазина", "аптека", "аптеки", "отделение",
		"отделения", "почта", "почты", "ждем", "ждали", "прошло", "уже", "было", "было", "нужно", "надо",
		"сколько", "только", "еще", "ещё", "этой", "моей", "нашей", "квартал", "дворе", "двора", "двор")
	genitiveEnds = [...]string{"а", "я", "ого", "его", "ой", "ая", "яя", "ий", "ый", "ов", "ев", "ин", "ина", "ына", "ской", "ская", "ое", "ей", "ые", "ых"}
	monthsGen    = setOf("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря", "лет")
)

// FindAddress returns the most confident street address in the text. It reads
// the street type before or after the name («ул. Ленина, д. 5», «Байкальская
// улица 12»), addresses without a type («на Ленина 5»), numbered microdistricts
// («в 7 микрорайоне дом 12»), корпус, литера and квартира, and refuses numbers
// that are quantities, times, dates or phone numbers. The work is linear in the
// length of the text: each candidate looks at a bounded number of tokens.
func FindAddress(text string) (Address, bool) {
	return findAddress(text, nil)
}

// findAddress is FindAddress with an optional counter of the tokens the
// candidate parses cover, which tests use to check that the work is linear.
func findAddress(text string, steps *int) (Address, bool) {
	toks := tokenize(text, make([]token, 0, len(text)/5+4))
	var best Address
	found := false
	consider := func(a Address, ok bool) {
		if steps != nil {
			*steps++
			if ok {
				*steps += a.End - a.Start
			}
		}
		if ok && (!found || a.Confidence > best.Confidence) {
			best, found = a, true
		}
	}
	for i := range toks {
		t := &toks[i]
		if typ, next, ok := streetTypeAt(toks, i); ok {
			consider(parseTypeFirst(text, toks, i, typ, next))
			consider(parseTypeAfterName(text, toks, i, typ, next))
			continue
		}
		if (t.kind == tokNum || t.kind == tokAlnum) && i+1 < len(toks) {
			if typ, next, ok := areaTypeAt(toks, i+1); ok {
				consider(parseNumberedArea(text, toks, i, typ, next))
			}
		}
		if t.kind == tokWord && t.upper {
			consider(parseBareName(text, toks, i))
		}
	}
	return best, found
}

// streetTypeAt recognises a street type at token i and returns its canonical
// name and the index of the first token after it (and after its dot).
func streetTypeAt(toks []token, i int) (string, int, bool) {
	t := &toks[i]
	if t.kind != tokWord {
		return "", 0, false
	}
	if i+2 < len(toks) && toks[i+1].norm == "-" && toks[i+2].kind == tokWord && !toks[i+1].space && !toks[i+2].space {
		if typ, ok := hyphenTypes[[2]string{t.norm, toks[i+2].norm}]; ok {
			return typ, skipDot(toks, i+3), true
		}
	}
	typ, ok := streetTypes[t.norm]
	if !ok {
		return "", 0, false
	}
	next := skipDot(toks, i+1)
	// Bare abbreviations need their dot or a clear name after them.
	switch t.norm {
	case "пр", "пл", "наб", "пер", "туп", "просп", "бульв", "мкр", "мкрн", "ул", "микр":
	default:
		return typ, next, true
	}
	if next > i+1 {
		return typ, next, true
	}
	if next < len(toks) && toks[next].kind != tokPunct {
		return typ, next, true
	}
	return "", 0, false
}

// areaTypeAt recognises «микрорайон»/«квартал» after a number, where even a
// bare abbreviation («12а мкр,») is unambiguous.
func areaTypeAt(toks []token, i int) (string, int, bool) {
	if typ, next, ok := streetTypeAt(toks, i); ok {
		return typ, next, typ == "микрорайон" || typ == "квартал"
	}
	if typ := streetTypes[toks[i].norm]; typ == "микрорайон" || typ == "квартал" {
		return typ, skipDot(toks, i+1), true
	}
	return "", 0, false
}

func skipDot(toks []token, i int) int {
	if i < len(toks) && toks[i].norm == "." {
		return i + 1
	}
	return i
}

// nameAt reads a street name of up to three words starting at token i.
// It returns the index one past the name's last token.
func nameAt(toks []token, i int, allowNumber bool) (end int, ok bool) {
	j := i
	words := 0
	firstUpper := false
	for j < len(toks) && words < 3 {
		t := &toks[j]
		switch {
		case t.kind == tokWord:
			if houseWords[t.norm] || buildingWords[t.norm] || flatWords[t.norm] || (words > 0 && addrPreps[t.norm]) || t.norm == "и" {
				return j, words > 0
			}
			if words == 0 {
				firstUpper = t.upper
			} else if firstUpper && !t.upper && !monthsGen[t.norm] && !nameNouns[t.norm] {
				return j, true
			}
			if _, isType := streetTypes[t.norm]; isType && words > 0 {
				return j, true
			}
			words++
			j++
		case t.kind == tokNum && words == 0 && j+1 < len(toks) && toks[j+1].kind == tokWord && monthsGen[toks[j+1].norm]:
			// «25 Октября», «50 лет Октября», «8 Марта».
			j += 2
			words += 2
			if toks[j-1].norm == "лет" && j < len(toks) && toks[j].kind == tokWord {
				j++
				words++
			}
		case (t.kind == tokNum || t.kind == tokAlnum) && words == 0 && allowNumber:
			return j + 1, true
		case t.norm == "-" && words > 0 && !t.space && j+1 < len(toks) && toks[j+1].kind == tokWord && !toks[j+1].space:
			j++ // «Сибиряков-Гвардейцев»
		case t.norm == "." && words == 1 && j+1 < len(toks) && toks[j+1].kind == tokWord && toks[j+1].upper && len([]rune(toks[j-1].norm)) == 1:
			j++ // «К. Маркса»
		default:
			return j, words > 0
		}
	}
	return j, words > 0
}

// lowerNameEnd trims an all-lower-case name to the words before the house number.
func lowerNameEnd(toks []token, i, end int) int {
	if toks[i].upper || toks[i].kind != tokWord || (nameNouns[toks[i].norm] && end > i+1 && toks[i+1].upper) {
		return end
	}
	for j := i; j < end; j++ {
		if j > i && (toks[j].kind == tokNum || toks[j].kind == tokAlnum) {
			return j
		}
	}
	// Without a house number right after, one lower-case word is the most we trust.
	if end-i > 1 {
		k := i + 1
		if k < len(toks) && k < end && toks[k].kind == tokWord {
			// «ул карла маркса 14»: keep two words only if a number follows them.
			if end < len(toks) && (toks[end].kind == tokNum || toks[end].kind == tokAlnum) {
				return end
			}
		}
		return i + 1
	}
	return end
}

type houseInfo struct {
	house, building, letter, flat string
	end                           int // one past the last token used
	ok                            bool
	explicit                      bool // introduced by «д.» / «дом»
}

// houseAt reads «[,] [д.|дом] [№] 12[а|/3|-а] [корп. 2] [лит. А] [, кв. 5]» at token i.
func houseAt(text string, toks []token, i int) houseInfo {
	var h houseInfo
	j := i
	if j < len(toks) && toks[j].norm == "," {
		j++
	}
	if j < len(toks) && houseWords[toks[j].norm] {
		h.explicit = true
		j = skipDot(toks, j+1)
		if j < len(toks) && toks[j].norm == "№" {
			j++
		}
	}
	if j >= len(toks) {
		return h
	}
	t := &toks[j]
	// «дом 26-28», «д. 9-13»: a range of numbers, only after «дом».
	if h.explicit && t.kind == tokNum && j+2 < len(toks) && toks[j+1].norm == "-" && !toks[j+1].space &&
		toks[j+2].kind == tokNum && !toks[j+2].space && plausibleHouse(t.norm) && plausibleHouse(toks[j+2].norm) &&
		!(j+3 < len(toks) && toks[j+3].norm == "-" && !toks[j+3].space) {
		h.house = t.norm + "-" + toks[j+2].norm
		h.ok = true
		j += 3
		t = nil
	}
	switch {
	case t == nil:
	case t.kind == tokNum:
		if !plausibleHouse(t.norm) || isQuantity(toks, j) {
			return h
		}
		h.house = t.norm
		j++
	case t.kind == tokAlnum:
		num := digitsPrefix(t.norm)
		rest := t.norm[len(num):]
		if !plausibleHouse(num) || isQuantity(toks, j) {
			return h
		}
		h.house = num
		r, n := utf8.DecodeRuneInString(rest)
		switch {
		case n == len(rest) && unicode.IsLetter(r):
			h.letter = strings.ToUpper(rest)
		case (r == 'к' || r == 'k') && len(digitsPrefix(rest[n:])) == len(rest[n:]) && len(rest) > n:
			h.building = rest[n:]
		default:
			return houseInfo{}
		}
		j++
	default:
		return h
	}
	h.ok = true
	// «12/3», «12-а», «12 а,».
	if j+1 < len(toks) && toks[j].norm == "/" && !toks[j].space && toks[j+1].kind == tokNum && !toks[j+1].space {
		h.house += "/" + toks[j+1].norm
		j += 2
	}
	if h.letter == "" && j+1 < len(toks) && toks[j].norm == "-" && !toks[j].space && toks[j+1].kind == tokWord && utf8.RuneCountInString(toks[j+1].norm) == 1 {
		h.letter = strings.ToUpper(toks[j+1].norm)
		j += 2
	}
	// Building, letter and flat in any order, each at most once.
	for steps := 0; steps < 3 && j < len(toks); steps++ {
		k := j
		if toks[k].norm == "," {
			k++
		}
		if k >= len(toks) {
			break
		}
		w := toks[k].norm
		switch {
		case buildingWords[w] && h.building == "":
			k = skipDot(toks, k+1)
			if k < len(toks) && (toks[k].kind == tokNum || toks[k].kind == tokAlnum) && len(toks[k].norm) <= 4 {
				h.building = toks[k].norm
				j = k + 1
				continue
			}
		case letterWords[w] && h.letter == "":
			k = skipDot(toks, k+1)
			if k < len(toks) && toks[k].kind == tokWord && utf8.RuneCountInString(toks[k].norm) == 1 {
				h.letter = strings.ToUpper(toks[k].norm)
				j = k + 1
				continue
			}
		case flatWords[w] && h.flat == "":
			k = skipDot(toks, k+1)
			if k < len(toks) && toks[k].norm == "№" {
				k++
			}
			if k < len(toks) && (toks[k].kind == tokNum || toks[k].kind == tokAlnum) && len(toks[k].norm) <= 5 {
				h.flat = toks[k].norm
				j = k + 1
				continue
			}
		}
		break
	}
	h.end = j
	return h
}

// plausibleHouse: 1–4 digits, not starting with 0.
func plausibleHouse(d string) bool {
	return len(d) >= 1 && len(d) <= 4 && d[0] != '0'
}

// isQuantity reports whether the number at token j is a quantity, a time, a
// date or part of a phone number rather than a house number.
func isQuantity(toks []token, j int) bool {
	if j+1 < len(toks) {
		nx := &toks[j+1]
		if nx.kind == tokWord && unitWords[nx.norm] {
			return true
		}
		if nx.kind == tokPunct && !nx.space && (nx.norm == ":" || nx.norm == "." || nx.norm == "," || nx.norm == "-" || nx.norm == "%" || nx.norm == "°") &&
			j+2 < len(toks) && toks[j+2].kind == tokNum && !toks[j+2].space {
			if nx.norm != "-" || len(toks[j+2].norm) >= 2 {
				return true // 10:30, 12.05, 3,5, 8-914
			}
		}
		if nx.kind == tokPunct && (nx.norm == "%" || nx.norm == "°" || nx.norm == "₽") {
			return true
		}
	}
	if j > 0 {
		pv := &toks[j-1]
		if pv.kind == tokPunct && !toks[j].space && (pv.norm == "+" || pv.norm == "-" || pv.norm == "(" || pv.norm == ":" || pv.norm == "." || pv.norm == ")") {
			if j >= 2 && toks[j-2].kind == tokNum && !pv.space {
				return true // 8-914-..., 12.05, 10:30
			}
			if pv.norm == "+" {
				return true
			}
		}
		if pv.kind == tokNum && !toks[j].space {
			return true
		}
	}
	return false
}

func makeAddress(text string, toks []token, first, last int, typ string, nameFrom, nameTo int, h houseInfo, conf float64) Address {
	a := Address{StreetType: typ, Confidence: conf}
	if nameTo > nameFrom {
		a.Street = strings.Trim(text[toks[nameFrom].start:toks[nameTo-1].end], " ,")
	}
	if h.ok {
		a.House, a.Building, a.Letter, a.Flat = h.house, h.building, h.letter, h.flat
	}
	a.Start, a.End = toks[first].start, toks[last].end
	a.Raw = text[a.Start:a.End]
	return a
}

// parseTypeFirst: «ул. Ленина, д. 5», «улица Байкальская дом 12 корпус 3», «мкр. 7, д. 12».
func parseTypeFirst(text string, toks []token, i int, typ string, next int) (Address, bool) {
	if next >= len(toks) {
		return Address{}, false
	}
	if weakTypes[typ] {
		return Address{}, false
	}
	area := typ == "микрорайон" || typ == "квартал"
	end, ok := nameAt(toks, next, area)
	if !ok {
		return Address{}, false
	}
	end = lowerNameEnd(toks, next, end)
	if end <= next || notStreet[toks[next].norm] && !area {
		return Address{}, false
	}
	h := houseAt(text, toks, end)
	if h.ok {
		return makeAddress(text, toks, i, h.end-1, typ, next, end, h, 0.92), true
	}
	conf := 0.6
	if !toks[next].upper && toks[next].kind == tokWord {
		conf = 0.5
	}
	return makeAddress(text, toks, i, end-1, typ, next, end, h, conf), true
}

// parseTypeAfterName: «Байкальская улица 12», «на Байкальской улице».
func parseTypeAfterName(text string, toks []token, i int, typ string, next int) (Address, bool) {
	if i == 0 {
		return Address{}, false
	}
	first := i - 1
	switch {
	case isOrdinal(toks, first):
		// «10-я линия», «2-й переулок»: the ordinal is the name.
	case toks[first].kind != tokWord || addrPreps[toks[first].norm] || notStreet[toks[first].norm]:
		return Address{}, false
	case !hasAdjectiveEnding(toks[first].norm) && !(toks[first].upper && hasPossessiveEnding(toks[first].norm)):
		// «Клочков переулок», «Замшина улица» are possessives.
		return Address{}, false
	default:
		if first > 1 && toks[first-1].norm == "-" && !toks[first-1].space && !toks[first].space && toks[first-2].kind == tokWord {
			first -= 2 // «Старо-Петергофский проспект»
		} else if first > 0 && toks[first-1].kind == tokWord && toks[first-1].upper && toks[first].upper && hasAdjectiveEnding(toks[first-1].norm) {
			first-- // «Красных Мадьяр улица» is rare but «Верхняя Набережная» is not
		}
		if first > 0 && isOrdinal(toks, first-1) {
			first-- // «8-я Советская улица»
		}
	}
	h := houseAt(text, toks, skipAbbrev(toks, next))
	if h.ok {
		return makeAddress(text, toks, first, h.end-1, typ, first, i, h, 0.85), true
	}
	if !toks[first].upper || weakTypes[typ] {
		return Address{}, false
	}
	return makeAddress(text, toks, first, next-1, typ, first, i, h, 0.55), true
}

// isOrdinal reports whether token k is a number with an ordinal ending
// («10-я», «2-й»).
func isOrdinal(toks []token, k int) bool {
	return toks[k].kind == tokNum && strings.Contains(toks[k].norm, "-")
}

// skipAbbrev skips the abbreviation of a part of the city after a street
// («Малый проспект В.О.», «Большой проспект П.С.»): two or more upper-case
// initials, each with its dot except perhaps the last. It returns i when
// there is none.
func skipAbbrev(toks []token, i int) int {
	k, n := i, 0
	for k < len(toks) && toks[k].kind == tokWord && toks[k].upper && utf8.RuneCountInString(toks[k].norm) == 1 && (n == 0 || !toks[k].space) {
		n++
		k++
		if k < len(toks) && toks[k].norm == "." && !toks[k].space {
			k++
		} else {
			break
		}
	}
	if n < 2 {
		return i
	}
	return k
}

// hasPossessiveEnding: the short possessive forms of street names
// («Клочков», «Замшина», «Елагин»).
func hasPossessiveEnding(w string) bool {
	for _, e := range [...]string{"ов", "ев", "ин", "ова", "ева", "ина", "ына"} {
		if strings.HasSuffix(w, e) && len(w) > len(e)+4 {
			return true
		}
	}
	return false
}

func hasAdjectiveEnding(w string) bool {
	for _, e := range [...]string{"ая", "ой", "ую", "яя", "ей", "ий", "ый", "ом", "ем", "ое", "ее", "ого", "его"} {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// parseNumberedArea: «в 7 микрорайоне дом 12», «12а мкр, д. 5», «95 квартал 3».
func parseNumberedArea(text string, toks []token, i int, typ string, next int) (Address, bool) {
	if !plausibleHouse(digitsPrefix(toks[i].norm)) || (i > 0 && (toks[i-1].norm == "-" || toks[i-1].norm == "+") && !toks[i].space) {
		return Address{}, false
	}
	h := houseAt(text, toks, next)
	if h.ok {
		return makeAddress(text, toks, i, h.end-1, typ, i, i+1, h, 0.85), true
	}
	return makeAddress(text, toks, i, next-1, typ, i, i+1, h, 0.5), true
}

// parseBareName: «на Ленина 5», «Лермонтова 83», «по Карла Маркса 14а».
func parseBareName(text string, toks []token, i int) (Address, bool) {
	t := &toks[i]
	if notStreet[t.norm] || firstNames[t.norm] || isPatronymic(t.norm) {
		return Address{}, false
	}
	if _, isType := streetTypes[t.norm]; isType {
		return Address{}, false
	}
	// A type word right before means parseTypeFirst handles it.
	if i > 0 {
		if _, _, ok := streetTypeAt(toks, i-1); ok {
			return Address{}, false
		}
		if i > 1 && toks[i-1].norm == "." {
			if _, _, ok := streetTypeAt(toks, i-2); ok {
				return Address{}, false
			}
		}
	}
	end, ok := nameAt(toks, i, false)
	if !ok || end-i > 2 {
		return Address{}, false
	}
	last := toks[end-1].norm
	if !hasGenitiveEnding(last) {
		return Address{}, false
	}
	if end >= len(toks) || toks[end].kind == tokPunct && toks[end].norm != "," {
		return Address{}, false
	}
	// The number must follow directly (a comma allowed), never «д.» here: «Иванова дом 5» is a person's house.
	h := houseAt(text, toks, end)
	if !h.ok || h.explicit {
		return Address{}, false
	}
	conf := 0.55
	if i > 0 && toks[i-1].kind == tokWord && addrPreps[toks[i-1].norm] {
		conf = 0.7
	}
	return makeAddress(text, toks, i, h.end-1, "", i, end, h, conf), true
}

func hasGenitiveEnding(w string) bool {
	for _, e := range genitiveEnds {
		if strings.HasSuffix(w, e) && len(w) > len(e)+2 {
			return true
		}
	}
	return false
}
