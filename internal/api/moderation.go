package api

import (
	"fmt"
	"net/http"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// GradeRequest is the body of POST /api/v1/answers/grade: the answer as it is being typed and the incident it
// answers.
type GradeRequest struct {
	IncidentID  int64            `json:"incident_id"`
	Kind        model.AnswerKind `json:"kind"`
	Text        string           `json:"text"`
	Attachments []string         `json:"attachments,omitempty"`
}

// mayPreviewGrades reports whether a role may ask for a grade preview: the executor writing the answer, the
// moderators reviewing it and the centre's operators (admins too); supervisors only read dashboards.
func mayPreviewGrades(a model.Actor) bool {
	switch a.Role {
	case model.RoleExecutor, model.RoleModerator, model.RoleOperator, model.RoleAdmin:
		return true
	}
	return false
}

// gradePreview serves POST /api/v1/answers/grade: the three grades and the formal-reply flag of a text, with
// the reasons, computed as if it were published now. Nothing is stored.
func (s *server) gradePreview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	var req GradeRequest
	if err := decodeBody(w, r, MaxBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.IncidentID <= 0 {
		s.fail(w, r, model.Invalid("incident_id", "required: the id of the incident the answer is for"))
		return
	}
	if !req.Kind.Valid() {
		s.fail(w, r, model.Invalid("kind", fmt.Sprintf("must be interim or final; got %q", req.Kind)))
		return
	}
	if len(req.Attachments) > workflow.MaxAttachments {
		s.fail(w, r, model.Invalid("attachments", fmt.Sprintf("at most %d", workflow.MaxAttachments)))
		return
	}
	inc, err := s.incidentRef(ctx, a, fmt.Sprint(req.IncidentID))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !mayPreviewGrades(a) {
		s.fail(w, r, forbidden("only the executor, moderators and operators preview grades"))
		return
	}
	g, err := s.svc.Grade(ctx, a, workflow.GradeInput{IncidentID: inc.ID, Kind: req.Kind, Text: req.Text, Attachments: req.Attachments})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}
