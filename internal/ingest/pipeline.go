// Package ingest turns raw messages into stored incidents: normalise → deduplicate → detect appeal → classify →
// locate → merge into an open incident about the same problem or open a new one → route → persist in batches.
// Senders hand messages to Accept, which returns only once they are durable; a bounded queue refuses work with
// ErrOverloaded instead of dropping it, so HTTP hooks can answer 503 with Retry-After.
package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/analyze"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/search"
	"github.com/otklik/otklik/internal/sla"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// Analyzer reads one message; *analyze.Analyzer is the real one.
type Analyzer interface {
	Analyze(text string) analyze.Analysis
}

// Config tunes the pipeline. Zero fields take the defaults in DefaultConfig.
type Config struct {
	QueueSize   int           // messages waiting at most; beyond it Accept returns ErrOverloaded
	BatchSize   int           // messages per transaction at most
	MaxWait     time.Duration // how long a batch may wait for more messages; 0 (the default): write what is there
	MergeWindow time.Duration // how far apart two messages about one problem may be
	// RepeatWindow is how far apart the same author's same text counts as one message sent twice.
	RepeatWindow time.Duration

	// Confidence gates: below them the decision is left to an operator, with the model's suggestion attached.
	RejectP      float64 // the detector's probability that a message is not an appeal, above which it is rejected automatically
	AppealP      float64 // the detector's probability of an appeal, above which routing may assign automatically
	TopicP       float64 // the classifier's probability above which the category is set
	TerritoryP   float64 // the finder's confidence above which the territory is set
	MergeOverlap float64 // share of the shorter text's words found in the other for two texts to be "about the same problem"
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{QueueSize: 20000, BatchSize: 1000, MergeWindow: 72 * time.Hour, RepeatWindow: 6 * time.Hour,
		RejectP: 0.9, AppealP: 0.8, TopicP: 0.5, TerritoryP: 0.5, MergeOverlap: 0.4}
}

func (c *Config) fill() {
	d := DefaultConfig()
	if c.QueueSize <= 0 {
		c.QueueSize = d.QueueSize
	}
	if c.BatchSize <= 0 {
		c.BatchSize = d.BatchSize
	}
	if c.MergeWindow <= 0 {
		c.MergeWindow = d.MergeWindow
	}
	if c.RepeatWindow <= 0 {
		c.RepeatWindow = d.RepeatWindow
	}
	for _, p := range []struct {
		v   *float64
		def float64
	}{{&c.RejectP, d.RejectP}, {&c.AppealP, d.AppealP}, {&c.TopicP, d.TopicP}, {&c.TerritoryP, d.TerritoryP}, {&c.MergeOverlap, d.MergeOverlap}} {
		if *p.v <= 0 {
			*p.v = p.def
		}
	}
}

// Pipeline is the ingest pipeline. Run must be running for Accept to make progress.
type Pipeline struct {
	svc *workflow.Service
	an  Analyzer
	cfg Config
	log *slog.Logger

	reqs       chan *request
	readers    chan struct{} // a slot per sender reading its texts at once: GOMAXPROCS-1, leaving a core to the writer
	idx        *search.Indexer
	termsMu    sync.Mutex
	termsCache map[int64]map[string]struct{}
	mu         sync.Mutex
	reading    sync.WaitGroup // senders accepted and still reading, whose requests the shutdown drain must wait for
	queued     int            // messages accepted into the queue and not yet written
	stats      Stats
	stopped    bool
}

type request struct {
	ctx   context.Context
	msgs  []model.Message // normalised and valid
	plans []plan          // what was understood of each
	env   env
	done  chan reply
}

type reply struct {
	res []store.IngestResult
	err error
}

// New returns a pipeline over the workflow service. an may be nil: then messages open incidents for triage with
// the hints their source gave, as the plain import does.
func New(svc *workflow.Service, an Analyzer, cfg Config, log *slog.Logger) *Pipeline {
	cfg.fill()
	if log == nil {
		log = slog.Default()
	}
	return &Pipeline{svc: svc, an: an, cfg: cfg, log: log, reqs: make(chan *request, cfg.QueueSize), idx: search.NewIndexer(),
		readers: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))}
}

// ErrOverloaded is returned by Accept when the queue is full.
var ErrOverloaded = connector.ErrOverloaded

// Accept implements connector.Sink: it returns nil once every message is durable.
func (p *Pipeline) Accept(ctx context.Context, msgs []model.Message) error {
	_, err := p.Submit(ctx, msgs)
	return err
}

// Submit queues messages and waits until they are written, returning what became of each.
func (p *Pipeline) Submit(ctx context.Context, msgs []model.Message) ([]store.IngestResult, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return nil, fmt.Errorf("ingest: %w: shutting down", ErrOverloaded)
	}
	if p.queued+len(msgs) > p.cfg.QueueSize {
		p.mu.Unlock()
		return nil, fmt.Errorf("ingest: %w: %d messages queued", ErrOverloaded, p.queued)
	}
	p.queued += len(msgs)
	p.reading.Add(1)
	p.mu.Unlock()
	r, err := p.read(ctx, msgs)
	if err != nil {
		p.reading.Done()
		return nil, err
	}
	p.reqs <- r // never blocks: the channel holds QueueSize requests and each holds at least one message
	p.reading.Done()
	select {
	case rep := <-r.done:
		return rep.res, rep.err
	case <-ctx.Done():
		// The batch may still be written; the sender did not get its acknowledgement and will retry, which the
		// external ids make harmless.
		return nil, ctx.Err()
	}
}

// read normalises, validates and analyses a sender's messages, in the sender's goroutine.
func (p *Pipeline) read(ctx context.Context, msgs []model.Message) (*request, error) {
	// Reading the texts, the CPU-heavy stage, happens here in the sender's goroutine (an HTTP request's, an
	// import's): senders read in parallel on all but one core while the one writer stores what was read before.
	n := len(msgs)
	e, err := p.environment(ctx)
	if err == nil {
		msgs, err = p.validate(msgs, e)
	}
	if err != nil {
		p.release(n)
		return nil, err
	}
	// At most GOMAXPROCS-1 senders read at once: with more, the Go scheduler shares the cores evenly among them
	// and the writer, and the writer, which alone decides the pace, gets a fraction of a core.
	select {
	case p.readers <- struct{}{}:
	case <-ctx.Done():
		p.release(n)
		return nil, ctx.Err()
	}
	readStart := time.Now()
	plans := make([]plan, len(msgs))
	for i := range msgs {
		plans[i] = p.understand(msgs[i], e.refs)
	}
	<-p.readers
	p.mu.Lock()
	p.stats.Reading += time.Since(readStart)
	p.mu.Unlock()
	return &request{ctx: ctx, msgs: msgs, plans: plans, env: e, done: make(chan reply, 1)}, nil
}

// Stats counts the writer's work since the pipeline was made.
type Stats struct {
	Batches  int64         `json:"batches"`
	Messages int64         `json:"messages"`
	Writing  time.Duration `json:"writing_ns"` // time the writer spent storing batches
	Reading  time.Duration `json:"reading_ns"` // time senders spent reading texts, summed over senders
}

// Stats returns the counters so far.
func (p *Pipeline) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Queued returns how many messages wait to be written.
func (p *Pipeline) Queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queued
}

// Run writes queued messages in batches until ctx ends, then drains what was queued.
//
// Senders read their messages themselves (Submit), so the CPU-heavy analysis runs in parallel on every core
// while this single writer stores what was read before. Merging and routing happen here, in batch order, so a
// message can always merge into an incident the previous batch opened.
func (p *Pipeline) Run(ctx context.Context) {
	wctx := context.WithoutCancel(ctx)
	for {
		var first *request
		select {
		case first = <-p.reqs:
		case <-ctx.Done():
			p.mu.Lock()
			p.stopped = true
			p.mu.Unlock()
			p.reading.Wait() // senders accepted before the stop still hand in what they read
			p.drain(wctx)
			return
		}
		batch := []*request{first}
		n := len(first.msgs)
		// Group commit: take what is already waiting, without waiting for more. While a batch is written, the
		// next one gathers, so batches grow with the load and a lone message is written at once.
		var timer <-chan time.Time
		var t *time.Timer
		if p.cfg.MaxWait > 0 {
			t = time.NewTimer(p.cfg.MaxWait)
			timer = t.C
		}
	collect:
		for n < p.cfg.BatchSize {
			select {
			case r := <-p.reqs:
				batch = append(batch, r)
				n += len(r.msgs)
			case <-timer:
				break collect
			default:
				if timer == nil {
					break collect
				}
				select {
				case r := <-p.reqs:
					batch = append(batch, r)
					n += len(r.msgs)
				case <-timer:
					break collect
				}
			}
		}
		if t != nil {
			t.Stop()
		}
		p.write(wctx, batch)
	}
}

// drain writes whatever is still queued.
func (p *Pipeline) drain(ctx context.Context) {
	for {
		select {
		case r := <-p.reqs:
			p.write(ctx, []*request{r})
		default:
			return
		}
	}
}

// env is the reference data messages are read and decided with.
type env struct {
	refs   *store.Refs
	router *routing.Router
	region model.Region
	cal    sla.Calendar
	now    time.Time
}

func (p *Pipeline) environment(ctx context.Context) (env, error) {
	refs, err := p.svc.Refs(ctx)
	if err != nil {
		return env{}, err
	}
	if len(refs.Regions) == 0 {
		return env{}, errors.New("ingest: no region configured (run serve --demo, or load one with otklik reference import)")
	}
	router, err := p.svc.Router(ctx)
	if err != nil {
		return env{}, err
	}
	region := refs.Regions[0]
	cal, err := p.svc.Calendar(ctx, region.ID)
	if err != nil {
		return env{}, err
	}
	return env{refs: refs, router: router, region: region, cal: cal, now: p.svc.Now()}, nil
}

// release counts n messages out of the queue.
func (p *Pipeline) release(n int) {
	p.mu.Lock()
	p.queued -= n
	p.mu.Unlock()
}

// write stores a batch of read requests in one transaction and answers their senders. The batch is decided
// with the newest reference data of its requests.
func (p *Pipeline) write(ctx context.Context, batch []*request) {
	var msgs []model.Message
	var plans []plan
	e := batch[0].env
	for _, r := range batch {
		msgs = append(msgs, r.msgs...)
		plans = append(plans, r.plans...)
		if r.env.now.After(e.now) {
			e = r.env
		}
	}
	start := time.Now()
	res, err := p.store(ctx, msgs, plans, e)
	p.mu.Lock()
	p.stats.Batches++
	p.stats.Messages += int64(len(msgs))
	p.stats.Writing += time.Since(start)
	p.mu.Unlock()
	off := 0
	for _, r := range batch {
		rep := reply{err: err}
		if err == nil {
			rep.res = res[off : off+len(r.msgs)]
		}
		off += len(r.msgs)
		p.release(len(r.msgs))
		r.done <- rep
	}
}

// validate returns the normalised copies of msgs, or an error naming the first invalid one.
func (p *Pipeline) validate(msgs []model.Message, e env) ([]model.Message, error) {
	out := make([]model.Message, len(msgs))
	for i := range msgs {
		m := normalise(msgs[i], e.now)
		if err := workflow.ValidateMessage(m, e.refs); err != nil {
			return nil, fmt.Errorf("ingest: message %d (%s/%s): %w", i, m.Source, m.ExternalID, err)
		}
		out[i] = m
	}
	return out, nil
}

// analyse reads the texts, the CPU-heavy stage, spread over the cores.
func (p *Pipeline) analyse(msgs []model.Message, e env) []plan {
	plans := make([]plan, len(msgs))
	parallel(len(msgs), func(i int) { plans[i] = p.understand(msgs[i], e.refs) })
	return plans
}

// Ingest runs the pipeline over a batch of messages synchronously and writes them in one transaction.
func (p *Pipeline) Ingest(ctx context.Context, msgs []model.Message) ([]store.IngestResult, error) {
	e, err := p.environment(ctx)
	if err != nil {
		return nil, err
	}
	norm, err := p.validate(msgs, e)
	if err != nil {
		return nil, err
	}
	return p.store(ctx, norm, p.analyse(norm, e), e)
}

// store merges, routes and writes analysed messages in one transaction.
func (p *Pipeline) store(ctx context.Context, msgs []model.Message, plans []plan, e env) ([]store.IngestResult, error) {
	if err := p.findMerges(ctx, msgs, plans); err != nil {
		return nil, err
	}
	items := make([]store.IngestItem, len(msgs))
	for i, m := range msgs {
		pl := &plans[i]
		it := store.IngestItem{Message: m, DedupeAuthor: true, DedupeWindow: p.cfg.RepeatWindow, Terms: pl.index, TextHash: pl.hash}
		switch {
		case pl.joinIncident != 0:
			it.JoinIncident = pl.joinIncident
			it.Events = []model.Event{{Actor: "system", Type: "message.joined", Data: mustJSON(map[string]any{
				"source": m.Source, "external_id": m.ExternalID, "similarity": round2(pl.similarity)}), At: e.now}}
		case pl.joinItem != 0:
			it.JoinItem = pl.joinItem
			it.Events = []model.Event{{Actor: "system", Type: "message.joined", Data: mustJSON(map[string]any{
				"source": m.Source, "external_id": m.ExternalID, "similarity": round2(pl.similarity)}), At: e.now}}
		default:
			inc, evs := p.open(m, pl, e.refs, e.router, e.region, e.cal, e.now)
			it.Incident, it.Events = inc, evs
		}
		items[i] = it
	}
	return p.svc.Store().Ingest(ctx, items)
}

// plan is what the pipeline understood of one message.
type plan struct {
	an          analyze.Analysis
	hasAnalysis bool
	category    model.Category
	catOK       bool
	territory   model.Territory
	terOK       bool
	address     string
	terms       map[string]struct{}
	index       []string // search terms of the text, summary and address
	hash        string   // store.TextHash of the text
	addrKey     string

	joinIncident int64
	joinItem     int
	similarity   float64
}

// PhotoOnly stands for the text of a message that carries only attachments.
const PhotoOnly = "(вложение без подписи)"

func normalise(m model.Message, now time.Time) model.Message {
	m.Text = strings.TrimSpace(strings.ReplaceAll(m.Text, "\r\n", "\n"))
	if m.Text == "" && len(m.Attachments) > 0 {
		m.Text = PhotoOnly
	}
	m.Source, m.ExternalID = strings.TrimSpace(m.Source), strings.TrimSpace(m.ExternalID)
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = now
	}
	if m.PostedAt.IsZero() || m.PostedAt.After(m.ReceivedAt.Add(time.Hour)) {
		m.PostedAt = m.ReceivedAt
	}
	m.PostedAt, m.ReceivedAt = m.PostedAt.UTC(), m.ReceivedAt.UTC()
	return m
}

func (p *Pipeline) understand(m model.Message, refs *store.Refs) plan {
	var pl plan
	// The source's hints come first: a reception form's category and territory are the resident's own choice (a
	// source's default territory, though, gives way to a place the text names).
	if c, ok := refs.CategoryByCode(m.Category); ok {
		pl.category, pl.catOK = c, true
	}
	if t, ok := refs.TerritoryByOKTMO(m.Territory); ok {
		pl.territory, pl.terOK = t, true
	}
	pl.address = m.Address
	if p.an != nil {
		an := p.an.Analyze(m.Text)
		pl.an, pl.hasAnalysis = an, true
		if !pl.catOK && an.TopicP >= p.cfg.TopicP {
			pl.category, pl.catOK = refs.CategoryByCode(an.Topic)
		}
		// A place the text names confidently overrides a source's default territory, but not the one a resident
		// chose in the reception's form.
		if an.TerritoryID != "" && an.TerritoryP >= p.cfg.TerritoryP && !(pl.terOK && model.DirectSource(m.Source)) {
			if t, ok := refs.TerritoryByOKTMO(an.TerritoryID); ok {
				pl.territory, pl.terOK = t, true
			}
		}
		if !pl.terOK && m.Address != "" {
			// The source's address field (an Open311 request's address_string, an import's column) names the
			// place when the text does not.
			if at := p.an.Analyze(m.Address); at.TerritoryID != "" && at.TerritoryP >= p.cfg.TerritoryP {
				pl.territory, pl.terOK = refs.TerritoryByOKTMO(at.TerritoryID)
			}
		}
		if pl.address == "" {
			pl.address = an.Address
		}
	}
	if pl.address != "" {
		pl.addrKey = routing.AddressKey(pl.address)
	}
	pl.index = p.idx.Terms(m.Text + " " + pl.address)
	pl.hash = store.TextHash(m.Text)
	pl.terms = termSetOf(pl.index)
	return pl
}

func termSetOf(terms []string) map[string]struct{} {
	set := make(map[string]struct{}, len(terms))
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= 3 { // short words (не, на, 5) say little about the problem
			set[t] = struct{}{}
		}
	}
	return set
}

// MinSharedTerms is how many words two texts must share at least to be about the same problem.
const MinSharedTerms = 3

// overlap is the overlap coefficient of two term sets (shared ÷ the smaller set) and the number shared. Short
// social-network texts differ in length a lot; the coefficient does not punish the longer one.
func overlap(a, b map[string]struct{}) (float64, int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0
	}
	if len(b) < len(a) {
		a, b = b, a
	}
	inter := 0
	for t := range a {
		if _, ok := b[t]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)), inter
}

// similar reports whether two messages in one category and territory are about the same problem: the same house,
// or enough words in common (at least MinSharedTerms and MergeOverlap of the shorter text).
func (p *Pipeline) similar(aKey, bKey string, a, b map[string]struct{}) (bool, float64) {
	if aKey != "" && bKey != "" {
		if aKey == bKey {
			return true, 1
		}
		return false, 0 // two different houses are two problems
	}
	o, shared := overlap(a, b)
	return o >= p.cfg.MergeOverlap && shared >= MinSharedTerms, o
}

// findMerges decides which messages join an open incident (one query for the whole batch) or an incident an
// earlier message of the batch opens.
func (p *Pipeline) findMerges(ctx context.Context, msgs []model.Message, plans []plan) error {
	var catIDs, terIDs []int64
	seen, seenTer := map[int64]bool{}, map[int64]bool{}
	groups := map[[2]int64]bool{}
	var from, to time.Time
	for i, pl := range plans {
		if !pl.catOK || !pl.terOK || !p.isAppeal(pl) {
			continue
		}
		groups[[2]int64{pl.category.ID, pl.territory.ID}] = true
		if !seen[pl.category.ID] {
			seen[pl.category.ID] = true
			catIDs = append(catIDs, pl.category.ID)
		}
		if !seenTer[pl.territory.ID] {
			seenTer[pl.territory.ID] = true
			terIDs = append(terIDs, pl.territory.ID)
		}
		t := msgs[i].PostedAt
		if from.IsZero() || t.Before(from) {
			from = t
		}
		if t.After(to) {
			to = t
		}
	}
	if len(catIDs) == 0 {
		return nil
	}
	cands, err := p.svc.Store().MergeCandidates(ctx, from.Add(-p.cfg.MergeWindow), to, catIDs, terIDs, 5000)
	if err != nil {
		return err
	}
	type cand struct {
		store.MergeCandidate
		key   string
		terms map[string]struct{}
	}
	byGroup := map[[2]int64][]cand{}
	for _, c := range cands {
		k := [2]int64{c.CategoryID, c.TerritoryID}
		if !groups[k] {
			continue // no message of this batch is about this category in this territory
		}
		cc := cand{MergeCandidate: c, terms: p.summaryTerms(c.ID, c.Summary)}
		if c.Address != "" {
			cc.key = routing.AddressKey(c.Address)
		}
		byGroup[k] = append(byGroup[k], cc)
	}
	type opened struct {
		item  int
		at    time.Time
		key   string
		terms map[string]struct{}
	}
	batchGroups := map[[2]int64][]opened{}
	for i := range plans {
		pl := &plans[i]
		if !pl.catOK || !pl.terOK || !p.isAppeal(*pl) {
			continue
		}
		k := [2]int64{pl.category.ID, pl.territory.ID}
		at := msgs[i].PostedAt
		if model.DirectSource(msgs[i].Source) {
			// An appeal to the internet reception is registered on its own, with its own number, legal term and
			// answer to its author (59-ФЗ), and an Open311 request keeps the id its author tracks; an operator
			// may still merge either (the survivor takes a reception appeal's term).
			batchGroups[k] = append(batchGroups[k], opened{item: i, at: at, key: pl.addrKey, terms: pl.terms})
			continue
		}
		best := 0.0
		for _, c := range byGroup[k] {
			if at.Sub(c.CreatedAt) > p.cfg.MergeWindow || c.CreatedAt.Sub(at) > p.cfg.MergeWindow {
				continue
			}
			if ok, s := p.similar(pl.addrKey, c.key, pl.terms, c.terms); ok && s > best {
				best, pl.joinIncident = s, c.ID
			}
		}
		for _, o := range batchGroups[k] {
			if at.Sub(o.at) > p.cfg.MergeWindow || o.at.Sub(at) > p.cfg.MergeWindow {
				continue
			}
			if ok, s := p.similar(pl.addrKey, o.key, pl.terms, o.terms); ok && s > best {
				best, pl.joinIncident, pl.joinItem = s, 0, o.item+1
			}
		}
		pl.similarity = best
		if pl.joinIncident == 0 && pl.joinItem == 0 {
			batchGroups[k] = append(batchGroups[k], opened{item: i, at: at, key: pl.addrKey, terms: pl.terms})
		}
	}
	return nil
}

// summaryTerms returns the term set of an open incident's summary, cached by incident across batches (a
// summary never changes). The cache is bounded: when full it starts afresh.
func (p *Pipeline) summaryTerms(id int64, summary string) map[string]struct{} {
	p.termsMu.Lock()
	defer p.termsMu.Unlock()
	if t, ok := p.termsCache[id]; ok {
		return t
	}
	if p.termsCache == nil || len(p.termsCache) >= maxTermsCache {
		p.termsCache = make(map[int64]map[string]struct{}, 1024)
	}
	t := termSetOf(p.idx.Terms(summary))
	p.termsCache[id] = t
	return t
}

// maxTermsCache bounds the summary-term cache of a pipeline.
const maxTermsCache = 50000

// isAppeal reports whether a message is (or may be) an appeal: everything but confident non-appeals.
func (p *Pipeline) isAppeal(pl plan) bool {
	return !pl.hasAnalysis || pl.an.Kind == "appeal" || pl.an.KindP < p.cfg.RejectP
}

// open prepares the incident a message opens: rejected automatically when the detector is sure it is not an
// appeal, assigned automatically when the detector, the classifier and the router are confident, else new for
// the operators, with the suggestions attached to its "created" event.
func (p *Pipeline) open(m model.Message, pl *plan, refs *store.Refs, router *routing.Router, region model.Region, cal sla.Calendar, now time.Time) (*model.Incident, []model.Event) {
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	inc := &model.Incident{
		Number: fmt.Sprintf("%s-%d-", region.Code, m.PostedAt.In(loc).Year()), RegionID: region.ID,
		Status: model.StatusNew, Priority: model.PriorityNormal, Summary: workflow.Summary(m.Text), Address: pl.address,
		Source: m.Source, CreatedAt: m.PostedAt, UpdatedAt: now,
	}
	if pl.catOK {
		inc.CategoryID, inc.CategoryCode = pl.category.ID, pl.category.Code
		if pl.category.DefaultPriority.Valid() {
			inc.Priority = pl.category.DefaultPriority
		}
	}
	if pl.terOK {
		inc.TerritoryID, inc.TerritoryOKTMO = pl.territory.ID, pl.territory.OKTMO
	}
	created := map[string]any{}
	if pl.hasAnalysis {
		an := pl.an
		if model.Priority(an.Priority).Valid() && rank(model.Priority(an.Priority)) > rank(inc.Priority) {
			inc.Priority = model.Priority(an.Priority)
		}
		created["analysis"] = an
	}
	events := []model.Event{{Actor: "system", Type: "created", To: string(model.StatusNew), At: now}}
	if pl.hasAnalysis && pl.an.Kind != "appeal" && pl.an.KindP >= p.cfg.RejectP && !model.DirectSource(m.Source) {
		inc.Status = model.StatusRejected
		inc.RejectReason = fmt.Sprintf("автоматически: не обращение (%s, вероятность %.0f%%)", kindRu(pl.an.Kind), 100*pl.an.KindP)
		events[0].Data = mustJSON(created)
		events = append(events, model.Event{Actor: "system", Type: string(model.ActReject), From: string(model.StatusNew),
			To: string(model.StatusRejected), Data: mustJSON(map[string]any{"reason": inc.RejectReason, "auto": true}), At: now})
		workflow.ApplyClocks(inc, pl.category, pl.catOK, workflow.ClockOf(region, cal), now)
		return inc, events
	}
	var topics []nlp.Prediction
	if pl.hasAnalysis {
		topics = pl.an.Topics
	}
	d := router.Route(p.svc.RouteInput(*inc, refs, topics))
	created["routing"] = d
	events[0].Data = mustJSON(created)
	confident := pl.catOK && pl.terOK && (!pl.hasAnalysis || (pl.an.Kind == "appeal" && pl.an.KindP >= p.cfg.AppealP))
	if d.Executor != "" && confident {
		if ex, ok := refs.ExecutorByCode(d.Executor); ok {
			inc.Status, inc.ExecutorID, inc.ExecutorCode = model.StatusAssigned, ex.ID, ex.Code
			events = append(events, model.Event{Actor: "system", Type: string(model.ActAssign), From: string(model.StatusNew),
				To: string(model.StatusAssigned), Data: mustJSON(map[string]any{"executor": ex.Code, "via": d.Via, "reason": d.Reason, "auto": true}), At: now})
		}
	}
	workflow.ApplyClocks(inc, pl.category, pl.catOK, workflow.ClockOf(region, cal), now)
	return inc, events
}

func rank(p model.Priority) int {
	switch p {
	case model.PriorityUrgent:
		return 2
	case model.PriorityHigh:
		return 1
	}
	return 0
}

func kindRu(k string) string {
	switch k {
	case "gratitude":
		return "благодарность"
	case "other":
		return "не относится к работе власти"
	}
	return k
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data is marshalled here
	}
	return b
}

// parallel runs fn(0..n-1) on GOMAXPROCS goroutines (inline for small n).
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 32 || workers == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
