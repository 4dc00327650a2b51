// Package routing decides which executor must answer an incident: an ordered rule table per region (category or
// subtopic × territory × executor kind → executor), a building registry that sends house problems to the
// management company of that house, the executor learned from history as a suggestion and a tie-break, and a
// fallback to the territory's administration and then to the centre's triage queue. It is pure: it takes the
// tables and returns a decision that says why.
package routing

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/russian"

	"github.com/otklik/otklik/internal/nlp/geo"
)

// Rule sends incidents of a category in a territory to an executor. Empty Category, Territory or Kind match
// anything; the first matching rule in table order wins (ties broken by the history suggestion).
type Rule struct {
	ID        int64  `json:"id"`
	Position  int    `json:"position"`            // order in the table, lower first
	Category  string `json:"category,omitempty"`  // topic ("zhkh") or subtopic ("zhkh.heating") code
	Territory string `json:"territory,omitempty"` // OKTMO code
	Kind      string `json:"kind,omitempty"`      // executor kind the rule is restricted to (checked against the executor)
	Executor  string `json:"executor"`            // executor code
	Note      string `json:"note,omitempty"`
}

// Building is one house of the registry and the management company that runs it.
type Building struct {
	Address   string `json:"address"`             // as written in the registry
	Territory string `json:"territory,omitempty"` // OKTMO code, when known
	Executor  string `json:"executor"`            // executor code of the УК
}

// Executor is what routing needs to know of an organisation.
type Executor struct {
	Code        string
	Name        string
	Kind        string
	Territories []string // empty: the whole region
	Categories  []string
}

// Table is a region's routing configuration.
type Table struct {
	Rules     []Rule
	Buildings []Building
	Executors []Executor
	// HouseTopics are the topics whose problems belong to the house's management company ("zhkh" by default).
	HouseTopics []string
	// MinSuggestion is the probability above which the history suggestion routes on its own (0.6 by default).
	MinSuggestion float64
}

// Suggestion is the executor predicted from history.
type Suggestion struct {
	Executor string  `json:"executor"`
	P        float64 `json:"p"`
}

// Input describes the incident to route.
type Input struct {
	Category   string      // subtopic or topic code; "" when unknown
	Territory  string      // OKTMO code; "" when unknown
	Address    string      // the address as written, "" when none
	Excluded   []string    // executors that declined
	Suggestion *Suggestion // from history, optional
}

// How a decision was reached.
const (
	ViaBuilding   = "building"
	ViaRule       = "rule"
	ViaSuggestion = "suggestion"
	ViaFallback   = "territory_admin"
	ViaTriage     = "triage"
)

// Decision is where an incident goes and why.
type Decision struct {
	Executor string  `json:"executor,omitempty"` // "" means the centre's triage queue
	Via      string  `json:"via"`
	RuleID   int64   `json:"rule_id,omitempty"`
	Reason   string  `json:"reason"` // in Russian, for the operator
	P        float64 `json:"p,omitempty"`
	// History is the executor the routing history suggests when the decision goes elsewhere (a rule, the
	// registry or the fallback overruled it, or it was not confident enough): the operator sees both.
	History *Suggestion `json:"history,omitempty"`
}

// Router is a compiled table.
type Router struct {
	t         Table
	byCode    map[string]Executor
	buildings map[string]Building
}

// New compiles a table.
func New(t Table) *Router {
	if len(t.HouseTopics) == 0 {
		t.HouseTopics = []string{"zhkh"}
	}
	if t.MinSuggestion == 0 {
		t.MinSuggestion = 0.6
	}
	r := &Router{t: t, byCode: map[string]Executor{}, buildings: map[string]Building{}}
	for _, e := range t.Executors {
		r.byCode[e.Code] = e
	}
	slices.SortStableFunc(r.t.Rules, func(a, b Rule) int { return a.Position - b.Position })
	for _, b := range t.Buildings {
		if k := AddressKey(b.Address); k != "" {
			r.buildings[b.Territory+"|"+k] = b
			if _, ok := r.buildings["|"+k]; !ok {
				r.buildings["|"+k] = b
			}
		}
	}
	return r
}

func topicOf(code string) string {
	t, _, _ := strings.Cut(code, ".")
	return t
}

// Route decides where an incident goes.
func (r *Router) Route(in Input) Decision {
	d := r.route(in)
	if s := in.Suggestion; s != nil && s.Executor != d.Executor && !slices.Contains(in.Excluded, s.Executor) {
		if _, ok := r.byCode[s.Executor]; ok {
			h := *s
			d.History = &h
		}
	}
	return d
}

func (r *Router) route(in Input) Decision {
	excluded := func(code string) bool { return slices.Contains(in.Excluded, code) }
	name := func(code string) string {
		if e, ok := r.byCode[code]; ok && e.Name != "" {
			return e.Name
		}
		return code
	}
	// 1. A house problem at a known address goes to the house's management company.
	if in.Address != "" && slices.Contains(r.t.HouseTopics, topicOf(in.Category)) {
		if b, ok := r.Building(in.Territory, in.Address); ok && !excluded(b.Executor) {
			return Decision{Executor: b.Executor, Via: ViaBuilding,
				Reason: fmt.Sprintf("дом по адресу «%s» обслуживает %s (реестр домов)", b.Address, name(b.Executor))}
		}
	}
	// 2. The rule table: the first matching position wins; the suggestion breaks ties within it.
	var matched []Rule
	for _, rule := range r.t.Rules {
		if len(matched) > 0 && rule.Position != matched[0].Position {
			break
		}
		if r.matches(rule, in) && !excluded(rule.Executor) {
			matched = append(matched, rule)
		}
	}
	if len(matched) > 0 {
		pick := matched[0]
		tie := ""
		if len(matched) > 1 && in.Suggestion != nil {
			for _, m := range matched {
				if m.Executor == in.Suggestion.Executor {
					pick, tie = m, "; из равных правил выбрано по истории обращений"
					break
				}
			}
		}
		return Decision{Executor: pick.Executor, Via: ViaRule, RuleID: pick.ID,
			Reason: fmt.Sprintf("правило №%d: %s%s", pick.ID, describe(pick, name), tie)}
	}
	// 3. The executor learned from history, when confident.
	if s := in.Suggestion; s != nil && s.P >= r.t.MinSuggestion && !excluded(s.Executor) {
		if _, ok := r.byCode[s.Executor]; ok {
			return Decision{Executor: s.Executor, Via: ViaSuggestion, P: s.P,
				Reason: fmt.Sprintf("по истории похожих обращений: %s (уверенность %.0f%%)", name(s.Executor), 100*s.P)}
		}
	}
	// 4. The territory's administration.
	if in.Territory != "" {
		for _, e := range r.t.Executors {
			if e.Kind == "omsu" && slices.Contains(e.Territories, in.Territory) && !excluded(e.Code) {
				return Decision{Executor: e.Code, Via: ViaFallback,
					Reason: fmt.Sprintf("правило не найдено: администрация территории — %s", e.Name)}
			}
		}
	}
	// 5. The centre's triage queue.
	reason := "исполнитель не определён: обращение ждёт оператора ЦУР"
	if len(in.Excluded) > 0 {
		reason += " (отказались: " + strings.Join(in.Excluded, ", ") + ")"
	}
	return Decision{Via: ViaTriage, Reason: reason}
}

func (r *Router) matches(rule Rule, in Input) bool {
	if rule.Category != "" && rule.Category != in.Category && rule.Category != topicOf(in.Category) {
		return false
	}
	if rule.Territory != "" && rule.Territory != in.Territory {
		return false
	}
	if rule.Kind != "" {
		if e, ok := r.byCode[rule.Executor]; !ok || e.Kind != rule.Kind {
			return false
		}
	}
	return true
}

func describe(r Rule, name func(string) string) string {
	var parts []string
	if r.Category != "" {
		parts = append(parts, "рубрика "+r.Category)
	}
	if r.Territory != "" {
		parts = append(parts, "территория "+r.Territory)
	}
	if len(parts) == 0 {
		parts = append(parts, "любое обращение")
	}
	return strings.Join(parts, ", ") + " → " + name(r.Executor)
}

// Building finds the registry entry for an address, in the territory when given.
func (r *Router) Building(territory, address string) (Building, bool) {
	k := AddressKey(address)
	if k == "" {
		return Building{}, false
	}
	if b, ok := r.buildings[territory+"|"+k]; ok {
		return b, true
	}
	b, ok := r.buildings["|"+k]
	if ok && territory != "" && b.Territory != "" && b.Territory != territory {
		return Building{}, false
	}
	return b, ok
}

// AddressKey reduces an address to a key that survives the ways people write it: the street name's words
// stemmed (so «Байкальская» and «Байкальской» meet), the house number, корпус and литера; the street type,
// «дом», punctuation and case are dropped. It returns "" when no house number is found.
func AddressKey(address string) string {
	a, ok := geo.FindAddress(address)
	if !ok || a.House == "" {
		return ""
	}
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(a.Street, "ё", "е")), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		words = append(words, russian.Stem(w, false))
	}
	key := strings.Join(words, " ") + " " + strings.ToLower(a.House)
	if a.Building != "" {
		key += " к" + strings.ToLower(a.Building)
	}
	if a.Letter != "" {
		key += " л" + strings.ToLower(a.Letter)
	}
	return key
}
