package web

import (
	"net/http"

	"github.com/otklik/otklik/internal/model"
)

// allPages is every route of the interface. Each area keeps its table in its own file; to add an area, append
// its table here — one line — and nothing else changes (see the package documentation).
func allPages() []Page {
	var p []Page
	p = append(p, corePages...)
	p = append(p, receptionPages...)
	p = append(p, ratePages...)
	p = append(p, operatorPages...)
	p = append(p, deskPages...)
	p = append(p, dashboardPages...)
	p = append(p, ratingPages...)
	p = append(p, settingsPages...)
	p = append(p, userPages...)
	p = append(p, executorPages...)
	p = append(p, categoryPages...)
	p = append(p, routingPages...)
	p = append(p, profilePages...)
	return p
}

// staff are every signed-in role.
var staff = model.Roles

// corePages are sign-in, sign-out, the home page, the language switch and the static files.
var corePages = []Page{
	{Method: "GET", Path: "/{$}", Handle: (*Server).home},
	{Method: "GET", Path: "/login", Handle: (*Server).loginForm},
	{Method: "POST", Path: "/login", Handle: (*Server).login},
	{Method: "POST", Path: "/logout", Roles: staff, Handle: (*Server).logout},
	{Method: "POST", Path: "/logout/everywhere", Roles: staff, Handle: (*Server).logoutEverywhere},
	{Method: "GET", Path: "/lang/{lang}", Handle: (*Server).setLang},
	{Method: "GET", Path: "/static/{name}", Handle: (*Server).serveStatic},
}

// homeView is the start page's data.
type homeView struct {
	Links []navLink
}

// home greets the visitor: a resident sees the reception, the statistics and the sign-in; a signed-in user
// the pages of their role.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home.html", "home.title", homeView{Links: s.nav(userOf(r), "")})
}
