package urgency

import (
	"strings"
	"testing"
)

var pathological = []string{
	"не ", "нет ", "газ ", "не пахнет газом, ", "-", "минус ", "30 ", "дали. ", "нет воды, ", "горит ", "ё", "\xff",
	"отопления нет, на улице -40. Дали. ", "а-а-а-", ",", "ни ",
}

func TestLinearWork(t *testing.T) {
	for _, p := range pathological {
		var s1, s2 int
		assess(strings.Repeat(p, 1000), &s1)
		assess(strings.Repeat(p, 2000), &s2)
		if s2 > s1*5/2+10 {
			t.Errorf("%q×2000: %d steps, ×1000: %d steps", p, s2, s1)
		}
	}
}

func TestPathologicalInputsFinish(t *testing.T) {
	for _, p := range pathological {
		r := Assess(strings.Repeat(p, 10000))
		if r.Priority != Urgent && r.Priority != High && r.Priority != Normal {
			t.Fatalf("priority %q", r.Priority)
		}
	}
}

func FuzzAssess(f *testing.F) {
	for _, s := range []string{"Нет отопления, -35", "газом не пахнет", "не горит фонарь", "Воду дали", ""} {
		f.Add(s)
	}
	for _, p := range pathological {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := Assess(text)
		switch r.Priority {
		case Urgent, High:
			if len(r.Reasons) == 0 {
				t.Fatalf("%s without reasons", r.Priority)
			}
		case Normal:
		default:
			t.Fatalf("priority %q", r.Priority)
		}
		if r.Score < 0 || r.Score > 1 {
			t.Fatalf("score %v", r.Score)
		}
	})
}

func BenchmarkAssess(b *testing.B) {
	text := "Здравствуйте! Пишу из Ангарска, 7 микрорайон, дом 12. Уже третий день нет горячей воды, " +
		"управляющая компания не отвечает, а дома маленький ребёнок. Газом не пахнет, но батареи еле тёплые."
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Assess(text)
	}
}
