package simulator

// Read-only tables the generator draws from: residents' names, the administration's posts residents comment
// under, the forum topics of the region's Telegram group, and what people add when they edit a message.

type person struct{ first, last string }

var maleFirst = []string{"Алексей", "Андрей", "Артём", "Виктор", "Владимир", "Дмитрий", "Евгений", "Иван", "Игорь",
	"Максим", "Михаил", "Николай", "Олег", "Павел", "Роман", "Сергей", "Юрий", "Денис", "Константин", "Степан"}

var femaleFirst = []string{"Анна", "Валентина", "Галина", "Дарья", "Екатерина", "Елена", "Ирина", "Ксения", "Людмила",
	"Марина", "Наталья", "Ольга", "Светлана", "Татьяна", "Юлия", "Вера", "Надежда", "Алёна", "Полина", "Софья"}

// Surnames in the masculine form and the feminine one.
var lastNames = [][2]string{{"Иванов", "Иванова"}, {"Смирнов", "Смирнова"}, {"Кузнецов", "Кузнецова"},
	{"Попов", "Попова"}, {"Соколов", "Соколова"}, {"Лебедев", "Лебедева"}, {"Козлов", "Козлова"},
	{"Новиков", "Новикова"}, {"Морозов", "Морозова"}, {"Волков", "Волкова"}, {"Соловьёв", "Соловьёва"},
	{"Васильев", "Васильева"}, {"Зайцев", "Зайцева"}, {"Павлов", "Павлова"}, {"Семёнов", "Семёнова"},
	{"Голубев", "Голубева"}, {"Виноградов", "Виноградова"}, {"Богданов", "Богданова"}, {"Фёдоров", "Фёдорова"},
	{"Михайлов", "Михайлова"}, {"Беляев", "Беляева"}, {"Тарасов", "Тарасова"}, {"Белов", "Белова"},
	{"Комаров", "Комарова"}, {"Орлов", "Орлова"}, {"Киселёв", "Киселёва"}, {"Макаров", "Макарова"},
	{"Андреев", "Андреева"}, {"Ковалёв", "Ковалёва"}, {"Ильин", "Ильина"}, {"Гусев", "Гусева"}, {"Титов", "Титова"}}

// Latin nicknames some Telegram users set as @username (a number is appended).
var nicknames = []string{"baikal", "angara", "irk", "sibir", "taiga", "kedr", "omul", "nerpa", "listvyanka", "sayan"}

// adminPosts are the ids of the administration's wall posts (news, announcements) residents comment under.
var adminPosts = []int64{4812, 4815, 4819, 4823, 4826, 4830, 4834}

// tgTopic is a forum topic of the region's Telegram supergroup: the id of the message that created it (which is
// the topic's message_thread_id) and its name.
type tgTopic struct {
	id   int64
	name string
	icon int64
}

var tgTopics = []tgTopic{
	{id: 2, name: "ЖКХ и энергетика", icon: 7322096},
	{id: 3, name: "Дороги и транспорт", icon: 16766590},
	{id: 4, name: "Благоустройство и экология", icon: 13338331},
	{id: 5, name: "Другие вопросы", icon: 9367192},
}

// topicFor picks the forum topic a message about a subtopic is posted in.
func topicFor(subtopic string) tgTopic {
	switch prefix(subtopic) {
	case "zhkh", "energy":
		return tgTopics[0]
	case "roads", "transport":
		return tgTopics[1]
	case "blago", "waste", "ecology", "animals":
		return tgTopics[2]
	}
	return tgTopics[3]
}

func prefix(subtopic string) string {
	for i := 0; i < len(subtopic); i++ {
		if subtopic[i] == '.' {
			return subtopic[:i]
		}
	}
	return subtopic
}

// editSuffixes are what residents append when they come back and edit what they wrote.
var editSuffixes = []string{
	"\n\nUPD: до сих пор ничего не изменилось.",
	"\n\nДобавлю: звонили в диспетчерскую, там никто не отвечает.",
	"\n\nUPD: соседи тоже подтверждают, проблема у всего дома.",
	"\n\nИсправлено: пишу точнее, проблема со вчерашнего вечера.",
	"\n\nP.S. Фото могу прислать, если нужно.",
	"\n\nUPD: ответа пока нет, прошу не оставлять без внимания.",
}

// supergroupTitle is the title of the region's Telegram group with forum topics.
const supergroupTitle = "Обращения жителей Иркутской области"
