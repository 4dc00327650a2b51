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
	f.Fuzz(func(t *testing.T, s string) {
		terms := Terms(s)
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
