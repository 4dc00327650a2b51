package demo

// The demo region: Irkutsk oblast (subject code 38, time zone Asia/Irkutsk).
//
// The oblast has 42 top-level municipalities: 10 urban okrugs and 32 former
// municipal districts. Under the regional law on one-level local government
// (passed December 2025, transition until 2030) every municipal district becomes
// a municipal okrug within its current borders. As of late 2025 the regional
// parliament counted 10 urban okrugs, 12 municipal okrugs and 20 municipal
// districts. Kind below records the status where a conversion law is known to
// have been adopted: Усть-Илимский and Чунский (2024), Балаганский, Заларинский,
// Иркутский, Качугский, Жигаловский, Нукутский (laws of autumn 2024), Тайшетский,
// Нижнеилимский and Киренский (signed April 2025). The twelfth okrug counted in
// 2025 is not identified here; its district keeps the municipal_district kind.
//
// OKTMO codes are the 8-digit top-level codes. Codes for urban okrugs start with
// 257, municipal districts with 256. When a district is converted into a municipal
// okrug the classifier assigns a new code in a later amendment; until the demo is
// checked against the current ОКТМО edition the former district code is kept, which
// is what most regional registries still carry. Codes marked "checked" were
// compared with a published classifier page; the others are from the classifier
// as remembered and must be verified before production use.

// Territory kinds.
const (
	KindUrbanOkrug        = "urban_okrug"
	KindMunicipalDistrict = "municipal_district"
	KindMunicipalOkrug    = "municipal_okrug"
)

// Territory is one top-level municipality with the names residents use for it.
//
// Variants are extra forms of the territory's own name (colloquial or irregular
// inflections) beyond what the gazetteer derives from Name and ShortName.
// Settlements are towns and villages inside it. Districts are parts of a city
// (administrative okrugs, microdistricts); a "#" in a district name stands for
// any number, as in "# микрорайон" (Angarsk's numbered microdistricts).
type Territory struct {
	OKTMO       string
	Name        string
	ShortName   string
	Kind        string
	Centre      string
	Variants    []string
	Settlements []Settlement
	Districts   []string
}

// Settlement is a town or village with extra forms of its name.
type Settlement struct {
	Name     string
	Variants []string
}

func settle(name string, variants ...string) Settlement {
	return Settlement{Name: name, Variants: variants}
}

// IrkutskTerritories returns the 42 top-level municipalities of Irkutsk oblast.
// Each call returns a fresh deep copy that the caller may modify.
func IrkutskTerritories() []Territory {
	out := make([]Territory, len(irkutskTerritories))
	for i, t := range irkutskTerritories {
		c := t
		c.Variants = append([]string(nil), t.Variants...)
		c.Districts = append([]string(nil), t.Districts...)
		c.Settlements = make([]Settlement, len(t.Settlements))
		for j, st := range t.Settlements {
			c.Settlements[j] = Settlement{Name: st.Name, Variants: append([]string(nil), st.Variants...)}
		}
		out[i] = c
	}
	return out
}

var irkutskTerritories = []Territory{
	// --- Urban okrugs ---
	{
		OKTMO: "25701000", Name: "город Иркутск", ShortName: "Иркутск", Kind: KindUrbanOkrug, Centre: "Иркутск", // checked
		Variants: []string{"г. Иркутск", "Иркутске", "Иркутска", "Иркутску", "Иркутском", "Иркутск-2", "областной центр", "областном центре"},
		Districts: []string{
			"Свердловский округ", "Октябрьский округ", "Ленинский округ", "Правобережный округ",
			"Свердловский район", "Октябрьский район", "Ленинский район", "Правобережный район",
			"Левый берег", "Правый берег", "Левобережье", "Правобережье",
			"Первомайский", "Университетский", "Ново-Ленино", "Синюшина гора", "Синюшиной горе", "Синюшину гору",
			"Солнечный", "Ершовский", "Юбилейный", "Октябрьский", "Академгородок", "Лисиха", "Глазково", "Иркутск-2",
			"Радищево", "Зелёный", "Топкинский", "Рабочее", "Жилкино", "Боково", "Предместье Рабочее",
		},
	},
	{
		OKTMO: "25703000", Name: "Ангарский городской округ", ShortName: "Ангарск", Kind: KindUrbanOkrug, Centre: "Ангарск",
		Variants: []string{"Ангарский район", "Ангарский округ", "Ангарское МО", "АГО"},
		Settlements: []Settlement{
			settle("Ангарск"), settle("Мегет"), settle("Одинск"), settle("Савватеевка"), settle("Китой"),
		},
		Districts: []string{"# микрорайон", "# мкр", "# квартал"},
	},
	{
		OKTMO: "25714000", Name: "город Братск", ShortName: "Братск", Kind: KindUrbanOkrug, Centre: "Братск",
		Variants: []string{"г. Братск"},
		Districts: []string{
			"Центральный район", "Центральный", "Энергетик", "Падун", "Падунский район", "Падунский округ",
			"Гидростроитель", "Правобережный район", "Осиновка", "Порожский",
		},
	},
	{
		OKTMO: "25720000", Name: "город Зима", ShortName: "Зима", Kind: KindUrbanOkrug, Centre: "Зима",
		Variants: []string{"г. Зима", "Зиминский городской округ"},
	},
	{
		OKTMO: "25726000", Name: "город Саянск", ShortName: "Саянск", Kind: KindUrbanOkrug, Centre: "Саянск",
		Variants: []string{"г. Саянск"},
	},
	{
		OKTMO: "25733000", Name: "город Свирск", ShortName: "Свирск", Kind: KindUrbanOkrug, Centre: "Свирск",
		Variants:    []string{"г. Свирск"},
		Settlements: []Settlement{settle("Макарьево")},
	},
	{
		OKTMO: "25732000", Name: "город Тулун", ShortName: "Тулун", Kind: KindUrbanOkrug, Centre: "Тулун",
		Variants: []string{"г. Тулун"},
	},
	{
		OKTMO: "25736000", Name: "город Усолье-Сибирское", ShortName: "Усолье-Сибирское", Kind: KindUrbanOkrug, Centre: "Усолье-Сибирское",
		Variants: []string{"Усолье", "Усолья", "Усолью", "Усольем", "Усолье Сибирское", "г. Усолье-Сибирское"},
	},
	{
		OKTMO: "25738000", Name: "город Усть-Илимск", ShortName: "Усть-Илимск", Kind: KindUrbanOkrug, Centre: "Усть-Илимск",
		Variants: []string{"г. Усть-Илимск", "Усть Илимск"},
	},
	{
		OKTMO: "25745000", Name: "город Черемхово", ShortName: "Черемхово", Kind: KindUrbanOkrug, Centre: "Черемхово",
		Variants: []string{"г. Черемхово"},
	},

	// --- Municipal districts and okrugs ---
	{
		OKTMO: "25601000", Name: "Аларский муниципальный район", ShortName: "Аларский район", Kind: KindMunicipalDistrict, Centre: "Кутулик",
		Settlements: []Settlement{settle("Кутулик"), settle("Забитуй"), settle("Аляты"), settle("Бахтай")},
	},
	{
		OKTMO: "25604000", Name: "Балаганский муниципальный округ", ShortName: "Балаганский округ", Kind: KindMunicipalOkrug, Centre: "Балаганск",
		Variants:    []string{"Балаганский район"},
		Settlements: []Settlement{settle("Балаганск"), settle("Коновалово"), settle("Шарагай"), settle("Тарнополь")},
	},
	{
		OKTMO: "25607000", Name: "Баяндаевский муниципальный район", ShortName: "Баяндаевский район", Kind: KindMunicipalDistrict, Centre: "Баяндай", // checked
		Settlements: []Settlement{settle("Баяндай"), settle("Половинка"), settle("Хогот")},
	},
	{
		OKTMO: "25605000", Name: "Бодайбинский муниципальный район", ShortName: "Бодайбинский район", Kind: KindMunicipalDistrict, Centre: "Бодайбо",
		Settlements: []Settlement{settle("Бодайбо"), settle("Мамакан"), settle("Балахнинский"), settle("Артёмовский"), settle("Кропоткин")},
	},
	{
		OKTMO: "25609000", Name: "Боханский муниципальный район", ShortName: "Боханский район", Kind: KindMunicipalDistrict, Centre: "Бохан",
		Settlements: []Settlement{settle("Бохан"), settle("Тихоновка"), settle("Олонки"), settle("Новая Ида")},
	},
	{
		OKTMO: "25606000", Name: "Братский муниципальный район", ShortName: "Братский район", Kind: KindMunicipalDistrict, Centre: "Братск",
		Settlements: []Settlement{settle("Вихоревка"), settle("Кобляково"), settle("Покосное"), settle("Тангуй"), settle("Карахун")},
	},
	{
		OKTMO: "25610000", Name: "Жигаловский муниципальный округ", ShortName: "Жигаловский округ", Kind: KindMunicipalOkrug, Centre: "Жигалово",
		Variants:    []string{"Жигаловский район"},
		Settlements: []Settlement{settle("Жигалово"), settle("Знаменка"), settle("Тутура")},
	},
	{
		OKTMO: "25611000", Name: "Заларинский муниципальный округ", ShortName: "Заларинский округ", Kind: KindMunicipalOkrug, Centre: "Залари",
		Variants:    []string{"Заларинский район"},
		Settlements: []Settlement{settle("Залари"), settle("Тыреть"), settle("Хор-Тагна"), settle("Троицк")},
	},
	{
		OKTMO: "25613000", Name: "Зиминский муниципальный район", ShortName: "Зиминский район", Kind: KindMunicipalDistrict, Centre: "Зима",
		Settlements: []Settlement{settle("Ухтуй"), settle("Батама"), settle("Харайгун")},
	},
	{
		OKTMO: "25612000", Name: "Иркутский муниципальный округ", ShortName: "Иркутский округ", Kind: KindMunicipalOkrug, Centre: "Иркутск",
		Variants: []string{"Иркутский район", "Иркутское районное МО", "Иркутский муниципальный район"},
		Settlements: []Settlement{
			settle("Хомутово"), settle("Марково"), settle("Смоленщина"), settle("Листвянка"), settle("Оёк"), settle("Мамоны"),
			settle("Молодёжный"), settle("Большая Речка"), settle("Урик"), settle("Пивовариха"), settle("Уриковское"),
			settle("Большое Голоустное"), settle("Дзержинск"), settle("Грановщина"), settle("Максимовщина"),
		},
	},
	{
		OKTMO: "25614000", Name: "Казачинско-Ленский муниципальный район", ShortName: "Казачинско-Ленский район", Kind: KindMunicipalDistrict, Centre: "Казачинское",
		Settlements: []Settlement{settle("Казачинское"), settle("Магистральный"), settle("Улькан")},
	},
	{
		OKTMO: "25615000", Name: "Катангский муниципальный район", ShortName: "Катангский район", Kind: KindMunicipalDistrict, Centre: "Ербогачён",
		Variants:    []string{"Катанга", "Катанге"},
		Settlements: []Settlement{settle("Ербогачён"), settle("Преображенка"), settle("Подволошино")},
	},
	{
		OKTMO: "25616000", Name: "Качугский муниципальный округ", ShortName: "Качугский округ", Kind: KindMunicipalOkrug, Centre: "Качуг",
		Variants:    []string{"Качугский район"},
		Settlements: []Settlement{settle("Качуг"), settle("Бирюлька"), settle("Манзурка")},
	},
	{
		OKTMO: "25620000", Name: "Киренский муниципальный округ", ShortName: "Киренский округ", Kind: KindMunicipalOkrug, Centre: "Киренск",
		Variants:    []string{"Киренский район"},
		Settlements: []Settlement{settle("Киренск"), settle("Алексеевск"), settle("Коршуновский")},
	},
	{
		OKTMO: "25622000", Name: "Куйтунский муниципальный район", ShortName: "Куйтунский район", Kind: KindMunicipalDistrict, Centre: "Куйтун",
		Settlements: []Settlement{settle("Куйтун"), settle("Харик"), settle("Карымск"), settle("Уян")},
	},
	{
		OKTMO: "25623000", Name: "Мамско-Чуйский муниципальный район", ShortName: "Мамско-Чуйский район", Kind: KindMunicipalDistrict, Centre: "Мама",
		Settlements: []Settlement{settle("Мама"), settle("Луговский"), settle("Витимский"), settle("Согдиондон")},
	},
	{
		OKTMO: "25624000", Name: "Нижнеилимский муниципальный округ", ShortName: "Нижнеилимский округ", Kind: KindMunicipalOkrug, Centre: "Железногорск-Илимский",
		Variants:    []string{"Нижнеилимский район"},
		Settlements: []Settlement{settle("Железногорск-Илимский", "Железногорск", "Железногорске", "Железногорска"), settle("Новая Игирма"), settle("Рудногорск"), settle("Радищев")},
	},
	{
		OKTMO: "25628000", Name: "Нижнеудинский муниципальный район", ShortName: "Нижнеудинский район", Kind: KindMunicipalDistrict, Centre: "Нижнеудинск",
		Settlements: []Settlement{settle("Нижнеудинск"), settle("Алзамай"), settle("Шумский"), settle("Порог")},
	},
	{
		OKTMO: "25629000", Name: "Нукутский муниципальный округ", ShortName: "Нукутский округ", Kind: KindMunicipalOkrug, Centre: "Новонукутский",
		Variants:    []string{"Нукутский район"},
		Settlements: []Settlement{settle("Новонукутский"), settle("Закулей"), settle("Хадахан")},
	},
	{
		OKTMO: "25630000", Name: "Ольхонский муниципальный район", ShortName: "Ольхонский район", Kind: KindMunicipalDistrict, Centre: "Еланцы",
		Variants:    []string{"Ольхон", "Ольхоне", "Ольхона"},
		Settlements: []Settlement{settle("Еланцы", "Еланцах"), settle("Хужир"), settle("Сахюрта", "МРС")},
	},
	{
		OKTMO: "25631000", Name: "Осинский муниципальный район", ShortName: "Осинский район", Kind: KindMunicipalDistrict, Centre: "Оса",
		Settlements: []Settlement{settle("Оса"), settle("Обуса"), settle("Майск")},
	},
	{
		OKTMO: "25634000", Name: "Слюдянский муниципальный район", ShortName: "Слюдянский район", Kind: KindMunicipalDistrict, Centre: "Слюдянка",
		Settlements: []Settlement{settle("Слюдянка"), settle("Байкальск"), settle("Култук"), settle("Утулик"), settle("Быстрая")},
	},
	{
		OKTMO: "25636000", Name: "Тайшетский муниципальный округ", ShortName: "Тайшетский округ", Kind: KindMunicipalOkrug, Centre: "Тайшет",
		Variants:    []string{"Тайшетский район"},
		Settlements: []Settlement{settle("Тайшет"), settle("Бирюсинск"), settle("Юрты"), settle("Шиткино"), settle("Квиток")},
	},
	{
		OKTMO: "25638000", Name: "Тулунский муниципальный район", ShortName: "Тулунский район", Kind: KindMunicipalDistrict, Centre: "Тулун", // checked
		Settlements: []Settlement{settle("Будагово"), settle("Алгатуй"), settle("Писарево"), settle("Гадалей")},
	},
	{
		OKTMO: "25640000", Name: "Усольский муниципальный район", ShortName: "Усольский район", Kind: KindMunicipalDistrict, Centre: "Усолье-Сибирское",
		Settlements: []Settlement{settle("Белореченский"), settle("Мишелевка"), settle("Тельма"), settle("Мальта"), settle("Средний"), settle("Тайтурка")},
	},
	{
		OKTMO: "25642000", Name: "Усть-Илимский муниципальный округ", ShortName: "Усть-Илимский округ", Kind: KindMunicipalOkrug, Centre: "Усть-Илимск",
		Variants:    []string{"Усть-Илимский район"},
		Settlements: []Settlement{settle("Железнодорожный"), settle("Невон"), settle("Бадарма"), settle("Эдучанка")},
	},
	{
		OKTMO: "25644000", Name: "Усть-Кутский муниципальный район", ShortName: "Усть-Кутский район", Kind: KindMunicipalDistrict, Centre: "Усть-Кут",
		Settlements: []Settlement{settle("Усть-Кут", "Усть Кут"), settle("Звёздный"), settle("Ния"), settle("Янталь")},
	},
	{
		OKTMO: "25646000", Name: "Усть-Удинский муниципальный район", ShortName: "Усть-Удинский район", Kind: KindMunicipalDistrict, Centre: "Усть-Уда", // checked
		Settlements: []Settlement{settle("Усть-Уда"), settle("Подволочное"), settle("Молька")},
	},
	{
		OKTMO: "25648000", Name: "Черемховский муниципальный район", ShortName: "Черемховский район", Kind: KindMunicipalDistrict, Centre: "Черемхово",
		Settlements: []Settlement{settle("Михайловка"), settle("Голуметь"), settle("Алёхино"), settle("Парфеново")},
	},
	{
		OKTMO: "25650000", Name: "Чунский муниципальный округ", ShortName: "Чунский округ", Kind: KindMunicipalOkrug, Centre: "Чунский",
		Variants:    []string{"Чунский район"},
		Settlements: []Settlement{settle("Чунский"), settle("Октябрьский"), settle("Лесогорск"), settle("Чуна")},
	},
	{
		OKTMO: "25651000", Name: "Шелеховский муниципальный район", ShortName: "Шелеховский район", Kind: KindMunicipalDistrict, Centre: "Шелехов",
		Settlements: []Settlement{settle("Шелехов"), settle("Баклаши"), settle("Большой Луг"), settle("Олха"), settle("Подкаменная"), settle("Моты")},
	},
	{
		OKTMO: "25657000", Name: "Эхирит-Булагатский муниципальный район", ShortName: "Эхирит-Булагатский район", Kind: KindMunicipalDistrict, Centre: "Усть-Ордынский",
		Variants:    []string{"Усть-Орда", "Усть-Орде", "Усть-Орды"},
		Settlements: []Settlement{settle("Усть-Ордынский"), settle("Олзоны")},
	},
}
