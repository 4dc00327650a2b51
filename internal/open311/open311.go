// Package open311 serves the Open311 GeoReport v2 API under /open311/v2/, so that city apps and other
// integrators can list Otklik's services (its subtopic categories), post service requests that enter the ingest
// pipeline as messages of the source "open311", and follow those requests' status and answers.
//
// Every resource answers in XML (the format the specification requires) or JSON, chosen by the extension:
// /open311/v2/services.xml, /open311/v2/requests.json. Errors are the specification's list of {code,
// description}. Posting a request needs an Otklik API token as api_key; reading is public and shows only the
// requests posted through Open311 (a token shows every incident its user may see). Requests get their id at
// once — the incident's number — so the specification's tokens are not used.
package open311

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// Prefix is where the API is mounted.
const Prefix = "/open311/v2/"

// Limits.
const (
	MaxDescription = 4000                // runes of a request's description, as the specification says
	MaxBody        = 64 << 10            // a POST body
	MaxResults     = 1000                // requests in one GET requests answer
	DefaultWindow  = 90 * 24 * time.Hour // GET requests without dates: the last 90 days
	MaxField       = 200                 // bytes of a name, e-mail, phone, account or device id
)

// Sink takes the requests' messages into the ingest pipeline and returns once they are durable.
type Sink interface {
	Submit(ctx context.Context, msgs []model.Message) ([]store.IngestResult, error)
}

// Handler serves the API.
type Handler struct {
	svc  *workflow.Service
	sink Sink
	log  *slog.Logger
	mux  *http.ServeMux
}

// New returns the API over the workflow service; sink is the server's ingest pipeline.
func New(svc *workflow.Service, sink Sink, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	h := &Handler{svc: svc, sink: sink, log: logger, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+Prefix+"{file}", h.top)
	h.mux.HandleFunc("POST "+Prefix+"{file}", h.post)
	h.mux.HandleFunc("GET "+Prefix+"services/{file}", h.serviceDefinition)
	h.mux.HandleFunc("GET "+Prefix+"requests/{file}", h.request)
	h.mux.HandleFunc("GET "+Prefix+"tokens/{file}", func(w http.ResponseWriter, r *http.Request) {
		_, f, ok := split(r.PathValue("file"))
		if ok {
			writeError(w, f, http.StatusNotFound, "tokens are not used here: a request gets its service_request_id when it is posted")
		}
	})
	h.mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		f := formatXML
		if strings.HasSuffix(r.URL.Path, ".json") {
			f = formatJSON
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, HEAD, POST")
			writeError(w, f, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed")
			return
		}
		writeError(w, f, http.StatusNotFound, "no such resource: "+r.URL.Path)
	})
	return h
}

// ServeHTTP serves the API, turning a panic into a 500 in the specification's error format. Reading is open to
// pages of other sites (CORS): city maps and apps show requests without a server of their own; posting is not, since
// it carries a key that must not live in a browser.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("open311: panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			writeError(w, formatXML, http.StatusInternalServerError, "internal error")
		}
	}()
	h.mux.ServeHTTP(w, r)
}

// format is a response format.
type format string

const (
	formatXML  format = "xml"
	formatJSON format = "json"
)

// split takes a resource file name such as "services.xml" apart; ok is false for an unknown format.
func split(file string) (name string, f format, ok bool) {
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return file, "", false
	}
	switch ext := file[i+1:]; ext {
	case "xml":
		return file[:i], formatXML, true
	case "json":
		return file[:i], formatJSON, true
	}
	return file[:i], "", false
}

// resource resolves the file of a route, answering 404 itself when the format is unknown.
func resource(w http.ResponseWriter, r *http.Request) (string, format, bool) {
	name, f, ok := split(r.PathValue("file"))
	if !ok {
		writeError(w, formatXML, http.StatusNotFound, fmt.Sprintf("unknown format in %q: use .xml or .json", r.PathValue("file")))
		return "", "", false
	}
	return name, f, true
}

// top serves the resources directly under the prefix: discovery, services and requests.
func (h *Handler) top(w http.ResponseWriter, r *http.Request) {
	name, f, ok := resource(w, r)
	if !ok {
		return
	}
	switch name {
	case "discovery":
		h.discovery(w, r, f)
	case "services":
		h.services(w, r, f)
	case "requests":
		h.listRequests(w, r, f)
	default:
		writeError(w, f, http.StatusNotFound, "no such resource: "+name)
	}
}

func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	name, f, ok := resource(w, r)
	if !ok {
		return
	}
	if name != "requests" {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, f, http.StatusMethodNotAllowed, "only requests may be posted")
		return
	}
	h.postRequest(w, r, f)
}

// fail answers an error of the workflow or the store with the status it calls for.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, f format, err error) {
	var fe *model.FieldError
	switch {
	case errors.As(err, &fe):
		writeError(w, f, http.StatusBadRequest, fe.Field+": "+fe.Reason)
	case errors.Is(err, model.ErrNotFound):
		writeError(w, f, http.StatusNotFound, "not found")
	case errors.Is(err, connector.ErrOverloaded):
		w.Header().Set("Retry-After", "30")
		writeError(w, f, http.StatusServiceUnavailable, "busy: try again in a little while")
	case errors.Is(err, context.Canceled):
	default:
		h.log.Error("open311: request failed", "path", r.URL.Path, "err", err)
		writeError(w, f, http.StatusInternalServerError, "internal error")
	}
}

// checkJurisdiction refuses a jurisdiction_id other than the region's code (a deployment serves one region).
func checkJurisdiction(w http.ResponseWriter, f format, q url.Values, region model.Region) bool {
	if j := strings.TrimSpace(q.Get("jurisdiction_id")); j != "" && j != region.Code {
		writeError(w, f, http.StatusNotFound, fmt.Sprintf("jurisdiction_id: %q is not served here; this server serves %q (%s)", j, region.Code, region.Name))
		return false
	}
	return true
}

func (h *Handler) refs(ctx context.Context) (*store.Refs, model.Region, error) {
	refs, err := h.svc.Refs(ctx)
	if err != nil {
		return nil, model.Region{}, err
	}
	if len(refs.Regions) == 0 {
		return nil, model.Region{}, fmt.Errorf("open311: %w: no region is configured", model.ErrNotFound)
	}
	return refs, refs.Regions[0], nil
}

// call is what every resource starts from: who asks (signed when an api_key was given), the reference data and
// the region.
type call struct {
	actor  model.Actor
	signed bool
	refs   *store.Refs
	region model.Region
}

// begin resolves the api_key of params (required to post), loads the reference data and checks jurisdiction_id;
// when it reports false it has answered the error.
func (h *Handler) begin(w http.ResponseWriter, r *http.Request, f format, params url.Values, keyRequired bool) (call, bool) {
	var c call
	var ok bool
	if c.actor, c.signed, ok = h.actor(w, r, f, params.Get("api_key"), keyRequired); !ok {
		return c, false
	}
	var err error
	if c.refs, c.region, err = h.refs(r.Context()); err != nil {
		h.fail(w, r, f, err)
		return c, false
	}
	return c, checkJurisdiction(w, f, params, c.region)
}

// discovery serves the service discovery document.
func (h *Handler) discovery(w http.ResponseWriter, r *http.Request, f format) {
	_, region, err := h.refs(r.Context())
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	base := baseURL(r)
	d := discoveryDoc{Changeset: "2026-11-28T00:00:00Z", Contact: region.Name, KeyService: "API keys are Otklik API tokens issued by the region's administrators",
		Endpoints: []endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: base, Changeset: "2026-11-28T00:00:00Z",
			Type: "production", Formats: []string{"text/xml", "application/json"}}}}
	write(w, f, http.StatusOK, d, d)
}

// baseURL is the API's address as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host + strings.TrimSuffix(Prefix, "/")
}

// services lists the subtopic categories as services, grouped by their topic.
func (h *Handler) services(w http.ResponseWriter, r *http.Request, f format) {
	c, ok := h.begin(w, r, f, url.Values{"jurisdiction_id": r.URL.Query()["jurisdiction_id"]}, false)
	if !ok {
		return
	}
	list := services(c.refs)
	write(w, f, http.StatusOK, list, servicesXML{Services: list})
}

func services(refs *store.Refs) []service {
	topics := map[string]string{}
	for _, c := range refs.Categories {
		if c.ParentCode == "" {
			topics[c.Code] = c.Name
		}
	}
	list := []service{}
	for _, c := range refs.Categories {
		if c.ParentCode == "" {
			continue
		}
		list = append(list, service{Code: c.Code, Name: c.Name, Description: c.NameEn, Metadata: false, Type: "realtime",
			Keywords: "", Group: topics[c.ParentCode]})
	}
	return list
}

// serviceDefinition serves a service's definition: Otklik's services ask for no attributes beyond the request's
// own fields.
func (h *Handler) serviceDefinition(w http.ResponseWriter, r *http.Request) {
	code, f, ok := resource(w, r)
	if !ok {
		return
	}
	c, ok := h.begin(w, r, f, url.Values{"jurisdiction_id": r.URL.Query()["jurisdiction_id"]}, false)
	if !ok {
		return
	}
	if cat, ok := c.refs.CategoryByCode(code); !ok || cat.ParentCode == "" {
		writeError(w, f, http.StatusNotFound, fmt.Sprintf("service_code: no service %q (GET services lists them)", code))
		return
	}
	d := serviceDef{Code: code, Attributes: []attribute{}}
	write(w, f, http.StatusOK, d, d)
}

// actor resolves an api_key to its user; ok is false when the key is absent or unknown (answered here).
func (h *Handler) actor(w http.ResponseWriter, r *http.Request, f format, key string, required bool) (model.Actor, bool, bool) {
	key = strings.TrimSpace(key)
	if key == "" {
		if required {
			writeError(w, f, http.StatusForbidden, "api_key: required to post a request (an Otklik API token)")
			return model.Actor{}, false, false
		}
		return model.Actor{}, false, true
	}
	hash := auth.HashToken(key)
	u, err := h.svc.Store().UserByToken(r.Context(), hash)
	if errors.Is(err, model.ErrNotFound) {
		writeError(w, f, http.StatusForbidden, "api_key: unknown or revoked")
		return model.Actor{}, false, false
	}
	if err != nil {
		h.fail(w, r, f, err)
		return model.Actor{}, false, false
	}
	if err := h.svc.Store().TouchToken(r.Context(), hash, h.svc.Now()); err != nil {
		h.log.Warn("open311: record key use", "err", err)
	}
	return model.ActorOf(u), true, true
}

// requestInput is a posted service request.
type requestInput struct {
	ServiceCode, Description, Address, AddressID, Email, Phone, FirstName, LastName, AccountID, DeviceID, MediaURL string
	Lat, Long                                                                                                      *float64
}

// parseRequest reads and checks a posted request; the error names the parameter.
func parseRequest(form url.Values, refs *store.Refs) (requestInput, model.Category, error) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	in := requestInput{ServiceCode: get("service_code"), Description: get("description"), Address: get("address_string"),
		AddressID: get("address_id"), Email: get("email"), Phone: get("phone"), FirstName: get("first_name"),
		LastName: get("last_name"), AccountID: get("account_id"), DeviceID: get("device_id"), MediaURL: get("media_url")}
	var cat model.Category
	if in.ServiceCode == "" {
		return in, cat, model.Invalid("service_code", "required (GET services lists them)")
	}
	c, ok := refs.CategoryByCode(in.ServiceCode)
	if !ok || c.ParentCode == "" {
		return in, cat, model.Invalid("service_code", fmt.Sprintf("no service %q (GET services lists them)", in.ServiceCode))
	}
	cat = c
	for _, p := range []struct {
		name string
		v    **float64
		lim  float64
	}{{"lat", &in.Lat, 90}, {"long", &in.Long, 180}} {
		s := get(p.name)
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.Abs(v) > p.lim {
			return in, cat, model.Invalid(p.name, fmt.Sprintf("%q is not a WGS84 degree from -%v to %v", s, p.lim, p.lim))
		}
		*p.v = &v
	}
	switch {
	case (in.Lat == nil) != (in.Long == nil):
		return in, cat, model.Invalid("long", "lat and long go together")
	case in.Lat == nil && in.Address == "" && in.AddressID != "":
		return in, cat, model.Invalid("address_id", "not supported here: send address_string, or lat and long")
	case in.Lat == nil && in.Address == "":
		return in, cat, model.Invalid("address_string", "a location is required: address_string, or lat and long")
	}
	for _, p := range []struct{ name, v string }{{"description", in.Description}, {"address_string", in.Address}, {"email", in.Email},
		{"phone", in.Phone}, {"first_name", in.FirstName}, {"last_name", in.LastName}, {"account_id", in.AccountID},
		{"device_id", in.DeviceID}, {"media_url", in.MediaURL}} {
		if !utf8.ValidString(p.v) {
			return in, cat, model.Invalid(p.name, "not valid UTF-8")
		}
	}
	if n := utf8.RuneCountInString(in.Description); n > MaxDescription {
		return in, cat, model.Invalid("description", fmt.Sprintf("longer than %d characters (%d)", MaxDescription, n))
	}
	if len(in.Address) > 500 {
		return in, cat, model.Invalid("address_string", "longer than 500 bytes")
	}
	for _, p := range []struct{ name, v string }{{"email", in.Email}, {"phone", in.Phone}, {"first_name", in.FirstName},
		{"last_name", in.LastName}, {"account_id", in.AccountID}, {"device_id", in.DeviceID}} {
		if len(p.v) > MaxField {
			return in, cat, model.Invalid(p.name, fmt.Sprintf("longer than %d bytes", MaxField))
		}
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || strings.ContainsAny(in.Email, " \t\r\n")) {
		return in, cat, model.Invalid("email", fmt.Sprintf("%q is not an e-mail address", in.Email))
	}
	if in.MediaURL != "" {
		u, err := url.Parse(in.MediaURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.MediaURL) > 2000 {
			return in, cat, model.Invalid("media_url", "must be an http or https address of at most 2000 bytes")
		}
	}
	return in, cat, nil
}

// message turns a checked request into the message the pipeline ingests.
func (in requestInput) message(cat model.Category, key string, now time.Time, by model.Actor) model.Message {
	text := in.Description
	if text == "" {
		text = cat.Name // a request may come with no words: its service says what it is about
		if in.Address != "" {
			text += ": " + in.Address
		}
	}
	author := strings.TrimSpace(in.FirstName + " " + in.LastName)
	authorID := in.AccountID
	for _, v := range []string{in.Email, in.Phone, in.DeviceID} {
		if authorID == "" {
			authorID = strings.ToLower(v)
		}
	}
	if authorID != "" {
		authorID = by.Login + ":" + authorID // accounts of different integrators never collide
	}
	raw := map[string]any{"integrator": by.Login, "email": in.Email, "phone": in.Phone, "first_name": in.FirstName,
		"last_name": in.LastName, "account_id": in.AccountID, "device_id": in.DeviceID, "address_id": in.AddressID}
	if in.Lat != nil {
		raw["lat"], raw["long"] = *in.Lat, *in.Long
	}
	rawJSON, _ := json.Marshal(raw)
	m := model.Message{Source: model.Open311Source, ExternalID: key, Author: author, AuthorID: authorID, Text: text,
		Category: cat.Code, Address: in.Address, Raw: rawJSON, PostedAt: now, ReceivedAt: now}
	if in.MediaURL != "" {
		m.Attachments = []string{in.MediaURL}
	}
	return m
}
