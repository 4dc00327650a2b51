package web

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routingcsv"
	"github.com/otklik/otklik/internal/store"
)

// routingPages show the routing table and the building registry, and let administrators replace the table from a
// CSV file (the format `otklik routing import-rules` reads and the download writes).
var routingPages = []Page{
	{Method: "GET", Path: "/routing", Roles: []model.Role{model.RoleAdmin, model.RoleOperator}, Nav: "nav.routing", Handle: (*Server).routingPage},
	{Method: "GET", Path: "/routing/rules.csv", Roles: []model.Role{model.RoleAdmin, model.RoleOperator}, Handle: (*Server).rulesCSV},
	{Method: "POST", Path: "/routing/rules", Roles: []model.Role{model.RoleAdmin}, MaxBody: MaxRulesFile + 64<<10, Handle: (*Server).uploadRules},
}

// MaxRulesFile bounds an uploaded rule table.
const MaxRulesFile = 2 << 20

// ruleRow is a rule in words.
type ruleRow struct {
	R                                   store.RoutingRule
	Category, Territory, Kind, Executor string
}

// registryRow is an executor's share of the building registry.
type registryRow struct {
	Executor string
	Houses   int
}

// routingView is the routing page's data.
type routingView struct {
	Rules    []ruleRow
	Registry []registryRow
	Houses   int
	Admin    bool
	Notice   string
	Problems []string // the uploaded file's bad lines
	Error    string   // message key of an upload refused whole
}

// routingPage shows the rule table in words and the registry's size per executor.
func (s *Server) routingPage(w http.ResponseWriter, r *http.Request) {
	s.renderRouting(w, r, http.StatusOK, routingView{Notice: map[string]string{"saved": "routing.saved"}[r.URL.Query().Get("done")]})
}

func (s *Server) renderRouting(w http.ResponseWriter, r *http.Request, status int, v routingView) {
	ctx := r.Context()
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules, err := s.st.RoutingRules(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rule := range rules {
		row := ruleRow{R: rule, Kind: executorKindKeys[rule.Kind]}
		if c, ok := refs.CategoryByCode(rule.Category); ok {
			row.Category = c.Name
		}
		if t, ok := refs.TerritoryByOKTMO(rule.Territory); ok {
			row.Territory = t.Name
		}
		row.Executor = rule.Executor
		if e, ok := refs.ExecutorByCode(rule.Executor); ok {
			row.Executor = e.Name
		}
		v.Rules = append(v.Rules, row)
	}
	counts, err := s.st.BuildingCounts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for code, n := range counts {
		name := code
		if e, ok := refs.ExecutorByCode(code); ok {
			name = e.Name
		}
		v.Registry = append(v.Registry, registryRow{Executor: name, Houses: n})
		v.Houses += n
	}
	slices.SortFunc(v.Registry, func(a, b registryRow) int {
		if a.Houses != b.Houses {
			return b.Houses - a.Houses
		}
		return cmp.Compare(a.Executor, b.Executor)
	})
	v.Admin = userOf(r).Role == model.RoleAdmin
	s.render(w, r, status, "routing.html", "routing.title", v)
}

// rulesCSV downloads the rule table in the format the upload and `otklik routing import-rules` read: UTF-8 with a
// byte-order mark, semicolons, codes (not names) in the columns.
func (s *Server) rulesCSV(w http.ResponseWriter, r *http.Request) {
	rules, err := s.st.RoutingRules(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	_ = cw.Write([]string{"position", "category", "territory", "kind", "executor", "note"})
	for _, rule := range rules {
		_ = cw.Write([]string{strconv.Itoa(rule.Position), rule.Category, rule.Territory, rule.Kind, rule.Executor, rule.Note})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.fail(w, r, fmt.Errorf("web: rules csv: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="routing-rules.csv"`)
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// uploadRules replaces the rule table with an uploaded CSV file when every line of it is valid; otherwise the page
// lists every bad line and the table stays as it was.
func (s *Server) uploadRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	file, fh, err := r.FormFile("file")
	if err != nil {
		s.renderRouting(w, r, http.StatusUnprocessableEntity, routingView{Error: "routing.err.no_file"})
		return
	}
	defer file.Close()
	if fh.Size > MaxRulesFile {
		s.renderRouting(w, r, http.StatusUnprocessableEntity, routingView{Error: "routing.err.too_large"})
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules, bad, err := routingcsv.ParseRulesCSV(file, refs)
	if err != nil || len(bad) > 0 {
		v := routingView{Error: "routing.err.bad_lines"}
		if err != nil {
			v.Problems = append(v.Problems, err.Error())
		}
		for _, b := range bad {
			v.Problems = append(v.Problems, b.Error())
		}
		s.renderRouting(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err := s.st.ReplaceRoutingRules(ctx, rules); err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	s.log.Info("web: routing table replaced", "by", userOf(r).Login, "rules", len(rules))
	http.Redirect(w, r, "/routing?done=saved", http.StatusSeeOther)
}
