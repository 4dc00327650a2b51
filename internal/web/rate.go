package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// RatePagePath is where a resident who wrote in VK or Telegram rates a published answer (workflow.RatePagePath).
const RatePagePath = workflow.RatePagePath

// ratePages are the rating pages of answers published outside the reception.
var ratePages = []Page{
	{Method: "GET", Path: RatePagePath + "{token}", Handle: (*Server).ratePage},
	{Method: "POST", Path: RatePagePath + "{token}", Handle: (*Server).rateSubmit},
}

// ratedAnswer returns the rating link behind token, its published answer and the incident (followed through
// merges, as the tracking page does).
func (s *Server) ratedAnswer(ctx context.Context, token string) (store.Rating, model.Answer, model.Incident, error) {
	if !validLinkToken(token) {
		return store.Rating{}, model.Answer{}, model.Incident{}, fmt.Errorf("web: %w: rating link", model.ErrNotFound)
	}
	rt, err := s.st.RatingByToken(ctx, token)
	if err != nil {
		return rt, model.Answer{}, model.Incident{}, err
	}
	ans, err := s.st.Answer(ctx, rt.AnswerID)
	if err != nil {
		return rt, ans, model.Incident{}, err
	}
	if ans.State != model.AnswerPublished {
		return rt, ans, model.Incident{}, fmt.Errorf("web: %w: rating link of an unpublished answer", model.ErrNotFound)
	}
	inc, err := s.followMerges(ctx, rt.IncidentID)
	return rt, ans, inc, err
}

// validLinkToken reports whether token can be a resident's link token: at most 64 URL-safe characters.
func validLinkToken(token string) bool {
	if token == "" || len(token) > 64 {
		return false
	}
	for _, c := range []byte(token) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Server) ratePage(w http.ResponseWriter, r *http.Request) {
	s.renderRate(w, r, http.StatusOK, r.URL.Query().Get("rated") == "1", "")
}

// renderRate shows one published answer with its rating form, or the resident's rating once given. It says
// nothing of the resident: the link travels in a public reply.
func (s *Server) renderRate(w http.ResponseWriter, r *http.Request, status int, rated bool, errKey string) {
	ctx := r.Context()
	token := r.PathValue("token")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	rt, ans, inc, err := s.ratedAnswer(ctx, token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := trackView{Number: inc.Number, Status: inc.Status, Created: inc.CreatedAt, Rated: rated, Error: errKey, Token: token}
	if err := s.describeTracked(ctx, r, inc, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	ta := trackAnswer{ID: ans.ID, Kind: ans.Kind, Text: ans.Text, Published: ans.PublishedAt, RateAction: RatePagePath + token}
	ta.rating(rt)
	v.Answers = []trackAnswer{ta}
	s.render(w, r, status, "track.html", "rate.title", v)
}

// rateSubmit records the resident's rating given on the rating page.
func (s *Server) rateSubmit(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, _, _, err := s.ratedAnswer(r.Context(), token); err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.rate(w, r, token, s.renderRate) {
		return
	}
	http.Redirect(w, r, RatePagePath+token+"?rated=1", http.StatusSeeOther)
}

// rate records the rating the posted form gives for the link token; on bad input or a second rating it renders
// the page again through again with the reason and reports false.
func (s *Server) rate(w http.ResponseWriter, r *http.Request, token string,
	again func(http.ResponseWriter, *http.Request, int, bool, string)) bool {
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	var solved *bool
	switch r.PostFormValue("solved") {
	case "yes":
		solved = new(bool)
		*solved = true
	case "no":
		solved = new(bool)
	}
	_, err := s.svc.Rate(r.Context(), token, workflow.RateInput{Score: score, Solved: solved, Comment: strings.TrimSpace(r.PostFormValue("comment"))})
	switch {
	case errors.Is(err, model.ErrInvalid):
		again(w, r, http.StatusUnprocessableEntity, false, "track.err.rating")
		return false
	case errors.Is(err, model.ErrConflict):
		again(w, r, http.StatusConflict, false, "track.err.rated")
		return false
	case err != nil:
		s.fail(w, r, err)
		return false
	}
	return true
}
