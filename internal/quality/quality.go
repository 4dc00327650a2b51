package quality

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/kljensen/snowball/russian"
)

// Kind is the kind of answer.
type Kind uint8

const (
	KindFinal   Kind = iota // the answer that closes the matter
	KindInterim             // an interim answer: what will be done and by when
)

// ParseKind reads «final»/«interim» (also Russian «итоговый»/«промежуточный»); anything else is final.
func ParseKind(s string) Kind {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "interim", "промежуточный", "промежуточный ответ", "i":
		return KindInterim
	}
	return KindFinal
}

func (k Kind) String() string {
	if k == KindInterim {
		return "interim"
	}
	return "final"
}

// Input is one answer with what is known about its incident.
type Input struct {
	Answer        string
	Kind          Kind
	Question      string        // the resident's message; optional
	Created       time.Time     // when the message arrived; optional
	Answered      time.Time     // the first public reaction; optional
	Deadline      time.Duration // deadline for the first reaction; zero means Config.Deadline
	ProofAttached bool          // photos or an act are attached
	ProofRequired bool          // the category requires proof
}

// Reason is one finding, with a stable machine code and a short Russian sentence for the official.
type Reason struct {
	Code string `json:"code"`
	Text string `json:"text"`
}

// Metrics are the raw figures behind the grades.
type Metrics struct {
	Words            int     `json:"words"`
	Sentences        int     `json:"sentences"`
	AvgSentence      float64 `json:"avg_sentence"`
	MaxSentence      int     `json:"max_sentence"`
	SyllablesPerWord float64 `json:"syllables_per_word"`
	ReadingEase      float64 `json:"reading_ease"` // Oborneva's Flesch adaptation, unclamped
	Bureaucratese    int     `json:"bureaucratese"`
	LegalRefs        int     `json:"legal_refs"`
	Done             int     `json:"done"`
	Planned          int     `json:"planned"`
	Findings         int     `json:"findings"`
	HasDate          bool    `json:"has_date"`
	ContentWords     int     `json:"content_words"`
	QuestionStems    int     `json:"question_stems"`
	SharedStems      int     `json:"shared_stems"`
}

// Grades is the result of Grade.
type Grades struct {
	Prompt             int      `json:"prompt"` // -1 when HasPrompt is false
	HasPrompt          bool     `json:"has_prompt"`
	Plain              int      `json:"plain"`
	Informative        int      `json:"informative"`
	Formal             bool     `json:"formal"`
	FormalReasons      []Reason `json:"formal_reasons,omitempty"`
	PromptReasons      []Reason `json:"prompt_reasons,omitempty"`
	PlainReasons       []Reason `json:"plain_reasons,omitempty"`
	InformativeReasons []Reason `json:"informative_reasons,omitempty"`
	Metrics            Metrics  `json:"metrics"`
}

// defaultLexicon is compiled once; it is read-only afterwards.
var defaultLexicon = mustLexicon()

func mustLexicon() *lexicon {
	lx, err := buildLexicon(lexSource)
	if err != nil {
		panic(err) // a malformed built-in table is a programming error caught by every test run
	}
	return lx
}

// Grader grades answers reusing its buffers; it is not safe for concurrent use. Use one per goroutine.
type Grader struct {
	cfg   Config
	a     text
	q     text
	cls   []class
	cov   []bool
	stems map[string]string // word → Snowball stem; words repeat a lot across answers

	noCache bool // a one-off Grader (the Grade function) does not cache stems
}

// maxStemCache bounds the per-Grader stem cache.
const maxStemCache = 1 << 16

// stem returns the Snowball stem of the lower-cased word w, cached.
func (g *Grader) stem(w string) string {
	if s, ok := g.stems[w]; ok {
		return s
	}
	s := russian.Stem(w, false)
	if g.noCache {
		return s
	}
	if g.stems == nil || len(g.stems) >= maxStemCache {
		g.stems = make(map[string]string, 1024)
	}
	g.stems[strings.Clone(w)] = s
	return s
}

// NewGrader returns a Grader with cfg.
func NewGrader(cfg Config) *Grader { return &Grader{cfg: cfg} }

// Grade grades one answer with cfg. It allocates fresh buffers; use a Grader to grade many.
func Grade(in Input, cfg Config) Grades {
	g := Grader{cfg: cfg, noCache: true}
	return g.Grade(in)
}

// feats are the features one pass over the answer collects.
type feats struct {
	words, syllables, maxSent, long                  int
	bureau, passive                                  int
	bureauLabels                                     [3]string
	nBureauLabels                                    int
	passiveLabels                                    [2]string
	nPassive                                         int
	genChains                                        int
	genExample                                       string
	legal, legalUnexplained                          int
	legalExample                                     string
	done, plan, finding, negDone                     int
	forward, vague, conditional, incompetent, recomm int
	forwardLabel, vagueLabel, condLabel, incompLabel string
	redirectOK                                       bool
	org, address, contact, proofMention              bool
	date, dateWeak                                   bool
	content                                          int
	qStems, shared                                   int
	sharedLabels                                     [3]string
	nShared                                          int
	qStemList                                        [24]string
}

// Grade grades one answer.
func (g *Grader) Grade(in Input) Grades {
	cfg := &g.cfg
	var out Grades
	var f feats
	tokenize(in.Answer, &g.a)
	g.match(&g.a)
	g.collect(in, &f)

	// Promptness.
	out.Prompt = -1
	if !in.Created.IsZero() && !in.Answered.IsZero() {
		out.Prompt, out.HasPrompt, out.PromptReasons = prompt(in, cfg)
	}

	// Plain language.
	out.Plain, out.PlainReasons = plain(&f, &g.a, cfg, &out.Metrics)

	// Informativeness and the formal flag.
	out.Informative, out.InformativeReasons = informative(in, &f, cfg)
	out.FormalReasons = formal(in, &f, cfg)
	out.Formal = len(out.FormalReasons) > 0

	m := &out.Metrics
	m.Done, m.Planned, m.Findings, m.HasDate = f.done, f.plan, f.finding, f.date || f.dateWeak
	m.ContentWords, m.QuestionStems, m.SharedStems = f.content, f.qStems, f.shared
	m.Bureaucratese, m.LegalRefs = f.bureau, f.legal
	return out
}

func prompt(in Input, cfg *Config) (int, bool, []Reason) {
	dl := in.Deadline
	if dl <= 0 {
		dl = cfg.Deadline
	}
	el := in.Answered.Sub(in.Created)
	if el < 0 {
		return -1, false, []Reason{{"prompt.bad_times", "Время ответа раньше времени обращения: проверьте даты"}}
	}
	r := float64(el) / float64(dl)
	var score float64
	switch {
	case r <= cfg.PromptFastShare:
		score = 100
	case r <= 1:
		score = 100 - (100-cfg.PromptAtDeadline)*(r-cfg.PromptFastShare)/(1-cfg.PromptFastShare)
	case r < cfg.PromptZeroAtShare:
		score = cfg.PromptAtDeadline * (cfg.PromptZeroAtShare - r) / (cfg.PromptZeroAtShare - 1)
	}
	var reasons []Reason
	switch {
	case r > 1:
		reasons = append(reasons, Reason{"prompt.late", fmt.Sprintf("Срок нарушен: первый ответ через %s при сроке %s — отвечайте хотя бы промежуточным ответом до срока", humanDur(el), humanDur(dl))})
	case r > cfg.PromptLateShare:
		reasons = append(reasons, Reason{"prompt.near_deadline", fmt.Sprintf("Ответ в последний момент: использовано %d%% срока — дайте промежуточный ответ раньше", int(r*100))})
	}
	return int(math.Round(score)), true, reasons
}

func humanDur(d time.Duration) string {
	h := d.Hours()
	if h < 1 {
		return fmt.Sprintf("%d мин", int(d.Minutes()))
	}
	if h < 72 {
		return fmt.Sprintf("%d ч", int(math.Round(h)))
	}
	return fmt.Sprintf("%d дн", int(math.Round(h/24)))
}

func clamp100(x float64) int {
	if x < 0 {
		return 0
	}
	if x > 100 {
		return 100
	}
	return int(math.Round(x))
}

func quoteList(labels []string) string {
	var b strings.Builder
	for i, l := range labels {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("«")
		b.WriteString(l)
		b.WriteString("»")
	}
	return b.String()
}

func plain(f *feats, t *text, cfg *Config, m *Metrics) (int, []Reason) {
	var reasons []Reason
	m.Words = f.words
	m.Sentences = t.sentences
	m.MaxSentence = f.maxSent
	if f.words == 0 {
		return 0, []Reason{{"plain.empty", "Ответ пуст: напишите, что сделано"}}
	}
	sents := t.sentences
	if sents == 0 {
		sents = 1
	}
	asl := float64(f.words) / float64(sents)
	asw := float64(f.syllables) / float64(f.words)
	fre := 206.835 - 1.3*asl - 60.1*asw
	m.AvgSentence, m.SyllablesPerWord, m.ReadingEase = round2(asl), round2(asw), round2(fre)

	pen := 0.0
	if fre < cfg.ReadabilityTarget {
		p := cfg.ReadabilityWeight * (cfg.ReadabilityTarget - math.Max(fre, 0)) / cfg.ReadabilityTarget
		pen += p
		if p >= cfg.ReadabilityWeight/3 {
			reasons = append(reasons, Reason{"plain.readability", fmt.Sprintf("Индекс удобочитаемости %d из 100: много длинных слов (в среднем %.1f слога) — замените простыми", clamp100(fre), asw)})
		}
	}
	if asl > cfg.TargetSentenceWords {
		pen += math.Min(20, (asl-cfg.TargetSentenceWords)*cfg.AvgSentencePenalty)
		reasons = append(reasons, Reason{"plain.avg_sentence", fmt.Sprintf("Средняя длина предложения %d слов — пишите короче, до %d", int(math.Round(asl)), int(cfg.TargetSentenceWords))})
	}
	if f.maxSent > cfg.LongSentenceWords {
		pen += math.Min(15, float64(f.long)*cfg.LongSentencePenalty)
		parts := (f.maxSent + 14) / 15
		if parts < 2 {
			parts = 2
		}
		reasons = append(reasons, Reason{"plain.long_sentence", fmt.Sprintf("Предложение из %d слов — разбейте на %d–%d", f.maxSent, parts, parts+1)})
	}
	if f.bureau > 0 {
		dens := float64(f.bureau) * 100 / float64(f.words)
		pen += math.Min(30, dens*cfg.BureauPer100Penalty)
		reasons = append(reasons, Reason{"plain.bureaucratese", "Канцеляризмы: " + quoteList(f.bureauLabels[:f.nBureauLabels]) + " — замените простыми словами"})
	}
	if f.legalUnexplained > 0 {
		pen += math.Min(20, float64(f.legalUnexplained)*cfg.LegalRefPenalty)
		reasons = append(reasons, Reason{"plain.legal_ref", "Ссылка на «" + f.legalExample + "» без пояснения — объясните своими словами, что это значит для жителя"})
	}
	if f.genChains > 0 {
		pen += math.Min(12, float64(f.genChains)*cfg.GenitiveChainPenalty)
		reasons = append(reasons, Reason{"plain.genitive_chain", "Цепочка слов в родительном падеже («" + f.genExample + "») — перестройте фразу"})
	}
	if share := float64(f.passive) / float64(f.words); share > cfg.PassiveShareThreshold {
		pen += math.Min(10, (share-cfg.PassiveShareThreshold)*100*cfg.PassivePenalty)
		reasons = append(reasons, Reason{"plain.passive", "Безличные обороты (" + quoteList(f.passiveLabels[:f.nPassive]) + ") — напишите, кто и что делает"})
	}
	return clamp100(100 - pen), reasons
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func informative(in Input, f *feats, cfg *Config) (int, []Reason) {
	var reasons []Reason
	pts := 0.0
	total := 100.0
	switch {
	case f.done > 0:
		pts += float64(cfg.PointsAction)
	case f.plan > 0 && f.conditional == 0:
		pts += float64(cfg.PointsAction) * cfg.PlannedShare
	case f.finding > 0:
		pts += float64(cfg.PointsAction) * cfg.PlannedShare
	default:
		reasons = append(reasons, Reason{"info.no_action", "Не сказано, что сделано или будет сделано: опишите конкретные работы"})
	}
	switch {
	case f.date:
		pts += float64(cfg.PointsDate)
	case f.dateWeak:
		pts += float64(cfg.PointsDate) / 2
		reasons = append(reasons, Reason{"info.loose_date", "Срок размыт («летом», «в текущем году»): назовите дату"})
	case f.done > 0 && in.Kind == KindFinal:
		pts += float64(cfg.PointsDate) / 2 // a finished job without its date is still an answer
		reasons = append(reasons, Reason{"info.no_done_date", "Не указано, когда выполнено: добавьте дату"})
	default:
		reasons = append(reasons, Reason{"info.no_date", "Нет срока: укажите, когда будет выполнено"})
	}
	if f.address {
		pts += float64(cfg.PointsPlace)
	} else {
		reasons = append(reasons, Reason{"info.no_place", "Не указано место: назовите адрес или участок"})
	}
	if f.org {
		pts += float64(cfg.PointsWho)
	} else {
		reasons = append(reasons, Reason{"info.no_responsible", "Не указан исполнитель: назовите организацию или ответственного"})
	}
	if f.contact {
		pts += float64(cfg.PointsContact)
	} else {
		reasons = append(reasons, Reason{"info.no_contact", "Нет контакта: дайте телефон или e-mail, куда обратиться"})
	}
	switch {
	case !in.ProofRequired:
		pts += float64(cfg.PointsProof)
	case in.ProofAttached || f.proofMention: // «Приложение: фотофиксация, акт» says the photos are attached
		pts += float64(cfg.PointsProof)
	default:
		reasons = append(reasons, Reason{"info.no_proof", "Нет подтверждения: для этой категории приложите фото выполненных работ"})
	}
	if f.qStems > 0 {
		target := cfg.RelevanceTarget
		if f.qStems < target {
			target = f.qStems
		}
		share := math.Min(1, float64(f.shared)/float64(target))
		pts += share * float64(cfg.PointsRelevance)
		if share < 0.5 {
			reasons = append(reasons, Reason{"info.low_relevance", "Ответ мало связан с вопросом: в нём почти нет слов из обращения — ответьте на то, о чём спрашивали"})
		}
	} else {
		total -= float64(cfg.PointsRelevance)
	}
	if f.conditional > 0 && f.done == 0 {
		reasons = append(reasons, Reason{"info.conditional", "Обещание с оговоркой («" + f.condLabel + "») — назовите срок или честно скажите, что работ не будет"})
	}
	score := pts * 100 / total
	if f.content < cfg.MinContentWords {
		score *= float64(f.content+1) / float64(cfg.MinContentWords+1)
		reasons = append(reasons, Reason{"info.too_short", "Слишком мало сути: ответ почти не содержит конкретных слов"})
	}
	return clamp100(score), reasons
}

func formal(in Input, f *feats, cfg *Config) []Reason {
	var rs []Reason
	substance := f.done > 0 || f.finding > 0
	anyDate := f.date || f.dateWeak
	if f.content < cfg.MinContentWords && !substance && !(f.plan > 0 && anyDate) {
		rs = append(rs, Reason{"formal.no_substance", "Вежливые слова без сути: в ответе нет конкретного содержания"})
	}
	if f.incompetent > 0 && !f.redirectOK {
		rs = append(rs, Reason{"formal.not_competent", "Сказано «" + f.incompLabel + "», но не сказано, кто отвечает за вопрос и как к нему обратиться"})
	}
	if f.recomm > 0 && !f.redirectOK && !substance {
		rs = append(rs, Reason{"formal.redirect_without_contact", "Житель отправлен «обратиться» без названия организации и контакта"})
	}
	if f.forward+f.vague > 0 && !substance && !(f.plan > 0 && f.date) && !f.redirectOK && !(f.org && f.contact) {
		label := f.forwardLabel
		if label == "" {
			label = f.vagueLabel
		}
		rs = append(rs, Reason{"formal.forward_only", "Только обещание («" + label + "»): сообщите, что именно сделано или будет сделано и когда"})
	}
	if f.conditional > 0 && f.done == 0 && !f.date {
		rs = append(rs, Reason{"formal.conditional", "Обещание с оговоркой («" + f.condLabel + "») без действия"})
	}
	if !substance && f.plan == 0 && !anyDate && !f.redirectOK && !(f.org && f.contact) && len(rs) == 0 {
		rs = append(rs, Reason{"formal.no_action_no_date", "Нет ни действия, ни срока: ответ не сообщает, что сделано или когда будет сделано"})
	}
	if cfg.FormalPlanWithoutDate && !substance && f.plan > 0 && !anyDate && !f.redirectOK && !(f.org && f.contact) && len(rs) == 0 {
		rs = append(rs, Reason{"formal.plan_without_date", "Обещано сделать, но не сказано когда: укажите срок"})
	}
	if f.qStems >= cfg.OffTopicMinStems && f.shared == 0 && !substance && !f.date && !f.address {
		rs = append(rs, Reason{"formal.off_topic", "Ответ не про то, о чём спрашивали: ни одного общего слова с обращением"})
	}
	return rs
}

// stemQuestion fills f.qStemList with the distinct stems of the question's content words.
func (g *Grader) stemQuestion(q string, f *feats) {
	tokenize(q, &g.q)
	for i := range g.q.toks {
		tk := &g.q.toks[i]
		if tk.kind != tokWord || tk.runes < 4 {
			continue
		}
		w := g.q.word(i)
		if stopwords[w] {
			continue
		}
		s := g.stem(w)
		dup := false
		for _, e := range f.qStemList[:f.qStems] {
			if e == s {
				dup = true
				break
			}
		}
		if !dup && f.qStems < len(f.qStemList) {
			f.qStemList[f.qStems] = s
			f.qStems++
		}
	}
}
