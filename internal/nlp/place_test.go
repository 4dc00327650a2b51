package nlp

import (
	"math"
	"strings"
	"testing"
)

func TestPlaceText(t *testing.T) {
	spb := Place{House: true, Street: "Мебельная улица", Lat: 59.9943, Lon: 30.1971, HasPoint: true}
	cases := []struct {
		name       string
		place      Place
		want, deny []string // words that must (must not) be in the output
	}{
		{"house with street and point", spb, []string{"placehouse", "placestмебельнаяулица", "placea19998n5033", "placeb6666n1677"}, []string{"placenohouse"}},
		{"no address", Place{}, []string{"placenohouse"}, []string{"placehouse", "placest", "placea", "placeb"}},
		{"yo folded, punctuation dropped", Place{Street: "наб. Чёрной речки"}, []string{"placestнабчернойречки"}, nil},
		{"southern and western signs", Place{Lat: -33.45, Lon: -70.66, HasPoint: true}, []string{"placeas11150n"}, []string{"-"}},
		{"point out of range", Place{Lat: 95, Lon: 30, HasPoint: true}, nil, []string{"placea", "placeb"}},
		{"not a number", Place{Lat: math.NaN(), Lon: 30, HasPoint: true}, nil, []string{"placea", "placeb"}},
		{"point without HasPoint", Place{Lat: 59.99, Lon: 30.19}, nil, []string{"placea"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := PlaceText("снег на дороге", c.place)
			if !strings.HasPrefix(got, "снег на дороге ") {
				t.Fatalf("PlaceText = %q: the text must come first", got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("PlaceText = %q: no %q", got, w)
				}
			}
			for _, w := range c.deny {
				if strings.Contains(got, w) {
					t.Errorf("PlaceText = %q: has %q", got, w)
				}
			}
			// Every place word is one token of the tokenizer, so the
			// classifier sees it whole.
			extra := strings.Fields(strings.TrimPrefix(got, "снег на дороге "))
			if toks := Tokenize(Normalise(strings.Join(extra, " "))); len(toks) != len(extra) {
				t.Errorf("place words %q are %d tokens, want %d", extra, len(toks), len(extra))
			}
		})
	}
}

// TestPlaceCells checks the grid: points 100 m apart mostly share a fine
// cell, points 2 km apart never do, and the cells stay about square at the
// latitude of Irkutsk as at that of St Petersburg.
func TestPlaceCells(t *testing.T) {
	cell := func(lat, lon float64) string {
		for _, w := range strings.Fields(PlaceText("", Place{Lat: lat, Lon: lon, HasPoint: true})) {
			if strings.HasPrefix(w, placeFine) {
				return w
			}
		}
		return ""
	}
	for _, lat := range []float64{52.28, 59.94} {
		metresPerDegLon := 111320 * math.Cos(lat*math.Pi/180)
		same, n := 0, 0
		for i := range 200 {
			la := lat + float64(i)*0.00037
			lo := 104.0 + float64(i)*0.00051
			if cell(la, lo) == cell(la, lo+100/metresPerDegLon) {
				same++
			}
			if cell(la, lo) == cell(la, lo+2000/metresPerDegLon) || cell(la, lo) == cell(la+2000/111320.0, lo) {
				t.Fatalf("points 2 km apart share cell %s at latitude %.2f", cell(la, lo), la)
			}
			n++
		}
		if float64(same)/float64(n) < 0.6 {
			t.Errorf("latitude %.0f: points 100 m apart east–west share a cell %d of %d times", lat, same, n)
		}
	}
}

func BenchmarkPlaceText(b *testing.B) {
	p := Place{House: true, Street: "Мебельная улица", Lat: 59.9943, Lon: 30.1971, HasPoint: true}
	b.ReportAllocs()
	for b.Loop() {
		PlaceText("Во дворе не вывезли мусор, контейнеры переполнены", p)
	}
}
