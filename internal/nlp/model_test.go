package nlp

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// toyExamples are short resident messages written for these tests.
func toyExamples() []Example {
	heat := []string{
		"в квартире холодные батареи", "нет отопления третий день", "батареи еле теплые",
		"в подъезде не греют радиаторы", "дома холодно, отопление не включили", "стояк отопления холодный",
		"радиатор течет и не греет", "когда дадут тепло в дом", "в школе холодные батареи",
		"отопление отключили без предупреждения",
	}
	trash := []string{
		"контейнеры переполнены мусором", "мусор не вывозят неделю", "во дворе свалка мусора",
		"у баков гора мешков с мусором", "площадка для мусора завалена", "мусоровоз не приезжал",
		"вокруг контейнеров валяется мусор", "вывезите мусор со двора", "мешки с мусором у подъезда",
		"переполненные баки на улице",
	}
	roads := []string{
		"огромная яма на дороге", "разбитый асфальт на проезжей части", "ямы на дороге после зимы",
		"дорогу не ремонтировали годами", "провал асфальта у перекрестка", "выбоины на дороге у школы",
		"асфальт на дороге разрушен", "глубокая яма на проезде", "колдобины на дороге к дому",
		"дорожное покрытие в ямах",
	}
	var ex []Example
	for _, group := range []struct {
		label string
		texts []string
	}{{"heat", heat}, {"trash", trash}, {"roads", roads}} {
		for _, t := range group.texts {
			ex = append(ex, Example{Text: t, Label: group.label})
		}
	}
	return ex
}

func trainToy(t testing.TB) *Model {
	t.Helper()
	m, err := Train(context.Background(), toyExamples(), TrainOptions{
		Features: FeatureConfig{Bits: 14, WordNgrams: 2, MinN: 3, MaxN: 5},
		Epochs:   30, LearningRate: 0.3, Threads: 1, CalibrationFraction: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTrainPredict(t *testing.T) {
	m := trainToy(t)
	tests := []struct{ text, want string }{
		{"Холодные батареи в квартире!", "heat"},
		{"не вывозят мусор из контейнеров", "trash"},
		{"на дороге яма", "roads"},
		{"Отопление не работает", "heat"},
	}
	for _, tt := range tests {
		preds := m.Predict(tt.text, 2)
		if len(preds) != 2 {
			t.Fatalf("Predict(k=2) returned %d", len(preds))
		}
		if preds[0].Label != tt.want {
			t.Errorf("Predict(%q) = %v, want %s first", tt.text, preds, tt.want)
		}
		if preds[0].P < preds[1].P {
			t.Errorf("not sorted: %v", preds)
		}
	}
	all := m.Predict("яма", 0)
	sum := 0.0
	for _, p := range all {
		sum += p.P
	}
	if len(all) != 3 || math.Abs(sum-1) > 1e-9 {
		t.Errorf("all labels: %v (sum %v)", all, sum)
	}
	if l, p := m.Top1("мусор"); l != "trash" || p <= 0 || p > 1 {
		t.Errorf("Top1 = %s %v", l, p)
	}
	if got := strings.Join(m.Labels(), ","); got != "heat,roads,trash" {
		t.Errorf("labels %s", got)
	}
}

func TestTrainErrors(t *testing.T) {
	if _, err := Train(context.Background(), nil, TrainOptions{}); !errors.Is(err, ErrNoExamples) {
		t.Errorf("no examples: %v", err)
	}
	if _, err := Train(context.Background(), toyExamples(), TrainOptions{Features: FeatureConfig{Bits: 40, WordNgrams: 1}}); err == nil {
		t.Error("bad config accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, toyExamples(), TrainOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v", err)
	}
}

func TestCalibration(t *testing.T) {
	// With a held-out part the temperature is fitted (not left at 1).
	var ex []Example
	for i := 0; i < 20; i++ {
		for _, e := range toyExamples() {
			ex = append(ex, Example{Text: fmt.Sprintf("%s %d", e.Text, i), Label: e.Label})
		}
	}
	m, err := Train(context.Background(), ex, TrainOptions{Features: FeatureConfig{Bits: 14, WordNgrams: 1}, Threads: 1, CalibrationFraction: 0.2, Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if m.Temperature() == 1 || m.Temperature() <= 0 {
		t.Errorf("temperature %v", m.Temperature())
	}
}

func TestModelRoundTrip(t *testing.T) {
	m := trainToy(t)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if m2.FeatureConfig() != m.FeatureConfig() || m2.Temperature() != m.Temperature() {
		t.Fatal("config or temperature changed")
	}
	for _, e := range toyExamples() {
		a, b := m.Predict(e.Text, 1)[0], m2.Predict(e.Text, 1)[0]
		if a.Label != b.Label || a.P != b.P {
			t.Errorf("%q: %v before, %v after the round trip", e.Text, a, b)
		}
	}
	path := filepath.Join(t.TempDir(), "m.otm")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err != nil {
		t.Fatal(err)
	}
}

func TestLoadErrors(t *testing.T) {
	var buf bytes.Buffer
	if _, err := trainToy(t).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotModel},
		{"foreign", []byte("id,text\n1,hello\n this is a csv file, not a model"), ErrNotModel},
		{"truncated", good[:len(good)/2], ErrCorruptModel},
		{"flipped payload", flip(len(good) / 2), ErrCorruptModel},
		{"flipped checksum", flip(len(good) - 1), ErrCorruptModel},
		{"flipped length", flip(13), ErrCorruptModel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	v := bytes.Clone(good)
	v[8] = 99
	if _, err := Load(bytes.NewReader(v)); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("future version: %v", err)
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "absent.otm")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

func TestPredictConcurrent(t *testing.T) {
	m := trainToy(t)
	want := m.Predict("яма на дороге", 1)[0].Label
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if got := m.Predict("яма на дороге", 1)[0].Label; got != want {
					t.Errorf("concurrent predict %s, want %s", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestScore(t *testing.T) {
	s := Score([]string{"a", "a", "b", "b"}, []string{"a", "b", "b", "b"})
	if s.Accuracy != 0.75 || s.N != 4 {
		t.Errorf("accuracy %v", s.Accuracy)
	}
	// a: P=1 R=.5 F1=2/3; b: P=2/3 R=1 F1=.8
	if want := (2.0/3 + 0.8) / 2; math.Abs(s.MacroF1-want) > 1e-12 {
		t.Errorf("macro-F1 %v, want %v", s.MacroF1, want)
	}
	if len(s.Confusions) != 1 || s.Confusions[0] != (Confusion{True: "a", Pred: "b", Count: 1}) {
		t.Errorf("confusions %v", s.Confusions)
	}
}

func BenchmarkFeatures(b *testing.B) {
	f := NewFeaturizer(DefaultFeatureConfig)
	text := "Во дворе дома 5 по улице Ленина третий день не вывозят мусор, контейнеры переполнены, крысы"
	var dst []uint32
	b.ReportAllocs()
	for b.Loop() {
		dst = f.Features(text, dst[:0])
	}
}

func BenchmarkPredict(b *testing.B) {
	m := trainToy(b)
	text := "Во дворе дома 5 по улице Ленина третий день не вывозят мусор, контейнеры переполнены, крысы"
	b.ReportAllocs()
	for b.Loop() {
		m.Top1(text)
	}
}

// TestPredictTokenCache checks that the cached prediction path of a
// quantised model (with and without a stored vocabulary) scores exactly
// what the features say, also after its token cache has been emptied and
// refilled, and after a save/load round trip.
func TestPredictTokenCache(t *testing.T) {
	defer func(n int) { tokenCacheBytes = n }(tokenCacheBytes)
	tokenCacheBytes = 1024
	// Numbers and placeholders enter the vocabulary too.
	ex := append(toyExamples(),
		Example{Text: "дом 5 и дом 7: нет отопления", Label: "heat"},
		Example{Text: "дом 5, мусор не вывозят, звоните 8 (914) 123-45-67", Label: "trash"},
		Example{Text: "яма у дома 7 https://example.org/photo", Label: "roads"})
	for _, vocab := range []int{-1, 0, 5} {
		m, err := Train(context.Background(), ex, TrainOptions{
			Features: FeatureConfig{Bits: 14, WordNgrams: 2, MinN: 3, MaxN: 5},
			Epochs:   30, LearningRate: 0.3, Threads: 1, CalibrationFraction: -1, Vocabulary: vocab,
		})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case vocab < 0 && m.VocabularySize() != 0, vocab == 0 && m.VocabularySize() < 10, vocab > 0 && m.VocabularySize() != vocab:
			t.Fatalf("Vocabulary %d: %d words", vocab, m.VocabularySize())
		}
		if _, ok := m.shared.find("5", hashToken("5")); vocab == 0 && !ok {
			t.Error("the number 5 is not in the vocabulary")
		}
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if v := binary.LittleEndian.Uint32(buf.Bytes()[8:12]); (v == 2) != (vocab >= 0) {
			t.Errorf("Vocabulary %d: format version %d", vocab, v)
		}
		loaded, err := Load(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if loaded.VocabularySize() != m.VocabularySize() {
			t.Errorf("vocabulary %d words after loading, %d before", loaded.VocabularySize(), m.VocabularySize())
		}
		checkTokenCache(t, m)
		checkTokenCache(t, loaded)
	}
}

func checkTokenCache(t *testing.T, m *Model) {
	t.Helper()
	f := NewFeaturizer(m.cfg)
	acc := make([]float32, m.nc)
	want := make([]float64, m.nc)
	var texts []string
	for _, e := range toyExamples() {
		texts = append(texts, e.Text)
	}
	for i := 0; i < 3*m.maxTokens(); i++ {
		texts = append(texts, fmt.Sprintf("дом %d, кв. %d: яма и мусор у подъезда №%d", i, i*7, i%13))
	}
	texts = append(texts, "", "   ", "<b>Нет</b> горячей воды! https://example.org 8 (914) 123-45-67", "и в на")
	for pass := 0; pass < 2; pass++ {
		for _, text := range texts {
			m.logitsOf(f.Features(text, nil), acc, want)
			softmax(want, float64(m.temp))
			got := m.Probabilities(text, nil)
			for c := range want {
				if math.Abs(got[c]-want[c]) > 1e-5 {
					t.Fatalf("%q: label %d p = %v, want %v", text, c, got[c], want[c])
				}
			}
			best := 0
			for c := range want {
				if want[c] > want[best] {
					best = c
				}
			}
			if l, p := m.Top1(text); l != m.labels[best] || math.Abs(p-want[best]) > 1e-5 {
				t.Fatalf("%q: Top1 = %s %v, want %s %v", text, l, p, m.labels[best], want[best])
			}
			if top := m.Predict(text, 2); top[0].Label != m.labels[best] || top[1].P > top[0].P {
				t.Fatalf("%q: Predict = %v", text, top)
			}
		}
	}
	if a := testing.AllocsPerRun(100, func() { m.Top1(texts[0]) }); a != 0 {
		t.Errorf("Top1 allocates %.1f times per call after warm-up", a)
	}
}

// BenchmarkPredictSPb measures Top1 on the test part of the St Petersburg
// benchmark split with a category model trained the way `otklik bench nlp`
// trains it (skips when the data is absent). Each iteration is one text.
func BenchmarkPredictSPb(b *testing.B) {
	path := filepath.Join("..", "..", "..", "shared", "data", "spb-gorod-appeals", "messages.csv")
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("St Petersburg data absent: %v", err)
	}
	ex, err := ReadExamplesCSV(context.Background(), f, "text", "category")
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	train, test := BenchSplit(ex)
	m, err := Train(context.Background(), train, TrainOptions{Features: FeatureConfig{Bits: 18, WordNgrams: 2, MinN: 3, MaxN: 5}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Top1(test[i%len(test)].Text)
		i++
	}
}
