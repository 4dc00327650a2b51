package demo

// Roles of demo users (the same strings as model.Role).
const (
	RoleAdmin      = "admin"
	RoleOperator   = "operator"
	RoleModerator  = "moderator"
	RoleExecutor   = "executor"
	RoleSupervisor = "supervisor"
)

// User is a demo account. The password is chosen by the seeding code.
type User struct {
	Login     string
	Name      string
	Role      string // admin, operator, moderator, executor, supervisor
	Executor  string // executor code, for the executor role only
	Territory string // OKTMO code for a territorial supervisor; empty means the whole region
}

// Users returns the demo accounts: the centre's staff, executor staff of several organisations and
// supervisors of the region and of Irkutsk. The people are fictional. Each call returns a fresh slice.
func Users() []User {
	return []User{
		{Login: "admin", Name: "Администратор ЦУР", Role: RoleAdmin},
		{Login: "operator", Name: "Ирина Соколова, оператор ЦУР", Role: RoleOperator},
		{Login: "operator2", Name: "Денис Орлов, оператор ЦУР", Role: RoleOperator},
		{Login: "moderator", Name: "Марина Белова, модератор ЦУР", Role: RoleModerator},

		{Login: "uk.baikalsky", Name: "Сергей Павлов, диспетчер УК «Байкальский квартал»", Role: RoleExecutor, Executor: "uk-baikalsky"},
		{Login: "uk.angara", Name: "Ольга Кравец, УК «Ангара-Дом»", Role: RoleExecutor, Executor: "uk-angara-dom"},
		{Login: "school19", Name: "Наталья Гришина, заместитель директора школы № 19", Role: RoleExecutor, Executor: "school-irk-19"},
		{Login: "adm.irkutsk", Name: "Алексей Мельников, администрация Иркутска", Role: RoleExecutor, Executor: "adm-irkutsk"},
		{Login: "kgo.irkutsk", Name: "Виктор Лосев, комитет городского обустройства", Role: RoleExecutor, Executor: "irk-kgo"},
		{Login: "adm.bratsk", Name: "Татьяна Рябова, администрация Братска", Role: RoleExecutor, Executor: "adm-bratsk"},
		{Login: "vodokanal", Name: "Игорь Шестаков, диспетчерская водоканала", Role: RoleExecutor, Executor: "vodokanal-irk"},
		{Login: "rtneo", Name: "Елена Жукова, региональный оператор ТКО", Role: RoleExecutor, Executor: "rt-neo"},
		{Login: "minzdrav", Name: "Анна Федорова, министерство здравоохранения", Role: RoleExecutor, Executor: "min-health"},

		{Login: "curator", Name: "Павел Николаев, куратор региона", Role: RoleSupervisor},
		{Login: "curator.irkutsk", Name: "Юлия Васильева, куратор по Иркутску", Role: RoleSupervisor, Territory: okIrkutsk},
	}
}
