package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/rating"
	"github.com/otklik/otklik/internal/store"
)

// ratingPages is the download of a ranking, for reports.
var ratingPages = []Page{
	{Method: "GET", Path: "/dashboard/rating.csv", Roles: []model.Role{model.RoleSupervisor, model.RoleAdmin, model.RoleOperator, model.RoleModerator},
		Handle: (*Server).ratingCSV},
}

// ratingCSV serves a ranking of the dashboard's period and territory (of=executors, the default, or territories)
// as CSV: UTF-8 with a byte-order mark, semicolons between fields and decimal commas in Russian (what a spreadsheet
// in a Russian locale opens as it is), commas and decimal points in English. Indicators are numbers in their own
// units; an indicator without data is empty.
func (s *Server) ratingCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	of := r.URL.Query().Get("of")
	if of == "" {
		of = "executors"
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v dashboardView
	sc, err := s.dashScopeOf(r, refs, &v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.st.Dashboard(ctx, store.DashboardFilter{From: sc.From, To: sc.To, TerritoryID: sc.Territory, Now: s.now(), Location: sc.Loc}, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []store.BreakdownRow
	for _, rk := range rankedOf(d) {
		if rk.of == of {
			rows = rk.rows
		}
	}
	if of != "executors" && of != "territories" {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	entries, err := rating.Rank(store.RatingInputs(rows), rating.DefaultConfig())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	t := func(key string) string { return s.msgs.text(lang, key) }
	sep, dec := ';', ","
	if lang == "en" {
		sep, dec = ',', "."
	}
	number := func(v *float64, scale float64, prec int) string {
		if v == nil {
			return ""
		}
		return strings.Replace(strconv.FormatFloat(*v*scale, 'f', prec, 64), ".", dec, 1)
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = sep
	_ = cw.Write([]string{t("dash.rank"), t("dash.name"), t("dash.score_col"), t("dash.received"), t("rating.csv.on_time"),
		t("rating.csv.reaction"), t("dash.grade"), t("rating.csv.formal"), t("dash.score"), t("dash.note")})
	for _, e := range entries {
		rank := ""
		if e.Ranked {
			rank = strconv.Itoa(e.Rank)
		}
		var hours *float64
		if e.MedianReaction != nil {
			h := e.MedianReaction.Hours()
			hours = &h
		}
		_ = cw.Write([]string{rank, e.Name, number(e.Score, 1, 1), strconv.Itoa(e.Received), number(e.OnTimeShare, 100, 1),
			number(hours, 1, 1), number(e.MeanGrade, 1, 1), number(e.FormalShare, 100, 1), number(e.MeanScore, 1, 2), e.Note})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.fail(w, r, fmt.Errorf("web: rating csv: %w", err))
		return
	}
	name := fmt.Sprintf("rating-%s-%s-%s.csv", of, sc.From.Format(time.DateOnly), sc.To.AddDate(0, 0, -1).Format(time.DateOnly))
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
