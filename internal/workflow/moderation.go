package workflow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/quality"
	"github.com/otklik/otklik/internal/sla"
	"github.com/otklik/otklik/internal/store"
)

// GradeInput is what a grade preview needs: the text being typed and what it answers.
type GradeInput struct {
	IncidentID  int64            `json:"incident_id"`
	Kind        model.AnswerKind `json:"kind"`
	Text        string           `json:"text"`
	Attachments []string         `json:"attachments,omitempty"`
}

// gradeFor grades an answer to an incident as if it were published now: promptness from the incident's
// creation to now against its reaction deadline, relevance against the resident's first message, proof where
// the category asks for it.
func (s *Service) gradeFor(ctx context.Context, refs *store.Refs, inc model.Incident, kind model.AnswerKind, text string, attachments []string, now time.Time) (quality.Grades, error) {
	msgs, err := s.st.Messages(ctx, inc.ID)
	if err != nil {
		return quality.Grades{}, err
	}
	in := quality.Input{Answer: text, Kind: quality.KindInterim, Created: inc.CreatedAt, Answered: now, ProofAttached: len(attachments) > 0}
	if kind == model.AnswerFinal {
		in.Kind = quality.KindFinal
	}
	if inc.FirstReactionAt != nil {
		in.Answered = *inc.FirstReactionAt // promptness is about the first reaction, already given
	}
	if len(msgs) > 0 {
		in.Question = msgs[0].Text
	}
	if inc.ReactionDue != nil {
		in.Deadline = inc.ReactionDue.Sub(inc.CreatedAt)
	}
	if c, ok := refs.CategoryByID(inc.CategoryID); ok {
		in.ProofRequired = c.RequiresProof && kind == model.AnswerFinal
	}
	return quality.Grade(in, quality.DefaultConfig()), nil
}

// Grade previews the grades of an answer being written (the executor sees them change as they type).
func (s *Service) Grade(ctx context.Context, a model.Actor, in GradeInput) (quality.Grades, error) {
	if !in.Kind.Valid() {
		return quality.Grades{}, model.Invalid("kind", fmt.Sprintf("must be interim or final; got %q", in.Kind))
	}
	if len(in.Text) > MaxAnswerLen {
		return quality.Grades{}, model.Invalid("text", fmt.Sprintf("longer than %d bytes", MaxAnswerLen))
	}
	refs, err := s.Refs(ctx)
	if err != nil {
		return quality.Grades{}, err
	}
	inc, err := s.st.Incident(ctx, in.IncidentID)
	if err != nil {
		return quality.Grades{}, err
	}
	if !model.CanView(a, inc) {
		return quality.Grades{}, fmt.Errorf("%w: incident %d", model.ErrNotFound, in.IncidentID)
	}
	return s.gradeFor(ctx, refs, inc, in.Kind, in.Text, in.Attachments, s.Now())
}

// attachGrades grades an answer at submission and stores the grades on it.
func (s *Service) attachGrades(ctx context.Context, refs *store.Refs, inc model.Incident, ans *model.Answer, now time.Time) (quality.Grades, error) {
	g, err := s.gradeFor(ctx, refs, inc, ans.Kind, ans.Text, ans.Attachments, now)
	if err != nil {
		return g, err
	}
	raw, err := json.Marshal(g)
	if err != nil {
		return g, fmt.Errorf("workflow: encode grades: %w", err)
	}
	ans.Grades, ans.Formal = raw, &g.Formal
	return g, nil
}

// autoApprovable reports whether the region lets this answer skip the moderator.
func autoApprovable(region model.Region, g quality.Grades) bool {
	th := region.Settings.AutoApprove
	return th > 0 && !g.Formal && g.Plain >= th && g.Informative >= th
}

// newToken returns a short unguessable token for a resident's link.
func newToken() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("workflow: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ValidRateToken reports whether token has the shape newToken gives: 16 characters of unpadded URL-safe base64.
func ValidRateToken(token string) bool {
	if len(token) != 16 {
		return false
	}
	for _, c := range []byte(token) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// RatePath is where a resident rates a published answer through the REST API: RatePath + token.
const RatePath = "/r/"

// RatePagePath is the web interface's rating page of the same link, RatePagePath + token: the address residents
// who wrote in VK or Telegram get under the published answer; the API sends browsers from RatePath there.
const RatePagePath = "/rate/"

// RateInput is a resident's verdict.
type RateInput struct {
	Score   int    `json:"score"`
	Solved  *bool  `json:"solved"`
	Comment string `json:"comment,omitempty"`
}

// MaxRateComment bounds a resident's comment.
const MaxRateComment = 2000

// Rate records a resident's verdict on an answer, once; «не решено» on a resolved incident reopens it.
func (s *Service) Rate(ctx context.Context, token string, in RateInput) (store.Rating, error) {
	if in.Score < 1 || in.Score > 5 {
		return store.Rating{}, model.Invalid("score", "must be from 1 to 5")
	}
	if in.Solved == nil {
		return store.Rating{}, model.Invalid("solved", "required: is the problem solved?")
	}
	if len(in.Comment) > MaxRateComment {
		return store.Rating{}, model.Invalid("comment", fmt.Sprintf("longer than %d bytes", MaxRateComment))
	}
	refs, err := s.Refs(ctx)
	if err != nil {
		return store.Rating{}, err
	}
	now := s.Now()
	var out store.Rating
	err = s.st.WithTx(ctx, func(tx *store.Tx) error {
		r, err := tx.RatingForUpdate(ctx, token)
		if err != nil {
			return err
		}
		if r.RatedAt != nil {
			return fmt.Errorf("%w: this answer has already been rated", model.ErrConflict)
		}
		r.Score, r.Solved, r.Comment, r.RatedAt = in.Score, in.Solved, strings.TrimSpace(in.Comment), &now
		if err := tx.SaveRating(ctx, r); err != nil {
			return err
		}
		data := map[string]any{"score": in.Score, "solved": *in.Solved}
		if err := tx.AddEvent(ctx, event(model.Actor{Login: "resident"}, r.IncidentID, r.AnswerID, "rated", "", "", data, now)); err != nil {
			return err
		}
		out = r
		if *in.Solved {
			return nil
		}
		inc, err := tx.IncidentForUpdate(ctx, r.IncidentID)
		if err != nil {
			return err
		}
		if inc.Status != model.StatusResolved {
			return nil // an interim answer rated «не решено»: the incident is still in work
		}
		to, err := model.IncidentTransition(model.SystemActor(), inc, model.ActReopen)
		if err != nil {
			return err
		}
		from := inc.Status
		cat, ok := refs.CategoryByID(inc.CategoryID)
		clk, err := s.Clock(ctx, inc.RegionID)
		if err != nil {
			return err
		}
		d := sla.ResolutionDue(now, clk.Cal, clk.Policy(cat, ok))
		inc.Status, inc.ResolvedAt, inc.ResolutionDue, inc.UpdatedAt = to, nil, &d, now
		ApplyClocks(&inc, cat, ok, clk, now)
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		return tx.AddEvent(ctx, event(model.SystemActor(), inc.ID, r.AnswerID, string(model.ActReopen), string(from), string(to),
			map[string]any{"reason": "житель сообщил, что проблема не решена"}, now))
	})
	return out, err
}

// RenderTemplate fills a template's placeholders from an incident: {name} (the resident), {address},
// {number} (the incident's number), {executor}, {date} (a date N working days ahead: {date+5}; {date} is
// five working days), and returns the text.
func (s *Service) RenderTemplate(ctx context.Context, a model.Actor, tmplID, incidentID int64) (string, error) {
	t, err := s.st.Template(ctx, tmplID)
	if err != nil {
		return "", err
	}
	inc, err := s.st.Incident(ctx, incidentID)
	if err != nil {
		return "", err
	}
	if !model.CanView(a, inc) {
		return "", fmt.Errorf("%w: incident %d", model.ErrNotFound, incidentID)
	}
	refs, err := s.Refs(ctx)
	if err != nil {
		return "", err
	}
	msgs, err := s.st.Messages(ctx, inc.ID)
	if err != nil {
		return "", err
	}
	cal, err := s.Calendar(ctx, inc.RegionID)
	if err != nil {
		return "", err
	}
	name := "Уважаемый житель"
	if len(msgs) > 0 && msgs[0].Author != "" {
		name = msgs[0].Author
	}
	executor := ""
	if e, ok := refs.ExecutorByID(inc.ExecutorID); ok {
		executor = e.Name
	}
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	now := s.Now()
	text := t.Text
	// {date+N}
	for {
		i := strings.Index(text, "{date+")
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		var n int
		if _, err := fmt.Sscanf(text[i+6:i+j], "%d", &n); err != nil || n < 0 || n > 365 {
			n = 5
		}
		text = text[:i] + cal.AddWorkingDays(now, n).In(loc).Format("02.01.2006") + text[i+j+1:]
	}
	r := strings.NewReplacer("{name}", name, "{address}", orDefault(inc.Address, "указанному адресу"), "{number}", inc.Number,
		"{executor}", executor, "{date}", cal.AddWorkingDays(now, 5).In(loc).Format("02.01.2006"))
	return r.Replace(text), nil
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
