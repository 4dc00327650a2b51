package nlp

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalise(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"case and yo", "ЁЛКА у Подъезда", "елка у подъезда"},
		{"white space", "  много \n\t пробелов\r\n ", "много пробелов"},
		{"html tags", "<p>Нет <b>горячей</b> воды</p>", "нет горячей воды"},
		{"entities", "Дом &laquo;Сокол&raquo; &amp; двор", "дом «сокол» & двор"},
		{"script dropped", "до<script>alert(1)</script>после", "до после"},
		{"not a tag", "если a < b и 3<5", "если a < b и 3<5"},
		{"url", "смотрите https://vk.com/wall-1_2?x=1, там фото", "смотрите <url>, там фото"},
		{"www url", "(www.example.ru).", "(<url>)."},
		{"email", "пишите на Ivan.Petrov@mail.ru.", "пишите на <email>."},
		{"phone plus seven", "звоните +7 (914) 123-45-67 днём", "звоните <phone> днем"},
		{"phone eight", "тел.89141234567", "тел.<phone>"},
		{"city phone", "диспетчер 123-45-67", "диспетчер <phone>"},
		{"house number is not a phone", "дом 12 кв 5", "дом 12 кв 5"},
		{"year is not a phone", "с 2020 года", "с 2020 года"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalise(tt.in); got != tt.want {
				t.Errorf("Normalise(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"нет воды!!!", []string{"нет", "воды"}},
		{"кто-то сломал 2 лавки", []string{"кто-то", "сломал", "2", "лавки"}},
		{"санкт-петербург, ул.ленина-5", []string{"санкт-петербург", "ул", "ленина", "5"}},
		{"звоните <phone> или <url>", []string{"звоните", "<phone>", "или", "<url>"}},
		{"a<b", []string{"a", "b"}},
		{"- -дом- -", []string{"дом"}},
	}
	for _, tt := range tests {
		toks := Tokenize(tt.in)
		var got []string
		for _, tk := range toks {
			got = append(got, tk.Text)
			if tt.in[tk.Start:tk.End] != tk.Text {
				t.Errorf("%q: token %q has wrong span %d:%d", tt.in, tk.Text, tk.Start, tk.End)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	kinds := Tokenize("дом 12 <email>")
	if kinds[0].Kind != KindWord || kinds[1].Kind != KindNumber || kinds[2].Kind != KindEmail {
		t.Errorf("kinds = %v", kinds)
	}
}

func TestTokenizeNoAllocs(t *testing.T) {
	s := Normalise("Во дворе дома 5 третий день не вывозят мусор, звоните +79141234567")
	buf := make([]Token, 0, 64)
	allocs := testing.AllocsPerRun(100, func() { buf = AppendTokens(buf[:0], s) })
	if allocs != 0 {
		t.Errorf("AppendTokens allocates %.1f times per call", allocs)
	}
}

func TestStemmer(t *testing.T) {
	s := NewStemmer(2)
	tests := []struct{ in, want string }{
		{"подъезды", "подъезд"},
		{"подъезда", "подъезд"},
		{"отопления", "отоплен"},
		{"wifi", "wifi"},
		{"12", "12"},
	}
	for _, tt := range tests {
		if got := s.Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if len(s.cache) > 2 {
		t.Errorf("cache grew to %d entries, bound is 2", len(s.cache))
	}
	warm := NewStemmer(16)
	warm.Stem("мусора")
	if a := testing.AllocsPerRun(100, func() { warm.Stem("мусора") }); a != 0 {
		t.Errorf("cached Stem allocates %.1f times", a)
	}
}

func TestFeatures(t *testing.T) {
	f := NewFeaturizer(FeatureConfig{Bits: 16, WordNgrams: 2, MinN: 3, MaxN: 5})
	a := f.Features("Нет горячей воды", nil)
	b := f.Features("  НЕТ   горячей ВОДЫ!", nil)
	if !slices.Equal(a, b) {
		t.Error("features differ for texts equal after normalisation")
	}
	for _, x := range a {
		if x >= 1<<16 {
			t.Fatalf("feature %d outside 2^16", x)
		}
	}
	// Inflected forms share the stemmed unigram features.
	uni := NewFeaturizer(FeatureConfig{Bits: 20, WordNgrams: 1})
	if x, y := uni.Features("подъезда", nil), uni.Features("подъезды", nil); !slices.Equal(x, y) {
		t.Errorf("unigrams of two forms of one word differ: %v vs %v", x, y)
	}
	// Bigrams depend on word order, unigrams do not.
	bi := NewFeaturizer(FeatureConfig{Bits: 20, WordNgrams: 2})
	x, y := bi.Features("мусор двор", nil), bi.Features("двор мусор", nil)
	if len(x) != 3 || slices.Equal(x, y) {
		t.Errorf("bigram features: %v vs %v", x, y)
	}
	// Character n-grams: "<дом>" has 3 trigrams, 2 four-grams, 1 five-gram.
	ch := NewFeaturizer(FeatureConfig{Bits: 20, WordNgrams: 1, MinN: 3, MaxN: 5})
	if got := len(ch.Features("дом", nil)); got != 1+6 {
		t.Errorf("features of one 3-letter word = %d, want 7", got)
	}
	stop := NewFeaturizer(FeatureConfig{Bits: 20, WordNgrams: 1, DropStopWords: true})
	if got := len(stop.Features("и в на", nil)); got != 0 {
		t.Errorf("stop words kept: %d features", got)
	}
}

func TestFeaturesAllocs(t *testing.T) {
	f := NewFeaturizer(DefaultFeatureConfig)
	text := "Во дворе дома третий день не вывозят мусор, контейнеры переполнены"
	dst := f.Features(text, nil)
	a := testing.AllocsPerRun(50, func() { dst = f.Features(text, dst[:0]) })
	if a > 1 {
		t.Errorf("Features allocates %.1f times per call after warm-up, want <= 1", a)
	}
}

func TestSplitKeyAndDedupe(t *testing.T) {
	if got := SplitKey("  Ёж \n\tИ  ЁЛКА "); got != "еж и елка" {
		t.Errorf("SplitKey = %q", got)
	}
	ex := []Example{
		{"Мусор", "a"}, {"мусор ", "b"}, {"МУСОР", "b"}, {"снег", "c"}, {"", "x"}, {"лед", ""},
	}
	got := Dedupe(ex)
	want := []Example{{"мусор", "b"}, {"снег", "c"}}
	if !slices.Equal(got, want) {
		t.Errorf("Dedupe = %v, want %v", got, want)
	}
	// Tie: the label seen first wins.
	if got := Dedupe([]Example{{"x", "b"}, {"x", "a"}}); got[0].Label != "b" {
		t.Errorf("tie went to %q", got[0].Label)
	}
	// The split is a pure function of the key and puts about 20 % in test.
	n := 0
	for i := 0; i < 5000; i++ {
		if IsTestKey(strings.Repeat("я", i%50) + string(rune('а'+i%32)) + strings.Repeat("б", i/50)) {
			n++
		}
	}
	if n < 800 || n > 1200 {
		t.Errorf("test share %d of 5000", n)
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"", "<p>a&amp;b</p>", "+7 (914) 123-45-67", "x@y.ru", "https://a.b", "<script>", "a.a.a.a@", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalise(s)
		if !utf8.ValidString(n) {
			t.Errorf("invalid UTF-8 out of %q", s)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Errorf("white space not collapsed: %q", n)
		}
		toks := Tokenize(n)
		for _, tk := range toks {
			if tk.Text == "" || n[tk.Start:tk.End] != tk.Text {
				t.Errorf("bad token %+v", tk)
			}
		}
		fz := NewFeaturizer(FeatureConfig{Bits: 12, WordNgrams: 2, MinN: 2, MaxN: 4})
		for _, x := range fz.Features(s, nil) {
			if x >= 1<<12 {
				t.Errorf("feature %d out of range", x)
			}
		}
	})
}

// TestNormaliseLinear guards against quadratic behaviour on inputs that
// stress the URL/e-mail/phone scanners: the work per byte must not grow
// with the input (compared by counting output, not by timing).
func TestNormaliseLinear(t *testing.T) {
	for _, unit := range []string{"a.", "a@", "1-", "<a", "&a", "http://", "www.x"} {
		s := strings.Repeat(unit, 200000)
		if n := Normalise(s); len(n) > 2*len(s)+16 {
			t.Errorf("output of %q×200000 has %d bytes", unit, len(n))
		}
	}
}
