package telegram

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBotAPI speaks the Bot API wire format: POST /bot<token>/<method> with a JSON body, answered with
// {"ok":true,"result":…} or {"ok":false,"error_code":…,"description":…,"parameters":{…}} and the matching HTTP
// status. getUpdates behaves like Telegram's: an offset confirms (drops) every earlier update, the call returns
// the pending updates from the offset on, and waits up to "timeout" seconds when there are none.
type fakeBotAPI struct {
	token string

	mu        sync.Mutex
	pending   []json.RawMessage // in update_id order
	failures  map[string][]func(w http.ResponseWriter)
	bodies    map[string][]map[string]any // request bodies per method
	offsets   []int64                     // offsets asked for by getUpdates, in order
	sent      []map[string]any
	nextMsgID int64
	wake      chan struct{}
}

func newFakeBotAPI(t *testing.T) (*fakeBotAPI, *httptest.Server) {
	f := &fakeBotAPI{token: "7000001:AAF-тест-токен", failures: map[string][]func(http.ResponseWriter){},
		bodies: map[string][]map[string]any{}, nextMsgID: 3000, wake: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func botError(status int, description string, params string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		p := ""
		if params != "" {
			p = `,"parameters":` + params
		}
		fmt.Fprintf(w, `{"ok":false,"error_code":%d,"description":%q%s}`, status, description, p)
	}
}

func (f *fakeBotAPI) fail(method string, fn func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[method] = append(f.failures[method], fn)
}

// push adds updates, as Telegram does when residents write.
func (f *fakeBotAPI) push(updates ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range updates {
		f.pending = append(f.pending, json.RawMessage(u))
	}
	close(f.wake)
	f.wake = make(chan struct{})
}

func updateID(raw json.RawMessage) int64 {
	var u struct {
		UpdateID int64 `json:"update_id"`
	}
	_ = json.Unmarshal(raw, &u)
	return u.UpdateID
}

func (f *fakeBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot"+f.token+"/")
	if !ok || r.Method != http.MethodPost {
		botError(http.StatusUnauthorized, "Unauthorized", "")(w)
		return
	}
	if r.Header.Get("Content-Type") != "application/json" {
		botError(http.StatusBadRequest, "Bad Request: want JSON", "")(w)
		return
	}
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		botError(http.StatusBadRequest, "Bad Request: can't parse JSON", "")(w)
		return
	}
	method := rest
	f.mu.Lock()
	f.bodies[method] = append(f.bodies[method], body)
	var fail func(http.ResponseWriter)
	if q := f.failures[method]; len(q) > 0 {
		fail, f.failures[method] = q[0], q[1:]
	}
	f.mu.Unlock()
	if fail != nil {
		fail(w)
		return
	}
	ok200 := func(result string) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"result":%s}`, result)
	}
	switch method {
	case "sendMessage":
		text, _ := body["text"].(string)
		chatID, _ := body["chat_id"].(float64)
		if text == "" || chatID == 0 {
			botError(http.StatusBadRequest, "Bad Request: message text is empty", "")(w)
			return
		}
		f.mu.Lock()
		f.nextMsgID++
		id := f.nextMsgID
		f.sent = append(f.sent, body)
		f.mu.Unlock()
		res, _ := json.Marshal(map[string]any{"message_id": id, "date": 1731001000,
			"chat": map[string]any{"id": int64(chatID), "type": "supergroup"}, "text": text})
		ok200(string(res))
	case "getUpdates":
		offset, _ := body["offset"].(float64)
		timeout, _ := body["timeout"].(float64)
		limit, _ := body["limit"].(float64)
		if limit == 0 {
			limit = 100
		}
		deadline := time.After(time.Duration(timeout) * time.Second)
		f.mu.Lock()
		f.offsets = append(f.offsets, int64(offset))
		f.mu.Unlock()
		for {
			f.mu.Lock()
			var keep, out []json.RawMessage
			for _, u := range f.pending {
				if updateID(u) >= int64(offset) || offset == 0 {
					keep = append(keep, u)
				}
			}
			f.pending = keep
			for _, u := range keep {
				if len(out) < int(limit) {
					out = append(out, u)
				}
			}
			wake := f.wake
			f.mu.Unlock()
			if len(out) > 0 || timeout == 0 {
				res, _ := json.Marshal(out)
				if out == nil {
					res = []byte("[]")
				}
				ok200(string(res))
				return
			}
			select {
			case <-wake:
			case <-deadline:
				timeout = 0
			case <-r.Context().Done():
				return
			}
		}
	case "setWebhook", "deleteWebhook":
		ok200("true")
	default:
		botError(http.StatusNotFound, "Not Found", "")(w)
	}
}

func (f *fakeBotAPI) lastBody(method string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bodies[method]
	if len(b) == 0 {
		return nil
	}
	return b[len(b)-1]
}

func (f *fakeBotAPI) offsetsAsked() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.offsets...)
}
