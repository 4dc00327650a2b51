package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

type fixture struct {
	region     int64
	terA, terB int64
	catHeat    int64
	catRoads   int64
	topicZhkh  int64
	exA, exB   int64
	base       time.Time
}

func seed(t *testing.T, st *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	var err error
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.region = must(st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk", Calendar: model.Calendar{Mode: "working"}}))
	f.terA = must(st.PutTerritory(ctx, model.Territory{RegionID: f.region, OKTMO: "25701000", Name: "город Иркутск", Kind: "urban_okrug", Variants: []string{"Иркутске"}}))
	f.terB = must(st.PutTerritory(ctx, model.Territory{RegionID: f.region, OKTMO: "25703000", Name: "Ангарский городской округ", Kind: "urban_okrug"}))
	f.topicZhkh = must(st.PutCategory(ctx, model.Category{Code: "zhkh", Name: "ЖКХ", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal}))
	f.catHeat = must(st.PutCategory(ctx, model.Category{Code: "zhkh.heating", ParentCode: "zhkh", Name: "Отопление", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityHigh}))
	f.catRoads = must(st.PutCategory(ctx, model.Category{Code: "roads.potholes", ParentCode: "roads", Name: "Ямы", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 20, DefaultPriority: model.PriorityNormal, RequiresProof: true}))
	f.exA = must(st.PutExecutor(ctx, model.Executor{Code: "uk-a", Name: "УК А", Kind: "uk", Territories: []string{"25701000"}, Categories: []string{"zhkh"}}))
	f.exB = must(st.PutExecutor(ctx, model.Executor{Code: "adm-b", Name: "Администрация Б", Kind: "omsu", Territories: []string{"25703000", "25703000"}, Categories: []string{"roads", "zhkh"}}))
	f.base, err = time.Parse(time.RFC3339, "2026-11-02T01:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// newIncident prepares an ingest item opening an incident.
func (f fixture) item(i int, source string, ter, cat, ex int64, status model.Status, text string) store.IngestItem {
	created := f.base.Add(time.Duration(i) * time.Hour)
	due := created.Add(24 * time.Hour)
	return store.IngestItem{
		Message: model.Message{Source: source, ExternalID: fmt.Sprint(i), Text: text, PostedAt: created, ReceivedAt: created},
		Incident: &model.Incident{Number: "38-2026-", RegionID: f.region, Status: status, Priority: model.PriorityNormal,
			CategoryID: cat, TerritoryID: ter, ExecutorID: ex, Summary: text, Source: source, CreatedAt: created, UpdatedAt: created,
			ReactionDue: &due, DueAt: &due, WarnAt: &due, BreachAt: &due},
		Events: []model.Event{{Actor: "system", Type: "created", To: string(status), At: created}},
	}
}

func TestStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Run("migrate twice", func(t *testing.T) {
			ctx := context.Background()
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			v, err := st.Version(ctx)
			if err != nil || v != store.SchemaVersion {
				t.Fatalf("version %d, %v; want %d", v, err, store.SchemaVersion)
			}
		})
		f := seed(t, st)
		t.Run("reference", func(t *testing.T) { testReference(t, st, f) })
		t.Run("users and tokens", func(t *testing.T) { testUsers(t, st, f) })
		t.Run("ingest", func(t *testing.T) { testIngest(t, st, f) })
		t.Run("list", func(t *testing.T) { testList(t, st, f) })
		t.Run("transactions", func(t *testing.T) { testTx(t, st, f) })
	})
}

func testReference(t *testing.T, st *store.Store, f fixture) {
	ctx := context.Background()
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs.Regions) != 1 || refs.Regions[0].Calendar.Mode != "working" || refs.Regions[0].TimeZone != "Asia/Irkutsk" {
		t.Fatalf("regions = %+v", refs.Regions)
	}
	if len(refs.Territories) != 2 || len(refs.Categories) != 3 || len(refs.Executors) != 2 {
		t.Fatalf("refs: %d territories, %d categories, %d executors", len(refs.Territories), len(refs.Categories), len(refs.Executors))
	}
	ex, ok := refs.ExecutorByCode("adm-b")
	if !ok || len(ex.Territories) != 1 || len(ex.Categories) != 2 {
		t.Fatalf("executor adm-b = %+v", ex)
	}
	c, ok := refs.CategoryByCode("roads.potholes")
	if !ok || !c.RequiresProof || c.ResolutionWorkingDays != 20 {
		t.Fatalf("category = %+v", c)
	}
	// Putting again updates in place.
	id, err := st.PutExecutor(ctx, model.Executor{Code: "uk-a", Name: "УК А (новое имя)", Kind: "uk", Connected: true})
	if err != nil || id != f.exA {
		t.Fatalf("re-put executor: id %d, %v", id, err)
	}
	e, err := st.Executor(ctx, f.exA)
	if err != nil || e.Name != "УК А (новое имя)" || !e.Connected {
		t.Fatalf("executor after update = %+v, %v", e, err)
	}
	if _, err := st.Executor(ctx, 9999); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("missing executor: %v", err)
	}
}

func testUsers(t *testing.T, st *store.Store, f fixture) {
	ctx := context.Background()
	id, err := st.CreateUser(ctx, model.User{Login: "ex", Role: model.RoleExecutor, ExecutorID: f.exA}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	var fe *model.FieldError
	if _, err := st.CreateUser(ctx, model.User{Login: "ex", Role: model.RoleOperator}, ""); !errors.As(err, &fe) || fe.Field != "login" {
		t.Fatalf("duplicate login: %v", err)
	}
	if err := st.CreateToken(ctx, id, "tokhash", "t"); err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByToken(ctx, "tokhash")
	if err != nil || u.Login != "ex" || u.ExecutorID != f.exA || u.Role != model.RoleExecutor {
		t.Fatalf("user by token = %+v, %v", u, err)
	}
	if _, err := st.UserByToken(ctx, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("wrong token: %v", err)
	}
	if err := st.SetRole(ctx, "ex", model.RoleSupervisor, 0, f.terB); err != nil {
		t.Fatal(err)
	}
	u, hash, err := st.UserByLogin(ctx, "ex")
	if err != nil || u.Role != model.RoleSupervisor || u.TerritoryID != f.terB || u.ExecutorID != 0 || hash != "hash" {
		t.Fatalf("after set-role: %+v %q %v", u, hash, err)
	}
	if err := st.SetPassword(ctx, "nobody", "x"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("set password of nobody: %v", err)
	}
}

func testIngest(t *testing.T, st *store.Store, f fixture) {
	ctx := context.Background()
	items := []store.IngestItem{
		f.item(1, "ingest", f.terA, f.catHeat, 0, model.StatusNew, "Нет отопления в доме"),
		f.item(2, "ingest", f.terB, f.catRoads, 0, model.StatusNew, "Яма на дороге"),
	}
	res, err := st.Ingest(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Duplicate || res[1].Duplicate || res[0].Number == res[1].Number || res[0].Number[:8] != "38-2026-" || len(res[0].Number) != 14 {
		t.Fatalf("results = %+v", res)
	}
	// The same messages again: duplicates, nothing new.
	before, _ := st.CountRows(ctx, "incidents")
	res2, err := st.Ingest(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := st.CountRows(ctx, "incidents")
	if !res2[0].Duplicate || res2[0].IncidentID != res[0].IncidentID || res2[1].Number != res[1].Number || before != after {
		t.Fatalf("second ingest = %+v (%d → %d incidents)", res2, before, after)
	}
	// A message joining an existing incident.
	join := store.IngestItem{Message: model.Message{Source: "ingest", ExternalID: "3", Text: "И у соседей тоже холодно", PostedAt: f.base, ReceivedAt: f.base}, JoinIncident: res[0].IncidentID}
	res3, err := st.Ingest(ctx, []store.IngestItem{join})
	if err != nil || res3[0].IncidentID != res[0].IncidentID {
		t.Fatalf("join = %+v, %v", res3, err)
	}
	inc, err := st.Incident(ctx, res[0].IncidentID)
	if err != nil || inc.MessageCount != 2 || inc.CategoryCode != "zhkh.heating" || inc.TerritoryOKTMO != "25701000" {
		t.Fatalf("incident = %+v, %v", inc, err)
	}
	msgs, err := st.Messages(ctx, inc.ID)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("messages = %d, %v", len(msgs), err)
	}
	evs, err := st.Events(ctx, inc.ID)
	if err != nil || len(evs) != 1 || evs[0].Type != "created" {
		t.Fatalf("events = %+v, %v", evs, err)
	}
	byNum, err := st.IncidentByNumber(ctx, inc.Number)
	if err != nil || byNum.ID != inc.ID {
		t.Fatalf("by number: %v", err)
	}
	// The joined message's words find the incident.
	page, err := st.ListIncidents(ctx, store.IncidentFilter{Query: "соседей"})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != inc.ID {
		t.Fatalf("search by joined words: %+v, %v", page.Items, err)
	}
	// A batch with one failing item stores nothing (the failing item joins a missing incident).
	bad := []store.IngestItem{f.item(50, "ingest", f.terA, f.catHeat, 0, model.StatusNew, "Новое сообщение"),
		{Message: model.Message{Source: "ingest", ExternalID: "51", Text: "x", PostedAt: f.base, ReceivedAt: f.base}, JoinIncident: 987654}}
	if _, err := st.Ingest(ctx, bad); err == nil {
		t.Fatal("a batch joining a missing incident was accepted")
	}
	if _, err := st.Message(ctx, "ingest", "50"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("a failed batch left its first message behind: %v", err)
	}
}

func testList(t *testing.T, st *store.Store, f fixture) {
	ctx := context.Background()
	var items []store.IngestItem
	statuses := []model.Status{model.StatusNew, model.StatusAssigned, model.StatusInWork, model.StatusResolved}
	for i := 0; i < 40; i++ {
		ter, cat, ex := f.terA, f.catHeat, f.exA
		text := fmt.Sprintf("Холодные батареи в квартире номер %d", i)
		if i%2 == 1 {
			ter, cat, ex, text = f.terB, f.catRoads, f.exB, fmt.Sprintf("Глубокая яма у дома %d", i)
		}
		it := f.item(100+i, "list", ter, cat, ex, statuses[i%4], text)
		if statuses[i%4] == model.StatusResolved {
			it.Incident.DueAt, it.Incident.WarnAt, it.Incident.BreachAt = nil, nil, nil
		}
		items = append(items, it)
	}
	if _, err := st.Ingest(ctx, items); err != nil {
		t.Fatal(err)
	}
	now := f.base.Add(100 * time.Hour) // incidents 100..139 were created 100..139 h after base, due 24 h later
	count := func(flt store.IncidentFilter) int {
		t.Helper()
		flt.Now, flt.Limit = now, 500
		page, err := st.ListIncidents(ctx, flt)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range page.Items {
			if it.Source == "list" {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name string
		flt  store.IncidentFilter
		want int
	}{
		{"all", store.IncidentFilter{}, 40},
		{"status", store.IncidentFilter{Statuses: []model.Status{model.StatusNew}}, 10},
		{"two statuses", store.IncidentFilter{Statuses: []model.Status{model.StatusNew, model.StatusInWork}}, 20},
		{"category", store.IncidentFilter{CategoryIDs: []int64{f.catRoads}}, 20},
		{"territory", store.IncidentFilter{TerritoryID: f.terA}, 20},
		{"executor and status", store.IncidentFilter{ExecutorID: f.exB, Statuses: []model.Status{model.StatusAssigned}}, 10},
		{"date range", store.IncidentFilter{From: f.base.Add(100 * time.Hour), To: f.base.Add(110 * time.Hour)}, 10},
		{"words", store.IncidentFilter{Query: "яму"}, 20},
		{"words and number", store.IncidentFilter{Query: "яма 17"}, 1},
		{"no such word", store.IncidentFilter{Query: "трамвай"}, 0},
		// Due 124..163 h after base: at 130 h the six due before 130 h less the resolved one (no running deadline).
		{"overdue", store.IncidentFilter{Overdue: true, Now: f.base.Add(130 * time.Hour)}, 5},
	}
	for _, tt := range tests {
		if tt.flt.Now.IsZero() {
			if got := count(tt.flt); got != tt.want {
				t.Errorf("%s: %d incidents, want %d", tt.name, got, tt.want)
			}
			continue
		}
		flt := tt.flt
		flt.Limit = 500
		page, err := st.ListIncidents(ctx, flt)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range page.Items {
			if it.Source == "list" {
				n++
				if !it.Overdue {
					t.Errorf("%s: %s not marked overdue", tt.name, it.Number)
				}
			}
		}
		if n != tt.want {
			t.Errorf("%s: %d incidents, want %d", tt.name, n, tt.want)
		}
	}
	// A common word is searched by walking the list and checking each incident: the same incidents, page by page
	// (want -1: as many as the postings' way finds).
	// Several words walk a window of the list first (on SQLite when every word is common; window 2: too small to
	// fill a page of 3, so the postings are intersected).
	found := map[string]int{}
	for _, cfg := range []struct{ common, window int }{{0, 0}, {1, 0}, {1, 2}} {
		common := cfg.common
		st.SetCommonTerm(common)
		st.SetSearchWindow(cfg.window)
		for _, tt := range []struct {
			name string
			flt  store.IncidentFilter
			want int
		}{
			{"word", store.IncidentFilter{Query: "яму"}, 20},
			{"word and status", store.IncidentFilter{Query: "яму", Statuses: []model.Status{model.StatusAssigned}}, 10},
			{"word, oldest first", store.IncidentFilter{Query: "яму", Sort: store.SortCreatedAsc}, 20},
			{"word by deadline", store.IncidentFilter{Query: "яму", Sort: store.SortDue}, -1},
			{"word in a territory", store.IncidentFilter{Query: "яму", TerritoryID: f.terB}, 20},
			{"word elsewhere", store.IncidentFilter{Query: "яму", TerritoryID: f.terA}, 0},
			{"no such word", store.IncidentFilter{Query: "трамвай"}, 0},
			{"two words", store.IncidentFilter{Query: "яма дома"}, 20},
			{"two words, oldest first", store.IncidentFilter{Query: "яма дома", Sort: store.SortCreatedAsc}, 20},
			{"two words and status", store.IncidentFilter{Query: "яма дома", Statuses: []model.Status{model.StatusAssigned}}, 10},
			{"two words elsewhere", store.IncidentFilter{Query: "яма дома", TerritoryID: f.terA}, 0},
			{"two words that never meet", store.IncidentFilter{Query: "яма батареи"}, 0},
		} {
			seen := map[int64]bool{}
			flt, cursor := tt.flt, ""
			for range 20 {
				flt.Now, flt.Limit, flt.Cursor = now, 3, cursor
				page, err := st.ListIncidents(ctx, flt)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range page.Items {
					if seen[it.ID] {
						t.Errorf("%s (common from %d, window %d): %s twice", tt.name, common, cfg.window, it.Number)
					}
					if it.Source == "list" {
						seen[it.ID] = true
					}
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			want := tt.want
			if want < 0 {
				if common == 0 {
					found[tt.name] = len(seen)
				}
				want = found[tt.name]
			}
			if len(seen) != want || common == 0 && tt.want < 0 && want == 0 {
				t.Errorf("%s (common from %d, window %d): %d incidents, want %d (and some)", tt.name, common, cfg.window, len(seen), want)
			}
		}
	}
	st.SetCommonTerm(0)
	st.SetSearchWindow(0)
	// Cursor pagination walks every row once, in order, for each sort, over all statuses and over several (one
	// walk per status, merged).
	open := []model.Status{model.StatusInWork, model.StatusNew, model.StatusAssigned, model.StatusNew}
	for _, c := range []struct {
		sort     string
		statuses []model.Status
	}{{store.SortCreated, nil}, {store.SortCreatedAsc, nil}, {store.SortDue, nil},
		{store.SortCreated, open}, {store.SortCreatedAsc, open}, {store.SortDue, open}} {
		sort := c.sort
		seen := map[int64]bool{}
		var prev *model.Incident
		cursor := ""
		pages := 0
		for {
			page, err := st.ListIncidents(ctx, store.IncidentFilter{Sort: sort, Statuses: c.statuses, Limit: 7, Cursor: cursor, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for i := range page.Items {
				it := page.Items[i]
				if seen[it.ID] {
					t.Fatalf("sort %s: %s seen twice", sort, it.Number)
				}
				seen[it.ID] = true
				if prev != nil {
					var ok bool
					switch sort {
					case store.SortCreated:
						ok = !it.CreatedAt.After(prev.CreatedAt)
					case store.SortCreatedAsc:
						ok = !it.CreatedAt.Before(prev.CreatedAt)
					case store.SortDue:
						ok = !it.DueAt.Before(*prev.DueAt)
					}
					if !ok {
						t.Fatalf("sort %s: %s out of order after %s", sort, it.Number, prev.Number)
					}
				}
				prev = &it
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		total, _ := st.CountRows(ctx, "incidents")
		want := total
		switch {
		case c.statuses != nil:
			if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents WHERE status IN ('in_work', 'new', 'assigned')`).Scan(&want); err != nil {
				t.Fatal(err)
			}
		case sort == store.SortDue:
			want = total - 10 // the resolved ones have no running deadline
		}
		if len(seen) != want || pages < 2 {
			t.Errorf("sort %s, statuses %v: walked %d incidents in %d pages, want %d", sort, c.statuses, len(seen), pages, want)
		}
	}
	var fe *model.FieldError
	if _, err := st.ListIncidents(ctx, store.IncidentFilter{Cursor: "%%%"}); !errors.As(err, &fe) || fe.Field != "cursor" {
		t.Errorf("bad cursor: %v", err)
	}
	if _, err := st.ListIncidents(ctx, store.IncidentFilter{Sort: "price"}); !errors.As(err, &fe) || fe.Field != "sort" {
		t.Errorf("bad sort: %v", err)
	}
	// Stats.
	stats, err := st.Stats(ctx, store.StatsFilter{TerritoryID: f.terB, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if stats.ByStatus[model.StatusAssigned] != 10 || stats.ByStatus[model.StatusResolved] != 10 {
		t.Errorf("stats by status = %v", stats.ByStatus)
	}
	if stats.MedianFirstReactionSecs != nil {
		t.Errorf("median with no reactions = %v", *stats.MedianFirstReactionSecs)
	}
}

func testTx(t *testing.T, st *store.Store, f fixture) {
	ctx := context.Background()
	res, err := st.Ingest(ctx, []store.IngestItem{
		f.item(300, "tx", f.terA, f.catHeat, f.exA, model.StatusInWork, "Первое"),
		f.item(301, "tx", f.terA, f.catHeat, f.exA, model.StatusInWork, "Второе"),
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := res[0].IncidentID, res[1].IncidentID
	// A failing unit of work leaves nothing behind.
	boom := errors.New("boom")
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		inc, err := tx.IncidentForUpdate(ctx, a)
		if err != nil {
			return err
		}
		inc.Status = model.StatusResolved
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, model.Event{IncidentID: a, Actor: "t", Type: "x"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx error = %v", err)
	}
	inc, _ := st.Incident(ctx, a)
	evs, _ := st.Events(ctx, a)
	if inc.Status != model.StatusInWork || len(evs) != 1 {
		t.Fatalf("rolled back transaction left status %s and %d events", inc.Status, len(evs))
	}
	// Moving messages (the store half of a merge) and answers.
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		n, err := tx.MoveMessages(ctx, a, b)
		if err != nil || n != 1 {
			return fmt.Errorf("moved %d: %v", n, err)
		}
		id, err := tx.CreateAnswer(ctx, model.Answer{IncidentID: b, Kind: model.AnswerInterim, State: model.AnswerDraft, Text: "Принято", ExecutorID: f.exA, CreatedAt: f.base, UpdatedAt: f.base})
		if err != nil {
			return err
		}
		ans, err := tx.AnswerForUpdate(ctx, id)
		if err != nil {
			return err
		}
		ans.State = model.AnswerOnReview
		return tx.UpdateAnswer(ctx, ans)
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := st.Messages(ctx, b)
	answers, _ := st.Answers(ctx, b)
	queue, _ := st.AnswersInState(ctx, model.AnswerOnReview, 10)
	if len(msgs) != 2 || len(answers) != 1 || answers[0].State != model.AnswerOnReview || len(queue) != 1 {
		t.Fatalf("after move: %d messages, answers %+v, queue %d", len(msgs), answers, len(queue))
	}
	// Due clocks: pending warnings and breaches at or before now.
	due, err := st.DueClocks(ctx, f.base.Add(301*time.Hour+24*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, d := range due {
		if d.IncidentID == a || d.IncidentID == b {
			found++
		}
	}
	if found != 4 { // a warning and a breach each
		t.Fatalf("due clocks for the two incidents = %d, want 4", found)
	}
}
