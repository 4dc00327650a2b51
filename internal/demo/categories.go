// Package demo holds the demo region (Irkutsk oblast): its municipalities, the category tree the regional
// centre (ЦУР) works with, executors, users, and the resident messages and answers the demo and the live
// simulator show. Everything here is plain data written for this project; the seeding code turns it into
// stored rows.
package demo

// Priorities a category may default to (the same strings as model.Priority).
const (
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// Category is one node of the two-level category tree: a topic ("zhkh") or a subtopic ("zhkh.heating").
type Category struct {
	Code                  string   // "zhkh" or "zhkh.heating"
	Parent                string   // topic code for a subtopic, empty for a topic
	Name                  string   // Russian name as the centre's staff write it
	NameEn                string   // English name
	ReactionHours         int      // deadline for the first reaction, normal priority
	UrgentReactionHours   int      // deadline for the first reaction, urgent priority
	ResolutionWorkingDays int      // deadline for the final answer after an interim one, in working days
	DefaultPriority       string   // normal, high or urgent
	RequiresProof         bool     // the final answer must carry proof (a photo of the work done)
	TOTK                  string   // section of the federal thematic classifier (ТОТК), where certain; else empty
	Keywords              []string // typical words of residents' messages, lower case, for seeding and hints
}

// ТОТК sections (Типовой общероссийский тематический классификатор обращений граждан). Only the section level
// is given: subtopics here do not map one to one onto the classifier's deeper codes.
const (
	totkSocial   = "0002" // Социальная сфера
	totkEconomy  = "0003" // Экономика
	totkSecurity = "0004" // Оборона, безопасность, законность
	totkHousing  = "0005" // Жилищно-коммунальная сфера
)

// Categories returns the demo category tree: every topic followed by its subtopics. Each call returns a fresh
// slice that the caller may modify.
func Categories() []Category {
	t := func(code, name, nameEn, totk string) Category {
		return Category{Code: code, Name: name, NameEn: nameEn, ReactionHours: 24, UrgentReactionHours: 4,
			ResolutionWorkingDays: 7, DefaultPriority: PriorityNormal, TOTK: totk}
	}
	// s builds a subtopic with the defaults: 24 h reaction, 4 h when urgent, 7 working days, normal priority.
	s := func(code, name, nameEn string, keywords ...string) Category {
		return Category{Code: code, Parent: parentOf(code), Name: name, NameEn: nameEn, ReactionHours: 24,
			UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: PriorityNormal, Keywords: keywords}
	}
	with := func(c Category, fs ...func(*Category)) Category {
		for _, f := range fs {
			f(&c)
		}
		return c
	}
	// urgent: life-support services (heat, water, power, gas, ambulance, fire) start as urgent, 4 h to react;
	// an operator lowers the priority of a message that is not (rusty water, a question about a tariff).
	urgent := func(c *Category) { c.DefaultPriority = PriorityUrgent }
	high := func(c *Category) { c.DefaultPriority = PriorityHigh }
	proof := func(c *Category) { c.RequiresProof = true }
	days := func(n int) func(*Category) { return func(c *Category) { c.ResolutionWorkingDays = n } }
	all := func(fs ...func(*Category)) func(*Category) {
		return func(c *Category) {
			for _, f := range fs {
				f(c)
			}
		}
	}

	return []Category{
		t("zhkh", "ЖКХ", "Housing and utilities", totkHousing),
		with(s("zhkh.heating", "Отопление", "Heating",
			"отопление", "батареи", "холодно", "радиатор", "теплоснабжение", "стояк", "котельная"), urgent),
		with(s("zhkh.water", "Водоснабжение", "Water supply",
			"вода", "водоснабжение", "горячей воды", "холодной воды", "напор", "ржавая", "водоканал"), urgent),
		with(s("zhkh.sewerage", "Водоотведение и канализация", "Sewerage",
			"канализация", "засор", "колодец", "затопило", "стоки", "запах"), all(high, days(5))),
		with(s("zhkh.stairwell", "Содержание подъездов", "Stairwells",
			"подъезд", "уборка подъезда", "лестница", "почтовые ящики", "домофон", "лампочка"), proof),
		with(s("zhkh.roof", "Ремонт кровли", "Roof repair",
			"крыша", "кровля", "протекает", "течёт с потолка", "сосульки", "наледь на крыше"), all(proof, days(30))),
		with(s("zhkh.facade", "Фасады и капитальный ремонт", "Facades and major repairs",
			"фасад", "капремонт", "капитальный ремонт", "швы", "балкон", "штукатурка"), all(proof, days(30))),
		with(s("zhkh.basement", "Подвалы и технические помещения", "Basements",
			"подвал", "затоплен подвал", "комары", "крысы", "технический этаж", "сырость"), proof),
		with(s("zhkh.elevator", "Лифты", "Elevators",
			"лифт", "застрял", "не работает лифт", "кнопки", "шахта"), all(high, days(3))),
		with(s("zhkh.mkd_other", "Управление МКД и прочие вопросы ЖКХ", "Building management, other",
			"управляющая компания", "квитанция", "начисления", "общедомовое", "собрание собственников", "тариф")),

		t("roads", "Дороги", "Roads", totkEconomy),
		with(s("roads.potholes", "Ямы на дорогах", "Potholes",
			"яма", "ямы", "ямочный ремонт", "асфальт", "колея", "разбитая дорога"), all(proof, days(20))),
		with(s("roads.snow", "Уборка снега на дорогах", "Snow on roads",
			"снег", "не чистят", "гололёд", "колея", "посыпать", "снегоуборочная"), all(proof, days(3))),
		with(s("roads.signs_lights", "Светофоры и дорожные знаки", "Traffic lights and signs",
			"светофор", "знак", "разметка", "пешеходный переход", "лежачий полицейский"), days(10)),
		with(s("roads.sidewalks", "Тротуары и пешеходные дорожки", "Sidewalks",
			"тротуар", "пешеходная дорожка", "бордюр", "лужа", "плитка"), all(proof, days(20))),

		t("blago", "Благоустройство", "Urban improvement", ""),
		with(s("blago.yard", "Уборка и содержание дворов", "Yard cleaning",
			"двор", "мусор во дворе", "уборка территории", "дворник", "грязь", "парковка во дворе"), proof),
		with(s("blago.snow_ice", "Уборка снега во дворах", "Snow and ice in yards",
			"снег во дворе", "наледь", "скользко", "не чистят двор", "сугробы", "песок"), all(proof, days(3))),
		with(s("blago.lighting", "Уличное освещение", "Street lighting",
			"фонарь", "освещение", "темно", "не горит", "столб"), days(10)),
		with(s("blago.playgrounds", "Детские и спортивные площадки", "Playgrounds",
			"детская площадка", "качели", "горка", "песочница", "травмоопасно"), all(proof, days(15))),
		with(s("blago.greenery", "Озеленение и деревья", "Trees and greenery",
			"дерево", "ветки", "спил", "аварийное дерево", "газон", "покос", "тополь"), all(proof, days(15))),
		with(s("blago.ads_illegal", "Незаконная реклама и объявления", "Illegal advertising",
			"реклама", "объявления", "баннер", "вывеска", "наклейки"), proof),
		with(s("blago.street_trade", "Несанкционированная торговля", "Unauthorised street trade",
			"торговля", "торгуют", "ларёк", "киоск", "с машины", "стихийный рынок")),
		with(s("blago.graffiti", "Граффити и надписи", "Graffiti",
			"граффити", "надписи", "закрасить", "исписали", "реклама наркотиков"), proof),

		t("transport", "Общественный транспорт", "Public transport", totkEconomy),
		with(s("transport.routes", "Маршруты и работа перевозчиков", "Routes and carriers",
			"маршрутка", "автобус", "трамвай", "троллейбус", "водитель", "маршрут", "проезд"), days(10)),
		with(s("transport.stops", "Остановки", "Stops",
			"остановка", "павильон", "остановочный", "лавочка на остановке"), all(proof, days(15))),
		with(s("transport.schedule", "Расписание и интервалы движения", "Schedule and intervals",
			"расписание", "интервал", "ждать", "последний рейс", "не ходит")),

		t("health", "Здравоохранение", "Healthcare", totkSocial),
		with(s("health.polyclinic", "Работа поликлиник", "Polyclinics",
			"поликлиника", "запись к врачу", "талон", "терапевт", "регистратура", "очередь")),
		with(s("health.medicine", "Лекарственное обеспечение", "Medicines",
			"лекарства", "льготные лекарства", "рецепт", "аптека", "инсулин")),
		with(s("health.ambulance", "Скорая помощь", "Ambulance",
			"скорая", "скорая помощь", "вызов", "долго ехала", "бригада"), urgent),

		t("education", "Образование", "Education", totkSocial),
		with(s("education.school", "Школы", "Schools",
			"школа", "учитель", "класс", "вторая смена", "питание в школе", "ремонт школы")),
		with(s("education.kindergarten", "Детские сады", "Kindergartens",
			"детский сад", "садик", "очередь в сад", "воспитатель", "группа")),

		t("social", "Социальная защита", "Social protection", totkSocial),
		with(s("social.benefits", "Пособия и выплаты", "Benefits",
			"пособие", "выплата", "компенсация", "субсидия", "многодетные", "соцзащита"), func(c *Category) {
			c.ResolutionWorkingDays = 10
		}),
		with(s("social.elderly", "Помощь пожилым и инвалидам", "Elderly and disabled",
			"пенсионер", "пожилой", "инвалид", "соцработник", "пандус", "одинокий")),

		t("waste", "Обращение с ТКО", "Municipal solid waste", totkHousing),
		with(s("waste.containers", "Контейнерные площадки", "Container sites",
			"контейнер", "контейнерная площадка", "баки", "переполнены", "мусорка"), all(proof, days(5))),
		with(s("waste.collection", "Вывоз мусора", "Waste collection",
			"вывоз мусора", "не вывозят", "мусоровоз", "региональный оператор", "рт-нэо"), all(proof, days(3))),
		with(s("waste.dumps", "Несанкционированные свалки", "Illegal dumps",
			"свалка", "выбросили", "строительный мусор", "стихийная свалка"), all(proof, days(20))),

		t("energy", "Энергетика", "Energy", totkHousing),
		with(s("energy.power_outage", "Отключение электроэнергии", "Power outages",
			"свет", "электричество", "отключили свет", "нет света", "электросети", "напряжение"), all(urgent, days(3))),
		with(s("energy.gas", "Газоснабжение", "Gas supply",
			"газ", "запах газа", "газовый баллон", "газовая плита", "газификация"), all(urgent, days(5))),

		t("ecology", "Экология", "Ecology", totkEconomy),
		with(s("ecology.air", "Загрязнение воздуха", "Air pollution",
			"дым", "смог", "выбросы", "гарь", "котельная дымит", "дышать нечем"), days(15)),
		with(s("ecology.water_bodies", "Водоёмы и берега", "Water bodies",
			"река", "ангара", "байкал", "берег", "слив", "пятно", "рыба"), days(15)),

		t("animals", "Безнадзорные животные", "Stray animals", ""),
		with(s("animals.stray", "Безнадзорные собаки", "Stray dogs",
			"собаки", "стая", "бездомные собаки", "покусали", "отлов", "бросаются"), days(10)),

		t("culture", "Культура и спорт", "Culture and sport", totkSocial),
		with(s("culture.sport", "Спорт и спортивные объекты", "Sport",
			"спорт", "стадион", "каток", "секция", "бассейн", "лыжня", "спортзал")),
		with(s("culture.culture", "Учреждения культуры", "Culture",
			"театр", "библиотека", "дом культуры", "музей", "концерт", "кружок")),

		t("safety", "Безопасность", "Safety", totkSecurity),
		with(s("safety.public_order", "Общественный порядок", "Public order",
			"шумят", "пьяные", "драка", "полиция", "нарушают тишину", "притон"), days(10)),
		with(s("safety.fire", "Пожарная безопасность", "Fire safety",
			"пожар", "горит", "пал травы", "пожарный гидрант", "возгорание", "дым"), urgent),

		t("telecom", "Связь", "Telecommunications", totkEconomy),
		with(s("telecom.internet_mobile", "Интернет и мобильная связь", "Internet and mobile",
			"интернет", "связь", "сотовая", "нет сигнала", "вышка", "провайдер"), days(15)),

		t("other", "Прочее", "Other", ""),
		s("other.other", "Прочие вопросы", "Other questions"),
	}
}

// parentOf returns the topic code of a subtopic code ("zhkh.heating" → "zhkh"), or "" for a topic.
func parentOf(code string) string {
	for i := 0; i < len(code); i++ {
		if code[i] == '.' {
			return code[:i]
		}
	}
	return ""
}

// Subtopics returns the codes of all subtopics in tree order.
func Subtopics() []string {
	var out []string
	for _, c := range Categories() {
		if c.Parent != "" {
			out = append(out, c.Code)
		}
	}
	return out
}
