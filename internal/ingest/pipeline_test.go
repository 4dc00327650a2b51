package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp/analyze"
	"github.com/otklik/otklik/internal/nlp/appeal"
	"github.com/otklik/otklik/internal/nlp/geo"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

func realAnalyzer(t testing.TB) *analyze.Analyzer {
	t.Helper()
	det, err := appeal.Default()
	if err != nil {
		t.Fatal(err)
	}
	an, err := analyze.New(analyze.Config{Detector: det, Gazetteer: geo.IrkutskGazetteer(), Urgency: analyze.Urgency})
	if err != nil {
		t.Fatal(err)
	}
	return an
}

type fixture struct {
	st   *store.Store
	svc  *workflow.Service
	now  time.Time
	uk   int64
	elec int64
}

func setup(t testing.TB, st *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: st, now: time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)}
	region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ter := range []model.Territory{
		{RegionID: region, OKTMO: "25701000", Name: "город Иркутск", Kind: "urban_okrug"},
		{RegionID: region, OKTMO: "25714000", Name: "город Братск", Kind: "urban_okrug"},
		{RegionID: region, OKTMO: "25703000", Name: "Ангарский городской округ", Kind: "urban_okrug"},
	} {
		if _, err := st.PutTerritory(ctx, ter); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []model.Category{
		{Code: "energy.power_outage", ParentCode: "energy", Name: "Отключение электроэнергии", DefaultPriority: model.PriorityHigh},
		{Code: "zhkh.heating", ParentCode: "zhkh", Name: "Отопление", DefaultPriority: model.PriorityNormal},
		{Code: "roads.potholes", ParentCode: "roads", Name: "Ямы", DefaultPriority: model.PriorityNormal},
	} {
		c.ReactionHours, c.UrgentReactionHours, c.ResolutionWorkingDays = 24, 4, 7
		if _, err := st.PutCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if f.uk, err = st.PutExecutor(ctx, model.Executor{Code: "uk-1", Name: "УК Первая", Kind: "uk", Territories: []string{"25701000"}}); err != nil {
		t.Fatal(err)
	}
	if f.elec, err = st.PutExecutor(ctx, model.Executor{Code: "iesk", Name: "ИЭСК", Kind: "utility"}); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceRoutingRules(ctx, []store.RoutingRule{{Position: 10, Category: "energy", Executor: "iesk"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutBuildings(ctx, []store.Building{{Address: "ул. Байкальская, 236", Key: "байкальск 236", Territory: "25701000", Executor: "uk-1"}}); err != nil {
		t.Fatal(err)
	}
	f.svc = workflow.New(st, workflow.WithClock(func() time.Time { return f.now }))
	return f
}

func msg(id, author, text, category, territory string, at time.Time) model.Message {
	return model.Message{Source: "vk", ExternalID: id, AuthorID: author, Text: text, Category: category, Territory: territory, PostedAt: at}
}

func TestPipeline(t *testing.T) {
	an := realAnalyzer(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		p := New(f.svc, an, Config{}, nil)
		at := f.now.Add(-time.Hour)
		// A mass outage: four residents about one problem, one about another town, one about a different house.
		batch := []model.Message{
			msg("1", "a1", "Энергетик, света нет уже три часа, когда включат электричество? Примите меры", "energy.power_outage", "25714000", at),
			msg("2", "a2", "На Энергетике нет света и электричества третий час, когда включат? Примите меры", "energy.power_outage", "25714000", at.Add(5*time.Minute)),
			msg("3", "a3", "Почему на Энергетике опять нет света? Дети дома без электричества, разберитесь", "energy.power_outage", "25714000", at.Add(9*time.Minute)),
			msg("4", "a4", "В Ангарске нет света в 7 микрорайоне, когда дадут электричество?", "energy.power_outage", "25703000", at.Add(10*time.Minute)),
			msg("5", "a5", "Уже неделю не работает отопление, батареи холодные, ул. Байкальская, 236", "zhkh.heating", "25701000", at),
			msg("6", "a6", "Холодные батареи, отопление не работает, ул. Лермонтова, 83", "zhkh.heating", "25701000", at),
		}
		res, err := p.Ingest(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res[1].IncidentID != res[0].IncidentID || res[2].IncidentID != res[0].IncidentID {
			t.Errorf("the outage did not merge: %+v", res[:3])
		}
		if res[3].IncidentID == res[0].IncidentID || res[4].IncidentID == res[5].IncidentID {
			t.Errorf("different places merged: %+v", res)
		}
		outage, _ := st.Incident(ctx, res[0].IncidentID)
		if outage.MessageCount != 3 || outage.Status != model.StatusAssigned || outage.ExecutorCode != "iesk" {
			t.Errorf("outage incident: %d messages, %s, %q", outage.MessageCount, outage.Status, outage.ExecutorCode)
		}
		house, _ := st.Incident(ctx, res[4].IncidentID)
		if house.Status != model.StatusAssigned || house.ExecutorCode != "uk-1" {
			t.Errorf("the house at a registry address went to %q (%s)", house.ExecutorCode, house.Status)
		}
		// A later message about the outage joins the stored incident (across batches).
		res2, err := p.Ingest(ctx, []model.Message{msg("7", "a7", "На Энергетике так и нет света, электричества нет", "energy.power_outage", "25714000", f.now)})
		if err != nil {
			t.Fatal(err)
		}
		if res2[0].IncidentID != res[0].IncidentID {
			t.Errorf("a later message opened %s instead of joining %s", res2[0].Number, res[0].Number)
		}
		// Re-delivery and repetition.
		res3, err := p.Ingest(ctx, []model.Message{
			msg("1", "a1", "Энергетик, света нет уже три часа, когда включат электричество? Примите меры", "energy.power_outage", "25714000", at),
			msg("8", "a6", "холодные  батареи, отопление не работает, ул. Лермонтова, 83", "zhkh.heating", "25701000", at),
		})
		if err != nil {
			t.Fatal(err)
		}
		if !res3[0].Duplicate || !res3[1].Repeat || res3[1].IncidentID != res[5].IncidentID {
			t.Errorf("re-delivery %+v", res3)
		}
		if n, _ := st.CountRows(ctx, "messages"); n != 7 {
			t.Errorf("%d messages stored, want 7", n)
		}
		// An edit updates the stored text.
		edited := msg("5", "a5", "Уже неделю не работает отопление, ул. Байкальская, 236, кв. 12", "zhkh.heating", "25701000", at)
		edited.Edited = true
		res4, err := p.Ingest(ctx, []model.Message{edited})
		if err != nil || !res4[0].Edited {
			t.Fatalf("edit: %+v, %v", res4, err)
		}
		m, _ := st.Message(ctx, "vk", "5")
		if m.Text != edited.Text {
			t.Errorf("edited text not stored: %q", m.Text)
		}
		// Chatter is rejected automatically, with the reason kept.
		res5, err := p.Ingest(ctx, []model.Message{msg("9", "a9", "Всем доброе утро! Какая красивая сегодня погода, солнце и снег", "", "", f.now)})
		if err != nil {
			t.Fatal(err)
		}
		chat, _ := st.Incident(ctx, res5[0].IncidentID)
		if chat.Status != model.StatusRejected || chat.RejectReason == "" || chat.DueAt != nil {
			t.Errorf("chatter: %s %q", chat.Status, chat.RejectReason)
		}
	})
}

func TestBadMessageStoresNothing(t *testing.T) {
	st := storetest.OpenSQLite(t)
	f := setup(t, st)
	p := New(f.svc, nil, Config{}, nil)
	_, err := p.Ingest(context.Background(), []model.Message{
		msg("1", "a", "Нормальное сообщение", "", "", f.now),
		msg("2", "a", "", "", "", f.now),
	})
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != "text" {
		t.Fatalf("err = %v", err)
	}
	if n, _ := st.CountRows(context.Background(), "messages"); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
}

func TestQueueBoundsAndDurability(t *testing.T) {
	st := storetest.OpenSQLiteFile(t)
	f := setup(t, st)
	p := New(f.svc, nil, Config{QueueSize: 4, BatchSize: 3}, nil)
	ctx := context.Background()
	// Without Run, the queue fills and refuses more instead of blocking or dropping.
	var wg sync.WaitGroup
	results := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results <- p.Accept(ctx, []model.Message{msg(fmt.Sprint(i), "", "Яма на дороге у дома", "", "", f.now)})
		}(i)
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.Queued() < 4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := p.Accept(ctx, []model.Message{msg("x", "", "Ещё одна яма", "", "", f.now)}); !errors.Is(err, ErrOverloaded) {
		t.Fatalf("a full queue answered %v", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(runCtx); close(done) }()
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Acknowledged means stored.
	if n, _ := st.CountRows(ctx, "messages"); n != 4 {
		t.Fatalf("%d messages stored after 4 acknowledgements", n)
	}
	stop()
	<-done
	if err := p.Accept(ctx, []model.Message{msg("y", "", "После остановки", "", "", f.now)}); !errors.Is(err, ErrOverloaded) {
		t.Fatalf("a stopped pipeline answered %v", err)
	}
}

// TestBadRequestAloneIsRefused: requests from several senders are written together, yet one sender's invalid
// message fails only that sender's request, and its valid messages are not stored either.
func TestBadRequestAloneIsRefused(t *testing.T) {
	st := storetest.OpenSQLite(t)
	f := setup(t, st)
	p := New(f.svc, nil, Config{}, nil)
	ctx := context.Background()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(runCtx); close(done) }()
	defer func() { stop(); <-done }()
	var wg sync.WaitGroup
	var goodErr, badErr error
	var goodRes []store.IngestResult
	wg.Add(2)
	go func() {
		defer wg.Done()
		goodRes, goodErr = p.Submit(ctx, []model.Message{msg("g1", "a", "Яма на дороге у дома 3", "", "", f.now)})
	}()
	go func() {
		defer wg.Done()
		_, badErr = p.Submit(ctx, []model.Message{msg("b1", "b", "Нормальный текст", "", "", f.now), msg("b2", "b", "x", "", "99999999", f.now)})
	}()
	wg.Wait()
	var fe *model.FieldError
	if !errors.As(badErr, &fe) || fe.Field != "territory" {
		t.Fatalf("the bad request got %v", badErr)
	}
	if goodErr != nil || len(goodRes) != 1 || goodRes[0].MessageID == 0 {
		t.Fatalf("the good request got %+v, %v", goodRes, goodErr)
	}
	if n, _ := st.CountRows(ctx, "messages"); n != 1 {
		t.Fatalf("%d messages stored, want the good one only", n)
	}
	if p.Queued() != 0 {
		t.Fatalf("%d messages still counted as queued", p.Queued())
	}
}

// gatedAnalyzer holds every analysis until its gate opens.
type gatedAnalyzer struct {
	started chan struct{}
	gate    chan struct{}
}

func (g gatedAnalyzer) Analyze(text string) analyze.Analysis {
	g.started <- struct{}{}
	<-g.gate
	return analyze.Analysis{Kind: "appeal", KindP: 0.99}
}

// TestStopWaitsForReaders: a sender accepted before the pipeline stops, still reading its texts when the stop
// comes, gets its messages written (and its acknowledgement) before Run returns.
func TestStopWaitsForReaders(t *testing.T) {
	st := storetest.OpenSQLite(t)
	f := setup(t, st)
	g := gatedAnalyzer{started: make(chan struct{}, 1), gate: make(chan struct{})}
	p := New(f.svc, g, Config{}, nil)
	ctx := context.Background()
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { p.Run(runCtx); close(ran) }()
	submitted := make(chan error, 1)
	go func() {
		_, err := p.Submit(ctx, []model.Message{msg("late-1", "a", "Яма у дома 7", "", "", f.now)})
		submitted <- err
	}()
	<-g.started // the sender is reading
	stop()
	time.Sleep(20 * time.Millisecond) // let Run see the stop while the sender still reads
	close(g.gate)
	select {
	case err := <-submitted:
		if err != nil {
			t.Fatalf("the sender got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a sender accepted before the stop was never answered")
	}
	<-ran
	if n, _ := st.CountRows(ctx, "messages"); n != 1 {
		t.Fatalf("%d messages stored", n)
	}
}

// TestReceptionOpensItsOwn: an appeal to the internet reception is registered on its own — with its own number
// and legal term — even when it is about an open incident's problem; a VK comment about the same problem still
// joins the reception's incident.
func TestReceptionOpensItsOwn(t *testing.T) {
	an := realAnalyzer(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		p := New(f.svc, an, Config{}, nil)
		at := f.now.Add(-time.Hour)
		text := "На Энергетике нет света и электричества третий час, когда включат? Примите меры"
		first, err := p.Ingest(ctx, []model.Message{msg("1", "a1", text, "energy.power_outage", "25714000", at)})
		if err != nil {
			t.Fatal(err)
		}
		rec := msg("r1", "", "Энергетик, света нет уже три часа, когда включат электричество? Примите меры", "energy.power_outage", "25714000", at.Add(5*time.Minute))
		rec.Source = model.ReceptionSource
		later := msg("2", "a2", "Почему на Энергетике опять нет света и электричества? Примите меры", "energy.power_outage", "25714000", at.Add(9*time.Minute))
		res, err := p.Ingest(ctx, []model.Message{rec, later})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].IncidentID == first[0].IncidentID {
			t.Fatalf("the reception appeal joined %s", first[0].Number)
		}
		got, err := st.Incident(ctx, res[0].IncidentID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LegalDue == nil || got.MessageCount != 1 {
			t.Fatalf("the reception appeal's incident: term %v, %d messages", got.LegalDue, got.MessageCount)
		}
		if res[1].IncidentID != first[0].IncidentID && res[1].IncidentID != res[0].IncidentID {
			t.Errorf("the VK comment opened its own incident %s", res[1].Number)
		}
	})
}

// TestTerritoryFromAddressField: a message whose text names no place takes its territory from its address field.
func TestTerritoryFromAddressField(t *testing.T) {
	an := realAnalyzer(t)
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	f := setup(t, st)
	p := New(f.svc, an, Config{}, nil)
	m := msg("o1", "a1", "Не горит фонарь во дворе, темно и опасно ходить вечером", "", "", f.now)
	m.Source, m.Address = model.Open311Source, "г. Братск, ул. Мира, 12"
	inc := ingestOne(t, p, st, m)
	refs, err := f.svc.Refs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ter, ok := refs.TerritoryByID(inc.TerritoryID); !ok || ter.OKTMO != "25714000" {
		t.Fatalf("territory %d (%+v), want Bratsk", inc.TerritoryID, ter)
	}
}

// TestDirectSourcesNotAutoRejected: a message the detector is sure is chatter is rejected automatically when it
// comes from a public stream, but an appeal written to the reception or through Open311 waits for an operator.
func TestDirectSourcesNotAutoRejected(t *testing.T) {
	an := realAnalyzer(t)
	st := storetest.OpenSQLite(t)
	f := setup(t, st)
	p := New(f.svc, an, Config{}, nil)
	const chatter = "Всем доброе утро! Какая красивая сегодня погода, солнце и снег"
	for _, c := range []struct {
		source string
		want   model.Status
	}{{"vk", model.StatusRejected}, {model.ReceptionSource, model.StatusNew}, {model.Open311Source, model.StatusNew}} {
		m := msg("c-"+c.source, "a-"+c.source, chatter, "", "", f.now)
		m.Source = c.source
		inc := ingestOne(t, p, st, m)
		if inc.Status != c.want {
			t.Errorf("%s: %s, want %s", c.source, inc.Status, c.want)
		}
	}
}

// TestChosenTerritoryKept: the territory a resident chose in the reception's form stays even when the text names
// another place; a social network source's default territory gives way to the place the text names.
func TestChosenTerritoryKept(t *testing.T) {
	an := realAnalyzer(t)
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	f := setup(t, st)
	p := New(f.svc, an, Config{}, nil)
	refs, err := f.svc.Refs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const text = "В Братске на улице Мира третий день не горят фонари, темно и опасно"
	for _, c := range []struct {
		source, want string
	}{{model.ReceptionSource, "25703000"}, {"vk", "25714000"}} {
		m := msg("t-"+c.source, "a-"+c.source, text, "", "25703000", f.now)
		m.Source = c.source
		inc := ingestOne(t, p, st, m)
		if ter, ok := refs.TerritoryByID(inc.TerritoryID); !ok || ter.OKTMO != c.want {
			t.Errorf("%s: territory %+v, want %s", c.source, ter, c.want)
		}
	}
}

// ingestOne ingests one message and returns the incident it went to.
func ingestOne(t *testing.T, p *Pipeline, st *store.Store, m model.Message) model.Incident {
	t.Helper()
	ctx := context.Background()
	res, err := p.Ingest(ctx, []model.Message{m})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := st.Incident(ctx, res[0].IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}
