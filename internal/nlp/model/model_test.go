package model

import (
	"slices"
	"testing"
)

func TestBaseLoadsAllSubtopics(t *testing.T) {
	m, err := Base()
	if err != nil {
		t.Fatal(err)
	}
	got := m.Labels()
	want := slices.Clone(Subtopics)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("labels %v\nwant %v", got, want)
	}
}

// TestBasePredicts checks texts written for this test (not the seed
// phrases) across topics: the top-3 subtopics must contain the expected
// one, and the topic of the best must match.
func TestBasePredicts(t *testing.T) {
	m, err := Base()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"Третий день в квартире холодные батареи, отопления нет", "zhkh.heating"},
		{"В подъезде грязь, уборщица не приходит", "zhkh.stairwell"},
		{"Лифт опять сломался, бабушка не может спуститься", "zhkh.elevator"},
		{"На дороге огромные ямы, машины ломаются", "roads.potholes"},
		{"Во дворе бродячие собаки бросаются на людей", "animals.stray"},
		{"Не можем записаться к терапевту в поликлинику", "health.polyclinic"},
		{"Скорая помощь не приехала к больному отцу", "health.ambulance"},
		{"Автобус снова не пришел по расписанию", "transport.schedule"},
		{"Нет мест в детском саду для сына", "education.kindergarten"},
		{"У нас в деревне вообще не ловит мобильная связь", "telecom.internet_mobile"},
		{"Мусор не вывозят уже две недели, баки переполнены", "waste.collection"},
		{"Пахнет газом возле дома", "energy.gas"},
		{"Вторые сутки нет света на улице Лесной", "energy.power_outage"},
		{"Горит трава рядом с домами", "safety.fire"},
		{"Исписали граффити стену дома", "blago.graffiti"},
	}
	for _, tt := range tests {
		preds := m.Predict(tt.text, 3)
		found := false
		for _, p := range preds {
			found = found || p.Label == tt.want
		}
		if !found || Topic(preds[0].Label) != Topic(tt.want) {
			t.Errorf("%q: top-3 %v, want %s", tt.text, preds, tt.want)
		}
	}
}

func TestTopic(t *testing.T) {
	if Topic("zhkh.heating") != "zhkh" || Topic("other") != "other" {
		t.Error("Topic")
	}
}

func BenchmarkBasePredict(b *testing.B) {
	m, err := Base()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Predict("Во дворе дома третий день не вывозят мусор, контейнеры переполнены", 3)
	}
}
