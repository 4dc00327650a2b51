package geo

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var pathological = []string{
	"ул. ", "ул ", "д. 5 ", "Ленина 5 ", "7 микрорайон ", "12а мкр, д. ", "Иркутск-", "Усолье-Сибирское ",
	"в г. ", "- ", "------", "Иван Братский ", "на Левом берегу ", "8-914-", "5/", "к", "1", "а-б-", "ул. Ленина, д. 5, кв. 7, ",
	"ё", "\n", "«Иркутск» ", "\xff\xfe", "р-н ",
}

// TestLinearWork checks that doubling the input does not much more than double
// the work counted inside Find and FindAddress, for inputs built to provoke
// re-scanning.
func TestLinearWork(t *testing.T) {
	g := IrkutskGazetteer()
	for _, p := range pathological {
		small := strings.Repeat(p, 1000)
		large := strings.Repeat(p, 2000)
		var s1, s2 int
		g.find(small, "", &s1)
		g.find(large, "", &s2)
		if s2 > s1*5/2+10 {
			t.Errorf("Find on %q×2000: %d steps, ×1000: %d steps", p, s2, s1)
		}
		s1, s2 = 0, 0
		findAddress(small, &s1)
		findAddress(large, &s2)
		if s2 > s1*5/2+10 {
			t.Errorf("FindAddress on %q×2000: %d steps, ×1000: %d steps", p, s2, s1)
		}
	}
}

func checkResult(t *testing.T, text string, r Result) {
	t.Helper()
	if r.Confidence < 0 || r.Confidence > 1 {
		t.Fatalf("confidence %v", r.Confidence)
	}
	if r.TerritoryID != "" && !r.FromFallback {
		if r.Start < 0 || r.End > len(text) || r.Start > r.End || text[r.Start:r.End] != r.Matched {
			t.Fatalf("bad span %d:%d %q", r.Start, r.End, r.Matched)
		}
	}
}

func checkAddress(t *testing.T, text string, a Address, ok bool) {
	t.Helper()
	if !ok {
		return
	}
	if a.Start < 0 || a.End > len(text) || a.Start >= a.End || text[a.Start:a.End] != a.Raw {
		t.Fatalf("bad span %d:%d %q", a.Start, a.End, a.Raw)
	}
	if a.Confidence <= 0 || a.Confidence > 1 {
		t.Fatalf("confidence %v", a.Confidence)
	}
	if a.Street == "" && a.House == "" {
		t.Fatalf("empty address %+v", a)
	}
	if utf8.ValidString(text) && (!utf8.ValidString(a.Raw) || !utf8.ValidString(a.Street)) {
		t.Fatalf("address cut a rune: %+v", a)
	}
}

func TestPathologicalInputsFinish(t *testing.T) {
	g := IrkutskGazetteer()
	for _, p := range pathological {
		text := strings.Repeat(p, 10000)
		checkResult(t, text, g.Find(text, "x"))
		a, ok := FindAddress(text)
		checkAddress(t, text, a, ok)
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"в Иркутске нет воды", "Иван Братский", "Усолья-Сибирского", "в 7 микрорайоне", "г. Шелехов", ""} {
		f.Add(s)
	}
	for _, p := range pathological {
		f.Add(p)
	}
	g := IrkutskGazetteer()
	f.Fuzz(func(t *testing.T, text string) {
		checkResult(t, text, g.Find(text, "fallback"))
	})
}

func FuzzFindAddress(f *testing.F) {
	for _, s := range []string{"ул. Ленина, д. 5", "на Ленина 5", "в 7 микрорайоне дом 12", "ул. Советская 3к2", "12а мкр, д. 5, кв. 1", "8-914-123-45-67", "10-я линия В.О., дом 25/42", "Петроградская набережная, дом 26-28", "наб. реки Мойки, д. 1", ""} {
		f.Add(s)
	}
	for _, p := range pathological {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, ok := FindAddress(text)
		checkAddress(t, text, a, ok)
	})
}

const benchText = "Здравствуйте! Пишу из Ангарска, 7 микрорайон, дом 12. Уже третий день нет горячей воды, " +
	"управляющая компания не отвечает. Раньше жили на ул. Ленина, д. 5 в Иркутске, там такого не было."

func BenchmarkFind(b *testing.B) {
	g := IrkutskGazetteer()
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		g.Find(benchText, "")
	}
}

func BenchmarkFindAddress(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		FindAddress(benchText)
	}
}

func BenchmarkNewIrkutskGazetteer(b *testing.B) {
	places := IrkutskPlaces()
	b.ReportAllocs()
	for b.Loop() {
		NewGazetteer(places)
	}
}
