package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
)

// userPages are the administrators' pages of people's accounts: the centre's staff, the executors' staff and the
// supervisors.
var userPages = []Page{
	{Method: "GET", Path: "/users", Roles: []model.Role{model.RoleAdmin}, Handle: (*Server).usersPage},
	{Method: "POST", Path: "/users", Roles: []model.Role{model.RoleAdmin}, MaxBody: 16 << 10, Handle: (*Server).addUser},
	{Method: "GET", Path: "/users/{login}", Roles: []model.Role{model.RoleAdmin}, Handle: (*Server).userPage},
	{Method: "POST", Path: "/users/{login}", Roles: []model.Role{model.RoleAdmin}, MaxBody: 16 << 10, Handle: (*Server).editUser},
}

// loginRe is what a new login may look like.
var loginRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// MaxUserName bounds a user's full name.
const MaxUserName = 200

// userForm is an account as the forms show it.
type userForm struct {
	Login, Name, Role, Executor, Territory string // executor code, territory OKTMO
	Disabled                               bool
}

// userRow is a line of the users' list.
type userRow struct {
	U     model.User
	Bound string // the executor's or the territory's name
}

// usersView is the data of the users' list and of one user's page.
type usersView struct {
	Rows        []userRow
	Form        userForm
	Errors      map[string]string // field → message key
	Notice      string            // message key
	Roles       []model.Role
	Executors   []model.Executor
	Territories []model.Territory
	Self        bool // the page is the administrator's own account
}

func (s *Server) usersView(r *http.Request, v usersView) (usersView, error) {
	refs, err := s.svc.Refs(r.Context())
	if err != nil {
		return v, err
	}
	v.Roles, v.Executors, v.Territories = model.Roles, refs.Executors, refs.Territories
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return v, nil
}

// usersPage lists every account with its role and binding, and offers the form to add one.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.usersView(r, usersView{Form: userForm{Role: string(model.RoleOperator)}, Notice: userNotices[r.URL.Query().Get("done")]})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUsers(w, r, http.StatusOK, v)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v usersView) {
	users, err := s.st.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.svc.Refs(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range users {
		row := userRow{U: u}
		if ex, ok := refs.ExecutorByID(u.ExecutorID); ok {
			row.Bound = ex.Name
		} else if t, ok := refs.TerritoryByID(u.TerritoryID); ok {
			row.Bound = t.Name
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, status, "users.html", "users.title", v)
}

// userNotices are the outcomes a redirect may name (?done=…).
var userNotices = map[string]string{
	"added": "users.done.added", "saved": "users.done.saved", "password": "users.done.password",
	"disabled": "users.done.disabled", "enabled": "users.done.enabled",
}

// binding checks a role and its binding and resolves the ids; errors are field → message key.
func (s *Server) binding(r *http.Request, f userForm, errs map[string]string) (model.Role, int64, int64) {
	refs, err := s.svc.Refs(r.Context())
	if err != nil {
		errs["role"] = "error.internal"
		return "", 0, 0
	}
	role := model.Role(f.Role)
	if !role.Valid() {
		errs["role"] = "users.err.role"
		return "", 0, 0
	}
	switch role {
	case model.RoleExecutor:
		ex, ok := refs.ExecutorByCode(f.Executor)
		if !ok {
			errs["executor"] = "users.err.executor"
			return role, 0, 0
		}
		return role, ex.ID, 0
	case model.RoleSupervisor:
		if f.Territory == "" {
			return role, 0, 0 // the whole region
		}
		t, ok := refs.TerritoryByOKTMO(f.Territory)
		if !ok {
			errs["territory"] = "users.err.territory"
			return role, 0, 0
		}
		return role, 0, t.ID
	}
	return role, 0, 0
}

// addUser creates an account; without a password it can use API keys only.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := userForm{Login: strings.ToLower(strings.TrimSpace(r.PostFormValue("login"))), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Executor: r.PostFormValue("executor"), Territory: r.PostFormValue("territory")}
	password := r.PostFormValue("password")
	errs := map[string]string{}
	if !loginRe.MatchString(f.Login) {
		errs["login"] = "users.err.login"
	}
	if f.Name == "" || utf8.RuneCountInString(f.Name) > MaxUserName {
		errs["name"] = "users.err.name"
	}
	role, exID, terID := s.binding(r, f, errs)
	hash := ""
	if password != "" {
		var err error
		if hash, err = auth.HashPassword(password); err != nil {
			errs["password"] = "users.err.password"
		}
	}
	if len(errs) == 0 {
		_, err := s.st.CreateUser(ctx, model.User{Login: f.Login, Name: f.Name, Role: role, ExecutorID: exID, TerritoryID: terID}, hash)
		var fe *model.FieldError
		switch {
		case errors.As(err, &fe) && fe.Field == "login":
			errs["login"] = "users.err.login_taken"
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		v, err := s.usersView(r, usersView{Form: f, Errors: errs})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderUsers(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	s.log.Info("web: user added", "by", userOf(r).Login, "login", f.Login, "role", role)
	http.Redirect(w, r, "/users?done=added", http.StatusSeeOther)
}

// userPage shows one account: its name, role and binding, its password, and whether it may sign in.
func (s *Server) userPage(w http.ResponseWriter, r *http.Request) {
	u, _, err := s.st.UserByLogin(r.Context(), r.PathValue("login"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.usersView(r, usersView{Form: s.formOf(r, u), Notice: userNotices[r.URL.Query().Get("done")], Self: u.ID == userOf(r).ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "user.html", "users.title", v)
}

func (s *Server) formOf(r *http.Request, u model.User) userForm {
	f := userForm{Login: u.Login, Name: u.Name, Role: string(u.Role), Disabled: u.Disabled}
	if refs, err := s.svc.Refs(r.Context()); err == nil {
		if ex, ok := refs.ExecutorByID(u.ExecutorID); ok {
			f.Executor = ex.Code
		}
		if t, ok := refs.TerritoryByID(u.TerritoryID); ok {
			f.Territory = t.OKTMO
		}
	}
	return f
}

// editUser applies one of the account forms: "profile" (name, role, binding), "password", "disable" or "enable".
// An administrator may not lock themselves out nor take away their own administrator role.
func (s *Server) editUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, _, err := s.st.UserByLogin(ctx, r.PathValue("login"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	self := u.ID == userOf(r).ID
	f := s.formOf(r, u)
	errs := map[string]string{}
	done := ""
	switch r.PostFormValue("form") {
	case "profile":
		f.Name, f.Role = strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("role")
		f.Executor, f.Territory = r.PostFormValue("executor"), r.PostFormValue("territory")
		if f.Name == "" || utf8.RuneCountInString(f.Name) > MaxUserName {
			errs["name"] = "users.err.name"
		}
		role, exID, terID := s.binding(r, f, errs)
		if self && role != model.RoleAdmin && len(errs) == 0 {
			errs["role"] = "users.err.self_role"
		}
		if len(errs) == 0 {
			if err := s.st.SetName(ctx, u.Login, f.Name); err != nil {
				s.fail(w, r, err)
				return
			}
			if err := s.st.SetRole(ctx, u.Login, role, exID, terID); err != nil {
				s.fail(w, r, err)
				return
			}
			done = "saved"
		}
	case "password":
		hash, err := auth.HashPassword(r.PostFormValue("password"))
		if err != nil {
			errs["password"] = "users.err.password"
			break
		}
		if err := s.st.SetPassword(ctx, u.Login, hash); err != nil {
			s.fail(w, r, err)
			return
		}
		done = "password"
	case "disable", "enable":
		disable := r.PostFormValue("form") == "disable"
		if self && disable {
			errs["disabled"] = "users.err.self_disable"
			break
		}
		if err := s.st.SetDisabled(ctx, u.Login, disable); err != nil {
			s.fail(w, r, err)
			return
		}
		done = map[bool]string{true: "disabled", false: "enabled"}[disable]
	default:
		s.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	if len(errs) > 0 {
		v, err := s.usersView(r, usersView{Form: f, Errors: errs, Self: self})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "user.html", "users.title", v)
		return
	}
	s.log.Info("web: user changed", "by", userOf(r).Login, "login", u.Login, "change", done)
	http.Redirect(w, r, "/users/"+url.PathEscape(u.Login)+"?done="+done, http.StatusSeeOther)
}
