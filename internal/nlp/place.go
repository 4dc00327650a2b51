package nlp

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Place is where a message says it happened, beyond its district: what a
// source carries besides the text (a city portal's address field and map
// point, a post's geotag) or what the address finder read in the text.
type Place struct {
	// House is true when the address names a house (it has a number), as
	// against a street, a yard, a park or no address at all. On a city
	// portal it means the resident chose a building as the object.
	House bool
	// Street is the street as written («Мебельная улица»), "" when none.
	Street string
	// Lat and Lon are the map point in degrees, when HasPoint.
	Lat, Lon float64
	HasPoint bool
}

// Place words are Latin, so they cannot collide with a Russian resident's
// words, and letters-and-digits runs, so the tokenizer keeps each whole.
const (
	placeHouse   = "placehouse"
	placeNoHouse = "placenohouse"
	placeStreet  = "placest"
	placeFine    = "placea" // a fine cell, about 330 m on a side
	placeCoarse  = "placeb" // a coarse cell, about 1 km on a side
)

// placeCell is the side of the fine grid cell in degrees of latitude
// (about 330 m); the coarse cell is placeCoarseCells times larger. Chosen on
// the St Petersburg data (docs/nlp.md): a grid of 0.003° alone and one of
// 0.01° alone routed within 0.002 of each other, both together with the
// street best.
const (
	placeCell        = 0.003
	placeCoarseCells = 3
)

// PlaceText returns text followed by words describing p, for a text
// classifier that should learn from where a message is as well as from what
// it says: whether the address names a house, the street, and the cells of
// two map grids around the point (a linear model learns which topics and
// which organisations each cell sees). Train and predict with the same
// function.
func PlaceText(text string, p Place) string {
	var b strings.Builder
	b.Grow(len(text) + 96)
	b.WriteString(text)
	b.WriteByte(' ')
	if p.House {
		b.WriteString(placeHouse)
	} else {
		b.WriteString(placeNoHouse)
	}
	if strings.IndexFunc(p.Street, isWordRune) >= 0 {
		// The street's letters and digits, lower-cased, as one word
		// («Мебельная улица» → «placestмебельнаяулица»).
		b.WriteByte(' ')
		b.WriteString(placeStreet)
		for _, r := range p.Street {
			if isWordRune(r) {
				if r == 'ё' || r == 'Ё' {
					r = 'е'
				}
				b.WriteRune(unicode.ToLower(r))
			}
		}
	}
	if p.HasPoint && !math.IsNaN(p.Lat) && !math.IsNaN(p.Lon) && math.Abs(p.Lat) <= 90 && math.Abs(p.Lon) <= 180 {
		// Longitude degrees shrink with the cosine of the latitude; the
		// cells stay about square away from the equator. Near the poles
		// the cosine is floored so the cells stay finite.
		y := p.Lat / placeCell
		x := p.Lon * max(math.Cos(p.Lat*math.Pi/180), 0.05) / placeCell
		writeCell(&b, placeFine, y, x)
		writeCell(&b, placeCoarse, y/placeCoarseCells, x/placeCoarseCells)
	}
	return b.String()
}

// writeCell writes " <prefix><row>n<column>" with the signs as letters
// (the tokenizer would split at a minus).
func writeCell(b *strings.Builder, prefix string, y, x float64) {
	b.WriteByte(' ')
	b.WriteString(prefix)
	writeSigned(b, int64(math.Floor(y)))
	b.WriteByte('n')
	writeSigned(b, int64(math.Floor(x)))
}

func writeSigned(b *strings.Builder, v int64) {
	if v < 0 {
		b.WriteByte('s')
		v = -v
	}
	var buf [20]byte
	b.Write(strconv.AppendInt(buf[:0], v, 10))
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
