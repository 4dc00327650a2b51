package quality

import (
	"strings"
	"testing"
	"time"
)

func codesOf(rs []Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func has(rs []Reason, code string) bool {
	for _, r := range rs {
		if r.Code == code {
			return true
		}
	}
	return false
}

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := DefaultConfig()
	bad.PointsDate++
	if bad.Validate() == nil {
		t.Error("points not summing to 100 must be rejected")
	}
	bad = DefaultConfig()
	bad.Deadline = 0
	if bad.Validate() == nil {
		t.Error("zero deadline must be rejected")
	}
}

func TestLexiconBuilds(t *testing.T) {
	if _, err := buildLexicon(lexSource); err != nil {
		t.Fatal(err)
	}
	if _, err := buildLexicon(map[class][]string{clsBureau: {"в*"}}); err == nil {
		t.Error("a one-letter prefix must be rejected")
	}
	got := expand("выполнен{,а,о}")
	if strings.Join(got, " ") != "выполнен выполнена выполнено" {
		t.Errorf("expand = %v", got)
	}
}

func TestPromptCurve(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	cfg := DefaultConfig() // 24 h deadline
	cases := []struct {
		after time.Duration
		want  int
		code  string
	}{
		{0, 100, ""},
		{2 * time.Hour, 100, ""},                 // within 10 % of the deadline
		{12*time.Hour + 144*time.Minute, 72, ""}, // 0.6 of the deadline: 100 − 50·(0.6−0.1)/0.9
		{20 * time.Hour, 59, "prompt.near_deadline"},
		{24 * time.Hour, 50, "prompt.near_deadline"},
		{36 * time.Hour, 25, "prompt.late"},
		{48 * time.Hour, 0, "prompt.late"},
		{100 * time.Hour, 0, "prompt.late"},
	}
	for _, c := range cases {
		g := Grade(Input{Answer: "Лампу заменили.", Created: t0, Answered: t0.Add(c.after)}, cfg)
		if !g.HasPrompt || g.Prompt != c.want {
			t.Errorf("after %v: prompt %d (has %v), want %d", c.after, g.Prompt, g.HasPrompt, c.want)
		}
		if c.code != "" && !has(g.PromptReasons, c.code) {
			t.Errorf("after %v: reasons %v, want %s", c.after, codesOf(g.PromptReasons), c.code)
		}
		if c.code == "" && len(g.PromptReasons) > 0 {
			t.Errorf("after %v: unexpected reasons %v", c.after, codesOf(g.PromptReasons))
		}
	}
	// an explicit per-incident deadline overrides the default
	g := Grade(Input{Answer: "x", Created: t0, Answered: t0.Add(72 * time.Hour), Deadline: 8 * 24 * time.Hour}, cfg)
	if g.Prompt < 80 {
		t.Errorf("3 days of an 8-day deadline: prompt %d, want ≥ 80", g.Prompt)
	}
	if g := Grade(Input{Answer: "x"}, cfg); g.HasPrompt || g.Prompt != -1 {
		t.Errorf("no times: prompt %d has %v, want -1 false", g.Prompt, g.HasPrompt)
	}
	if g := Grade(Input{Answer: "x", Created: t0, Answered: t0.Add(-time.Hour)}, cfg); g.HasPrompt || !has(g.PromptReasons, "prompt.bad_times") {
		t.Errorf("answer before message: %+v", g)
	}
}

// TestReasons makes every reason code fire on a text written for it.
func TestReasons(t *testing.T) {
	cases := []struct {
		name, code string
		in         Input
	}{
		{"empty", "plain.empty", Input{Answer: "  "}},
		{"readability", "plain.readability", Input{Answer: "Эксплуатационная неудовлетворительность ограждающих конструкций многоквартирного домовладения зафиксирована."}},
		{"avg sentence", "plain.avg_sentence", Input{Answer: "Мы сегодня утром вместе с мастером и двумя рабочими пришли во двор вашего дома и долго смотрели на старые качели возле песочницы у подъезда."}},
		{"long sentence", "plain.long_sentence", Input{Answer: "Лампу заменили. Мастер пришёл утром, посмотрел щиток, нашёл сгоревший автомат, поменял его на новый, проверил все лампы на всех этажах, заменил две лампы на третьем и пятом этаже и закрыл щиток на замок, чтобы дети не открывали его снова."}},
		{"bureaucratese", "plain.bureaucratese", Input{Answer: "В целях устранения замечаний в рамках договора осуществляется уборка данного двора."}},
		{"legal ref", "plain.legal_ref", Input{Answer: "Согласно ст. 12 ФЗ-59 срок ответа — 30 дней."}},
		{"genitive chain", "plain.genitive_chain", Input{Answer: "Проведена проверка соблюдения требований законодательства обеспечения безопасности."}},
		{"passive", "plain.passive", Input{Answer: "Уборка производится, вывоз осуществляется, ремонт выполняется, покраска проводится."}},
		{"no action", "info.no_action", Input{Answer: "Двор большой, в нём много машин."}},
		{"loose date", "info.loose_date", Input{Answer: "Качели заменят летом."}},
		{"no done date", "info.no_done_date", Input{Answer: "Качели во дворе дома 5 заменили."}},
		{"no date", "info.no_date", Input{Answer: "Качели заменят.", Kind: KindInterim}},
		{"no place", "info.no_place", Input{Answer: "Качели заменили 5 мая."}},
		{"no responsible", "info.no_responsible", Input{Answer: "Качели заменили 5 мая."}},
		{"no contact", "info.no_contact", Input{Answer: "Качели заменили 5 мая."}},
		{"no proof", "info.no_proof", Input{Answer: "Качели заменили 5 мая.", ProofRequired: true}},
		{"low relevance", "info.low_relevance", Input{Answer: "Качели заменили 5 мая.", Question: "Не работает лифт в подъезде"}},
		{"conditional info", "info.conditional", Input{Answer: "Ремонт выполним при наличии финансирования."}},
		{"too short", "info.too_short", Input{Answer: "Сделано."}},
		{"no substance", "formal.no_substance", Input{Answer: "Уважаемый пользователь! Благодарим за обращение. Спасибо!"}},
		{"not competent", "formal.not_competent", Input{Answer: "Вопрос не входит в компетенцию администрации района."}},
		{"redirect without contact", "formal.redirect_without_contact", Input{Answer: "По этому вопросу вам следует обратиться в надлежащие органы."}},
		{"forward only", "formal.forward_only", Input{Answer: "Ваше обращение направлено в управляющую организацию для рассмотрения."}},
		{"conditional", "formal.conditional", Input{Answer: "Установка скамеек будет рассмотрена при наличии финансирования."}},
		{"no action no date", "formal.no_action_no_date", Input{Answer: "Содержание общего имущества регулируется жилищным законодательством и договорами управления домами."}},
		{"plan without date", "formal.plan_without_date", Input{Answer: "Ремонт подъезда и замена старых почтовых ящиков запланированы управляющей организацией."}},
		{"off topic", "formal.off_topic", Input{Answer: "Школьные каникулы начинаются согласно календарю учебного года.", Question: "Во дворе сломаны качели, карусель и горка"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := Grade(c.in, DefaultConfig())
			all := append(append(append([]Reason{}, g.PlainReasons...), g.InformativeReasons...), g.FormalReasons...)
			if !has(all, c.code) {
				t.Errorf("%q: want %s, got %v", c.in.Answer, c.code, codesOf(all))
			}
			if strings.HasPrefix(c.code, "formal.") != false && !g.Formal {
				t.Errorf("%q: reason %s but not flagged formal", c.in.Answer, c.code)
			}
			for _, r := range all {
				if r.Text == "" || r.Code == "" {
					t.Errorf("empty reason %+v", r)
				}
			}
		})
	}
}

func TestReasonTexts(t *testing.T) {
	g := Grade(Input{Answer: "В соответствии с п. 3.2 постановления № 1234 в целях обеспечения безопасности осуществляется проведение работ по уборке. Согласно ст. 12 ФЗ-59 срок ответа 30 дней."}, DefaultConfig())
	var legal, bureau string
	for _, r := range g.PlainReasons {
		switch r.Code {
		case "plain.legal_ref":
			legal = r.Text
		case "plain.bureaucratese":
			bureau = r.Text
		}
	}
	if !strings.Contains(legal, "«п. 3.2 постановления № 1234»") {
		t.Errorf("legal reason quotes the reference: %q", legal)
	}
	if !strings.Contains(bureau, "«в соответствии с»") || !strings.Contains(bureau, "«в целях") {
		t.Errorf("bureaucratese reason lists the phrases: %q", bureau)
	}
	if g.Metrics.LegalRefs != 2 {
		t.Errorf("legal refs = %d, want 2", g.Metrics.LegalRefs)
	}
	long := Grade(Input{Answer: strings.Repeat("слово ", 42) + "."}, DefaultConfig())
	if !has(long.PlainReasons, "plain.long_sentence") || !strings.Contains(reasonText(long.PlainReasons, "plain.long_sentence"), "42 слов") {
		t.Errorf("long sentence reason: %v", long.PlainReasons)
	}
}

func reasonText(rs []Reason, code string) string {
	for _, r := range rs {
		if r.Code == code {
			return r.Text
		}
	}
	return ""
}

func TestExplainedLegalRefNotFlagged(t *testing.T) {
	g := Grade(Input{Answer: "По ст. 161 ЖК РФ, то есть по закону, двор убирает управляющая компания."}, DefaultConfig())
	if has(g.PlainReasons, "plain.legal_ref") {
		t.Errorf("an explained reference is flagged: %v", g.PlainReasons)
	}
	if g.Metrics.LegalRefs != 1 {
		t.Errorf("legal refs = %d, want 1", g.Metrics.LegalRefs)
	}
}

func TestGoodAnswerScoresHigh(t *testing.T) {
	in := Input{
		Question:      "В подъезде не горит свет на третьем этаже",
		Answer:        "Свет на третьем этаже подъезда 2 дома 14 по ул. Садовой починили 12 марта: электрик заменил лампу. Работы выполнила управляющая компания ООО «Уют». Если свет погаснет, звоните диспетчеру: 8 (3952) 20-14-14.",
		ProofRequired: true, ProofAttached: true,
	}
	g := Grade(in, DefaultConfig())
	if g.Formal || g.Informative < 90 || g.Plain < 60 {
		t.Errorf("good answer: formal %v informative %d plain %d; reasons %v %v", g.Formal, g.Informative, g.Plain, codesOf(g.InformativeReasons), codesOf(g.PlainReasons))
	}
	bad := Grade(Input{Question: in.Question, Answer: "Ваше обращение направлено в соответствующую организацию для рассмотрения и принятия мер в установленном порядке."}, DefaultConfig())
	if !bad.Formal || bad.Informative >= g.Informative-40 || bad.Plain >= g.Plain {
		t.Errorf("formal answer: formal %v informative %d plain %d", bad.Formal, bad.Informative, bad.Plain)
	}
}

func TestActionContext(t *testing.T) {
	cases := []struct {
		answer     string
		done, plan int
		formal     bool
	}{
		{"Лампу заменили 5 мая.", 1, 0, false},
		{"Лампа будет заменена до 5 мая.", 0, 1, false},
		{"Лампа не заменена.", 0, 0, true},
		{"Необходимо заменить лампу.", 0, 0, true},
	}
	for _, c := range cases {
		g := Grade(Input{Answer: c.answer}, DefaultConfig())
		if g.Metrics.Done != c.done || g.Metrics.Planned != c.plan || g.Formal != c.formal {
			t.Errorf("%q: done %d plan %d formal %v, want %d %d %v", c.answer, g.Metrics.Done, g.Metrics.Planned, g.Formal, c.done, c.plan, c.formal)
		}
	}
}

func TestTokenizeSentences(t *testing.T) {
	cases := []struct {
		s     string
		sents int
		words int
	}{
		{"Дом 5 по ул. Ленина, д. 3. Всё сделано!", 2, 9},
		{"Работы выполнены 10.11.2026. Акт приложен.", 2, 5},
		{"Уважаемый пользователь!\nЛампу заменили", 2, 4},
		{"Ответственный — И. И. Иванов. Тел. 20-14-14.", 2, 6},
		{"", 0, 0},
	}
	for _, c := range cases {
		var tx text
		tokenize(c.s, &tx)
		words := 0
		for _, tk := range tx.toks {
			if tk.kind != tokSign {
				words++
			}
		}
		if tx.sentences != c.sents || words != c.words {
			t.Errorf("%q: %d sentences %d words, want %d %d", c.s, tx.sentences, words, c.sents, c.words)
		}
	}
}

func TestDates(t *testing.T) {
	cases := []struct {
		answer string
		date   bool
	}{
		{"Сделаем до 15 декабря.", true},
		{"Сделаем в течение 3 дней.", true},
		{"Сделаем 10.11.2026.", true},
		{"Сделаем в 10:00.", true},
		{"Сделаем весной.", true}, // loose, still a date for HasDate
		{"Сделаем по постановлению от 06.10.2016 № 875.", false},
		{"Сделаем обязательно.", false},
	}
	for _, c := range cases {
		g := Grade(Input{Answer: c.answer}, DefaultConfig())
		if g.Metrics.HasDate != c.date {
			t.Errorf("%q: has date %v, want %v", c.answer, g.Metrics.HasDate, c.date)
		}
	}
}

func TestGraderReuseMatchesGrade(t *testing.T) {
	rows := loadLabelled(t)
	g := NewGrader(DefaultConfig())
	for _, r := range rows {
		in := Input{Answer: r.answer, Question: r.question, Kind: r.kind}
		a, b := g.Grade(in), Grade(in, DefaultConfig())
		if a.Plain != b.Plain || a.Informative != b.Informative || a.Formal != b.Formal {
			t.Fatalf("id %d: reused grader differs: %d/%d/%v vs %d/%d/%v", r.id, a.Plain, a.Informative, a.Formal, b.Plain, b.Informative, b.Formal)
		}
	}
}

func FuzzGrade(f *testing.F) {
	for _, s := range []string{"", "Лампу заменили 5 мая.", "ст. 12 ФЗ-59 №", "д. 5 по ул.", "10.11.2026 10:00 +7 (812) 123-45-67 a@b.ru", "«»—…!?\n\n\x00\xff"} {
		f.Add(s, "вопрос про лампу", uint8(0))
	}
	f.Fuzz(func(t *testing.T, answer, question string, kind uint8) {
		g := Grade(Input{Answer: answer, Question: question, Kind: Kind(kind % 2)}, DefaultConfig())
		for _, v := range []int{g.Plain, g.Informative} {
			if v < 0 || v > 100 {
				t.Fatalf("grade %d out of range for %q", v, answer)
			}
		}
		if g.Formal != (len(g.FormalReasons) > 0) {
			t.Fatalf("formal %v with reasons %v", g.Formal, g.FormalReasons)
		}
		if g.HasPrompt {
			t.Fatal("prompt without times")
		}
	})
}
