package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Mask stands for a secret in the API's answers: GET /api/v1/sources never returns a secret or a token, only
// whether one is set. Sending the mask back in PUT keeps the stored value.
const Mask = "********"

// apiSourceKinds are the kinds a source may be configured with here (as in `otklik source add`); reception and
// import sources need no configuration.
var apiSourceKinds = []string{"vk", "telegram", "webhook"}

var sourceCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// SourceRequest is the body of PUT /api/v1/sources/{code}.
type SourceRequest struct {
	Kind      string              `json:"kind"`
	Name      string              `json:"name,omitempty"`
	Territory string              `json:"territory,omitempty"` // OKTMO of messages whose text names no place
	Enabled   *bool               `json:"enabled,omitempty"`   // true when absent
	Config    SourceConfigRequest `json:"config"`
}

// SourceConfigRequest is a source's settings. Secret and Token: absent, null or the mask keep the stored value;
// "" clears it.
type SourceConfigRequest struct {
	GroupID      int64   `json:"group_id,omitempty"`
	Confirmation string  `json:"confirmation,omitempty"`
	Secret       *string `json:"secret,omitempty"`
	Token        *string `json:"token,omitempty"`
	Mode         string  `json:"mode,omitempty"`
	APIBase      string  `json:"api_base,omitempty"`
}

// maskSource hides a source's credentials.
func maskSource(src store.Source) store.Source {
	if src.Config.Secret != "" {
		src.Config.Secret = Mask
	}
	if src.Config.Token != "" {
		src.Config.Token = Mask
	}
	return src
}

// listSources serves GET /api/v1/sources (admins only), credentials masked.
func (s *server) listSources(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, "see sources") {
		return
	}
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.Store().Sources(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]store.Source, len(list))
	for i, src := range list {
		out[i] = maskSource(src)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// keep resolves a credential of a PUT: absent or the mask keeps the old value.
func keep(v *string, old string) string {
	if v == nil || *v == Mask {
		return old
	}
	return strings.TrimSpace(*v)
}

// validateSource checks a source the way `otklik source add` does.
func validateSource(src store.Source) error {
	c := src.Config
	switch {
	case !slices.Contains(apiSourceKinds, src.Kind):
		return model.Invalid("kind", fmt.Sprintf("must be vk, telegram or webhook; got %q", src.Kind))
	case src.Kind == "webhook" && c.Secret == "":
		return model.Invalid("config.secret", "required for a webhook source (deliveries are signed with it)")
	case src.Kind == "vk" && c.Confirmation == "":
		return model.Invalid("config.confirmation", "required for a vk source (VK checks the server with it)")
	case src.Kind == "vk" && c.GroupID < 0:
		return model.Invalid("config.group_id", "must be a positive community id")
	case src.Kind == "telegram" && c.Mode != "webhook" && c.Mode != "polling":
		return model.Invalid("config.mode", fmt.Sprintf("must be webhook or polling; got %q", c.Mode))
	case src.Kind == "telegram" && c.Mode == "polling" && c.Token == "":
		return model.Invalid("config.token", "required for polling")
	case src.Kind != "telegram" && c.Mode != "":
		return model.Invalid("config.mode", "only for a telegram source")
	}
	if c.APIBase != "" {
		u, err := url.Parse(c.APIBase)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return model.Invalid("config.api_base", fmt.Sprintf("must be an http(s) URL; got %q", c.APIBase))
		}
	}
	return nil
}

// putSource serves PUT /api/v1/sources/{code} (admins only): creates (201) or replaces (200) a source and
// returns it with its credentials masked.
func (s *server) putSource(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.adminOnly(w, r, "configure sources") {
		return
	}
	code := r.PathValue("code")
	if !sourceCode.MatchString(code) {
		s.fail(w, r, model.Invalid("code", "letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit"))
		return
	}
	var req SourceRequest
	var raw struct {
		SourceRequest
		Config json.RawMessage `json:"config"`
	}
	if err := decodeBody(w, r, MaxBody, &raw); err != nil {
		s.fail(w, r, err)
		return
	}
	req = raw.SourceRequest
	if len(raw.Config) > 0 && string(raw.Config) != "null" {
		// Decoded on its own so that errors name the nested field ("config.group_id").
		if err := decodeJSON(raw.Config, &req.Config, "config."); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	old, err := s.svc.Store().SourceByCode(ctx, code)
	exists := err == nil
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	src := store.Source{Code: code, Kind: strings.TrimSpace(req.Kind), Name: strings.TrimSpace(req.Name),
		Territory: strings.TrimSpace(req.Territory), Enabled: req.Enabled == nil || *req.Enabled,
		Config: store.SourceConfig{GroupID: req.Config.GroupID, Confirmation: strings.TrimSpace(req.Config.Confirmation),
			Secret: keep(req.Config.Secret, old.Config.Secret), Token: keep(req.Config.Token, old.Config.Token),
			Mode: req.Config.Mode, APIBase: strings.TrimSpace(req.Config.APIBase)}}
	if exists {
		src.CreatedAt = old.CreatedAt
		if old.Kind != src.Kind {
			// Credentials of another kind mean something else: they are not carried over.
			src.Config.Secret, src.Config.Token = keep(req.Config.Secret, ""), keep(req.Config.Token, "")
		}
	} else {
		src.CreatedAt = s.svc.Now()
	}
	if src.Kind == "telegram" && src.Config.Mode == "" {
		src.Config.Mode = "webhook"
	}
	if err := validateSource(src); err != nil {
		s.fail(w, r, err)
		return
	}
	if src.Territory != "" {
		refs, err := s.svc.Refs(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if _, ok := refs.TerritoryByOKTMO(src.Territory); !ok {
			s.fail(w, r, model.Invalid("territory", fmt.Sprintf("unknown territory OKTMO code %q", src.Territory)))
			return
		}
	}
	if _, err := s.svc.Store().PutSource(ctx, src); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Store().SourceByCode(ctx, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if !exists {
		status = http.StatusCreated
	}
	writeJSON(w, status, maskSource(out))
}
