package web

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// The live queue: /operator/events is a Server-Sent Events stream of the incidents entering the triage queue.
const (
	// SSEPoll is how often the stream looks for new incidents.
	SSEPoll = 2 * time.Second
	// SSEHeartbeat is how often a comment line keeps idle connections (and proxies) alive.
	SSEHeartbeat = 15 * time.Second
	// SSELifetime bounds one connection; the browser reconnects on its own, with the last id it saw.
	SSELifetime = 5 * time.Minute
)

// operatorEvents (/operator/events/{after}) streams new incidents of the triage queue as "incident" events,
// each carrying the queue row rendered on the server (the same HTML as the page), with the incident id as the
// event id. The stream starts after the id in the Last-Event-ID header (a reconnection) or in the path (the
// page's newest row), looks at once and then every SSEPoll, and ends after SSELifetime.
func (s *Server) operatorEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rc := http.NewResponseController(w)
	// The server's write timeout (a minute in `otklik serve`) would cut the stream: this response may last its
	// lifetime. Writers that cannot move their deadline have none.
	_ = rc.SetWriteDeadline(time.Now().Add(SSELifetime + time.Minute))
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if after == 0 {
		after, _ = strconv.ParseInt(r.PathValue("after"), 10, 64)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n: otklik\n\n"); err != nil {
		return
	}
	after, err := s.sendNew(w, r, after)
	if err != nil {
		s.log.Warn("web: operator events", "err", err)
		return
	}
	if rc.Flush() != nil {
		return
	}
	poll := time.NewTicker(SSEPoll)
	defer poll.Stop()
	beat := time.NewTicker(SSEHeartbeat)
	defer beat.Stop()
	end := time.NewTimer(SSELifetime)
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-end.C:
			return
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case <-poll.C:
			next, err := s.sendNew(w, r, after)
			if err != nil {
				s.log.Warn("web: operator events", "err", err)
				return
			}
			after = next
			if rc.Flush() != nil {
				return
			}
		}
	}
}

// sendNew writes an event for every incident of the queue with an id above after (oldest first, so that the
// page, which inserts each at the top, ends newest first) and returns the highest id sent. Incidents are found
// by id, not by creation time: a message posted long ago and fetched only now still reaches the queue.
func (s *Server) sendNew(w http.ResponseWriter, r *http.Request, after int64) (int64, error) {
	ctx := r.Context()
	ids, err := s.st.NewIncidentIDs(ctx, after, QueuePageSize) // the oldest first: a burst is sent over several polls
	if err != nil || len(ids) == 0 {
		return after, err
	}
	fresh := make([]model.Incident, 0, len(ids))
	for _, id := range ids {
		inc, err := s.st.IncidentAt(ctx, id, s.now())
		if err != nil {
			return after, err
		}
		fresh = append(fresh, inc)
	}
	slices.SortFunc(fresh, func(a, b model.Incident) int { return cmp.Compare(b.ID, a.ID) })
	v, err := s.queueData(ctx, fresh)
	if err != nil {
		return after, err
	}
	t := s.templates["operator.html"]
	view := s.view(w, r, "operator.title", v)
	for i := len(v.Items) - 1; i >= 0; i-- {
		it := v.Items[i]
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "operator-row", rowData{V: view, It: it, Q: v}); err != nil {
			return after, fmt.Errorf("web: render queue row: %w", err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "id: %d\nevent: incident\n", it.Inc.ID)
		for _, line := range strings.Split(buf.String(), "\n") {
			b.WriteString("data: " + strings.TrimRight(line, "\r") + "\n")
		}
		b.WriteString("\n")
		if _, err := fmt.Fprint(w, b.String()); err != nil {
			return after, err
		}
		after = max(after, it.Inc.ID)
	}
	return after, nil
}

// rowData is what the "operator-row" template receives: the page's View, the item and the queue's choices.
type rowData struct {
	V  *View
	It queueItem
	Q  *queueView
}

// Row pairs an item with the page for the "operator-row" template.
func (v *View) Row(it queueItem) rowData {
	q, _ := v.Data.(*queueView)
	return rowData{V: v, It: it, Q: q}
}

// view builds the View a template fragment needs outside a whole page.
func (s *Server) view(w http.ResponseWriter, r *http.Request, title string, data any) *View {
	st := stateOf(r)
	v := &View{Lang: st.lang, User: st.user, Title: title, Path: "/operator", Data: data, s: s, loc: time.UTC}
	if _, loc, err := s.region(r.Context()); err == nil {
		v.loc = loc
	}
	v.CSRF = s.csrfToken(w, r)
	return v
}
