package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// readBody reads the whole request body up to limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, fmt.Errorf("api: read body: %w", err)
	}
	return b, nil
}

// decodeBody decodes a JSON object from the request body into v, rejecting unknown fields, trailing data and
// bodies over limit. An empty body leaves v as it is (its zero value), so that validation names what is missing.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	b, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return decodeJSON(b, v, "")
}

// decodeJSON decodes one JSON value strictly; prefix is put before field names in errors ("messages[3].").
func decodeJSON(b []byte, v any, prefix string) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, prefix)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badJSON("unexpected data after the JSON value")
	}
	return nil
}

// jsonError turns a decoding error into the API's error: syntax errors are invalid_json (400); a value of the
// wrong type or an unknown field is invalid input (422) naming the field.
func jsonError(err error, prefix string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	switch {
	case errors.As(err, &se):
		return badJSON(fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return badJSON("malformed JSON: unexpected end of input")
	case errors.As(err, &te):
		field := te.Field
		if field == "" && prefix != "" {
			return model.Invalid(strings.TrimSuffix(prefix, "."), fmt.Sprintf("expected %s, got %s", jsonKind(te.Type.Kind().String()), te.Value))
		}
		if field == "" {
			return badJSON(fmt.Sprintf("expected a JSON %s, got %s", te.Type.Kind(), te.Value))
		}
		return model.Invalid(prefix+field, fmt.Sprintf("expected %s, got %s", jsonKind(te.Type.Kind().String()), te.Value))
	case errors.As(err, &pe):
		return model.Invalid(strings.TrimSuffix(prefix, "."), fmt.Sprintf("bad time %q: use RFC 3339, e.g. 2026-11-13T17:30:00+08:00", pe.Value))
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return model.Invalid(prefix+f, "unknown field")
	}
	return badJSON("malformed JSON: " + strings.TrimPrefix(msg, "json: "))
}

func jsonKind(k string) string {
	switch k {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return k
}
