package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Reception limits.
const (
	MaxPhotos       = 5
	MaxPhotoBytes   = 5 << 20
	MaxNameRunes    = 200
	MaxTextRunes    = 8000
	MinTextRunes    = 10
	MaxAddressRunes = 300
	// receptionBody bounds a whole submission: the photos and the text fields.
	receptionBody = MaxPhotos*MaxPhotoBytes + 256<<10
	// ReceptionSource is the source code of the reception's messages.
	ReceptionSource = model.ReceptionSource
	// honeypotField is a field people never see; robots that fill every field give themselves away.
	honeypotField = "website"
	// photoDir is where, under Options.UploadDir, the reception keeps photos.
	photoDir = "reception"
)

// photoTypes are the image types the reception takes, by sniffed content type, with the extension stored.
var photoTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}

// photoName is the shape of a stored photo's file name: a random id and an extension, nothing from the sender.
var photoName = regexp.MustCompile(`^[A-Za-z0-9_-]{20,40}\.(jpg|png|webp|gif)$`)

// receptionPages are the public reception, its tracking pages and the public statistics, and the staff's view
// of the photos residents sent.
var receptionPages = []Page{
	{Method: "GET", Path: "/reception", Nav: "nav.reception", Handle: (*Server).receptionForm},
	{Method: "POST", Path: "/reception", MaxBody: receptionBody, Handle: (*Server).receptionSubmit},
	{Method: "GET", Path: "/reception/track/{token}", Handle: (*Server).track},
	{Method: "POST", Path: "/reception/track/{token}/rate", Handle: (*Server).trackRate},
	{Method: "GET", Path: "/stats", Nav: "nav.stats", Handle: (*Server).stats},
	{Method: "GET", Path: "/files/reception/{name}", Roles: staff, Handle: (*Server).receptionPhoto},
}

// option is one entry of a select.
type option struct {
	Value, Label string
}

// optGroup is a topic with its subtopics.
type optGroup struct {
	Label   string
	Options []option
}

// receptionView is the form's data.
type receptionView struct {
	Territories []option
	Categories  []optGroup
	Form        receptionInput
	Errors      map[string]string // field → message key
	Limited     bool
	MaxPhotos   int
	MaxPhotoMB  int
	MaxText     int
}

// receptionInput is what the resident typed.
type receptionInput struct {
	Name, Email, Phone, Territory, Category, Address, Text string
	Consent                                                bool
}

func (s *Server) receptionView(ctx context.Context, lang string, in receptionInput) (receptionView, error) {
	v := receptionView{Form: in, Errors: map[string]string{}, MaxPhotos: MaxPhotos, MaxPhotoMB: MaxPhotoBytes >> 20, MaxText: MaxTextRunes}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		return v, err
	}
	reg, _, err := s.region(ctx)
	if err != nil {
		return v, err
	}
	for _, t := range refs.Territories {
		if t.RegionID == reg.ID {
			v.Territories = append(v.Territories, option{Value: t.OKTMO, Label: t.Name})
		}
	}
	sort.Slice(v.Territories, func(i, j int) bool { return v.Territories[i].Label < v.Territories[j].Label })
	name := func(c model.Category) string {
		if lang == "en" && c.NameEn != "" {
			return c.NameEn
		}
		return c.Name
	}
	groups := map[string]int{}
	for _, c := range refs.Categories {
		if c.ParentCode == "" {
			groups[c.Code] = len(v.Categories)
			v.Categories = append(v.Categories, optGroup{Label: name(c)})
		}
	}
	for _, c := range refs.Categories {
		if i, ok := groups[c.ParentCode]; ok {
			v.Categories[i].Options = append(v.Categories[i].Options, option{Value: c.Code, Label: name(c)})
		}
	}
	sort.SliceStable(v.Categories, func(i, j int) bool { return v.Categories[i].Label < v.Categories[j].Label })
	return v, nil
}

func (s *Server) receptionForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.receptionView(r.Context(), stateOf(r).lang, receptionInput{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reception.html", "reception.title", v)
}

// validate checks the form and names the fields at fault with message keys.
func (in receptionInput) validate(refs *store.Refs, photos int) map[string]string {
	errs := map[string]string{}
	if in.Name == "" {
		errs["name"] = "reception.err.name"
	} else if utf8.RuneCountInString(in.Name) > MaxNameRunes {
		errs["name"] = "reception.err.too_long"
	}
	if in.Email == "" && in.Phone == "" {
		errs["contact"] = "reception.err.contact"
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
			errs["email"] = "reception.err.email"
		}
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		errs["phone"] = "reception.err.phone"
	}
	if _, ok := refs.TerritoryByOKTMO(in.Territory); !ok {
		errs["territory"] = "reception.err.territory"
	}
	if in.Category != "" {
		if c, ok := refs.CategoryByCode(in.Category); !ok || c.ParentCode == "" {
			errs["category"] = "reception.err.category"
		}
	}
	if utf8.RuneCountInString(in.Address) > MaxAddressRunes {
		errs["address"] = "reception.err.too_long"
	}
	switch n := utf8.RuneCountInString(in.Text); {
	case n < MinTextRunes:
		errs["text"] = "reception.err.text"
	case n > MaxTextRunes:
		errs["text"] = "reception.err.too_long"
	}
	if photos > MaxPhotos {
		errs["photos"] = "reception.err.photos_count"
	}
	if !in.Consent {
		errs["consent"] = "reception.err.consent"
	}
	return errs
}

// validPhone accepts a Russian or international number: 10 to 15 digits with the usual separators.
func validPhone(p string) bool {
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 15
}

// cleanLine trims a one-line field and drops control characters.
func cleanLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s))
}

// receiptView is the confirmation's data.
type receiptView struct {
	Number   string
	TrackURL string
	Photos   int
}

func (s *Server) receptionSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := stateOf(r)
	in := receptionInput{
		Name: cleanLine(r.PostFormValue("name")), Email: cleanLine(r.PostFormValue("email")), Phone: cleanLine(r.PostFormValue("phone")),
		Territory: cleanLine(r.PostFormValue("territory")), Category: cleanLine(r.PostFormValue("category")),
		Address: cleanLine(r.PostFormValue("address")), Text: strings.TrimSpace(r.PostFormValue("text")),
		Consent: r.PostFormValue("consent") == "yes",
	}
	if r.PostFormValue(honeypotField) != "" {
		// Robots fill every field. The submission is dropped and counts against the address.
		s.receptionIP.Allow(clientIP(r))
		s.log.Info("web: reception honeypot filled", "ip", clientIP(r))
		s.renderError(w, r, http.StatusBadRequest, "reception.err.rejected")
		return
	}
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photos"] {
			if fh.Size > 0 || fh.Filename != "" {
				files = append(files, fh)
			}
		}
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	errs := in.validate(refs, len(files))
	var photos []photo
	if len(errs) == 0 {
		photos, errs["photos"] = readPhotos(files)
		if errs["photos"] == "" {
			delete(errs, "photos")
		}
	}
	if len(errs) > 0 {
		v, err := s.receptionView(ctx, st.lang, in)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, "reception.html", "reception.title", v)
		return
	}
	if !s.receptionIP.Allow(clientIP(r)) {
		v, err := s.receptionView(ctx, st.lang, in)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Limited = true
		w.Header().Set("Retry-After", strconv.Itoa(int(ReceptionEvery/time.Second)))
		s.render(w, r, http.StatusTooManyRequests, "reception.html", "reception.title", v)
		return
	}
	attachments, err := s.savePhotos(photos)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now().UTC()
	contact := in.Email
	if contact == "" {
		contact = in.Phone
	}
	raw, _ := json.Marshal(map[string]any{"name": in.Name, "email": in.Email, "phone": in.Phone,
		"consent": true, "consent_at": now.Format(time.RFC3339), "ip": clientIP(r)})
	msg := model.Message{Source: ReceptionSource, ExternalID: "web-" + randomToken(12), Author: in.Name,
		AuthorID: strings.ToLower(contact), Text: in.Text, Territory: in.Territory, Category: in.Category, Address: in.Address,
		Raw: raw, PostedAt: now, ReceivedAt: now, Attachments: attachments}
	res, err := s.sink.Submit(ctx, []model.Message{msg})
	if err != nil {
		s.removePhotos(attachments)
		s.fail(w, r, fmt.Errorf("web: reception: %w", err))
		return
	}
	if len(res) != 1 || res[0].MessageID == 0 {
		s.fail(w, r, errors.New("web: reception: the pipeline returned no message"))
		return
	}
	token := randomToken(24)
	if err := s.st.CreateReceptionLink(ctx, store.ReceptionLink{TokenHash: auth.HashToken(token), MessageID: res[0].MessageID,
		Number: res[0].Number, CreatedAt: now}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: reception submission", "number", res[0].Number, "photos", len(attachments))
	s.render(w, r, http.StatusOK, "receipt.html", "receipt.title", receiptView{Number: res[0].Number,
		TrackURL: s.absURL(r, trackPath(token)), Photos: len(attachments)})
}

func trackPath(token string) string { return "/reception/track/" + token }

// absURL makes a path absolute on the host the visitor reached, so that a resident can keep the link.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if s.opts.Secure || r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\ @") {
		return path
	}
	return scheme + "://" + host + path
}

// photo is an uploaded image read into memory.
type photo struct {
	data []byte
	ext  string
}

// readPhotos reads the uploaded files, each at most MaxPhotoBytes and an image by its content (the name and
// the type the browser claims are ignored). It returns a message key on the first bad file.
func readPhotos(files []*multipart.FileHeader) ([]photo, string) {
	var out []photo
	for _, fh := range files {
		if fh.Size > MaxPhotoBytes {
			return nil, "reception.err.photo_size"
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "reception.err.photo_type"
		}
		b, err := io.ReadAll(io.LimitReader(f, MaxPhotoBytes+1))
		f.Close()
		if err != nil {
			return nil, "reception.err.photo_type"
		}
		if len(b) > MaxPhotoBytes {
			return nil, "reception.err.photo_size"
		}
		ext, ok := photoTypes[http.DetectContentType(b)]
		if !ok {
			return nil, "reception.err.photo_type"
		}
		out = append(out, photo{data: b, ext: ext})
	}
	return out, ""
}

// savePhotos writes photos under UploadDir/reception with random names and returns the paths staff open them
// at. The files are readable by the server's user only.
func (s *Server) savePhotos(photos []photo) ([]string, error) {
	return s.storePhotos(photos, photoDir, "/files/reception/")
}

func (s *Server) removePhotos(paths []string) { s.removeStored(photoDir, paths) }

// receptionPhoto shows a resident's photo to staff.
func (s *Server) receptionPhoto(w http.ResponseWriter, r *http.Request) { s.servePhoto(w, r, photoDir) }

// storePhotos writes photos under UploadDir/sub with random names (the extension comes from the content) and
// returns urlPrefix + name for each; on an error nothing written stays.
func (s *Server) storePhotos(photos []photo, sub, urlPrefix string) ([]string, error) {
	if len(photos) == 0 {
		return nil, nil
	}
	dir := filepath.Join(s.opts.UploadDir, sub)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("web: upload directory %s: %w", sub, err)
	}
	var out []string
	for _, p := range photos {
		name := randomToken(18) + p.ext
		if err := os.WriteFile(filepath.Join(dir, name), p.data, 0o640); err != nil {
			s.removeStored(sub, out)
			return nil, fmt.Errorf("web: save photo: %w", err)
		}
		out = append(out, urlPrefix+name)
	}
	return out, nil
}

func (s *Server) removeStored(sub string, paths []string) {
	for _, p := range paths {
		_ = os.Remove(filepath.Join(s.opts.UploadDir, sub, filepath.Base(p)))
	}
}

// servePhoto shows a stored photo of UploadDir/sub to staff; names not of the stored form are not found.
func (s *Server) servePhoto(w http.ResponseWriter, r *http.Request, sub string) {
	name := r.PathValue("name")
	if !photoName.MatchString(name) {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	f, err := os.Open(filepath.Join(s.opts.UploadDir, sub, name))
	if err != nil {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Content-Disposition", "inline")
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// trackView is the tracking page's data: only the holder of the link sees it.
type trackView struct {
	Number    string
	Status    model.Status
	Category  string
	Territory string
	Created   time.Time
	Text      string
	Answers   []trackAnswer
	// LegalLastDay is the last day of the legal term of an appeal to the reception (59-ФЗ); Extended and
	// ExtendReason are the notice of its extension the law requires.
	LegalLastDay *time.Time
	Extended     *time.Time
	ExtendReason string
	Rated        bool   // just rated: say thank you
	Error        string // message key of a rating error
	Token        string
}

// legalTerm tells the resident the legal term of a reception appeal and, once it is extended, when to and why
// (the extension's reason is read from its event only then).
func (s *Server) legalTerm(ctx context.Context, inc model.Incident, v *trackView) error {
	if inc.LegalDue == nil {
		return nil
	}
	d := inc.LegalDue.Add(-time.Nanosecond)
	v.LegalLastDay, v.Extended = &d, inc.LegalExtendedAt
	if inc.LegalExtendedAt == nil {
		return nil
	}
	evs, err := s.st.Events(ctx, inc.ID)
	if err != nil {
		return fmt.Errorf("web: the extension's reason: %w", err)
	}
	for _, e := range evs {
		if e.Type == string(model.ActExtend) {
			var d struct {
				Reason string `json:"reason"`
			}
			if json.Unmarshal(e.Data, &d) == nil {
				v.ExtendReason = d.Reason
			}
		}
	}
	return nil
}

// trackAnswer is a published answer with its rating.
type trackAnswer struct {
	ID        int64
	Kind      model.AnswerKind
	Text      string
	Published *time.Time
	CanRate   bool
	// RateAction is where the rating form posts: the tracking page's rate action, or the rating page itself.
	RateAction string
	Score      int    // the resident's score once rated
	Solved     string // "yes" or "no" once rated
}

// trackedIncident resolves a tracking token to its incident (following merges) and the resident's message.
func (s *Server) trackedIncident(ctx context.Context, token string) (store.ReceptionLink, model.Incident, error) {
	if token == "" || len(token) > 64 {
		return store.ReceptionLink{}, model.Incident{}, fmt.Errorf("web: %w: tracking link", model.ErrNotFound)
	}
	l, err := s.st.ReceptionLinkByToken(ctx, auth.HashToken(token))
	if err != nil {
		return l, model.Incident{}, err
	}
	inc, err := s.followMerges(ctx, l.IncidentID)
	return l, inc, err
}

// followMerges returns the incident, or the one it was merged into (a few hops at most).
func (s *Server) followMerges(ctx context.Context, id int64) (model.Incident, error) {
	inc, err := s.st.IncidentAt(ctx, id, s.now())
	for hops := 0; err == nil && inc.Status == model.StatusMerged && inc.MergedInto != 0 && hops < 8; hops++ {
		inc, err = s.st.IncidentAt(ctx, inc.MergedInto, s.now())
	}
	return inc, err
}

// ratings maps the incident's published answers to their rating links (one query).
func (s *Server) ratings(ctx context.Context, incidentID int64) (map[int64]store.Rating, error) {
	rs, err := s.st.RatingsOfIncident(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]store.Rating, len(rs))
	for _, r := range rs {
		out[r.AnswerID] = r
	}
	return out, nil
}

func (s *Server) track(w http.ResponseWriter, r *http.Request) {
	s.renderTrack(w, r, http.StatusOK, r.URL.Query().Get("rated") == "1", "")
}

func (s *Server) renderTrack(w http.ResponseWriter, r *http.Request, status int, rated bool, errKey string) {
	ctx := r.Context()
	token := r.PathValue("token")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	l, inc, err := s.trackedIncident(ctx, token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := trackView{Number: inc.Number, Status: inc.Status, Created: l.CreatedAt, Rated: rated, Error: errKey, Token: token}
	if v.Number == "" {
		v.Number = l.Number
	}
	if err := s.describeTracked(ctx, r, inc, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.legalTerm(ctx, inc, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.st.Messages(ctx, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range msgs {
		if m.ID == l.MessageID {
			v.Text = m.Text // the resident's own words, never anyone else's
		}
	}
	answers, err := s.st.Answers(ctx, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ratings, err := s.ratings(ctx, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range answers {
		if a.State != model.AnswerPublished {
			continue
		}
		ta := trackAnswer{ID: a.ID, Kind: a.Kind, Text: a.Text, Published: a.PublishedAt, RateAction: trackPath(token) + "/rate"}
		if rt, ok := ratings[a.ID]; ok {
			ta.rating(rt)
		}
		v.Answers = append(v.Answers, ta)
	}
	s.render(w, r, status, "track.html", "track.title", v)
}

// describeTracked fills in the incident's category (in the reader's language) and territory.
func (s *Server) describeTracked(ctx context.Context, r *http.Request, inc model.Incident, v *trackView) error {
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		return err
	}
	if c, ok := refs.CategoryByID(inc.CategoryID); ok {
		v.Category = c.Name
		if stateOf(r).lang == "en" && c.NameEn != "" {
			v.Category = c.NameEn
		}
	}
	if t, ok := refs.TerritoryByID(inc.TerritoryID); ok {
		v.Territory = t.Name
	}
	return nil
}

// rating shows the link's state: the form while unrated, the resident's verdict after.
func (ta *trackAnswer) rating(rt store.Rating) {
	if rt.RatedAt == nil {
		ta.CanRate = true
		return
	}
	ta.Score = rt.Score
	if rt.Solved != nil {
		ta.Solved = map[bool]string{true: "yes", false: "no"}[*rt.Solved]
	}
}

// trackRate records the resident's rating of one of the answers on the tracking page.
func (s *Server) trackRate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	_, inc, err := s.trackedIncident(ctx, token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answerID, _ := strconv.ParseInt(r.PostFormValue("answer"), 10, 64)
	ratings, err := s.ratings(ctx, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rt, ok := ratings[answerID]
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if !s.rate(w, r, rt.Token, s.renderTrack) {
		return
	}
	http.Redirect(w, r, trackPath(token)+"?rated=1", http.StatusSeeOther)
}
