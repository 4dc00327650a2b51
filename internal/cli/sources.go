package cli

import (
	"context"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/otklik/otklik/internal/store"
)

func runSourceAdd(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "source add", "source add --code CODE --kind vk|telegram|webhook [flags]",
		`Add (or update) a source messages arrive through. Its hook is POST /hooks/<kind>/<code>:
  vk        the community's Callback API: --group-id, --confirmation (the string VK shows), --secret (secret key),
            --token (community token, to publish answers)
  telegram  a bot: --token, --secret (the secret_token given to setWebhook), --mode webhook|polling (polling needs
            no public address: serve calls getUpdates and keeps the offset in the database)
  webhook   an integrator's system: --secret, the HMAC-SHA256 key of the X-Otklik-Signature header
--territory is the OKTMO code of the municipality a message is from when its text names none.

Example:
  otklik source add --code vk-irkutsk --kind vk --group-id 123456 --confirmation 1a2b3c4d --secret s3cret --territory 25701000`)
	db := dbFlag(fs, io)
	code := fs.String("code", "", "source code, used in the hook's URL (required)")
	kind := fs.String("kind", "", "vk, telegram or webhook (required)")
	name := fs.String("name", "", "a human name")
	territory := fs.String("territory", "", "default territory (OKTMO)")
	group := fs.Int64("group-id", 0, "vk: community id")
	confirmation := fs.String("confirmation", "", "vk: Callback API confirmation string")
	secret := fs.String("secret", "", "vk secret key, Telegram secret_token or webhook HMAC key")
	token := fs.String("token", "", "vk community token or Telegram bot token")
	mode := fs.String("mode", "webhook", "telegram: webhook or polling")
	apiBase := fs.String("api-base", "", "API base URL when not the public one")
	disabled := fs.Bool("disabled", false, "add it switched off")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	switch {
	case *code == "":
		return fmt.Errorf("--code: required")
	case !slices.Contains([]string{"vk", "telegram", "webhook"}, *kind):
		return fmt.Errorf("--kind: must be vk, telegram or webhook; got %q", *kind)
	case *kind == "webhook" && *secret == "":
		return fmt.Errorf("--secret: required for a webhook source (deliveries are signed with it)")
	case *kind == "vk" && *confirmation == "":
		return fmt.Errorf("--confirmation: required for a vk source (VK checks the server with it)")
	case *kind == "telegram" && *mode != "webhook" && *mode != "polling":
		return fmt.Errorf("--mode: must be webhook or polling; got %q", *mode)
	case *kind == "telegram" && *mode == "polling" && *token == "":
		return fmt.Errorf("--token: required for polling")
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *territory != "" {
		refs, err := st.LoadRefs(ctx)
		if err != nil {
			return err
		}
		if _, ok := refs.TerritoryByOKTMO(*territory); !ok {
			return fmt.Errorf("--territory: no territory with OKTMO %q", *territory)
		}
	}
	src := store.Source{Code: *code, Kind: *kind, Name: *name, Territory: *territory, Enabled: !*disabled,
		Config: store.SourceConfig{GroupID: *group, Confirmation: *confirmation, Secret: *secret, Token: *token, APIBase: *apiBase}}
	if *kind == "telegram" {
		src.Config.Mode = *mode
	}
	if _, err := st.PutSource(ctx, src); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "source %s saved; its hook is POST /hooks/%s/%s\n", *code, *kind, *code)
	return nil
}

func runSourceList(ctx context.Context, args []string, io IO) error {
	st, err := storeOnly(ctx, io, "source list", "source list [--db URL]", "List sources (secrets are not printed).", args)
	if err != nil {
		return err
	}
	defer st.Close()
	srcs, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tKIND\tTERRITORY\tENABLED\tHOOK")
	for _, s := range srcs {
		hook := "/hooks/" + s.Kind + "/" + s.Code
		if s.Config.Mode == "polling" {
			hook = "(polling)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", s.Code, s.Kind, s.Territory, s.Enabled, hook)
	}
	return tw.Flush()
}
