package demo

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// mixedScript reports a word that mixes Cyrillic and Latin letters, the usual sign of a typo that breaks
// tokenisers and the address finder ("Менделеевa" with a Latin a).
func mixedScript(text string) string {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		var cyr, lat bool
		for _, r := range w {
			cyr = cyr || unicode.Is(unicode.Cyrillic, r)
			lat = lat || unicode.Is(unicode.Latin, r)
		}
		if cyr && lat {
			return w
		}
	}
	return ""
}

// addressWords are the significant tokens of an address: house numbers and street names, without the
// abbreviations of street kinds.
func addressWords(addr string) []string {
	skip := map[string]bool{"ул": true, "мкр": true, "д": true, "кв": true, "л": true, "пр": true, "р": true,
		"п": true, "с": true, "б": true, "ж": true, "т": true, "г": true, "пос": true, "пр-т": true, "б-р": true,
		"кв-л": true, "й": true}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(addr), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		w = strings.TrimSuffix(w, "-й") // "1-й мкр" is written "1 мкр"
		if !skip[w] {
			out = append(out, w)
		}
	}
	return out
}

// mentions reports whether text names at least one significant word of the address, allowing for Russian
// endings ("Байкальская" in the address, "Байкальской" in the text).
func mentions(text, addr string) bool {
	low := strings.ToLower(text)
	for _, w := range addressWords(addr) {
		r := []rune(w)
		if len(r) > 5 {
			w = string(r[:len(r)-2])
		}
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

func normText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

func TestSampleTexts(t *testing.T) {
	cats := map[string]Category{}
	for _, c := range Categories() {
		cats[c.Code] = c
	}
	terrs := territorySet()
	texts := SampleTexts()
	if len(texts) < 400 {
		t.Errorf("%d sample texts, want at least 400", len(texts))
	}
	perSub := map[string]int{}
	perTerr := map[string]int{}
	seen := map[string]int{}
	urgent := 0
	for i, s := range texts {
		c, ok := cats[s.Subtopic]
		if !ok || c.Parent == "" {
			t.Errorf("text %d: %q is not a subtopic", i, s.Subtopic)
		}
		perSub[s.Subtopic]++
		if !terrs[s.Territory] {
			t.Errorf("text %d: territory %q is not a demo territory", i, s.Territory)
		}
		perTerr[s.Territory]++
		if strings.TrimSpace(s.Text) == "" || s.Text != strings.TrimSpace(s.Text) {
			t.Errorf("text %d: empty or untrimmed text %q", i, s.Text)
		}
		n := normText(s.Text)
		if j, dup := seen[n]; dup {
			t.Errorf("text %d repeats text %d: %q", i, j, s.Text)
		}
		seen[n] = i
		if w := mixedScript(s.Text + " " + s.Address); w != "" {
			t.Errorf("text %d: word %q mixes Cyrillic and Latin letters", i, w)
		}
		if s.Address != "" && !mentions(s.Text, s.Address) {
			t.Errorf("text %d: the text does not name its address %q: %q", i, s.Address, s.Text)
		}
		if s.Urgent {
			urgent++
		}
	}
	for code, c := range cats {
		if c.Parent != "" && perSub[code] < 6 {
			t.Errorf("subtopic %s: %d texts, want at least 6", code, perSub[code])
		}
	}
	for _, o := range []string{okIrkutsk, okAngarsk, okBratsk, okUsolye, okShelekhov, okIrkRayon} {
		if perTerr[o] < 25 {
			t.Errorf("territory %s: %d texts, want at least 25", o, perTerr[o])
		}
	}
	if len(perTerr) < 12 {
		t.Errorf("texts name %d territories, want at least 12", len(perTerr))
	}
	if share := float64(urgent) / float64(len(texts)); share < 0.1 || share > 0.4 {
		t.Errorf("%d of %d texts urgent (%.2f); want between 10%% and 40%%", urgent, len(texts), share)
	}
}

func TestMentions(t *testing.T) {
	cases := []struct {
		text, addr string
		want       bool
	}{
		{"Байкальской 236 нет воды", "ул. Байкальская, 236", true},
		{"у дома 236 нет воды", "ул. Байкальская, 236", true},
		{"в 12а микрорайоне", "мкр 12а, д. 3", true},
		{"нет воды", "ул. Байкальская, 236", false},
		{"Р. Люксембург 261", "ул. Розы Люксембург, 261", true},
		{"на Ленина", "ул. Мира, 35", false},
	}
	for _, c := range cases {
		if got := mentions(c.text, c.addr); got != c.want {
			t.Errorf("mentions(%q, %q) = %v, want %v", c.text, c.addr, got, c.want)
		}
	}
	if w := mixedScript("Менделеевa 58"); w == "" {
		t.Error("mixedScript missed a Latin a in a Cyrillic word")
	}
	if w := mixedScript("РТ-НЭО и VK"); w != "" {
		t.Errorf("mixedScript flagged %q", w)
	}
}

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

func TestAnswerTexts(t *testing.T) {
	topics := map[string]bool{}
	for _, c := range Categories() {
		if c.Parent == "" {
			topics[c.Code] = true
		}
	}
	answers := AnswerTexts()
	if len(answers) < 60 {
		t.Errorf("%d answers, want at least 60", len(answers))
	}
	type key struct {
		topic string
		final bool
	}
	good := map[key]int{}
	formal := 0
	seen := map[string]bool{}
	for i, a := range answers {
		if a.Topic != "" && !topics[a.Topic] {
			t.Errorf("answer %d: %q is not a topic", i, a.Topic)
		}
		n := normText(a.Text)
		if n == "" || seen[n] {
			t.Errorf("answer %d: empty or repeated text %q", i, a.Text)
		}
		seen[n] = true
		for _, p := range placeholder.FindAllString(a.Text, -1) {
			if p != "{address}" && p != "{date}" {
				t.Errorf("answer %d: unknown placeholder %s", i, p)
			}
		}
		if strings.ContainsAny(placeholder.ReplaceAllString(a.Text, ""), "{}") {
			t.Errorf("answer %d: stray brace in %q", i, a.Text)
		}
		if w := mixedScript(a.Text); w != "" {
			t.Errorf("answer %d: word %q mixes scripts", i, w)
		}
		if a.Formal {
			formal++
			// A formal reply names no date, no number, no address: that is what makes it one.
			if strings.ContainsAny(placeholder.ReplaceAllString(a.Text, ""), "0123456789") && !strings.Contains(a.Text, "№") ||
				strings.Contains(a.Text, "{date}") || strings.Contains(a.Text, "{address}") {
				t.Errorf("answer %d: a formal reply with concrete content: %q", i, a.Text)
			}
			continue
		}
		good[key{a.Topic, a.Final}]++
	}
	for topic := range topics {
		for _, final := range []bool{false, true} {
			if good[key{topic, final}] == 0 {
				t.Errorf("topic %s: no good answer with final=%v", topic, final)
			}
		}
	}
	if formal < 5 {
		t.Errorf("%d formal replies, want at least 5", formal)
	}
	if good[key{"", false}] == 0 || good[key{"", true}] == 0 {
		t.Error("want generic interim and final answers for any topic")
	}
}

func TestSampleTextsFresh(t *testing.T) {
	a := SampleTexts()
	a[0].Text = "changed"
	b := AnswerTexts()
	b[0].Text = "changed"
	if SampleTexts()[0].Text == "changed" || AnswerTexts()[0].Text == "changed" {
		t.Fatal("texts share memory between calls")
	}
}

// TestSampleTextsReachManagementCompanies: most housing texts name a house some demo management company runs,
// so that routing by address has something to show.
func TestSampleTextsReachManagementCompanies(t *testing.T) {
	houses := map[string]string{}
	for _, e := range Executors() {
		for _, a := range e.Addresses {
			houses[e.Territories[0]+"|"+a] = e.Code
		}
	}
	perUK := map[string]int{}
	zhkh, hit := 0, 0
	for _, s := range SampleTexts() {
		if parentOf(s.Subtopic) != "zhkh" {
			continue
		}
		zhkh++
		if uk, ok := houses[s.Territory+"|"+s.Address]; ok {
			hit++
			perUK[uk]++
		}
	}
	if hit*2 < zhkh {
		t.Errorf("%d of %d housing texts name a managed house; want at least half", hit, zhkh)
	}
	for _, e := range Executors() {
		if e.Kind == ExecutorUK && perUK[e.Code] == 0 {
			t.Errorf("%s: no housing text names one of its houses", e.Code)
		}
	}
}
