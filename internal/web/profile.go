package web

import (
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/notify"
	"github.com/otklik/otklik/internal/store"
)

// profilePages let every member of staff say where notifications reach them and change their password.
var profilePages = []Page{
	{Method: "GET", Path: "/profile", Roles: staff, Handle: (*Server).profilePage},
	{Method: "POST", Path: "/profile/notifications", Roles: staff, MaxBody: 16 << 10, Handle: (*Server).saveNotifications},
	{Method: "POST", Path: "/profile/password", Roles: staff, MaxBody: 16 << 10, Handle: (*Server).changePassword},
}

// profileView is the profile page's data.
type profileView struct {
	Email, Telegram        string // addresses as stored or typed
	EmailOn, TelegramOn    bool
	QuietFrom, QuietTo     string
	Errors                 map[string]string // field → message key
	Notice                 string
	Executor, Territory    string // what the account is bound to, in words
	DefaultFrom, DefaultTo string
}

var profileNotices = map[string]string{"notifications": "profile.saved", "password": "profile.password_changed"}

// profileOf fills the view from the stored channels.
func (s *Server) profileOf(r *http.Request, v profileView) (profileView, error) {
	u := userOf(r)
	refs, err := s.svc.Refs(r.Context())
	if err != nil {
		return v, err
	}
	if ex, ok := refs.ExecutorByID(u.ExecutorID); ok {
		v.Executor = ex.Name
	}
	if t, ok := refs.TerritoryByID(u.TerritoryID); ok {
		v.Territory = t.Name
	}
	v.DefaultFrom, v.DefaultTo = clockText(notify.DefaultQuiet.From), clockText(notify.DefaultQuiet.To)
	if v.Errors == nil {
		v.Errors = map[string]string{}
		chans, err := s.st.UserChannelsOf(r.Context(), u.ID)
		if err != nil {
			return v, err
		}
		for _, c := range chans {
			switch c.Kind {
			case store.ChannelEmail:
				v.Email, v.EmailOn = c.Address, c.Enabled
			case store.ChannelTelegram:
				v.Telegram, v.TelegramOn = c.Address, c.Enabled
			}
			if c.QuietFrom != "" {
				v.QuietFrom, v.QuietTo = c.QuietFrom, c.QuietTo
			}
		}
	}
	return v, nil
}

func clockText(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// profilePage shows the user's notification channels, quiet hours and the password form.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) {
	v, err := s.profileOf(r, profileView{Notice: profileNotices[r.URL.Query().Get("done")]})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "profile.html", "profile.title", v)
}

// saveNotifications stores the user's e-mail and Telegram channels and quiet hours; an empty address removes a
// channel.
func (s *Server) saveNotifications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := userOf(r)
	f := r.PostForm
	v := profileView{Email: strings.TrimSpace(f.Get("email")), Telegram: strings.TrimSpace(f.Get("telegram")),
		EmailOn: f.Get("email_on") == "1", TelegramOn: f.Get("telegram_on") == "1",
		QuietFrom: strings.TrimSpace(f.Get("quiet_from")), QuietTo: strings.TrimSpace(f.Get("quiet_to")), Errors: map[string]string{}}
	if v.Email != "" {
		if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email || len(v.Email) > 254 {
			v.Errors["email"] = "profile.err.email"
		}
	}
	if v.Telegram != "" {
		if id, err := strconv.ParseInt(v.Telegram, 10, 64); err != nil || id == 0 {
			v.Errors["telegram"] = "profile.err.telegram"
		}
	}
	if (v.QuietFrom == "") != (v.QuietTo == "") {
		v.Errors["quiet"] = "profile.err.quiet_pair"
	} else if v.QuietFrom != "" {
		if _, err := notify.ParseQuiet(v.QuietFrom, v.QuietTo); err != nil {
			v.Errors["quiet"] = "profile.err.quiet"
		}
	}
	if len(v.Errors) > 0 {
		v, err := s.profileOf(r, v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "profile.html", "profile.title", v)
		return
	}
	for _, c := range []struct {
		kind, addr string
		on         bool
	}{{store.ChannelEmail, v.Email, v.EmailOn}, {store.ChannelTelegram, v.Telegram, v.TelegramOn}} {
		var err error
		if c.addr == "" {
			err = s.st.DeleteUserChannel(ctx, u.ID, c.kind)
		} else {
			err = s.st.PutUserChannel(ctx, store.UserChannel{UserID: u.ID, Kind: c.kind, Address: c.addr, QuietFrom: v.QuietFrom,
				QuietTo: v.QuietTo, Enabled: c.on})
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/profile?done=notifications", http.StatusSeeOther)
}

// changePassword changes the user's own password after checking the current one.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := userOf(r)
	_, hash, err := s.st.UserByLogin(ctx, u.Login)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	errs := map[string]string{}
	if !s.loginUser.Allow(strings.ToLower(truncate(u.Login, 100))) {
		// The same limit as sign-in: a stolen session must not become a way to guess the password.
		w.Header().Set("Retry-After", strconv.Itoa(int(LoginUserEvery/time.Second)))
		s.renderError(w, r, http.StatusTooManyRequests, "error.too_many")
		return
	}
	if !auth.CheckPassword(hash, r.PostFormValue("current")) {
		errs["current"] = "profile.err.current"
	}
	newHash, err := auth.HashPassword(r.PostFormValue("new"))
	if err != nil {
		errs["new"] = "users.err.password"
	}
	if len(errs) > 0 {
		v, err := s.profileOf(r, profileView{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, "profile.html", "profile.title", v)
		return
	}
	if err := s.st.SetPassword(ctx, u.Login, newHash); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: password changed", "user", u.Login)
	http.Redirect(w, r, "/profile?done=password", http.StatusSeeOther)
}
