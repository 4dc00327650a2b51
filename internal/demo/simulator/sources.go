package simulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// The demo sources EnsureSources creates.
const (
	VKDemoCode       = "vk-demo"
	TelegramDemoCode = "tg-demo"
	VKDemoGroupID    = 200000001
	// DemoTerritory is the OKTMO of the city of Irkutsk: where the VK community's messages are from when their
	// text names no place.
	DemoTerritory = "25701000"
)

// EnsureSources makes sure the demo sources exist: "vk-demo" (a VK community, group VKDemoGroupID, territory
// Irkutsk) and "tg-demo" (a Telegram bot on a webhook). A missing source is created with random credentials; an
// existing one is kept as it is (its secrets included), and a missing secret or confirmation string is filled in.
// It returns the sources as Simulator needs them.
func EnsureSources(ctx context.Context, st *store.Store) (vk, tg Source, err error) {
	vkSrc, err := ensure(ctx, st, store.Source{Code: VKDemoCode, Kind: "vk", Name: "ВКонтакте: сообщество администрации (демо)",
		Territory: DemoTerritory, Enabled: true, Config: store.SourceConfig{GroupID: VKDemoGroupID}})
	if err != nil {
		return vk, tg, err
	}
	tgSrc, err := ensure(ctx, st, store.Source{Code: TelegramDemoCode, Kind: "telegram", Name: "Telegram-бот обращений (демо)",
		Enabled: true, Config: store.SourceConfig{Mode: "webhook"}})
	if err != nil {
		return vk, tg, err
	}
	vk = Source{Code: vkSrc.Code, GroupID: vkSrc.Config.GroupID, Confirmation: vkSrc.Config.Confirmation, Secret: vkSrc.Config.Secret}
	tg = Source{Code: tgSrc.Code, Secret: tgSrc.Config.Secret}
	return vk, tg, nil
}

func ensure(ctx context.Context, st *store.Store, want store.Source) (store.Source, error) {
	src, err := st.SourceByCode(ctx, want.Code)
	switch {
	case errors.Is(err, model.ErrNotFound):
		src = want
	case err != nil:
		return src, fmt.Errorf("simulator: demo source %s: %w", want.Code, err)
	case src.Kind != want.Kind:
		return src, fmt.Errorf("simulator: source %s exists with kind %q, not %q", want.Code, src.Kind, want.Kind)
	}
	changed := src.ID == 0
	if src.Kind == "vk" && src.Config.GroupID == 0 {
		src.Config.GroupID, changed = want.Config.GroupID, true
	}
	if src.Kind == "vk" && src.Config.Confirmation == "" {
		src.Config.Confirmation, changed = randomHex(4), true // VK's confirmation strings are 8 hex digits
	}
	if src.Config.Secret == "" {
		src.Config.Secret, changed = randomHex(16), true
	}
	if !changed {
		return src, nil
	}
	id, err := st.PutSource(ctx, src)
	if err != nil {
		return src, fmt.Errorf("simulator: demo source %s: %w", want.Code, err)
	}
	src.ID = id
	return src, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
