package appeal

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// placeMask replaces the names of settlements before featurisation. The
// positives are St Petersburg portal texts and the negatives are written
// for the Irkutsk region, so without the mask the model would learn "names
// an Irkutsk town, so it is chatter". With it, a place name carries no
// evidence either way: territory is package geo's business, not this one's.
const placeMask = "нпункт"

// placeStems are lower-case prefixes of settlement names of the Irkutsk
// region and of St Petersburg (ambiguous ones such as «Зима» or «Пушкин»,
// which are also common words or street names, are left out).
var placeStems = []string{
	"иркутск", "ангарск", "братск", "шелехов", "усоль", "черемхов",
	"тулун", "саянск", "усть-илимск", "усть-кут", "тайшет", "нижнеудинск",
	"слюдянк", "байкальск", "листвянк", "киренск", "бодайбо", "свирск",
	"вихоревк", "хомутов", "мегет", "култук", "ольхон", "хужир",
	"железногорск", "куйтун", "качуг", "усть-уд", "бохан", "аларск", "кутулик",
	"тыреть", "пивоварих", "ербогачен", "бирюсинск", "усть-ордынск",
	"петербург", "питер", "колпин", "петергоф", "кронштадт", "сестрорецк",
	"выборгск", "красносельск", "шушары", "парголов", "кудрово", "мурино",
}

// maskPlaces returns text with every word that starts with a place stem
// replaced by placeMask. It returns text itself when nothing matches.
func maskPlaces(text string) string {
	var b strings.Builder
	last := 0 // end of the part of text already copied to b
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && r != '-' {
				break
			}
			i += size
		}
		if isPlaceWord(text[start:i]) {
			if b.Len() == 0 {
				b.Grow(len(text))
			}
			b.WriteString(text[last:start])
			b.WriteString(placeMask)
			last = i
		}
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

func isPlaceWord(w string) bool {
	// Place names here are 5+ letters; skip short words without folding.
	if len(w) < 8 {
		return false
	}
	var buf [64]byte
	lw := buf[:0]
	for _, r := range w {
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		lw = utf8.AppendRune(lw, r)
		if len(lw) > 40 {
			break
		}
	}
	for _, s := range placeStems {
		if len(lw) >= len(s) && string(lw[:len(s)]) == s {
			return true
		}
	}
	return false
}
