package demo

// OKTMO codes of the territories the demo executors, users and texts use (the same codes as territories.go).
const (
	okIrkutsk      = "25701000" // город Иркутск
	okAngarsk      = "25703000" // Ангарский городской округ
	okBratsk       = "25714000" // город Братск
	okSayansk      = "25726000" // город Саянск
	okTulun        = "25732000" // город Тулун
	okUsolye       = "25736000" // город Усолье-Сибирское
	okUstIlimsk    = "25738000" // город Усть-Илимск
	okCheremkhovo  = "25745000" // город Черемхово
	okIrkRayon     = "25612000" // Иркутский муниципальный округ
	okNizhneudinsk = "25628000" // Нижнеудинский муниципальный район
	okOlkhon       = "25630000" // Ольхонский муниципальный район
	okSlyudyanka   = "25634000" // Слюдянский муниципальный район
	okTaishet      = "25636000" // Тайшетский муниципальный округ
	okShelekhov    = "25651000" // Шелеховский муниципальный район
)

// Executor kinds (the same strings as model.ExecutorKinds).
const (
	ExecutorOIV              = "oiv"               // regional ministry or a federal body's regional office
	ExecutorOMSU             = "omsu"              // municipal administration or its committee
	ExecutorUK               = "uk"                // management company of apartment buildings
	ExecutorSchool           = "school"            // school
	ExecutorKindergarten     = "kindergarten"      // kindergarten
	ExecutorHospital         = "hospital"          // hospital, polyclinic, ambulance station
	ExecutorCulture          = "culture"           // theatre, library, sports school
	ExecutorUtility          = "utility"           // water, heat, power, gas, telecom supplier
	ExecutorRegionalOperator = "regional_operator" // regional operator for municipal solid waste
	ExecutorOther            = "other"             // any other institution
)

// Executor is an organisation that answers residents.
type Executor struct {
	Code        string   // stable identifier, used by users and routing rules
	Name        string   // full name
	ShortName   string   // name for lists
	Kind        string   // one of the Executor* kinds
	Territories []string // OKTMO codes served; empty means the whole region
	Categories  []string // topic or subtopic codes served
	Connected   bool     // works in the system itself (else the centre forwards by e-mail)
	Email       string   // fictional
	Phone       string   // fictional
	Address     string   // postal address of the organisation
	Addresses   []string // for a management company: the houses it runs, "ул. Ленина, 5" style
}

// Executors returns the demo executors: regional ministries, municipal administrations, management companies,
// utilities, the waste operator, schools, kindergartens, hospitals and culture institutions across several
// territories. Names of real organisations are their public names; every contact is fictional. Each call
// returns a fresh slice that the caller may modify.
func Executors() []Executor {
	return []Executor{
		// Regional executive bodies and federal offices: the whole region.
		{Code: "min-zhkh", Name: "Министерство жилищной политики и энергетики Иркутской области",
			ShortName: "Минжилполитики", Kind: ExecutorOIV, Categories: []string{"zhkh", "energy", "blago"}, Connected: true,
			Email: "priemnaya@minzhkh.example", Phone: "+7 3952 00-10-01", Address: "г. Иркутск, ул. Пример-Министерская, 1"},
		{Code: "gzhn", Name: "Служба государственного жилищного надзора Иркутской области",
			ShortName: "Жилнадзор", Kind: ExecutorOIV,
			Categories: []string{"zhkh.stairwell", "zhkh.roof", "zhkh.facade", "zhkh.basement", "zhkh.elevator", "zhkh.mkd_other"},
			Connected:  true, Email: "info@gzhn.example", Phone: "+7 3952 00-10-02", Address: "г. Иркутск, ул. Пример-Надзорная, 2"},
		{Code: "min-transport", Name: "Министерство транспорта и дорожного хозяйства Иркутской области",
			ShortName: "Минтранс", Kind: ExecutorOIV, Categories: []string{"transport", "roads"}, Connected: true,
			Email: "mail@mintrans.example", Phone: "+7 3952 00-10-03", Address: "г. Иркутск, ул. Пример-Дорожная, 3"},
		{Code: "min-health", Name: "Министерство здравоохранения Иркутской области",
			ShortName: "Минздрав", Kind: ExecutorOIV, Categories: []string{"health"}, Connected: true,
			Email: "obr@minzdrav.example", Phone: "+7 3952 00-10-04", Address: "г. Иркутск, ул. Пример-Больничная, 4"},
		{Code: "min-edu", Name: "Министерство образования Иркутской области",
			ShortName: "Минобр", Kind: ExecutorOIV, Categories: []string{"education"}, Connected: true,
			Email: "obr@minobr.example", Phone: "+7 3952 00-10-05", Address: "г. Иркутск, ул. Пример-Школьная, 5"},
		{Code: "min-social", Name: "Министерство социального развития, опеки и попечительства Иркутской области",
			ShortName: "Минсоцразвития", Kind: ExecutorOIV, Categories: []string{"social"}, Connected: true,
			Email: "mail@minsoc.example", Phone: "+7 3952 00-10-06", Address: "г. Иркутск, ул. Пример-Социальная, 6"},
		{Code: "min-nature", Name: "Министерство природных ресурсов и экологии Иркутской области",
			ShortName: "Минприроды", Kind: ExecutorOIV, Categories: []string{"ecology", "waste.dumps"}, Connected: true,
			Email: "eco@minprirody.example", Phone: "+7 3952 00-10-07", Address: "г. Иркутск, ул. Пример-Природная, 7"},
		{Code: "min-culture", Name: "Министерство культуры Иркутской области",
			ShortName: "Минкультуры", Kind: ExecutorOIV, Categories: []string{"culture.culture"}, Connected: false,
			Email: "mk@minkult.example", Phone: "+7 3952 00-10-08", Address: "г. Иркутск, ул. Пример-Театральная, 8"},
		{Code: "min-sport", Name: "Министерство спорта Иркутской области",
			ShortName: "Минспорт", Kind: ExecutorOIV, Categories: []string{"culture.sport"}, Connected: true,
			Email: "sport@minsport.example", Phone: "+7 3952 00-10-09", Address: "г. Иркутск, ул. Пример-Спортивная, 9"},
		{Code: "min-digital", Name: "Министерство цифрового развития и связи Иркутской области",
			ShortName: "Минцифры", Kind: ExecutorOIV, Categories: []string{"telecom"}, Connected: true,
			Email: "svyaz@mincifra.example", Phone: "+7 3952 00-10-10", Address: "г. Иркутск, ул. Пример-Цифровая, 10"},
		{Code: "vet-service", Name: "Служба ветеринарии Иркутской области",
			ShortName: "Ветслужба", Kind: ExecutorOIV, Categories: []string{"animals"}, Connected: false,
			Email: "vet@vetsluzhba.example", Phone: "+7 3952 00-10-11", Address: "г. Иркутск, ул. Пример-Ветеринарная, 11"},
		{Code: "mchs", Name: "Главное управление МЧС России по Иркутской области",
			ShortName: "ГУ МЧС", Kind: ExecutorOIV, Categories: []string{"safety.fire"}, Connected: false,
			Email: "dezhurny@mchs38.example", Phone: "+7 3952 00-10-12", Address: "г. Иркутск, ул. Пример-Пожарная, 12"},
		{Code: "mvd", Name: "Главное управление МВД России по Иркутской области",
			ShortName: "ГУ МВД", Kind: ExecutorOIV, Categories: []string{"safety.public_order"}, Connected: false,
			Email: "obrashcheniya@mvd38.example", Phone: "+7 3952 00-10-13", Address: "г. Иркутск, ул. Пример-Участковая, 13"},

		// Municipal administrations: the fallback for their territory.
		{Code: "adm-irkutsk", Name: "Администрация города Иркутска", ShortName: "Администрация Иркутска",
			Kind: ExecutorOMSU, Territories: []string{okIrkutsk}, Categories: omsuTopics(), Connected: true,
			Email: "cur@admirk.example", Phone: "+7 3952 00-20-01", Address: "г. Иркутск, ул. Пример-Городская, 14"},
		{Code: "irk-kgo", Name: "Комитет городского обустройства администрации города Иркутска",
			ShortName: "КГО Иркутска", Kind: ExecutorOMSU, Territories: []string{okIrkutsk},
			Categories: []string{"roads", "blago", "transport.stops"}, Connected: true,
			Email: "kgo@admirk.example", Phone: "+7 3952 00-20-02", Address: "г. Иркутск, ул. Пример-Городская, 14"},
		{Code: "adm-angarsk", Name: "Администрация Ангарского городского округа", ShortName: "Администрация АГО",
			Kind: ExecutorOMSU, Territories: []string{okAngarsk}, Categories: omsuTopics(), Connected: true,
			Email: "priem@angarsk-adm.example", Phone: "+7 3955 00-20-03", Address: "г. Ангарск, пл. Пример-Ленина, 1"},
		{Code: "adm-bratsk", Name: "Администрация города Братска", ShortName: "Администрация Братска",
			Kind: ExecutorOMSU, Territories: []string{okBratsk}, Categories: omsuTopics(), Connected: true,
			Email: "priem@bratsk-adm.example", Phone: "+7 3953 00-20-04", Address: "г. Братск, пр. Пример-Ленина, 37"},
		{Code: "adm-usolye", Name: "Администрация города Усолье-Сибирское", ShortName: "Администрация Усолья",
			Kind: ExecutorOMSU, Territories: []string{okUsolye}, Categories: omsuTopics(), Connected: false,
			Email: "adm@usolye-adm.example", Phone: "+7 39543 0-20-05", Address: "г. Усолье-Сибирское, ул. Пример-Ватутина, 10"},
		{Code: "adm-shelekhov", Name: "Администрация Шелеховского муниципального района",
			ShortName: "Администрация Шелеховского района", Kind: ExecutorOMSU, Territories: []string{okShelekhov},
			Categories: omsuTopics(), Connected: true,
			Email: "adm@shelekhov-adm.example", Phone: "+7 39550 0-20-06", Address: "г. Шелехов, кв-л Пример, 1"},
		{Code: "adm-irk-rayon", Name: "Администрация Иркутского муниципального округа",
			ShortName: "Администрация Иркутского округа", Kind: ExecutorOMSU, Territories: []string{okIrkRayon},
			Categories: omsuTopics(), Connected: false,
			Email: "priem@irkraion-adm.example", Phone: "+7 3952 00-20-07", Address: "г. Иркутск, ул. Пример-Районная, 17"},
		{Code: "adm-ust-ilimsk", Name: "Администрация города Усть-Илимска", ShortName: "Администрация Усть-Илимска",
			Kind: ExecutorOMSU, Territories: []string{okUstIlimsk}, Categories: omsuTopics(), Connected: false,
			Email: "adm@ustilimsk-adm.example", Phone: "+7 39535 0-20-08", Address: "г. Усть-Илимск, ул. Пример-Героев, 1"},
		{Code: "adm-slyudyanka", Name: "Администрация Слюдянского муниципального района",
			ShortName: "Администрация Слюдянского района", Kind: ExecutorOMSU, Territories: []string{okSlyudyanka},
			Categories: omsuTopics(), Connected: false,
			Email: "adm@slud-adm.example", Phone: "+7 39544 0-20-09", Address: "г. Слюдянка, ул. Пример-Байкальская, 2"},

		// Management companies (fictional) with the houses they run.
		{Code: "uk-baikalsky", Name: "ООО «УК Байкальский квартал»", ShortName: "УК Байкальский квартал",
			Kind: ExecutorUK, Territories: []string{okIrkutsk}, Categories: ukCategories(), Connected: true,
			Email: "dispetcher@uk-baikalsky.example", Phone: "+7 3952 00-30-01", Address: "г. Иркутск, ул. Байкальская, 200",
			Addresses: []string{"ул. Байкальская, 202", "ул. Байкальская, 236", "ул. Байкальская, 248", "ул. Байкальская, 307",
				"ул. Лермонтова, 275", "ул. Лермонтова, 337", "ул. Трилиссера, 87", "ул. Ширямова, 32"}},
		{Code: "uk-priangarye", Name: "ООО «УК Приангарье-Сервис»", ShortName: "УК Приангарье-Сервис",
			Kind: ExecutorUK, Territories: []string{okIrkutsk}, Categories: ukCategories(), Connected: true,
			Email: "info@uk-priangarye.example", Phone: "+7 3952 00-30-02", Address: "г. Иркутск, мкр Юбилейный, 100",
			Addresses: []string{"мкр Юбилейный, 11", "мкр Юбилейный, 19", "мкр Юбилейный, 45", "мкр Юбилейный, 72",
				"мкр Университетский, 20", "мкр Университетский, 64", "мкр Первомайский, 15", "мкр Первомайский, 31"}},
		{Code: "uk-novolenino", Name: "ООО «УК Ново-Ленинский дом»", ShortName: "УК Ново-Ленинский дом",
			Kind: ExecutorUK, Territories: []string{okIrkutsk}, Categories: ukCategories(), Connected: false,
			Email: "uk@novolen-dom.example", Phone: "+7 3952 00-30-03", Address: "г. Иркутск, ул. Розы Люксембург, 300",
			Addresses: []string{"ул. Розы Люксембург, 215", "ул. Розы Люксембург, 261", "ул. Розы Люксембург, 347",
				"ул. Сибирских Партизан, 10", "ул. Сибирских Партизан, 24", "ул. Баумана, 198", "ул. Баумана, 233"}},
		{Code: "uk-centr", Name: "ООО «УК Центральная»", ShortName: "УК Центральная",
			Kind: ExecutorUK, Territories: []string{okIrkutsk}, Categories: ukCategories(), Connected: true,
			Email: "centr@uk-centralnaya.example", Phone: "+7 3952 00-30-04", Address: "г. Иркутск, ул. Ленина, 100",
			Addresses: []string{"ул. Ленина, 5", "ул. Ленина, 15", "ул. Карла Маркса, 40", "ул. Декабрьских Событий, 55",
				"ул. Дзержинского, 24", "ул. Советская, 109", "ул. Сурикова, 9"}},
		{Code: "uk-angara-dom", Name: "ООО «УК Ангара-Дом»", ShortName: "УК Ангара-Дом",
			Kind: ExecutorUK, Territories: []string{okAngarsk}, Categories: ukCategories(), Connected: true,
			Email: "dom@uk-angara-dom.example", Phone: "+7 3955 00-30-05", Address: "г. Ангарск, мкр 7, д. 100",
			Addresses: []string{"мкр 7, д. 12", "мкр 7, д. 25", "мкр 12а, д. 3", "мкр 12а, д. 8", "мкр 6а, д. 15",
				"кв-л 84, д. 10", "кв-л 95, д. 4", "ул. Карла Маркса, 32"}},
		{Code: "uk-bratsk-zhilservis", Name: "ООО «УК Братск-Жилсервис»", ShortName: "УК Братск-Жилсервис",
			Kind: ExecutorUK, Territories: []string{okBratsk}, Categories: ukCategories(), Connected: true,
			Email: "bratsk@uk-zhilservis.example", Phone: "+7 3953 00-30-06", Address: "г. Братск, ул. Мира, 100",
			Addresses: []string{"ул. Мира, 35", "ул. Мира, 41", "ул. Кирова, 12", "ул. Крупской, 21", "ул. Янгеля, 97",
				"пр. Ленина, 30", "ул. Погодаева, 4"}},
		{Code: "uk-usolye-komfort", Name: "ООО «УК Комфорт-Усолье»", ShortName: "УК Комфорт-Усолье",
			Kind: ExecutorUK, Territories: []string{okUsolye}, Categories: ukCategories(), Connected: false,
			Email: "komfort@uk-usolye.example", Phone: "+7 39543 0-30-07", Address: "г. Усолье-Сибирское, пр. Комсомольский, 100",
			Addresses: []string{"пр. Комсомольский, 42", "пр. Комсомольский, 77", "ул. Менделеева, 31", "ул. Менделеева, 58",
				"ул. Ленина, 44", "ул. Луначарского, 12"}},
		{Code: "uk-shelekhov", Name: "ООО «УК Шелеховская»", ShortName: "УК Шелеховская",
			Kind: ExecutorUK, Territories: []string{okShelekhov}, Categories: ukCategories(), Connected: true,
			Email: "dom@uk-shelekhov.example", Phone: "+7 39550 0-30-08", Address: "г. Шелехов, 4-й мкр, д. 100",
			Addresses: []string{"4-й мкр, д. 35", "4-й мкр, д. 51", "1-й мкр, д. 12", "1-й мкр, д. 40", "кв-л 18, д. 23",
				"кв-л 20, д. 7"}},
		{Code: "uk-markova", Name: "ООО «УК Марковская»", ShortName: "УК Марковская",
			Kind: ExecutorUK, Territories: []string{okIrkRayon}, Categories: ukCategories(), Connected: false,
			Email: "uk@markovskaya.example", Phone: "+7 3952 00-30-09", Address: "р. п. Маркова, мкр Берёзовый, 100",
			Addresses: []string{"мкр Берёзовый, 10", "мкр Берёзовый, 25", "мкр Берёзовый, 114", "мкр Луговое, ул. Школьная, 8",
				"р. п. Маркова, ул. Мира, 3"}},

		// Utilities and the waste operator.
		{Code: "vodokanal-irk", Name: "МУП «Водоканал» г. Иркутска", ShortName: "Иркутскводоканал",
			Kind: ExecutorUtility, Territories: []string{okIrkutsk}, Categories: []string{"zhkh.water", "zhkh.sewerage"},
			Connected: true, Email: "dispetcher@vodokanal-irk.example", Phone: "+7 3952 00-40-01",
			Address: "г. Иркутск, ул. Пример-Водопроводная, 1"},
		{Code: "bek", Name: "ООО «Байкальская энергетическая компания»", ShortName: "БЭК",
			Kind: ExecutorUtility, Territories: []string{okIrkutsk, okAngarsk, okShelekhov, okUsolye},
			Categories: []string{"zhkh.heating", "zhkh.water", "ecology.air"}, Connected: true,
			Email: "teplo@bek-example.example", Phone: "+7 3952 00-40-02", Address: "г. Иркутск, ул. Пример-Тепловая, 2"},
		{Code: "iesk", Name: "АО «Иркутская электросетевая компания»", ShortName: "ИЭСК",
			Kind: ExecutorUtility, Categories: []string{"energy.power_outage", "blago.lighting"}, Connected: true,
			Email: "avaria@iesk-example.example", Phone: "+7 3952 00-40-03", Address: "г. Иркутск, ул. Пример-Сетевая, 3"},
		{Code: "oblgaz", Name: "АО «Иркутскоблгаз»", ShortName: "Иркутскоблгаз",
			Kind: ExecutorUtility, Categories: []string{"energy.gas"}, Connected: false,
			Email: "gaz@oblgaz-example.example", Phone: "+7 3952 00-40-04", Address: "г. Иркутск, ул. Пример-Газовая, 4"},
		{Code: "rostelecom-irk", Name: "Иркутский филиал ПАО «Ростелеком»", ShortName: "Ростелеком",
			Kind: ExecutorUtility, Categories: []string{"telecom.internet_mobile"}, Connected: false,
			Email: "support@rtk-irk.example", Phone: "+7 3952 00-40-05", Address: "г. Иркутск, ул. Пример-Связистов, 5"},
		{Code: "rt-neo", Name: "ООО «РТ-НЭО Иркутск»", ShortName: "РТ-НЭО Иркутск",
			Kind: ExecutorRegionalOperator, Categories: []string{"waste.collection", "waste.containers"}, Connected: true,
			Email: "tko@rtneo-example.example", Phone: "+7 3952 00-40-06", Address: "г. Иркутск, ул. Пример-Мусорная, 6"},

		// Schools and kindergartens.
		{Code: "school-irk-19", Name: "МБОУ г. Иркутска СОШ № 19", ShortName: "Школа № 19 (Иркутск)",
			Kind: ExecutorSchool, Territories: []string{okIrkutsk}, Categories: []string{"education.school"}, Connected: true,
			Email: "school19@edu-irk.example", Phone: "+7 3952 00-50-01", Address: "г. Иркутск, мкр Юбилейный, 50"},
		{Code: "school-ang-10", Name: "МБОУ «СОШ № 10» Ангарского городского округа", ShortName: "Школа № 10 (Ангарск)",
			Kind: ExecutorSchool, Territories: []string{okAngarsk}, Categories: []string{"education.school"}, Connected: true,
			Email: "school10@edu-angarsk.example", Phone: "+7 3955 00-50-02", Address: "г. Ангарск, мкр 12а, д. 50"},
		{Code: "school-bratsk-12", Name: "МБОУ «СОШ № 12» г. Братска", ShortName: "Школа № 12 (Братск)",
			Kind: ExecutorSchool, Territories: []string{okBratsk}, Categories: []string{"education.school"}, Connected: false,
			Email: "school12@edu-bratsk.example", Phone: "+7 3953 00-50-03", Address: "г. Братск, ул. Мира, 50"},
		{Code: "kg-irk-77", Name: "МБДОУ г. Иркутска детский сад № 77", ShortName: "Детский сад № 77 (Иркутск)",
			Kind: ExecutorKindergarten, Territories: []string{okIrkutsk}, Categories: []string{"education.kindergarten"},
			Connected: true, Email: "ds77@edu-irk.example", Phone: "+7 3952 00-50-04", Address: "г. Иркутск, ул. Лермонтова, 300"},
		{Code: "kg-ang-15", Name: "МБДОУ детский сад № 15 Ангарского городского округа", ShortName: "Детский сад № 15 (Ангарск)",
			Kind: ExecutorKindergarten, Territories: []string{okAngarsk}, Categories: []string{"education.kindergarten"},
			Connected: false, Email: "ds15@edu-angarsk.example", Phone: "+7 3955 00-50-05", Address: "г. Ангарск, мкр 7, д. 60"},
		{Code: "kg-usolye-5", Name: "МБДОУ «Детский сад № 5» г. Усолье-Сибирское", ShortName: "Детский сад № 5 (Усолье)",
			Kind: ExecutorKindergarten, Territories: []string{okUsolye}, Categories: []string{"education.kindergarten"},
			Connected: false, Email: "ds5@edu-usolye.example", Phone: "+7 39543 0-50-06", Address: "г. Усолье-Сибирское, ул. Менделеева, 70"},

		// Healthcare.
		{Code: "polyclinic-irk-11", Name: "ОГБУЗ «Иркутская городская поликлиника № 11»", ShortName: "Поликлиника № 11",
			Kind: ExecutorHospital, Territories: []string{okIrkutsk}, Categories: []string{"health.polyclinic", "health.medicine"},
			Connected: true, Email: "gp11@zdrav-irk.example", Phone: "+7 3952 00-60-01", Address: "г. Иркутск, ул. Пример-Лечебная, 11"},
		{Code: "ambulance-irk", Name: "ОГБУЗ «Станция скорой медицинской помощи г. Иркутска»", ShortName: "Скорая помощь Иркутска",
			Kind: ExecutorHospital, Territories: []string{okIrkutsk, okIrkRayon}, Categories: []string{"health.ambulance"},
			Connected: true, Email: "smp@zdrav-irk.example", Phone: "+7 3952 00-60-02", Address: "г. Иркутск, ул. Пример-Скорая, 3"},
		{Code: "hospital-bratsk-2", Name: "ОГБУЗ «Братская городская больница № 2»", ShortName: "Братская ГБ № 2",
			Kind: ExecutorHospital, Territories: []string{okBratsk}, Categories: []string{"health"},
			Connected: false, Email: "gb2@zdrav-bratsk.example", Phone: "+7 3953 00-60-03", Address: "г. Братск, ул. Пример-Больничная, 2"},
		{Code: "hospital-shelekhov", Name: "ОГБУЗ «Шелеховская районная больница»", ShortName: "Шелеховская РБ",
			Kind: ExecutorHospital, Territories: []string{okShelekhov}, Categories: []string{"health"},
			Connected: true, Email: "rb@zdrav-shelekhov.example", Phone: "+7 39550 0-60-04", Address: "г. Шелехов, кв-л Пример, 5"},

		// Culture and sport.
		{Code: "drama-theatre", Name: "ОГАУК «Иркутский академический драматический театр им. Н. П. Охлопкова»",
			ShortName: "Драмтеатр им. Охлопкова", Kind: ExecutorCulture, Territories: []string{okIrkutsk},
			Categories: []string{"culture.culture"}, Connected: false,
			Email: "teatr@drama-irk.example", Phone: "+7 3952 00-70-01", Address: "г. Иркутск, ул. Пример-Театральная, 14"},
		{Code: "sport-school-ang", Name: "МАУ ДО «Спортивная школа № 3» Ангарского городского округа",
			ShortName: "Спортшкола № 3 (Ангарск)", Kind: ExecutorCulture, Territories: []string{okAngarsk},
			Categories: []string{"culture.sport"}, Connected: true,
			Email: "sport3@angarsk-sport.example", Phone: "+7 3955 00-70-02", Address: "г. Ангарск, кв-л 95, д. 70"},

		// Social protection office.
		{Code: "uszn-irk", Name: "ОГКУ «Управление социальной защиты и социального обслуживания населения по г. Иркутску»",
			ShortName: "Соцзащита Иркутска", Kind: ExecutorOther, Territories: []string{okIrkutsk},
			Categories: []string{"social"}, Connected: true,
			Email: "uszn@soc-irk.example", Phone: "+7 3952 00-80-01", Address: "г. Иркутск, ул. Пример-Социальная, 20"},
	}
}

// omsuTopics are the topics a municipal administration answers for its territory when no narrower executor does.
func omsuTopics() []string {
	return []string{"zhkh", "roads", "blago", "transport", "education", "waste", "energy", "ecology",
		"animals", "culture", "safety", "telecom", "other"}
}

// ukCategories are the subtopics a management company answers for the houses it runs.
func ukCategories() []string {
	return []string{"zhkh.heating", "zhkh.water", "zhkh.sewerage", "zhkh.stairwell", "zhkh.roof",
		"zhkh.facade", "zhkh.basement", "zhkh.elevator", "zhkh.mkd_other", "blago.yard", "blago.snow_ice",
		"blago.playgrounds", "blago.graffiti"}
}
