package routing

import "testing"

func table() Table {
	return Table{
		Executors: []Executor{
			{Code: "adm-irk", Name: "Администрация Иркутска", Kind: "omsu", Territories: []string{"25701000"}},
			{Code: "adm-ang", Name: "Администрация АГО", Kind: "omsu", Territories: []string{"25703000"}},
			{Code: "kgo", Name: "Комитет городского обустройства", Kind: "omsu", Territories: []string{"25701000"}},
			{Code: "uk-baikal", Name: "УК Байкальский квартал", Kind: "uk", Territories: []string{"25701000"}},
			{Code: "uk-centr", Name: "УК Центральная", Kind: "uk", Territories: []string{"25701000"}},
			{Code: "vodokanal", Name: "Водоканал", Kind: "utility", Territories: []string{"25701000"}},
			{Code: "rt-neo", Name: "РТ-НЭО", Kind: "regional_operator"},
			{Code: "min-health", Name: "Минздрав", Kind: "oiv"},
		},
		Rules: []Rule{
			{ID: 1, Position: 10, Category: "zhkh.water", Territory: "25701000", Executor: "vodokanal"},
			{ID: 2, Position: 20, Category: "roads", Territory: "25701000", Executor: "kgo"},
			{ID: 3, Position: 20, Category: "roads", Territory: "25701000", Executor: "adm-irk"},
			{ID: 4, Position: 30, Category: "waste", Executor: "rt-neo"},
			{ID: 5, Position: 40, Category: "health", Executor: "min-health", Kind: "oiv"},
			{ID: 6, Position: 50, Category: "culture", Executor: "rt-neo", Kind: "culture"}, // kind mismatch: never matches
		},
		Buildings: []Building{
			{Address: "г. Иркутск, ул. Байкальская, д. 236", Territory: "25701000", Executor: "uk-baikal"},
			{Address: "ул. Карла Маркса, 14а", Territory: "25701000", Executor: "uk-centr"},
			{Address: "ул. Ленина, д. 5, корп. 2", Territory: "25701000", Executor: "uk-centr"},
		},
	}
}

func TestRoute(t *testing.T) {
	r := New(table())
	tests := []struct {
		name string
		in   Input
		want string
		via  string
	}{
		{"address resolves to its УК", Input{Category: "zhkh.heating", Territory: "25701000", Address: "Байкальской улице дом 236"}, "uk-baikal", ViaBuilding},
		{"address with a letter", Input{Category: "zhkh.stairwell", Territory: "25701000", Address: "на Карла Маркса 14А"}, "uk-centr", ViaBuilding},
		{"address with a корпус", Input{Category: "zhkh.roof", Territory: "25701000", Address: "ул Ленина 5 корпус 2"}, "uk-centr", ViaBuilding},
		{"same street, other house: no building", Input{Category: "zhkh.roof", Territory: "25701000", Address: "ул. Ленина, 7"}, "adm-irk", ViaFallback},
		{"building ignored for non-house topics", Input{Category: "roads.potholes", Territory: "25701000", Address: "ул. Байкальская, 236"}, "kgo", ViaRule},
		{"building in another territory", Input{Category: "zhkh.heating", Territory: "25703000", Address: "ул. Байкальская, 236"}, "adm-ang", ViaFallback},
		{"subtopic rule", Input{Category: "zhkh.water", Territory: "25701000"}, "vodokanal", ViaRule},
		{"topic rule matches a subtopic", Input{Category: "waste.collection", Territory: "25703000"}, "rt-neo", ViaRule},
		{"kind restriction holds", Input{Category: "health.polyclinic"}, "min-health", ViaRule},
		{"kind mismatch never matches", Input{Category: "culture.sport"}, "", ViaTriage},
		{"tie broken by suggestion", Input{Category: "roads.snow", Territory: "25701000", Suggestion: &Suggestion{Executor: "adm-irk", P: 0.3}}, "adm-irk", ViaRule},
		{"tie without suggestion takes the first", Input{Category: "roads.snow", Territory: "25701000"}, "kgo", ViaRule},
		{"decline re-routes to the next rule", Input{Category: "roads.snow", Territory: "25701000", Excluded: []string{"kgo"}}, "adm-irk", ViaRule},
		{"confident suggestion", Input{Category: "social.benefits", Territory: "25703000", Suggestion: &Suggestion{Executor: "min-health", P: 0.8}}, "min-health", ViaSuggestion},
		{"weak suggestion falls back", Input{Category: "social.benefits", Territory: "25703000", Suggestion: &Suggestion{Executor: "min-health", P: 0.3}}, "adm-ang", ViaFallback},
		{"unknown suggested executor ignored", Input{Category: "social.benefits", Suggestion: &Suggestion{Executor: "ghost", P: 0.99}}, "", ViaTriage},
		{"decline of the only rule falls back to the administration", Input{Category: "zhkh.water", Territory: "25701000", Excluded: []string{"vodokanal"}}, "adm-irk", ViaFallback},
		{"decline of the УК: next step", Input{Category: "zhkh.heating", Territory: "25701000", Address: "ул. Байкальская, 236", Excluded: []string{"uk-baikal"}}, "adm-irk", ViaFallback},
		{"everyone declined: triage", Input{Category: "zhkh.water", Territory: "25701000", Excluded: []string{"vodokanal", "adm-irk", "kgo"}}, "", ViaTriage},
		{"no match at all: triage", Input{Category: "other.other"}, "", ViaTriage},
	}
	for _, tt := range tests {
		d := r.Route(tt.in)
		if d.Executor != tt.want || d.Via != tt.via || d.Reason == "" {
			t.Errorf("%s: got %q via %s (%s), want %q via %s", tt.name, d.Executor, d.Via, d.Reason, tt.want, tt.via)
		}
	}
}

// TestRouteShowsOverruledHistory: when the history suggests another executor than the one decided, the decision
// carries it for the operator; never an executor that declined or that the table does not know.
func TestRouteShowsOverruledHistory(t *testing.T) {
	r := New(table())
	tests := []struct {
		name    string
		in      Input
		history string
	}{
		{"a rule overrules it", Input{Category: "zhkh.water", Territory: "25701000", Suggestion: &Suggestion{Executor: "kgo", P: 0.9}}, "kgo"},
		{"the registry overrules it", Input{Category: "zhkh.heating", Territory: "25701000", Address: "ул. Байкальская, 236", Suggestion: &Suggestion{Executor: "uk-centr", P: 0.7}}, "uk-centr"},
		{"too weak to route", Input{Category: "social.benefits", Territory: "25703000", Suggestion: &Suggestion{Executor: "min-health", P: 0.3}}, "min-health"},
		{"it decided", Input{Category: "social.benefits", Territory: "25703000", Suggestion: &Suggestion{Executor: "min-health", P: 0.8}}, ""},
		{"it broke the tie", Input{Category: "roads.snow", Territory: "25701000", Suggestion: &Suggestion{Executor: "adm-irk", P: 0.3}}, ""},
		{"it declined", Input{Category: "zhkh.water", Territory: "25701000", Excluded: []string{"kgo"}, Suggestion: &Suggestion{Executor: "kgo", P: 0.9}}, ""},
		{"unknown executor", Input{Category: "zhkh.water", Territory: "25701000", Suggestion: &Suggestion{Executor: "ghost", P: 0.9}}, ""},
		{"no history", Input{Category: "zhkh.water", Territory: "25701000"}, ""},
	}
	for _, tt := range tests {
		d := r.Route(tt.in)
		got := ""
		if d.History != nil {
			got = d.History.Executor
		}
		if got != tt.history {
			t.Errorf("%s: history %q (decision %q via %s), want %q", tt.name, got, d.Executor, d.Via, tt.history)
		}
	}
}

func TestAddressKey(t *testing.T) {
	same := [][]string{
		{"г. Иркутск, ул. Байкальская, д. 236", "Байкальской улице дом 236", "на Байкальской 236"},
		{"ул. Карла Маркса, 14а", "Карла Маркса 14 литера А", "улица Карла Маркса, д. 14А"},
	}
	for _, group := range same {
		k := AddressKey(group[0])
		if k == "" {
			t.Fatalf("no key for %q", group[0])
		}
		for _, a := range group[1:] {
			if got := AddressKey(a); got != k {
				t.Errorf("AddressKey(%q) = %q, want %q (as %q)", a, got, k, group[0])
			}
		}
	}
	if AddressKey("ул. Ленина, 5") == AddressKey("ул. Ленина, 7") {
		t.Error("different houses share a key")
	}
	if k := AddressKey("просто текст без адреса"); k != "" {
		t.Errorf("key for no address: %q", k)
	}
}

func BenchmarkRoute(b *testing.B) {
	r := New(table())
	in := Input{Category: "zhkh.heating", Territory: "25701000", Address: "ул. Байкальская, 236"}
	for b.Loop() {
		r.Route(in)
	}
}
