package geo

import (
	"strings"
	"sync"

	"github.com/otklik/otklik/internal/demo"
)

// commonWords are place names that are also ordinary Russian words; they only
// match when the text treats them as names (see Form.Common).
var commonWords = setOf("зима", "мама", "оса", "солнечный", "юбилейный", "первомайский", "университетский",
	"центральный", "центральный район", "энергетик", "гидростроитель", "железнодорожный", "молодежный", "зеленый",
	"средний", "быстрая", "порог", "звездный", "рабочее", "магистральный", "октябрьский", "юрты", "квиток",
	"половинка", "бирюлька", "мальта", "сухой", "покосное", "моты", "правобережный район", "правобережье",
	"ленинский район", "октябрьский район", "свердловский район", "чуна", "порожский", "знаменка", "троицк")

// noAdjective lists district adjectives that must not match alone, because
// they name far more things than the district («Иркутский авиазавод»).
var noAdjective = setOf("иркутский", "ангарский", "усть-илимский", "зиминский")

// IrkutskPlaces converts the demo region's territories into gazetteer places:
// official and short names, variants, settlements and city districts, all
// inflected, plus the bare adjective of each district at a low weight, and a
// blocking entry for the oblast's own name.
func IrkutskPlaces() []Place {
	ts := demo.IrkutskTerritories()
	places := make([]Place, 0, len(ts)+1)
	for _, t := range ts {
		p := Place{ID: t.OKTMO, Name: t.Name}
		add := func(text string, kind FormKind) {
			norm := strings.ReplaceAll(normalize(text), "-", " ")
			p.Forms = append(p.Forms, Form{Text: text, Kind: kind, Inflect: true, Common: commonWords[norm]})
		}
		add(t.Name, FormOfficial)
		add(t.ShortName, FormShort)
		if t.Kind == demo.KindUrbanOkrug {
			add(t.Centre, FormShort)
		}
		for _, v := range t.Variants {
			add(v, FormVariant)
		}
		for _, st := range t.Settlements {
			kind := FormSettlement
			if st.Name == t.Centre {
				kind = FormShort
			}
			add(st.Name, kind)
			for _, v := range st.Variants {
				add(v, kind)
			}
		}
		for _, d := range t.Districts {
			if strings.Contains(d, "#") {
				p.Forms = append(p.Forms, Form{Text: d, Kind: FormDistrict, Weight: 0.45, Inflect: true})
				continue
			}
			add(d, FormDistrict)
		}
		if t.Kind != demo.KindUrbanOkrug {
			adj, _, _ := strings.Cut(t.ShortName, " ")
			if !noAdjective[normalize(adj)] {
				add(adj, FormAdjective)
			}
		}
		places = append(places, p)
	}
	places = append(places, Place{Forms: []Form{
		{Text: "Иркутская область", Inflect: true}, {Text: "Иркутская обл", Inflect: false},
		{Text: "Приангарье", Inflect: true}, {Text: "Иркутский регион", Inflect: true},
		{Text: "Иркутская ГЭС", Inflect: true}, {Text: "Братская ГЭС", Inflect: true},
		{Text: "Усть-Илимская ГЭС", Inflect: true},
		{Text: "Иркутский тракт", Inflect: true}, {Text: "Ангарский мост", Inflect: true},
	}})
	return places
}

var irkutskGazetteer = sync.OnceValue(func() *Gazetteer { return NewGazetteer(IrkutskPlaces()) })

// IrkutskGazetteer returns the gazetteer of the demo region. It is built once
// and shared; a Gazetteer is immutable and safe for concurrent use.
func IrkutskGazetteer() *Gazetteer { return irkutskGazetteer() }
