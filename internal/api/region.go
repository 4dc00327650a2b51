package api

import (
	"fmt"
	"net/http"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// MaxAutoApprove is the highest auto-approval threshold (grades are 0–100).
const MaxAutoApprove = 100

// RegionSettingsRequest is the body of PUT /api/v1/region/settings.
type RegionSettingsRequest struct {
	// AutoApprove (required): answers whose plain-language and informativeness grades both reach it, and that
	// are not formal replies, are approved without a moderator; 0 turns auto-approval off.
	AutoApprove *int `json:"auto_approve"`
	// Deadlines, when present, replace the region's terms as a whole (a field left out or 0 takes the default);
	// when absent the terms stay as they are. New terms reach each clock when it next starts.
	Deadlines *model.Deadlines `json:"deadlines"`
}

// region returns the deployment's region (the first one: a deployment serves one region).
func (s *server) region(r *http.Request) (model.Region, error) {
	regions, err := s.svc.Store().Regions(r.Context())
	if err != nil {
		return model.Region{}, err
	}
	if len(regions) == 0 {
		return model.Region{}, notFound("no region is configured")
	}
	return regions[0], nil
}

// getRegion serves GET /api/v1/region: the region with its calendar and settings (any signed-in user).
func (s *server) getRegion(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	reg, err := s.region(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reg)
}

// putRegionSettings serves PUT /api/v1/region/settings (admins only) and returns the region as it now is.
func (s *server) putRegionSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.adminOnly(w, r, "change the region's settings") {
		return
	}
	var req RegionSettingsRequest
	if err := decodeBody(w, r, MaxBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.AutoApprove == nil {
		s.fail(w, r, model.Invalid("auto_approve", "required: a grade threshold from 0 (off) to 100"))
		return
	}
	if v := *req.AutoApprove; v < 0 || v > MaxAutoApprove {
		s.fail(w, r, model.Invalid("auto_approve", fmt.Sprintf("must be from 0 (off) to %d; got %d", MaxAutoApprove, v)))
		return
	}
	if req.Deadlines != nil {
		if err := req.Deadlines.Validate(); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	reg, err := s.region(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reg.Settings.AutoApprove = *req.AutoApprove
	if req.Deadlines != nil {
		reg.Settings.Deadlines = *req.Deadlines
	}
	if err := s.svc.Store().SetRegionSettings(ctx, reg.Code, reg.Settings); err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	writeJSON(w, http.StatusOK, reg)
}

// putRegionCalendar serves PUT /api/v1/region/calendar (admins only): the body is the whole of the region's
// working calendar (model.Calendar; a field left out takes its default), and the answer the region as it now is.
// Deadlines already running keep their instants; the new calendar counts those that start from now on.
func (s *server) putRegionCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.adminOnly(w, r, "change the region's calendar") {
		return
	}
	var cal model.Calendar
	if err := decodeBody(w, r, MaxBody, &cal); err != nil {
		s.fail(w, r, err)
		return
	}
	reg, err := s.region(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reg.Calendar = cal
	if err := workflow.CheckCalendar(reg); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.svc.Store().SetRegionCalendar(ctx, reg.Code, reg.Calendar); err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	writeJSON(w, http.StatusOK, reg)
}

// getReference serves GET /api/v1/reference (admins only): the region, territories, categories and executors as
// one document, the form POST /api/v1/reference and `otklik reference import` take.
func (s *server) getReference(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, "read the reference document") {
		return
	}
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.svc.ExportReference(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// postReference serves POST /api/v1/reference (admins only): the document is checked whole — nothing is written
// when a field is wrong, and the error names it ("executors[3].kind") — and merged by key: the entries named are
// added or replaced, the others stay. It answers what was written.
func (s *server) postReference(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.adminOnly(w, r, "change the reference data") {
		return
	}
	var d workflow.Reference
	if err := decodeBody(w, r, MaxReferenceBody, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.svc.ImportReference(ctx, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
