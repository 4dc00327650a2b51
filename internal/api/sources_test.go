package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/store"
)

func TestSources(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		path := "/api/v1/sources/"
		vk := map[string]any{"kind": "vk", "name": "Паблик Иркутска", "territory": terIrkutsk,
			"config": map[string]any{"group_id": 123456, "confirmation": "1a2b3c4d", "secret": "vk-secret-key", "token": "vk1.a.community-token"}}
		put := func(code string, body any, status int) store.Source {
			t.Helper()
			var src store.Source // fresh: the JSON leaves out empty fields
			e.do(t, "PUT", path+code, "admin", body).want(t, status, &src)
			return src
		}
		src := put("vk-irkutsk", vk, http.StatusCreated)
		if src.Code != "vk-irkutsk" || src.Kind != "vk" || !src.Enabled || src.Territory != terIrkutsk || src.Config.GroupID != 123456 ||
			src.Config.Confirmation != "1a2b3c4d" || src.Config.Secret != Mask || src.Config.Token != Mask {
			t.Fatalf("created: %+v", src)
		}
		tg := map[string]any{"kind": "telegram", "enabled": false, "config": map[string]any{"token": "123:telegram-bot-token", "mode": "polling"}}
		src = put("tg-bot", tg, http.StatusCreated)
		if src.Enabled || src.Config.Mode != "polling" || src.Config.Token != Mask || src.Config.Secret != "" {
			t.Fatalf("telegram: %+v", src)
		}
		src = put("tg-hook", map[string]any{"kind": "telegram", "config": map[string]any{"secret": "tg-secret-token"}}, http.StatusCreated)
		if src.Config.Mode != "webhook" {
			t.Fatalf("telegram mode defaults to webhook: %+v", src)
		}

		// The list masks every credential; the store keeps them.
		r := e.do(t, "GET", "/api/v1/sources", "admin", nil)
		var list struct{ Items []store.Source }
		r.want(t, http.StatusOK, &list)
		if len(list.Items) != 3 {
			t.Fatalf("sources: %+v", list.Items)
		}
		for _, secret := range []string{"vk-secret-key", "community-token", "telegram-bot-token", "tg-secret-token"} {
			if strings.Contains(string(r.body), secret) {
				t.Fatalf("GET /sources leaks %q", secret)
			}
		}
		stored, err := st.SourceByCode(ctx, "vk-irkutsk")
		if err != nil || stored.Config.Secret != "vk-secret-key" || stored.Config.Token != "vk1.a.community-token" {
			t.Fatalf("stored: %+v, %v", stored, err)
		}

		// Sending the list back unchanged keeps the credentials; "" clears one; a new value replaces it.
		vk["config"] = map[string]any{"group_id": 123456, "confirmation": "1a2b3c4d", "secret": Mask, "token": Mask}
		src = put("vk-irkutsk", vk, http.StatusOK)
		if stored, _ = st.SourceByCode(ctx, "vk-irkutsk"); stored.Config.Secret != "vk-secret-key" || stored.Config.Token != "vk1.a.community-token" || !stored.CreatedAt.Equal(src.CreatedAt) {
			t.Fatalf("masked PUT changed credentials: %+v", stored)
		}
		vk["config"] = map[string]any{"group_id": 123456, "confirmation": "1a2b3c4d", "secret": "new-secret", "token": ""}
		src = put("vk-irkutsk", vk, http.StatusOK)
		if stored, _ = st.SourceByCode(ctx, "vk-irkutsk"); stored.Config.Secret != "new-secret" || stored.Config.Token != "" || src.Config.Token != "" {
			t.Fatalf("replaced and cleared: %+v", stored)
		}
		// Another kind does not inherit the old kind's credentials.
		src = put("tg-bot", map[string]any{"kind": "webhook", "config": map[string]any{"secret": "hmac-key"}}, http.StatusOK)
		if stored, _ = st.SourceByCode(ctx, "tg-bot"); stored.Config.Token != "" || stored.Config.Secret != "hmac-key" || stored.Config.Mode != "" {
			t.Fatalf("kind change: %+v", stored)
		}

		cases := []struct {
			name, method, path, login string
			body                      any
			status                    int
			code, field               string
		}{
			{"operator lists", "GET", "/api/v1/sources", "operator", nil, 403, "forbidden", ""},
			{"supervisor lists", "GET", "/api/v1/sources", "supervisor", nil, 403, "forbidden", ""},
			{"operator writes", "PUT", path + "x", "operator", map[string]any{"kind": "webhook", "config": map[string]any{"secret": "k"}}, 403, "forbidden", ""},
			{"unknown kind", "PUT", path + "x", "admin", map[string]any{"kind": "icq"}, 422, "invalid", "kind"},
			{"no kind", "PUT", path + "x", "admin", map[string]any{}, 422, "invalid", "kind"},
			{"import kind", "PUT", path + "x", "admin", map[string]any{"kind": "import"}, 422, "invalid", "kind"},
			{"webhook without secret", "PUT", path + "x", "admin", map[string]any{"kind": "webhook"}, 422, "invalid", "config.secret"},
			{"vk without confirmation", "PUT", path + "x", "admin", map[string]any{"kind": "vk", "config": map[string]any{"group_id": 1}}, 422, "invalid", "config.confirmation"},
			{"telegram bad mode", "PUT", path + "x", "admin", map[string]any{"kind": "telegram", "config": map[string]any{"mode": "push"}}, 422, "invalid", "config.mode"},
			{"polling without token", "PUT", path + "x", "admin", map[string]any{"kind": "telegram", "config": map[string]any{"mode": "polling"}}, 422, "invalid", "config.token"},
			{"mode for vk", "PUT", path + "x", "admin", map[string]any{"kind": "vk", "config": map[string]any{"confirmation": "c", "mode": "polling"}}, 422, "invalid", "config.mode"},
			{"bad api_base", "PUT", path + "x", "admin", map[string]any{"kind": "webhook", "config": map[string]any{"secret": "k", "api_base": "ftp://example"}}, 422, "invalid", "config.api_base"},
			{"unknown territory", "PUT", path + "x", "admin", map[string]any{"kind": "webhook", "territory": "123", "config": map[string]any{"secret": "k"}}, 422, "invalid", "territory"},
			{"unknown config field", "PUT", path + "x", "admin", map[string]any{"kind": "webhook", "config": map[string]any{"secret": "k", "password": "p"}}, 422, "invalid", "config.password"},
			{"group_id not a number", "PUT", path + "x", "admin", map[string]any{"kind": "vk", "config": map[string]any{"group_id": "club1", "confirmation": "c"}}, 422, "invalid", "config.group_id"},
			{"bad code", "PUT", path + "bad%20code", "admin", map[string]any{"kind": "webhook", "config": map[string]any{"secret": "k"}}, 422, "invalid", "code"},
			{"malformed", "PUT", path + "x", "admin", `{"kind":`, 400, "invalid_json", ""},
			{"wrong method", "DELETE", path + "vk-irkutsk", "admin", nil, 405, "method_not_allowed", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do(t, c.method, c.path, c.login, c.body).wantErr(t, c.status, c.code, c.field)
				srcs, err := st.Sources(ctx)
				if err != nil || len(srcs) != 3 {
					t.Fatalf("a refused request changed the sources: %d, %v", len(srcs), err)
				}
			})
		}
	})
}
