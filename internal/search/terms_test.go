package search

import (
	"slices"
	"testing"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Нет отопления", []string{"нет", "отоплен"}},
		{"отопление, отоплением; ОТОПЛЕНИЯ!", []string{"отоплен"}},
		{"Ёлка у ёлки", []string{"елк"}},
		{"дом 5 корпус 12а", []string{"дом", "корпус", "12а"}},
		{"Wi-Fi не работает", []string{"wi", "fi", "не", "работа"}},
		{"я", nil},
	}
	for _, tt := range tests {
		if got := Terms(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzTerms(f *testing.F) {
	f.Add("Нет отопления в доме 5")
	f.Add("\xff\xfe ёЁ")
	x := NewIndexer()
	f.Fuzz(func(t *testing.T, s string) {
		terms := Terms(s)
		if cached := x.Terms(s); !slices.Equal(cached, terms) {
			t.Fatalf("Indexer.Terms = %q, Terms = %q", cached, terms)
		}
		if len(terms) > MaxTerms {
			t.Fatalf("%d terms, more than %d", len(terms), MaxTerms)
		}
		for _, term := range terms {
			if term == "" {
				t.Fatal("empty term")
			}
		}
	})
}

func TestIndexerAgreesWithTerms(t *testing.T) {
	x := NewIndexer()
	texts := []string{"Нет отопления в доме 5, отопление не дали!", "Ёлка у ёлки", "Wi-Fi не работает", "дом 5 корпус 12а",
		"ОТОПЛЕНИЯ нет, отоплением займутся", ""}
	for round := 0; round < 2; round++ { // the second round answers from the cache
		for _, s := range texts {
			if got, want := x.Terms(s), Terms(s); !slices.Equal(got, want) {
				t.Errorf("round %d: Indexer.Terms(%q) = %q, Terms = %q", round, s, got, want)
			}
		}
	}
}

func BenchmarkTerms(b *testing.B) {
	const text = "Добрый день! Вторую неделю нет горячей воды в доме 12 по улице Ленина, управляющая компания не отвечает на звонки."
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			Terms(text)
		}
	})
	b.Run("indexer", func(b *testing.B) {
		x := NewIndexer()
		for b.Loop() {
			x.Terms(text)
		}
	})
}
