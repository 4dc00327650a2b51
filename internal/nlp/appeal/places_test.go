package appeal

import "testing"

func TestMaskPlaces(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"нет воды", "нет воды"},
		{"В Ангарске нет воды", "В нпункт нет воды"},
		{"Усолья-Сибирского и Иркутска", "нпункт и нпункт"},
		{"улица Ленина, Усть-Кут!", "улица Ленина, нпункт!"},
		{"Зима пришла", "Зима пришла"},
	}
	for _, c := range cases {
		if got := maskPlaces(c.in); got != c.want {
			t.Errorf("maskPlaces(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
