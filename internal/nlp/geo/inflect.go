package geo

import "strings"

// Russian singular cases in the order nominative, genitive, dative, accusative,
// instrumental, prepositional; plural-only names use the same slots.
const nCases = 6

// wordForms returns, for each case, the forms of one lower-case word. Names are
// proper nouns of known shapes, so a table of endings is both faster and more
// exact than a general morphological analyser. Unknown shapes do not decline.
func wordForms(w string) [nCases][]string {
	var f [nCases][]string
	all := func(forms ...string) {
		for c := range f {
			f[c] = append(f[c], forms...)
		}
	}
	set := func(stem string, ends [nCases]string) {
		for c, e := range ends {
			f[c] = append(f[c], stem+e)
		}
	}
	has := func(suf string) bool { return strings.HasSuffix(w, suf) && len(w) > len(suf) }
	trim := func(suf string) string { return w[:len(w)-len(suf)] }
	velar := func(stem string) bool {
		return strings.HasSuffix(stem, "к") || strings.HasSuffix(stem, "г") || strings.HasSuffix(stem, "х") ||
			strings.HasSuffix(stem, "ж") || strings.HasSuffix(stem, "ш") || strings.HasSuffix(stem, "ч") || strings.HasSuffix(stem, "щ")
	}
	switch {
	case w == "#" || len([]rune(w)) <= 2 || w == "усть" || has("ско") || has("цко"):
		all(w)
	case has("ий"):
		st := trim("ий")
		if velar(st) {
			set(st, [nCases]string{"ий", "ого", "ому", "ий", "им", "ом"})
		} else {
			set(st, [nCases]string{"ий", "его", "ему", "ий", "им", "ем"})
		}
	case has("ый"):
		set(trim("ый"), [nCases]string{"ый", "ого", "ому", "ый", "ым", "ом"})
	case has("ой"):
		st := trim("ой")
		ins := "ым"
		if velar(st) {
			ins = "им"
		}
		set(st, [nCases]string{"ой", "ого", "ому", "ой", ins, "ом"})
	case has("ая"):
		set(trim("ая"), [nCases]string{"ая", "ой", "ой", "ую", "ой", "ой"})
	case has("яя"):
		set(trim("яя"), [nCases]string{"яя", "ей", "ей", "юю", "ей", "ей"})
	case has("ое"):
		set(trim("ое"), [nCases]string{"ое", "ого", "ому", "ое", "ым", "ом"})
	case has("ее"):
		set(trim("ее"), [nCases]string{"ее", "его", "ему", "ее", "им", "ем"})
	case has("ье"):
		set(trim("ье"), [nCases]string{"ье", "ья", "ью", "ье", "ьем", "ье"})
	case has("ие"):
		set(trim("ие"), [nCases]string{"ие", "ия", "ию", "ие", "ием", "ии"})
	case has("ово") || has("ево") || has("ино") || has("ыно") || has("ено"):
		// Town names in -ово/-ино: indeclinable in official use, declined in speech.
		all(w)
		set(trim("о"), [nCases]string{"о", "а", "у", "о", "ом", "е"})
	case has("о") || has("е") || has("у") || has("ю") || has("э"):
		all(w)
	case has("ия"):
		set(trim("ия"), [nCases]string{"ия", "ии", "ии", "ию", "ией", "ии"})
	case has("а"):
		st := trim("а")
		gen := "ы"
		if velar(st) {
			gen = "и"
		}
		set(st, [nCases]string{"а", gen, "е", "у", "ой", "е"})
		if strings.HasSuffix(st, "ж") || strings.HasSuffix(st, "ш") || strings.HasSuffix(st, "ц") || strings.HasSuffix(st, "ч") || strings.HasSuffix(st, "щ") {
			f[4] = append(f[4], st+"ей")
		}
	case has("я"):
		set(trim("я"), [nCases]string{"я", "и", "е", "ю", "ей", "е"})
	case has("ы"):
		// Plural names: Еланцы, Юрты, Мамоны.
		set(trim("ы"), [nCases]string{"ы", "ов", "ам", "ы", "ами", "ах"})
		f[1] = append(f[1], trim("ы"))
		if strings.HasSuffix(trim("ы"), "ц") {
			f[1] = append(f[1], trim("ы")+"ев")
		}
	case has("и"):
		// Plural names: Баклаши, Олонки, Залари (also used undeclined).
		st := trim("и")
		all(w)
		set(st, [nCases]string{"и", "ей", "ям", "и", "ями", "ях"})
		set(st, [nCases]string{"и", "ов", "ам", "и", "ами", "ах"})
	case has("ь"):
		st := trim("ь")
		// Feminine (Тыреть, Голуметь) and masculine paradigms; unused forms are harmless.
		set(st, [nCases]string{"ь", "и", "и", "ь", "ью", "и"})
		set(st, [nCases]string{"ь", "я", "ю", "ь", "ем", "е"})
	case has("й"):
		set(trim("й"), [nCases]string{"й", "я", "ю", "й", "ем", "е"})
	default:
		ins := "ом"
		if strings.HasSuffix(w, "ц") || strings.HasSuffix(w, "ж") || strings.HasSuffix(w, "ш") || strings.HasSuffix(w, "ч") || strings.HasSuffix(w, "щ") {
			ins = "ем"
		}
		set(w, [nCases]string{"", "а", "у", "", ins, "е"})
		if w == "берег" || w == "луг" || w == "бор" || w == "лог" {
			f[5] = append(f[5], w+"у") // на берегу, в лугу
		}
	}
	return f
}

// inflect returns the distinct forms of a lower-case multi-word name, the words
// agreeing in case. Words are separated by single spaces; hyphenated names are
// passed with the hyphen replaced by a space.
func inflect(name string) []string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return nil
	}
	per := make([][nCases][]string, len(words))
	for i, w := range words {
		per[i] = wordForms(w)
	}
	seen := make(map[string]bool)
	var out []string
	for c := 0; c < nCases; c++ {
		combos := []string{""}
		for i := range words {
			var next []string
			for _, prefix := range combos {
				for _, form := range per[i][c] {
					if prefix == "" {
						next = append(next, form)
					} else {
						next = append(next, prefix+" "+form)
					}
				}
			}
			if len(next) > 64 {
				next = next[:64]
			}
			combos = next
		}
		for _, s := range combos {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
