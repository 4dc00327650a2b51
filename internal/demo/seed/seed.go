// Package seed fills a database with the demo region of package demo and drives its incidents through the
// real workflow.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/demo"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// Password is the password of every demo user. It is printed at start: a demo database is not for real data.
const Password = "otklik-demo"

// RegionCode is the demo region's subject code (Irkutsk oblast).
const RegionCode = "38"

// Options tune the seeding.
type Options struct {
	Now       time.Time // the demo's "today"; incidents are spread over the weeks before it
	Incidents int       // how many incidents to create; 0 means 360
	Days      int       // over how many days; 0 means 28
	Seed      uint64    // random seed; the same seed gives the same demo
	// ReferenceOnly seeds the region, territories, categories, executors, users and routing rules, no incidents
	// (benchmarks start from it).
	ReferenceOnly bool
}

// Report says what Seed did.
type Report struct {
	Seeded                                        bool
	Territories, Categories, Executors, Incidents int
	Users                                         []demo.User
	AdminToken                                    string
}

// Seed fills an empty database with the demo region and drives a few hundred incidents through the real
// workflow to every state, so that events, deadlines and answers are what the product itself would write.
// A database that already holds a region is left as it is; an admin token is minted either way.
func Seed(ctx context.Context, st *store.Store, opt Options) (Report, error) {
	var rep Report
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Incidents == 0 {
		opt.Incidents = 360
	}
	if opt.Days == 0 {
		opt.Days = 28
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return rep, err
	}
	if len(regions) == 0 {
		if err := seedReference(ctx, st, &rep); err != nil {
			return rep, err
		}
		rep.Seeded = true
		if !opt.ReferenceOnly {
			n, err := seedIncidents(ctx, st, opt)
			if err != nil {
				return rep, err
			}
			rep.Incidents = n
		}
	}
	admin, _, err := st.UserByLogin(ctx, "admin")
	if err != nil {
		return rep, nil // a database without the demo admin: nothing to mint for
	}
	tok, hash, err := auth.NewToken()
	if err != nil {
		return rep, err
	}
	if err := st.CreateToken(ctx, admin.ID, hash, "demo"); err != nil {
		return rep, err
	}
	rep.AdminToken = tok
	return rep, nil
}

func seedReference(ctx context.Context, st *store.Store, rep *Report) error {
	regionID, err := st.PutRegion(ctx, model.Region{Code: RegionCode, Name: "Иркутская область", TimeZone: "Asia/Irkutsk",
		Calendar: model.Calendar{Mode: "calendar", Start: "09:00", End: "18:00", LunchStart: "13:00", LunchEnd: "14:00"}})
	if err != nil {
		return err
	}
	for _, t := range demo.IrkutskTerritories() {
		variants := append([]string(nil), t.Variants...)
		if _, err := st.PutTerritory(ctx, model.Territory{RegionID: regionID, OKTMO: t.OKTMO, Name: t.Name, ShortName: t.ShortName, Kind: t.Kind, Variants: variants}); err != nil {
			return err
		}
		rep.Territories++
	}
	for _, c := range demo.Categories() {
		if _, err := st.PutCategory(ctx, model.Category{Code: c.Code, ParentCode: c.Parent, Name: c.Name, NameEn: c.NameEn,
			ReactionHours: c.ReactionHours, UrgentReactionHours: c.UrgentReactionHours, ResolutionWorkingDays: c.ResolutionWorkingDays,
			DefaultPriority: model.Priority(c.DefaultPriority), RequiresProof: c.RequiresProof, TOTK: c.TOTK}); err != nil {
			return err
		}
		rep.Categories++
	}
	for _, e := range demo.Executors() {
		if _, err := st.PutExecutor(ctx, model.Executor{Code: e.Code, Name: e.Name, ShortName: e.ShortName, Kind: e.Kind,
			Connected: e.Connected, Email: e.Email, Phone: e.Phone, Address: e.Address, Territories: e.Territories, Categories: e.Categories}); err != nil {
			return err
		}
		rep.Executors++
	}
	if err := seedRouting(ctx, st); err != nil {
		return err
	}
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	for _, u := range demo.Users() {
		mu := model.User{Login: u.Login, Name: u.Name, Role: model.Role(u.Role)}
		if e, ok := refs.ExecutorByCode(u.Executor); ok {
			mu.ExecutorID = e.ID
		}
		if t, ok := refs.TerritoryByOKTMO(u.Territory); ok {
			mu.TerritoryID = t.ID
		}
		if _, err := st.CreateUser(ctx, mu, hash); err != nil {
			return err
		}
		rep.Users = append(rep.Users, u)
	}
	return nil
}

// seedRouting writes the demo's routing table: local organisations for their categories in their territories
// first, then the region-wide ones; the management companies' houses go into the building registry (the
// territory's administration is the router's own fallback).
func seedRouting(ctx context.Context, st *store.Store) error {
	var rules []store.RoutingRule
	var buildings []store.Building
	for _, e := range demo.Executors() {
		switch {
		case e.Kind == demo.ExecutorUK:
			for _, a := range e.Addresses {
				ter := ""
				if len(e.Territories) > 0 {
					ter = e.Territories[0]
				}
				buildings = append(buildings, store.Building{Address: a, Key: routing.AddressKey(a), Territory: ter, Executor: e.Code})
			}
		case e.Kind == demo.ExecutorOMSU:
			// The fallback.
		case len(e.Territories) > 0:
			for _, t := range e.Territories {
				for _, c := range e.Categories {
					rules = append(rules, store.RoutingRule{Position: 10, Category: c, Territory: t, Executor: e.Code})
				}
			}
		default:
			for _, c := range e.Categories {
				rules = append(rules, store.RoutingRule{Position: 20, Category: c, Executor: e.Code})
			}
		}
	}
	if err := st.ReplaceRoutingRules(ctx, rules); err != nil {
		return err
	}
	_, err := st.PutBuildings(ctx, buildings)
	return err
}

// pickExecutor finds who answers a subtopic in a territory: an organisation serving both, else one serving the
// subtopic region-wide, else the territory's administration.
func pickExecutor(refs *store.Refs, subtopic, oktmo string, r *rand.Rand) (model.Executor, bool) {
	topic, _, _ := strings.Cut(subtopic, ".")
	serves := func(e model.Executor) bool {
		for _, c := range e.Categories {
			if c == subtopic || c == topic {
				return true
			}
		}
		return false
	}
	in := func(e model.Executor) bool {
		for _, t := range e.Territories {
			if t == oktmo {
				return true
			}
		}
		return false
	}
	var local, regional, admin []model.Executor
	for _, e := range refs.Executors {
		switch {
		case serves(e) && in(e):
			local = append(local, e)
		case serves(e) && len(e.Territories) == 0:
			regional = append(regional, e)
		case e.Kind == "omsu" && in(e):
			admin = append(admin, e)
		}
	}
	for _, set := range [][]model.Executor{local, regional, admin} {
		if len(set) > 0 {
			return set[r.IntN(len(set))], true
		}
	}
	return model.Executor{}, false
}

// demoStates is the share of incidents left in each state (out of 20).
var demoStates = []struct {
	status model.Status
	weight int
}{
	{model.StatusNew, 3}, {model.StatusRejected, 1}, {model.StatusAssigned, 3}, {model.StatusInWork, 4},
	{model.StatusInterim, 3}, {model.StatusResolved, 5}, {model.StatusMerged, 1},
}

func pickState(r *rand.Rand) model.Status {
	n := r.IntN(20)
	for _, s := range demoStates {
		if n < s.weight {
			return s.status
		}
		n -= s.weight
	}
	return model.StatusNew
}

func seedIncidents(ctx context.Context, st *store.Store, opt Options) (int, error) {
	r := rand.New(rand.NewPCG(opt.Seed, 38))
	clock := opt.Now
	svc := workflow.New(st, workflow.WithClock(func() time.Time { return clock }))
	refs, err := svc.Refs(ctx)
	if err != nil {
		return 0, err
	}
	users, err := st.Users(ctx)
	if err != nil {
		return 0, err
	}
	actors := map[string]model.Actor{}
	byExecutor := map[int64]model.Actor{}
	for _, u := range users {
		actors[u.Login] = model.ActorOf(u)
		if u.Role == model.RoleExecutor {
			byExecutor[u.ExecutorID] = model.ActorOf(u)
		}
	}
	operator, moderator := actors["operator"], actors["moderator"]
	executorActor := func(e model.Executor) model.Actor {
		if a, ok := byExecutor[e.ID]; ok {
			return a
		}
		return model.Actor{Login: "staff." + e.Code, Role: model.RoleExecutor, ExecutorID: e.ID}
	}
	texts := demo.SampleTexts()
	answers := demo.AnswerTexts()
	answerFor := func(topic string, final bool) string {
		var pool []string
		for _, a := range answers {
			if a.Final == final && !a.Formal && (a.Topic == topic || a.Topic == "") {
				pool = append(pool, a.Text)
			}
		}
		if len(pool) == 0 {
			for _, a := range answers {
				if a.Final == final && !a.Formal {
					pool = append(pool, a.Text)
				}
			}
		}
		if len(pool) == 0 {
			if final {
				return "Работы выполнены, проблема устранена."
			}
			return "Обращение принято в работу, срок устранения — 5 рабочих дней."
		}
		return pool[r.IntN(len(pool))]
	}
	span := time.Duration(opt.Days) * 24 * time.Hour
	var newIDs []int64 // incidents left new: safe merge targets
	newAt := map[int64]time.Time{}
	created := 0
	for i := 0; i < opt.Incidents; i++ {
		tx := texts[i%len(texts)]
		target := pickState(r)
		// How old an incident in each state is: new ones are fresh, resolved ones had time to be answered.
		minAge, maxAge := ageRange(target, span)
		start := opt.Now.Add(-(minAge + time.Duration(r.Int64N(int64(maxAge-minAge)))))
		clock = start
		cat, _ := refs.CategoryByCode(tx.Subtopic)
		msg := model.Message{Source: "demo", ExternalID: fmt.Sprintf("demo-%d", i), Text: tx.Text, Territory: tx.Territory,
			Category: tx.Subtopic, Address: tx.Address, Author: fmt.Sprintf("Житель %d", 1+r.IntN(900)), PostedAt: start, ReceivedAt: start}
		if _, ok := refs.TerritoryByOKTMO(msg.Territory); !ok {
			msg.Territory = ""
		}
		if cat.ID == 0 {
			msg.Category = ""
		}
		res, err := svc.Intake(ctx, []model.Message{msg})
		if err != nil {
			return created, fmt.Errorf("demo incident %d: %w", i, err)
		}
		id := res[0].IncidentID
		created++
		if tx.Urgent {
			clock = start.Add(5 * time.Minute)
			if _, err := svc.Act(ctx, operator, id, model.ActSetPriority, model.ActionArgs{Priority: model.PriorityUrgent}); err != nil {
				return created, err
			}
		}
		// Most executors react within hours, some late; t advances through the incident's life.
		t := time.Duration(0)
		step := func(min, max time.Duration) {
			t += min + time.Duration(r.Int64N(int64(max-min)))
			clock = start.Add(t)
			if clock.After(opt.Now) {
				clock = opt.Now
			}
		}
		switch target {
		case model.StatusNew:
			newIDs = append(newIDs, id)
			newAt[id] = start
			continue
		case model.StatusRejected:
			step(10*time.Minute, 3*time.Hour)
			_, err = svc.Act(ctx, operator, id, model.ActReject, model.ActionArgs{Reason: "Не является обращением: обсуждение между жителями"})
			if err != nil {
				return created, err
			}
			continue
		case model.StatusMerged:
			if len(newIDs) == 0 {
				continue
			}
			target := newIDs[r.IntN(len(newIDs))]
			step(10*time.Minute, 2*time.Hour)
			if clock.Before(newAt[target]) {
				clock = newAt[target].Add(time.Minute)
			}
			if _, err := svc.Act(ctx, operator, id, model.ActMerge, model.ActionArgs{TargetID: target}); err != nil {
				return created, err
			}
			continue
		}
		ex, ok := pickExecutor(refs, tx.Subtopic, tx.Territory, r)
		if !ok {
			continue
		}
		step(5*time.Minute, 2*time.Hour)
		if _, err := svc.Act(ctx, operator, id, model.ActAssign, model.ActionArgs{ExecutorID: ex.ID}); err != nil {
			return created, err
		}
		if target == model.StatusAssigned {
			continue
		}
		exActor := executorActor(ex)
		step(10*time.Minute, 4*time.Hour)
		if _, err := svc.Act(ctx, exActor, id, model.ActAccept, model.ActionArgs{}); err != nil {
			return created, err
		}
		if target == model.StatusInWork {
			continue
		}
		topic := cat.ParentCode
		publish := func(final bool, after time.Duration) error {
			step(after/4, after)
			kind := model.AnswerInterim
			if final {
				kind = model.AnswerFinal
			}
			text := strings.NewReplacer("{address}", nonEmpty(tx.Address, "указанному адресу"),
				"{date}", clock.AddDate(0, 0, 5).In(time.FixedZone("IRKT", 8*3600)).Format("02.01.2006")).Replace(answerFor(topic, final))
			a, err := svc.CreateAnswer(ctx, exActor, id, workflow.AnswerInput{Kind: kind, Text: text, Submit: true})
			if err != nil {
				return err
			}
			step(20*time.Minute, 3*time.Hour)
			if r.IntN(6) == 0 { // some answers go back for rework first
				if _, err := svc.AnswerAct(ctx, moderator, a.ID, model.AnsReturn, workflow.AnswerArgs{Comment: "Укажите срок выполнения работ и ответственного."}); err != nil {
					return err
				}
				if _, err := svc.AnswerAct(ctx, exActor, a.ID, model.AnsSubmit, workflow.AnswerArgs{}); err != nil {
					return err
				}
			}
			step(10*time.Minute, 2*time.Hour)
			if _, err := svc.AnswerAct(ctx, moderator, a.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
				return err
			}
			_, err = svc.AnswerAct(ctx, moderator, a.ID, model.AnsPublish, workflow.AnswerArgs{})
			return err
		}
		interimWithin := 18 * time.Hour
		if r.IntN(8) == 0 { // a few executors answer late
			interimWithin = 50 * time.Hour
		}
		if err := publish(false, interimWithin); err != nil {
			return created, fmt.Errorf("demo incident %d: interim answer: %w", i, err)
		}
		if target == model.StatusInterim {
			continue
		}
		if err := publish(true, 6*24*time.Hour); err != nil {
			return created, fmt.Errorf("demo incident %d: final answer: %w", i, err)
		}
	}
	// Record the warnings and breaches that have come due by now.
	clock = opt.Now
	for {
		n, err := svc.Tick(ctx)
		if err != nil {
			return created, err
		}
		if n == 0 {
			break
		}
	}
	return created, nil
}

// ageRange is how long ago an incident that ends in the given state was created.
func ageRange(s model.Status, span time.Duration) (time.Duration, time.Duration) {
	h := time.Hour
	switch s {
	case model.StatusNew:
		return 10 * time.Minute, 30 * h
	case model.StatusAssigned:
		return 3 * h, 36 * h
	case model.StatusInWork:
		return 8 * h, 48 * h
	case model.StatusInterim:
		return 2 * 24 * h, 12 * 24 * h
	case model.StatusResolved:
		return 8 * 24 * h, span
	}
	return 2 * h, span
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
