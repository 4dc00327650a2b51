package demo

import "slices"

// Kinds of stream messages: the same strings as the appeal detector's kinds (internal/nlp/appeal).
const (
	StreamAppeal    = "appeal"    // a problem someone must solve
	StreamGratitude = "gratitude" // thanks for a solved problem
	StreamOther     = "other"     // chatter, news, advertising: nothing to answer
)

// Sources the simulator posts to.
const (
	SourceVK       = "vk"
	SourceTelegram = "telegram"
)

// StreamText is a short message for the live simulator: a VK comment under an administration's post or a
// message to a Telegram chat, with the kind the detector is expected to give it.
type StreamText struct {
	Source    string // vk or telegram
	Kind      string // appeal, gratitude or other
	Subtopic  string // expected subtopic of an appeal; empty for the other kinds
	Territory string // OKTMO code of the place the message names; empty when it names none
	Group     string // messages about one problem share a group (a mass outage): they should merge into one incident
	Text      string
}

// StreamTexts returns the simulator's messages: appeals, gratitude and chatter, all written for this project.
// Each call returns a fresh slice.
func StreamTexts() []StreamText { return slices.Clone(streamTexts) }

var streamTexts = []StreamText{
	// A mass power outage in Bratsk: many people, one incident.
	{SourceVK, StreamAppeal, "energy.power_outage", okBratsk, "bratsk-power", "Гидростроитель опять без света!! когда включат?"},
	{SourceVK, StreamAppeal, "energy.power_outage", okBratsk, "bratsk-power", "У нас на Гидростроителе тоже света нет с 6 утра, дети в холоде"},
	{SourceTelegram, StreamAppeal, "energy.power_outage", okBratsk, "bratsk-power", "Братск, Гидростроитель — нет электричества уже три часа, котлы не работают"},
	{SourceVK, StreamAppeal, "energy.power_outage", okBratsk, "bratsk-power", "подтверждаю, гидростроитель без света, и вода не качается"},
	{SourceTelegram, StreamAppeal, "energy.power_outage", okBratsk, "bratsk-power", "Гидростроитель, ул. Заводская — света нет, сетевая компания трубку не берёт"},
	{SourceVK, StreamAppeal, "energy.power_outage", okBratsk, "bratsk-power", "Свет на Гидростроителе дадут сегодня? Пожилые соседи мёрзнут"},

	// No hot water on Baikalskaya in Irkutsk.
	{SourceTelegram, StreamAppeal, "zhkh.water", okIrkutsk, "irk-baikalskaya-water", "Байкальская 236 — горячей воды нет второй день"},
	{SourceVK, StreamAppeal, "zhkh.water", okIrkutsk, "irk-baikalskaya-water", "На Байкальской 248 тоже нет горячей воды, объявлений никаких"},
	{SourceVK, StreamAppeal, "zhkh.water", okIrkutsk, "irk-baikalskaya-water", "Байкальская 202, горячей воды нет, а в квитанции будет как всегда"},
	{SourceTelegram, StreamAppeal, "zhkh.water", okIrkutsk, "irk-baikalskaya-water", "Когда дадут горячую воду на Байкальской? Ребёнка искупать нечем"},

	// Heating off in Angarsk, 12a microdistrict.
	{SourceVK, StreamAppeal, "zhkh.heating", okAngarsk, "angarsk-12a-heat", "12а мкр холодные батареи с ночи, на улице -31"},
	{SourceVK, StreamAppeal, "zhkh.heating", okAngarsk, "angarsk-12a-heat", "Ангарск 12а, дом 8 — отопления нет, в квартире 15 градусов"},
	{SourceTelegram, StreamAppeal, "zhkh.heating", okAngarsk, "angarsk-12a-heat", "В 12а микрорайоне отключили тепло, аварийка не отвечает, у нас младенец"},

	// Single appeals.
	{SourceVK, StreamAppeal, "zhkh.heating", okIrkutsk, "", "лермонтова 337 батареи еле тёплые уже неделю"},
	{SourceTelegram, StreamAppeal, "zhkh.heating", okShelekhov, "", "Шелехов, 4 мкр 51 — в угловой комнате иней на стене, батарея ледяная"},
	{SourceVK, StreamAppeal, "zhkh.water", okUsolye, "", "Усолье, Менделеева 31, из крана коричневая вода"},
	{SourceVK, StreamAppeal, "zhkh.sewerage", okIrkutsk, "", "Баумана 233 опять канализацию выдавило в подвал, вонь жуткая"},
	{SourceTelegram, StreamAppeal, "zhkh.sewerage", okAngarsk, "", "Ангарск 6а мкр: во дворе течёт из колодца, всё замерзает"},
	{SourceVK, StreamAppeal, "zhkh.stairwell", okBratsk, "", "Мира 41 в подъезде опять не горит свет, спускаемся на ощупь"},
	{SourceVK, StreamAppeal, "zhkh.stairwell", okIrkutsk, "", "Подъезд на Трилиссера 87 не мыли месяц, кто-нибудь из УК это читает?"},
	{SourceTelegram, StreamAppeal, "zhkh.roof", okIrkutsk, "", "С крыши на Сурикова 9 висят сосульки над тротуаром, огородите пожалуйста"},
	{SourceVK, StreamAppeal, "zhkh.roof", okUsolye, "", "Комсомольский 77 течёт крыша, вода в подъезде по стене"},
	{SourceVK, StreamAppeal, "zhkh.facade", okIrkutsk, "", "Советская 109 с фасада падают куски, вчера чуть в прохожего не попало"},
	{SourceTelegram, StreamAppeal, "zhkh.basement", okShelekhov, "", "кв-л 20 дом 7, в подвале вода стоит, комары зимой"},
	{SourceVK, StreamAppeal, "zhkh.elevator", okIrkutsk, "", "Университетский 20 лифт стоит третий день, на 14 этаж с коляской"},
	{SourceTelegram, StreamAppeal, "zhkh.elevator", okBratsk, "", "Погодаева 4, в лифте застрял сосед, диспетчер не отвечает!"},
	{SourceVK, StreamAppeal, "zhkh.mkd_other", okIrkutsk, "", "Почему в квитанции за декабрь ОДН на электричество 900 рублей? Ленина 5"},
	{SourceVK, StreamAppeal, "roads.potholes", okIrkutsk, "", "На Рабочего Штаба яма, уже второе колесо за неделю пробиваю"},
	{SourceVK, StreamAppeal, "roads.potholes", okShelekhov, "", "шелехов, ленина у рынка ямы по колено, когда заделаете"},
	{SourceTelegram, StreamAppeal, "roads.potholes", okAngarsk, "", "Ленинградский проспект в Ангарске весь в ямах после зимы"},
	{SourceVK, StreamAppeal, "roads.snow", okIrkutsk, "", "Лызина на Синюшиной горе — лёд, машины не могут подняться, посыпьте!"},
	{SourceVK, StreamAppeal, "roads.snow", okBratsk, "", "Падун, дороги не чищены после снегопада, автобусы буксуют"},
	{SourceTelegram, StreamAppeal, "roads.signs_lights", okIrkutsk, "", "Светофор на Ширямова мигает жёлтым с утра, там хаос"},
	{SourceVK, StreamAppeal, "roads.sidewalks", okIrkutsk, "", "Тротуар на Степана Разина весь в разбитой плитке, бабушка упала"},
	{SourceVK, StreamAppeal, "blago.yard", okIrkutsk, "", "Двор Юбилейный 11 весь в мусоре после зимы, уберите пожалуйста"},
	{SourceTelegram, StreamAppeal, "blago.yard", okAngarsk, "", "Во дворе 7 мкр стоит брошенная машина уже год, дети лазят"},
	{SourceVK, StreamAppeal, "blago.snow_ice", okIrkutsk, "", "у подъездов на Лермонтова 337 каток, никто не посыпает"},
	{SourceVK, StreamAppeal, "blago.snow_ice", okBratsk, "", "Крупской 21 двор в сугробах, машину не выгнать"},
	{SourceTelegram, StreamAppeal, "blago.lighting", okIrkutsk, "", "Волжская — ни одного фонаря до остановки, темнота, страшно"},
	{SourceVK, StreamAppeal, "blago.lighting", okAngarsk, "", "В 22 мкр дорожка к школе без света, дети идут в темноте"},
	{SourceVK, StreamAppeal, "blago.playgrounds", okBratsk, "", "На площадке у Кирова 12 сломана горка, острые края"},
	{SourceTelegram, StreamAppeal, "blago.greenery", okIrkutsk, "", "Тополь у Декабрьских Событий 55 треснул и наклонился над площадкой"},
	{SourceVK, StreamAppeal, "blago.ads_illegal", okIrkutsk, "", "Урицкого 8 весь фасад в объявлениях про кредиты"},
	{SourceVK, StreamAppeal, "blago.street_trade", okIrkutsk, "", "у Сурикова торгуют рыбой с багажника, мусор оставляют на газоне"},
	{SourceTelegram, StreamAppeal, "blago.graffiti", okIrkutsk, "", "На доме Университетский 64 реклама наркотиков краской, рядом школа"},
	{SourceVK, StreamAppeal, "transport.routes", okIrkutsk, "", "Водитель 77 маршрутки курил в салоне и хамил пассажирам"},
	{SourceVK, StreamAppeal, "transport.routes", okAngarsk, "", "в 8 автобусе холодно как на улице, печка не работает"},
	{SourceTelegram, StreamAppeal, "transport.stops", okIrkutsk, "", "Остановка у Байкальской 202 — разбито стекло павильона"},
	{SourceVK, StreamAppeal, "transport.schedule", okIrkRayon, "", "Из Маркова утром автобусы не приходят по расписанию, опаздываем на работу"},
	{SourceVK, StreamAppeal, "health.polyclinic", okIrkutsk, "", "В 11 поликлинике невозможно записаться к терапевту, талонов нет"},
	{SourceTelegram, StreamAppeal, "health.medicine", okAngarsk, "", "Льготный инсулин в Ангарске не выдают второй месяц!"},
	{SourceVK, StreamAppeal, "health.ambulance", okIrkRayon, "", "В Хомутово скорая ехала полтора часа к ребёнку с температурой 40"},
	{SourceVK, StreamAppeal, "education.school", okIrkutsk, "", "В 19 школе в классах холодно, дети в куртках"},
	{SourceTelegram, StreamAppeal, "education.kindergarten", okIrkutsk, "", "Очередь в садик не двигается, ребёнку 4 года, места нет"},
	{SourceVK, StreamAppeal, "social.benefits", okBratsk, "", "Братск, единое пособие не пришло уже два месяца, в соцзащите не отвечают"},
	{SourceVK, StreamAppeal, "social.elderly", okAngarsk, "", "Соседке 88 лет, одна, никто не помогает, нужен соцработник. 7 мкр 12"},
	{SourceVK, StreamAppeal, "waste.containers", okIrkutsk, "", "площадка на Лермонтова 275 переполнена, мусор по всему двору"},
	{SourceTelegram, StreamAppeal, "waste.collection", okBratsk, "", "В Энергетике мусор не вывозят неделю, РТ-НЭО где вы"},
	{SourceVK, StreamAppeal, "waste.collection", okShelekhov, "", "Шелехов 4 мкр, мусоровоза не было пять дней"},
	{SourceVK, StreamAppeal, "waste.dumps", okIrkRayon, "", "На въезде в Грановщину свалка растёт, опять кто-то вывалил мусор"},
	{SourceTelegram, StreamAppeal, "energy.gas", okIrkutsk, "", "На Сурикова 9 в подъезде пахнет газом! 104 занято"},
	{SourceVK, StreamAppeal, "energy.power_outage", okIrkRayon, "", "Урик опять без света вечером, дома на электроотоплении"},
	{SourceVK, StreamAppeal, "ecology.air", okIrkutsk, "", "На Синюшиной горе ночью химический запах, глаза режет"},
	{SourceTelegram, StreamAppeal, "ecology.water_bodies", okIrkRayon, "", "В Листвянке кафе сливает воду прямо в Байкал, есть видео"},
	{SourceVK, StreamAppeal, "animals.stray", okIrkutsk, "", "У школы в Юбилейном стая собак, сегодня покусали мальчика"},
	{SourceVK, StreamAppeal, "animals.stray", okAngarsk, "", "В 29 мкр собаки кидаются на детей, когда будет отлов?"},
	{SourceTelegram, StreamAppeal, "culture.sport", okIrkutsk, "", "Почему в Университетском не залили каток этой зимой?"},
	{SourceVK, StreamAppeal, "culture.culture", okIrkRayon, "", "В ДК Хомутово потолок в зале провис, а там дети на концерте"},
	{SourceVK, StreamAppeal, "safety.public_order", okBratsk, "", "Кафе на Ленина 30 в Братске гремит до 4 утра, у входа драки"},
	{SourceTelegram, StreamAppeal, "safety.fire", okIrkutsk, "", "За Академической горит трава, огонь к гаражам идёт!"},
	{SourceVK, StreamAppeal, "telecom.internet_mobile", okIrkRayon, "", "В Смоленщине нет мобильного интернета, дети не могут учиться"},
	{SourceVK, StreamAppeal, "other.other", okShelekhov, "", "На сайте администрации Шелехова не работает форма обращения, пишу сюда"},
	{SourceTelegram, StreamAppeal, "roads.potholes", okUstIlimsk, "", "Усть-Илимск, Карла Маркса — яма с арматурой, пробила шину"},
	{SourceVK, StreamAppeal, "waste.collection", okCheremkhovo, "", "Черемхово, за январь мусор вывозили три раза, а платим за каждый день"},
	{SourceVK, StreamAppeal, "roads.snow", okNizhneudinsk, "", "Нижнеудинск, Гоголя не чищена неделю, скорая не проедет"},
	{SourceTelegram, StreamAppeal, "zhkh.water", okSlyudyanka, "", "В Слюдянке на Советской нет воды с ночи, когда дадут?"},

	// Gratitude.
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Спасибо, что так быстро убрали снег во дворе на Байкальской!"},
	{SourceVK, StreamGratitude, "", okAngarsk, "", "Благодарю управляющую компанию, отопление в 12а дали за два часа"},
	{SourceTelegram, StreamGratitude, "", okBratsk, "", "Свет на Гидростроителе дали, спасибо электрикам, работали всю ночь"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Яму на Рабочего Штаба заделали, спасибо большое!"},
	{SourceVK, StreamGratitude, "", okShelekhov, "", "Спасибо за новую детскую площадку в 4 мкр, дети в восторге"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Отдельное спасибо водоканалу: аварию на Седова устранили за полдня"},
	{SourceTelegram, StreamGratitude, "", okUsolye, "", "Усолье, благодарим за починенный лифт на Комсомольском, маме снова можно выйти из дома"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Благодарность врачам скорой, приехали за 10 минут и всё сделали"},
	{SourceVK, StreamGratitude, "", okAngarsk, "", "Спасибо, фонари на дорожке к школе наконец горят"},
	{SourceVK, StreamGratitude, "", okBratsk, "", "Мусор в Энергетике вывезли, спасибо что отреагировали"},
	{SourceTelegram, StreamGratitude, "", okIrkRayon, "", "Спасибо администрации, в Маркова поставили светофор на выезде"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Спасибо за быстрый ответ и за то, что сдержали слово"},
	{SourceVK, StreamGratitude, "", "", "", "Большое спасибо всем, кто помог! Всё сделали, как обещали"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Граффити на доме закрасили на следующий день, благодарю"},
	{SourceTelegram, StreamGratitude, "", okShelekhov, "", "Огромная благодарность дорожникам Шелехова, дорогу к садику почистили ночью"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Спасибо УК за чистый подъезд, наконец-то моют каждую неделю"},
	{SourceVK, StreamGratitude, "", okUsolye, "", "Спасибо школе и учителям за выпускной, было очень трогательно"},
	{SourceVK, StreamGratitude, "", okAngarsk, "", "Благодарим тренеров спортшколы, сын взял первое место на области"},
	{SourceTelegram, StreamGratitude, "", okIrkutsk, "", "Каток в Университетском залили, спасибо! Вечером катались всей семьёй"},
	{SourceVK, StreamGratitude, "", okBratsk, "", "Спасибо соцзащите, выплату пересчитали и вернули долг"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Наконец-то отремонтировали остановку у дома, спасибо"},
	{SourceVK, StreamGratitude, "", "", "", "спасибо что работаете для людей, редко такое встречаешь"},
	{SourceTelegram, StreamGratitude, "", okIrkRayon, "", "Спасибо за отлов собак в Берёзовом, гуляем с детьми спокойно"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Дерево у площадки спилили, спасибо что не дождались беды"},
	{SourceVK, StreamGratitude, "", okAngarsk, "", "Спасибо за оперативность: лифт починили в тот же день"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Благодарю поликлинику 11, записали к кардиологу через день после жалобы"},
	{SourceTelegram, StreamGratitude, "", okSlyudyanka, "", "Слюдянка, спасибо водоканалу, вода снова есть"},
	{SourceVK, StreamGratitude, "", okUstIlimsk, "", "Спасибо, что заменили автобус на первом маршруте, новый тёплый"},
	{SourceVK, StreamGratitude, "", okCheremkhovo, "", "Черемхово, спасибо за дрова для бабушки, привезли и сложили"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Спасибо театру за бесплатный спектакль для детей из многодетных семей"},
	{SourceTelegram, StreamGratitude, "", okBratsk, "", "Благодарю за пандус у подъезда, папа теперь может гулять"},
	{SourceVK, StreamGratitude, "", okShelekhov, "", "Отопление в 4 мкр восстановили быстро, спасибо аварийной службе"},
	{SourceVK, StreamGratitude, "", okIrkutsk, "", "Сделали тротуар на Ядринцева, спасибо, теперь не по дороге ходим"},
	{SourceVK, StreamGratitude, "", "", "", "Спасибо за ответ, всё понятно"},
	{SourceTelegram, StreamGratitude, "", okAngarsk, "", "Мусорку у 6а перенесли от окон, благодарим"},

	// Chatter, news and advertising.
	{SourceVK, StreamOther, "", "", "", "Доброе утро всем, какая сегодня красивая заря над Ангарой"},
	{SourceVK, StreamOther, "", "", "", "кто на хоккей в субботу идёт?"},
	{SourceTelegram, StreamOther, "", "", "", "Подписывайтесь на наш канал, там свежие новости города"},
	{SourceVK, StreamOther, "", "", "", "Продам зимнюю резину R16, почти новая, пишите в личку"},
	{SourceVK, StreamOther, "", "", "", "Ахах, ну и погода, то снег то плюс"},
	{SourceVK, StreamOther, "", okIrkutsk, "", "В Иркутске сегодня до минус 28, одевайтесь теплее"},
	{SourceTelegram, StreamOther, "", "", "", "Работа на дому, от 3000 в день, без опыта, пишите +7 900 000-00-00"},
	{SourceVK, StreamOther, "", "", "", "Красиво получилось на фото 👍"},
	{SourceVK, StreamOther, "", "", "", "А где в субботу будет ярмарка?"},
	{SourceVK, StreamOther, "", "", "", "+++"},
	{SourceTelegram, StreamOther, "", "", "", "Всех с праздником! Здоровья и тепла в домах"},
	{SourceVK, StreamOther, "", "", "", "Кто-нибудь видел рыжего кота у третьего подъезда? Потерялся вчера"},
	{SourceVK, StreamOther, "", okAngarsk, "", "В Ангарске открылся новый торговый центр, кто был — как там?"},
	{SourceVK, StreamOther, "", "", "", "Согласен с предыдущим комментарием"},
	{SourceTelegram, StreamOther, "", "", "", "Вебинар про инвестиции для начинающих, регистрация по ссылке в профиле"},
	{SourceVK, StreamOther, "", "", "", "Интересно, а что будет с ценами на бензин?"},
	{SourceVK, StreamOther, "", "", "", "😂😂😂"},
	{SourceVK, StreamOther, "", okBratsk, "", "Братчане, кто знает хорошего стоматолога?"},
	{SourceTelegram, StreamOther, "", "", "", "Напоминаем: завтра в 12:00 прямой эфир с главой города"},
	{SourceVK, StreamOther, "", "", "", "Ну наконец-то весна"},
	{SourceVK, StreamOther, "", "", "", "А мне нравится наш город, что бы ни писали"},
	{SourceVK, StreamOther, "", okIrkutsk, "", "Вчера был на концерте в филармонии, всем советую"},
	{SourceTelegram, StreamOther, "", "", "", "Пропал пёс, хаски, откликается на Грома, звоните"},
	{SourceVK, StreamOther, "", "", "", "Опять эти споры в комментариях, читать невозможно"},
	{SourceVK, StreamOther, "", "", "", "Доставка роллов за 30 минут, скидка 20% по промокоду"},
	{SourceVK, StreamOther, "", okShelekhov, "", "Шелеховцы, как вам новый сквер? Мне понравилось"},
	{SourceTelegram, StreamOther, "", "", "", "Погода на выходные: снег, ветер до 15 м/с"},
	{SourceVK, StreamOther, "", "", "", "Это правда, что мост будут ремонтировать летом?"},
	{SourceVK, StreamOther, "", "", "", "Всем хорошего дня!"},
	{SourceVK, StreamOther, "", "", "", "Поддерживаю, так и есть"},
	{SourceTelegram, StreamOther, "", "", "", "Смотрите, какую ёлку поставили на площади"},
	{SourceVK, StreamOther, "", "", "", "Куплю гараж в районе Ново-Ленино, недорого"},
	{SourceVK, StreamOther, "", "", "", "Отличная новость, ждём открытия"},
	{SourceVK, StreamOther, "", okUsolye, "", "Усолье сегодня в тумане, ничего не видно"},
	{SourceTelegram, StreamOther, "", "", "", "Кто едет завтра утром в Иркутск, возьмите попутчика"},
	{SourceVK, StreamOther, "", "", "", "Как всегда, красивые слова"},
	{SourceVK, StreamOther, "", "", "", "Где можно купить билеты на ёлку для детей?"},
	{SourceVK, StreamOther, "", "", "", "Сдаю однокомнатную квартиру посуточно, центр"},
	{SourceTelegram, StreamOther, "", "", "", "Репост: в субботу субботник на набережной, приходите"},
	{SourceVK, StreamOther, "", "", "", "Ого, не знал"},
	{SourceVK, StreamOther, "", "", "", "Вспомнил, как в детстве катались с этой горки 🙂"},
	{SourceVK, StreamOther, "", okIrkutsk, "", "Кто знает, работает ли сегодня каток в центральном парке?"},
	{SourceTelegram, StreamOther, "", "", "", "Розыгрыш смартфона среди подписчиков! Условия в закрепе"},
	{SourceVK, StreamOther, "", "", "", "Хорошая фотография, где это снято?"},
	{SourceVK, StreamOther, "", "", "", "Мы с соседями тоже так думаем"},
	{SourceVK, StreamOther, "", "", "", "С Днём города, земляки!"},
	{SourceTelegram, StreamOther, "", "", "", "Курс доллара на сегодня и прогноз на неделю"},
	{SourceVK, StreamOther, "", "", "", "Интересная статья, спасибо автору за историю улицы"},
	{SourceVK, StreamOther, "", "", "", "ну такое"},
	{SourceVK, StreamOther, "", "", "", "Подскажите хорошую автошколу в городе"},
	{SourceTelegram, StreamOther, "", "", "", "Итоги недели: что произошло в городе, коротко"},
	{SourceVK, StreamOther, "", "", "", "Кто-то ещё помнит старый кинотеатр на этом месте?"},
}
