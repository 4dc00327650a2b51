package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/quality"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

const (
	// MaxAnswerPhotos bounds the photos uploaded with one save of an answer.
	MaxAnswerPhotos = 5
	// answerBody bounds the editor's multipart POST.
	answerBody = MaxAnswerPhotos*MaxPhotoBytes + 256<<10
	// answerDir is where, under Options.UploadDir, answers' proof photos are kept.
	answerDir = "answers"
	// answerPrefix is the path staff open an answer's photo at.
	answerPrefix = "/files/answers/"
)

// gradeGroup is one grade with its reasons in plain words.
type gradeGroup struct {
	Key     string // message key of the grade's name
	ID      string // element id suffix
	Value   int
	Known   bool
	Reasons []quality.Reason
}

// gradeView is the grades of a text as the editor and the moderation queue show them.
type gradeView struct {
	Groups        []gradeGroup
	Formal        bool
	FormalReasons []quality.Reason
}

// gradeViewOf groups the grades and their reasons.
func gradeViewOf(g quality.Grades) gradeView {
	return gradeView{
		Groups: []gradeGroup{
			{Key: "desk.grade.prompt", ID: "prompt", Value: g.Prompt, Known: g.HasPrompt, Reasons: g.PromptReasons},
			{Key: "desk.grade.plain", ID: "plain", Value: g.Plain, Known: true, Reasons: g.PlainReasons},
			{Key: "desk.grade.informative", ID: "informative", Value: g.Informative, Known: true, Reasons: g.InformativeReasons},
		},
		Formal: g.Formal, FormalReasons: g.FormalReasons,
	}
}

// storedGrades reads an answer's grades as recorded at its last submission.
func storedGrades(raw json.RawMessage) (gradeView, bool) {
	if len(raw) == 0 {
		return gradeView{}, false
	}
	var g quality.Grades
	if json.Unmarshal(raw, &g) != nil {
		return gradeView{}, false
	}
	return gradeViewOf(g), true
}

// editorAnswer is an answer of the thread.
type editorAnswer struct {
	A      model.Answer
	Grades gradeView
	Graded bool
	Photos []string
}

// editorView is the answer editor's data.
type editorView struct {
	Inc                 model.Incident
	Category, Territory string
	Due                 string
	Overdue             bool
	Messages            []model.Message
	Answers             []editorAnswer
	Editing             *model.Answer // the draft or returned answer being edited; nil for a new one
	Kind                model.AnswerKind
	Text                string
	DueDate             string
	Attachments         []string
	Templates           []store.Template
	Grades              gradeView
	Graded              bool
	CanAnswer           bool
	CanAccept           bool
	CanDecline          bool
	Notice, Error       string
	Incompetent         string
	MaxPhotos           int
}

// GradeRows are the grades shown beside the editor: the saved or posted text's, or the three names with
// no value before anything is written (so that the script has the elements to fill).
func (v editorView) GradeRows() []gradeGroup {
	if v.Graded {
		return v.Grades.Groups
	}
	rows := gradeViewOf(quality.Grades{}).Groups
	for i := range rows {
		rows[i].Known = false
	}
	return rows
}

// answerEditor shows an incident of the executor with its thread and the answer editor.
func (s *Server) answerEditor(w http.ResponseWriter, r *http.Request) {
	a, inc, err := s.ownIncident(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.editorData(r, a, inc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if id := atoi64(r.URL.Query().Get("template")); id > 0 {
		text, err := s.svc.RenderTemplate(r.Context(), a, id, inc.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Text = text
		for _, t := range v.Templates {
			if t.ID == id && t.Kind != "" {
				v.Kind = model.AnswerKind(t.Kind)
			}
		}
	}
	v.Notice = deskNotices[r.URL.Query().Get("done")]
	s.gradeInto(r, a, &v)
	s.render(w, r, http.StatusOK, "answer.html", "desk.editor.title", v)
}

// gradeInto grades the editor's text (the saved draft, or what was posted) for the page shown without script.
func (s *Server) gradeInto(r *http.Request, a model.Actor, v *editorView) {
	if !v.CanAnswer || strings.TrimSpace(v.Text) == "" {
		return
	}
	g, err := s.svc.Grade(r.Context(), a, workflow.GradeInput{IncidentID: v.Inc.ID, Kind: v.Kind, Text: v.Text, Attachments: v.Attachments})
	if err == nil {
		v.Grades, v.Graded = gradeViewOf(g), true
	}
}

// editorData gathers the thread, the answers and the templates of an incident.
func (s *Server) editorData(r *http.Request, a model.Actor, inc model.Incident) (editorView, error) {
	ctx := r.Context()
	v := editorView{Inc: inc, Kind: model.AnswerFinal, Incompetent: declineIncompetent, MaxPhotos: MaxAnswerPhotos}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		return v, err
	}
	if c, ok := refs.CategoryByID(inc.CategoryID); ok {
		v.Category = c.Name
	}
	if t, ok := refs.TerritoryByID(inc.TerritoryID); ok {
		v.Territory = t.Name
	}
	if inc.DueAt != nil {
		v.Due, v.Overdue = countdown(inc.DueAt.Sub(s.now()), stateOf(r).lang)
	}
	if v.Messages, err = s.st.Messages(ctx, inc.ID); err != nil {
		return v, err
	}
	answers, err := s.st.Answers(ctx, inc.ID)
	if err != nil {
		return v, err
	}
	for i, an := range answers {
		ea := editorAnswer{A: an, Photos: an.Attachments}
		ea.Grades, ea.Graded = storedGrades(an.Grades)
		v.Answers = append(v.Answers, ea)
		if an.State == model.AnswerDraft || an.State == model.AnswerReturned {
			v.Editing = &answers[i]
		}
	}
	if v.Editing != nil {
		v.Kind, v.Text, v.Attachments = v.Editing.Kind, v.Editing.Text, v.Editing.Attachments
		if v.Editing.DueDate != nil {
			v.DueDate = v.Editing.DueDate.In(s.zone(r)).Format("2006-01-02")
		}
	}
	v.CanAnswer = inc.Status == model.StatusInWork || inc.Status == model.StatusInterim
	v.CanAccept = inc.Status == model.StatusAssigned
	v.CanDecline = inc.Status == model.StatusAssigned || inc.Status == model.StatusInWork
	if v.CanAnswer {
		if v.Templates, err = s.st.Templates(ctx, inc.CategoryCode); err != nil {
			return v, err
		}
	}
	return v, nil
}

// zone is the region's time zone the pages show times in (UTC when it cannot be read).
func (s *Server) zone(r *http.Request) *time.Location {
	if _, loc, err := s.region(r.Context()); err == nil && loc != nil {
		return loc
	}
	return time.UTC
}

// answerSave saves the editor's answer as a draft, or submits it for review (action=submit).
func (s *Server) answerSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, inc, err := s.ownIncident(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.editorData(r, a, inc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !v.CanAnswer {
		s.fail(w, r, fmt.Errorf("%w: incident %s is %s", model.ErrConflict, inc.Number, inc.Status))
		return
	}
	submit := r.PostFormValue("action") == "submit"
	v.Kind = model.AnswerKind(r.PostFormValue("kind"))
	v.Text = strings.TrimSpace(r.PostFormValue("text"))
	v.DueDate = r.PostFormValue("due_date")
	// Kept photos: only those already attached to the answer being edited.
	var keep []string
	for _, p := range r.PostForm["keep"] {
		if v.Editing != nil && slices.Contains(v.Editing.Attachments, p) {
			keep = append(keep, p)
		}
	}
	v.Attachments = keep
	fail := func(key string) {
		v.Error = key
		s.gradeInto(r, a, &v)
		s.render(w, r, http.StatusBadRequest, "answer.html", "desk.editor.title", v)
	}
	if !v.Kind.Valid() {
		fail("desk.err.kind")
		return
	}
	if v.Text == "" {
		fail("desk.err.text")
		return
	}
	var due *time.Time
	if v.DueDate != "" {
		d, err := time.ParseInLocation("2006-01-02", v.DueDate, s.zone(r))
		if err != nil {
			fail("desk.err.due_date")
			return
		}
		due = &d
	}
	var files = r.MultipartForm
	var uploaded []string
	if files != nil && len(files.File["photos"]) > 0 {
		if len(files.File["photos"])+len(keep) > MaxAnswerPhotos {
			fail("desk.err.photo_count")
			return
		}
		photos, bad := readPhotos(files.File["photos"])
		if bad != "" {
			fail(strings.Replace(bad, "reception.", "desk.", 1))
			return
		}
		if uploaded, err = s.saveAnswerPhotos(photos); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	attachments := append(keep, uploaded...)
	v.Attachments = attachments
	if v.Editing == nil {
		_, err = s.svc.CreateAnswer(ctx, a, inc.ID, workflow.AnswerInput{Kind: v.Kind, Text: v.Text, DueDate: due, Attachments: attachments, Submit: submit})
	} else {
		_, err = s.svc.AnswerAct(ctx, a, v.Editing.ID, model.AnsEdit, workflow.AnswerArgs{Text: v.Text, DueDate: due, Attachments: attachments})
		if err == nil && submit {
			_, err = s.svc.AnswerAct(ctx, a, v.Editing.ID, model.AnsSubmit, workflow.AnswerArgs{})
		}
	}
	if err != nil {
		s.removeAnswerPhotos(uploaded)
		if isFieldError(err) {
			s.log.Info("web: answer refused", "incident", inc.Number, "err", err)
			fail("desk.err.refused")
			return
		}
		s.fail(w, r, err)
		return
	}
	done := "save"
	if submit {
		done = "submit"
	}
	http.Redirect(w, r, withDone("/desk/incidents/"+inc.Number, done), http.StatusSeeOther)
}

// gradeRequest is the body of POST /desk/grade.
type gradeRequest struct {
	Incident    string   `json:"incident"` // number
	Kind        string   `json:"kind"`
	Text        string   `json:"text"`
	Attachments []string `json:"attachments"`
}

// gradeReply is its answer.
type gradeReply struct {
	Groups        []gradeReplyGroup `json:"grades"`
	Formal        bool              `json:"formal"`
	FormalLabel   string            `json:"formal_label"`
	FormalReasons []quality.Reason  `json:"formal_reasons"`
}

type gradeReplyGroup struct {
	ID      string           `json:"id"`
	Value   string           `json:"value"`
	Reasons []quality.Reason `json:"reasons"`
}

// deskGrade grades a text as the executor types it (JSON in, JSON out; the CSRF token in X-CSRF-Token).
func (s *Server) deskGrade(w http.ResponseWriter, r *http.Request) {
	a, _ := ActorFrom(r.Context())
	var req gradeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	inc, err := s.st.IncidentByNumber(r.Context(), req.Incident)
	if err == nil && inc.ExecutorID != a.ExecutorID {
		err = model.ErrNotFound
	}
	var g quality.Grades
	if err == nil {
		g, err = s.svc.Grade(r.Context(), a, workflow.GradeInput{IncidentID: inc.ID, Kind: model.AnswerKind(req.Kind), Text: req.Text, Attachments: req.Attachments})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		status := http.StatusInternalServerError
		switch {
		case isFieldError(err):
			status = http.StatusBadRequest
		case strings.Contains(err.Error(), model.ErrNotFound.Error()):
			status = http.StatusNotFound
		}
		if status == http.StatusInternalServerError {
			s.log.Error("web: grade", "err", err)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":"` + http.StatusText(status) + `"}`))
		return
	}
	v := gradeViewOf(g)
	out := gradeReply{Formal: v.Formal, FormalReasons: v.FormalReasons}
	if out.FormalReasons == nil {
		out.FormalReasons = []quality.Reason{}
	}
	lang := stateOf(r).lang
	out.FormalLabel = s.msgs.text(lang, "desk.formal.no")
	if v.Formal {
		out.FormalLabel = s.msgs.text(lang, "desk.formal.yes")
	}
	for _, gr := range v.Groups {
		val := "—"
		if gr.Known {
			val = fmt.Sprint(gr.Value)
		}
		rs := gr.Reasons
		if rs == nil {
			rs = []quality.Reason{}
		}
		out.Groups = append(out.Groups, gradeReplyGroup{ID: gr.ID, Value: val, Reasons: rs})
	}
	_ = json.NewEncoder(w).Encode(out)
}

// saveAnswerPhotos writes proof photos under UploadDir/answers with random names (the reception's approach)
// and returns the paths staff open them at.
func (s *Server) saveAnswerPhotos(photos []photo) ([]string, error) {
	return s.storePhotos(photos, answerDir, answerPrefix)
}

func (s *Server) removeAnswerPhotos(paths []string) { s.removeStored(answerDir, paths) }

// answerPhoto shows an answer's proof photo to staff.
func (s *Server) answerPhoto(w http.ResponseWriter, r *http.Request) { s.servePhoto(w, r, answerDir) }

// kindKey and stateKey name an answer's kind and state in the catalogue.
func kindKey(k model.AnswerKind) string { return deskKey("kind", string(k)) }

func answerStateKey(s model.AnswerState) string { return deskKey("state", string(s)) }

// deskKey is the desk's message key of one value of a kind.
func deskKey(kind, value string) string { return "desk." + kind + "." + value }

// KindKey is the message key of the answer's kind.
func (e editorAnswer) KindKey() string { return kindKey(e.A.Kind) }

// StateKey is the message key of the answer's state.
func (e editorAnswer) StateKey() string { return answerStateKey(e.A.State) }

// KindKey is the message key of the answer's kind.
func (m modItem) KindKey() string { return kindKey(m.A.Kind) }

// TemplateKindKey is the message key of a template's kind.
func (v editorView) TemplateKindKey(k string) string { return kindKey(model.AnswerKind(k)) }
