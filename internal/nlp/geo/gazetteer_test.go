package geo

import (
	"strings"
	"testing"
)

const (
	idIrkutsk     = "25701000"
	idAngarsk     = "25703000"
	idBratsk      = "25714000"
	idZima        = "25720000"
	idUsolye      = "25736000"
	idCheremkhovo = "25745000"
	idUstIlimsk   = "25738000"
	idTulun       = "25732000"
	idBratskDist  = "25606000"
	idIrkDist     = "25612000"
	idShelekhov   = "25651000"
	idSlyud       = "25634000"
	idOlkhon      = "25630000"
	idNizhneilim  = "25624000"
	idUstKut      = "25644000"
	idEkhirit     = "25657000"
	idChuna       = "25650000"
	idMama        = "25623000"
	idZalari      = "25611000"
	idTaishet     = "25636000"
	idUsolDist    = "25640000"
)

func TestFindTerritory(t *testing.T) {
	g := IrkutskGazetteer()
	cases := []struct {
		name    string
		text    string
		want    string // "" means nothing (no fallback given)
		matched string // expected matched words, if checked
		minConf float64
		maxConf float64
	}{
		{"city nominative", "Иркутск, улица Ленина, опять не убрали снег", idIrkutsk, "Иркутск", 0.8, 1},
		{"city prepositional", "У нас в Иркутске третий день нет горячей воды", idIrkutsk, "Иркутске", 0.85, 1},
		{"city genitive lower case", "жители иркутска жалуются на дороги", idIrkutsk, "иркутска", 0.8, 1},
		{"angarsk inflected", "В Ангарске на остановке разбито стекло", idAngarsk, "Ангарске", 0.85, 1},
		{"angarsk district genitive", "Жители Ангарского района просят автобус", idAngarsk, "Ангарского района", 0.8, 1},
		{"angarsk numbered microdistrict", "в 7 микрорайоне не вывозят мусор", idAngarsk, "7 микрорайоне", 0.4, 0.7},
		{"angarsk ordinal microdistrict", "В 12а мкр яма во дворе", idAngarsk, "12а мкр", 0.4, 0.7},
		{"usolye short colloquial", "Из Усолья пишу: электричку опять отменили", idUsolye, "Усолья", 0.6, 1},
		{"usolye hyphen inflected", "в Усолье-Сибирском прорвало трубу", idUsolye, "Усолье-Сибирском", 0.85, 1},
		{"usolye hyphen genitive", "администрация Усолья-Сибирского не отвечает", idUsolye, "Усолья-Сибирского", 0.8, 1},
		{"bratsk prepositional", "В Братске на Энергетике нет света", idBratsk, "", 0.85, 1},
		{"bratsk padun", "На Падуне снова засыпало дорогу", idBratsk, "Падуне", 0.7, 1},
		{"bratsk district", "Братский район, посёлок Кобляково: нет воды", idBratskDist, "", 0.85, 1},
		{"vikhorevka settlement", "в Вихоревке школу не отремонтировали", idBratskDist, "Вихоревке", 0.8, 1},
		{"surname with first name", "Иван Братский написал заявление в суд", "", "", 0, 0},
		{"surname with initial", "Ответ подписал И. Братский вчера", "", "", 0, 0},
		{"surname before first name", "Шелехов Александр Петрович пришёл на приём", "", "", 0, 0},
		{"surname shelekhova", "Анна Шелехова звонила в управляющую компанию", "", "", 0, 0},
		{"shelekhov town", "В Шелехове не чистят тротуары", idShelekhov, "Шелехове", 0.85, 1},
		{"shelekhov town with g.", "г. Шелехов, 1 квартал, темно во дворе", idShelekhov, "Шелехов", 0.9, 1},
		{"shelekhov district", "Шелеховского района жители просят дорогу", idShelekhov, "Шелеховского района", 0.8, 1},
		{"district abbreviated", "Шелеховский р-н, с. Баклаши, нет света", idShelekhov, "", 0.85, 1},
		{"irkutsk left bank", "на Левом берегу вечные пробки", idIrkutsk, "Левом берегу", 0.6, 1},
		{"irkutsk novo-lenino", "В Ново-Ленино разбили дорогу", idIrkutsk, "Ново-Ленино", 0.6, 1},
		{"irkutsk sinyushina", "на Синюшиной горе не ходит автобус", idIrkutsk, "Синюшиной горе", 0.6, 1},
		{"irkutsk district okrug", "Свердловский округ, дворы не чистят", idIrkutsk, "Свердловский округ", 0.6, 1},
		{"irkutsk rural district", "В Иркутском районе, в Хомутово, нет воды", idIrkDist, "", 0.85, 1},
		{"markovo settlement", "в Маркове опять отключили свет", idIrkDist, "Маркове", 0.75, 1},
		{"listvyanka", "Листвянка: мусор на берегу Байкала", idIrkDist, "Листвянка", 0.7, 1},
		{"zima city with prep", "в Зиме закрыли поликлинику", idZima, "Зиме", 0.8, 1},
		{"zima common word", "Зима пришла, а дороги не чистят", "", "", 0, 0},
		{"zima instrumental common", "зимой тут не проехать", "", "", 0, 0},
		{"mama common word", "Мама не может дозвониться в поликлинику", "", "", 0, 0},
		{"mama settlement", "в посёлке Мама нет связи", idMama, "Мама", 0.7, 1},
		{"cheremkhovo undeclined", "в Черемхово не работает котельная", idCheremkhovo, "Черемхово", 0.85, 1},
		{"cheremkhovo declined", "в Черемхове не работает котельная", idCheremkhovo, "Черемхове", 0.85, 1},
		{"slyudyanka", "Слюдянка, улица Ленина, нет освещения", idSlyud, "Слюдянка", 0.7, 1},
		{"baikalsk", "в Байкальске закрыли больницу", idSlyud, "Байкальске", 0.8, 1},
		{"olkhon island", "на Ольхоне мусор никто не вывозит", idOlkhon, "Ольхоне", 0.8, 1},
		{"zheleznogorsk", "в Железногорске-Илимском нет тепла", idNizhneilim, "Железногорске-Илимском", 0.8, 1},
		{"ust-kut", "в Усть-Куте размыло дорогу", idUstKut, "Усть-Куте", 0.8, 1},
		{"ust-orda", "в Усть-Орде нет аптеки", idEkhirit, "Усть-Орде", 0.8, 1},
		{"region not territory", "В Иркутской области выпал снег", "", "", 0, 0},
		{"region blocks irkutsk", "Правительство Иркутской области обещало", "", "", 0, 0},
		{"ust-ilimsk city vs district", "Усть-Илимский район, посёлок Невон", "25642000", "", 0.8, 1},
		{"ust-ilimsk city", "в Усть-Илимске нет отопления", idUstIlimsk, "Усть-Илимске", 0.85, 1},
		{"tulun city", "Тулун, улица Ленина, 5 — топит подвал", idTulun, "Тулун", 0.7, 1},
		{"zalari okrug old name", "Заларинский район, Тыреть", idZalari, "", 0.85, 1},
		{"taishet", "в Тайшете нет воды", idTaishet, "Тайшете", 0.85, 1},
		{"usolsky district not city", "Усольский район, Белореченский", idUsolDist, "", 0.85, 1},
		{"nothing", "Когда уже починят светофор на перекрёстке", "", "", 0, 0},
		{"ambiguous oktyabrsky", "в посёлке Октябрьский нет воды", idChuna, "", 0.3, 0.85},
		{"yo spelling", "в Молодёжном не ходит автобус", idIrkDist, "Молодёжном", 0.7, 1},
		{"e spelling", "в Молодежном не ходит автобус", idIrkDist, "Молодежном", 0.7, 1},
		{"bare adjective", "в Шелеховском все дороги разбиты", idShelekhov, "", 0.4, 0.6},
		{"street named like a town", "Живу на улице Братской, во дворе темно", "", "", 0, 0},
		{"historical person", "Григорий Шелехов основал первое поселение в Америке", "", "", 0, 0},
		{"person with patronymic", "Звонила Мама Ивановна из соседнего дома", "", "", 0, 0},
		{"town at sentence start", "Шелехов, нет света на улице Ленина", idShelekhov, "Шелехов", 0.8, 1},
		{"quoted town", "Пишу из «Саянска»: нет автобусов", "25726000", "Саянска", 0.8, 1},
		{"upper case text", "В АНГАРСКЕ НЕТ ВОДЫ", idAngarsk, "АНГАРСКЕ", 0.85, 1},
		{"two towns, more evidence wins", "Братск, Падун, Энергетик — везде ямы, а в Ангарске нормально", idBratsk, "", 0.8, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := g.Find(c.text, "")
			if r.TerritoryID != c.want {
				t.Fatalf("Find(%q) = %s (%q, %q, %.2f), want %s", c.text, r.TerritoryID, r.Name, r.Matched, r.Confidence, c.want)
			}
			if c.want == "" {
				return
			}
			if c.matched != "" && r.Matched != c.matched {
				t.Errorf("matched %q, want %q", r.Matched, c.matched)
			}
			if c.text[r.Start:r.End] != r.Matched {
				t.Errorf("span %d:%d is %q, not %q", r.Start, r.End, c.text[r.Start:r.End], r.Matched)
			}
			if r.Confidence < c.minConf || r.Confidence > c.maxConf {
				t.Errorf("confidence %.3f outside [%.2f, %.2f]", r.Confidence, c.minConf, c.maxConf)
			}
			if r.FromFallback {
				t.Error("FromFallback set on a found territory")
			}
		})
	}
}

func TestFindAmbiguousListsAlternatives(t *testing.T) {
	r := IrkutskGazetteer().Find("в посёлке Октябрьский нет воды", "")
	if len(r.Alternatives) == 0 {
		t.Fatalf("want an alternative for a name shared by two territories, got %+v", r)
	}
	ids := map[string]bool{r.TerritoryID: true}
	for _, a := range r.Alternatives {
		ids[a.TerritoryID] = true
	}
	if !ids[idIrkutsk] || !ids[idChuna] {
		t.Errorf("want Irkutsk and Chunsky among the candidates, got %v", ids)
	}
}

func TestFindSupportingEvidenceWins(t *testing.T) {
	// «Октябрьский» alone is ambiguous; the district named next to it decides.
	r := IrkutskGazetteer().Find("Чунский район, посёлок Октябрьский, нет воды", "")
	if r.TerritoryID != idChuna {
		t.Fatalf("got %s (%s), want Chunsky", r.TerritoryID, r.Name)
	}
}

func TestFindFallback(t *testing.T) {
	g := IrkutskGazetteer()
	r := g.Find("Когда починят дорогу?", idBratsk)
	if !r.FromFallback || r.TerritoryID != idBratsk || r.Confidence != FallbackConfidence || r.Name != "город Братск" {
		t.Fatalf("fallback result %+v", r)
	}
	r = g.Find("В Ангарске нет света", idBratsk)
	if r.FromFallback || r.TerritoryID != idAngarsk {
		t.Fatalf("found territory must win over the fallback: %+v", r)
	}
	r = g.Find("Иван Братский написал", idIrkutsk)
	if !r.FromFallback || r.TerritoryID != idIrkutsk {
		t.Fatalf("a surname must not beat the fallback: %+v", r)
	}
}

func TestNewGazetteerCustom(t *testing.T) {
	g := NewGazetteer([]Place{
		{ID: "1", Name: "Тестовый район", Forms: []Form{{Text: "Тестовый район", Kind: FormShort, Inflect: true}}},
		{ID: "2", Name: "Город Сосновка", Forms: []Form{{Text: "Сосновка", Kind: FormShort, Inflect: true}}},
		{ID: "3", Name: "Другая Сосновка", Forms: []Form{{Text: "Сосновка", Kind: FormSettlement, Inflect: true}}},
	})
	if r := g.Find("жители Тестового района", ""); r.TerritoryID != "1" {
		t.Errorf("inflected custom form: %+v", r)
	}
	r := g.Find("в Сосновке нет воды", "")
	if r.TerritoryID != "2" || len(r.Alternatives) != 1 || r.Alternatives[0].TerritoryID != "3" {
		t.Errorf("ambiguous settlement: %+v", r)
	}
	if r.Confidence >= 0.8 {
		t.Errorf("ambiguous name kept a high confidence %.2f", r.Confidence)
	}
}

func TestInflect(t *testing.T) {
	cases := map[string][]string{
		"ангарский район":  {"ангарского района", "ангарском районе", "ангарскому району", "ангарским районом"},
		"иркутск":          {"иркутске", "иркутска", "иркутском"},
		"усолье сибирское": {"усолья сибирского", "усолье сибирском"},
		"слюдянка":         {"слюдянки", "слюдянке", "слюдянку", "слюдянкой"},
		"черемхово":        {"черемхово", "черемхове", "черемхова"},
		"синюшина гора":    {"синюшину гору"},
		"левый берег":      {"левом берегу", "левого берега"},
		"большой луг":      {"большого луга", "большом луге", "большом лугу"},
		"еланцы":           {"еланцах", "еланцев"},
		"тыреть":           {"тырети"},
		"баяндай":          {"баяндае", "баяндая"},
		"новая игирма":     {"новой игирме", "новую игирму"},
	}
	for base, want := range cases {
		got := map[string]bool{}
		for _, f := range inflect(base) {
			got[f] = true
		}
		for _, w := range want {
			if !got[w] {
				t.Errorf("inflect(%q) lacks %q; has %s", base, w, strings.Join(inflect(base), ", "))
			}
		}
	}
}
