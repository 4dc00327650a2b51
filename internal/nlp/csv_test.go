package nlp

import (
	"context"
	"strings"
	"testing"
)

func TestReadExamplesCSV(t *testing.T) {
	in := "\ufeffid,text,cat,sub\r\n1,\"нет воды,\nсовсем\",жкх,вода\r\n2,,жкх,вода\r\n3,яма,дороги,\r\n"
	ex, err := ReadExamplesCSV(context.Background(), strings.NewReader(in), "text", "cat", "sub")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || ex[0].Text != "нет воды,\nсовсем" || ex[0].Label != "жкх / вода" || ex[1].Label != "дороги / " {
		t.Errorf("examples %q", ex)
	}
	if _, err := ReadExamplesCSV(context.Background(), strings.NewReader("a,b\n1,2\n"), "text", "cat"); err == nil {
		t.Error("missing column accepted")
	}
	if _, err := ReadExamplesCSV(context.Background(), strings.NewReader(""), "text", "cat"); err == nil {
		t.Error("empty input accepted")
	}
	if _, err := ReadExamplesCSV(context.Background(), strings.NewReader("text,cat\n\"a,b\n"), "text", "cat"); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("text,label\n\"a\nb\",x\n")
	f.Add("text,label\n\"\"\"\",y\r\n")
	f.Add("\ufefftext,label\n,\n")
	f.Fuzz(func(t *testing.T, s string) {
		ex, err := ReadExamplesCSV(context.Background(), strings.NewReader(s), "text", "label")
		if err != nil {
			return
		}
		for _, e := range ex {
			if strings.TrimSpace(e.Text) == "" || e.Label == "" {
				t.Errorf("empty example kept: %q", e)
			}
		}
	})
}

func TestTrainDeterministic(t *testing.T) {
	opts := TrainOptions{Features: FeatureConfig{Bits: 12, WordNgrams: 2, MinN: 3, MaxN: 4}, Threads: 1, Seed: 7, Epochs: 4}
	var a, b strings.Builder
	for _, w := range []*strings.Builder{&a, &b} {
		m, err := Train(context.Background(), toyExamples(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.WriteTo(w); err != nil {
			t.Fatal(err)
		}
	}
	if a.String() != b.String() {
		t.Error("two single-threaded trainings with one seed differ")
	}
}
