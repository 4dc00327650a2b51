package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/otklik/otklik/internal/model"
)

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable machine code, a human message and, for bad input, the field.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// apiError is an error that already knows its HTTP form (bad JSON, oversize bodies, bad query parameters).
type apiError struct {
	status int
	code   string
	msg    string
	field  string
}

func (e *apiError) Error() string { return e.msg }

func badJSON(msg string) error { return &apiError{http.StatusBadRequest, "invalid_json", msg, ""} }

func tooLarge(limit int64) error {
	return &apiError{http.StatusRequestEntityTooLarge, "too_large", "request body larger than " + sizeString(limit), ""}
}

func forbidden(msg string) error { return &apiError{http.StatusForbidden, "forbidden", msg, ""} }

func notFound(msg string) error { return &apiError{http.StatusNotFound, "not_found", msg, ""} }

func sizeString(n int64) string {
	if n%(1<<20) == 0 {
		return itoa(n>>20) + " MiB"
	}
	return itoa(n) + " bytes"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, ErrorBody{Error: ErrorDetail{Code: code, Message: msg, Field: field}})
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }

// fail writes the response an error deserves: the domain error kinds of package model map to their statuses,
// anything else is logged and reported as a generic internal error.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var fe *model.FieldError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		writeError(w, ae.status, ae.code, ae.msg, ae.field)
	case errors.As(err, &mbe):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "request body larger than "+sizeString(mbe.Limit), "")
	case errors.As(err, &fe):
		writeError(w, http.StatusUnprocessableEntity, "invalid", fe.Error(), fe.Field)
	case errors.Is(err, model.ErrInvalid):
		writeError(w, http.StatusUnprocessableEntity, "invalid", err.Error(), "")
	case errors.Is(err, model.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error(), "")
	case errors.Is(err, model.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error(), "")
	case errors.Is(err, model.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error(), "")
	default:
		if r.Context().Err() != nil {
			// The client went away; nobody reads the answer.
			s.log.Info("api: request cancelled", "method", r.Method, "path", r.URL.Path, "err", err)
			writeError(w, http.StatusServiceUnavailable, "unavailable", "request cancelled", "")
			return
		}
		s.log.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
	}
}
