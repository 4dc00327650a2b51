package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp/analyze"
	"github.com/otklik/otklik/internal/nlp/nlpcli"
	"github.com/otklik/otklik/internal/quality/qualitycli"
	"github.com/otklik/otklik/internal/store"
)

func commands() []Command {
	return []Command{
		{Name: "serve", Summary: "run the server (HTTP API, deadline ticker); --demo seeds a demo region", Run: runServe},
		{Name: "migrate", Summary: "bring the database schema up to date", Run: runMigrate},
		{Name: "import", Summary: "import data from files", Sub: []Command{
			{Name: "messages", Summary: "import messages from a JSON Lines file", Run: runImportMessages},
		}},
		{Name: "user", Summary: "manage users", Sub: []Command{
			{Name: "add", Summary: "add a user", Run: runUserAdd},
			{Name: "list", Summary: "list users", Run: runUserList},
			{Name: "set-password", Summary: "set a user's password", Run: runUserSetPassword},
			{Name: "set-role", Summary: "change a user's role and binding", Run: runUserSetRole},
		}},
		{Name: "source", Summary: "manage sources (VK communities, Telegram bots, webhooks)", Sub: []Command{
			{Name: "add", Summary: "add or update a source", Run: runSourceAdd},
			{Name: "list", Summary: "list sources", Run: runSourceList},
		}},
		{Name: "routing", Summary: "routing rules and the building registry", Sub: []Command{
			{Name: "import-rules", Summary: "replace the routing rule table from a CSV file", Run: runRoutingImportRules},
			{Name: "import-buildings", Summary: "add houses to the building registry from a CSV file (ГИС ЖКХ export)", Run: runRoutingImportBuildings},
			{Name: "list", Summary: "print the rule table and the registry's size", Run: runRoutingList},
		}},
		{Name: "reference", Summary: "the region's territories, categories and executors as one JSON document", Sub: []Command{
			{Name: "export", Summary: "write the reference data as JSON", Run: runReferenceExport},
			{Name: "import", Summary: "check and merge reference data from a JSON file", Run: runReferenceImport},
		}},
		{Name: "token", Summary: "manage API tokens", Sub: []Command{
			{Name: "create", Summary: "mint an API token for a user and print it", Run: runTokenCreate},
			{Name: "list", Summary: "list API tokens (id, user, role, label, created)", Run: runTokenList},
			{Name: "revoke", Summary: "revoke an API token by its id", Run: runTokenRevoke},
		}},
		{Name: "version", Summary: "print the version", Run: runVersion},
		{Name: "analyze", Summary: "print what Otklik understands of messages (kind, topic, territory, address, priority)", Run: wrap(analyze.AnalyzeCommand)},
		{Name: "train", Summary: "train a topic model from a CSV file or, with --from-db, from operators' decisions", Run: runTrain},
		{Name: "eval", Summary: "evaluate a topic model on a CSV file", Run: wrap(nlpcli.EvalCommand)},
		{Name: "grade", Summary: "grade answers from a CSV file (promptness, plain language, informativeness, formal reply)", Run: wrap(qualitycli.GradeCommand)},
		{Name: "bench", Summary: "benchmarks", Sub: []Command{
			{Name: "nlp", Summary: "topic classifier against fastText on the benchmark split", Run: wrap(nlpcli.BenchCommand)},
			{Name: "ingest", Summary: "the ingest pipeline against bare batched inserts of the same rows", Run: runBenchIngest},
		}},
	}
}

// wrap adapts a command written as func(ctx, args, stdin, stdout, stderr) error.
func wrap(f func(context.Context, []string, io.Reader, io.Writer, io.Writer) error) func(context.Context, []string, IO) error {
	return func(ctx context.Context, args []string, io IO) error { return f(ctx, args, io.In, io.Out, io.Err) }
}

func runVersion(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "version", "version", "Print the version of this build and the schema version it migrates to.")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "otklik %s (schema %d, %s, %s/%s)\n", Version, store.SchemaVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func runMigrate(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "migrate", "migrate [--db URL]", `Apply the schema migrations embedded in this binary. Safe to repeat; serve runs it at start too.

Example:
  otklik migrate --db postgres://postgres@127.0.0.1:5432/otklik?sslmode=disable`)
	db := dbFlag(fs, io)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "schema at version %d (%s)\n", v, st.Dialect())
	return nil
}

// roleFlags are the flags naming a user and the role it is given (user add, user set-role).
type roleFlags struct {
	login, role, executor, territory *string
}

func addRoleFlags(fs *flag.FlagSet) roleFlags {
	return roleFlags{
		login:     fs.String("login", "", "login (required)"),
		role:      fs.String("role", "", "role (required)"),
		executor:  fs.String("executor", "", "executor code, for the executor role"),
		territory: fs.String("territory", "", "territory OKTMO code, for a supervisor of one territory"),
	}
}

// open checks the flags, opens the store and resolves the role's binding; the caller closes the store.
func (rf roleFlags) open(ctx context.Context, dsn string) (*store.Store, int64, int64, error) {
	if *rf.login == "" {
		return nil, 0, 0, fmt.Errorf("--login: required")
	}
	st, err := openStore(ctx, dsn)
	if err != nil {
		return nil, 0, 0, err
	}
	exID, terID, err := bindRole(ctx, st, model.Role(*rf.role), *rf.executor, *rf.territory)
	if err != nil {
		st.Close()
		return nil, 0, 0, err
	}
	return st, exID, terID, nil
}

// bindRole resolves --executor and --territory codes for a role.
func bindRole(ctx context.Context, st *store.Store, role model.Role, executor, territory string) (int64, int64, error) {
	if !role.Valid() {
		return 0, 0, fmt.Errorf("--role: unknown role %q (one of admin, operator, moderator, executor, supervisor)", role)
	}
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		return 0, 0, err
	}
	var exID, terID int64
	switch role {
	case model.RoleExecutor:
		if executor == "" {
			return 0, 0, fmt.Errorf("--executor: required for the executor role (an executor code)")
		}
		e, ok := refs.ExecutorByCode(executor)
		if !ok {
			return 0, 0, fmt.Errorf("--executor: no executor with code %q", executor)
		}
		exID = e.ID
	case model.RoleSupervisor:
		if territory != "" {
			t, ok := refs.TerritoryByOKTMO(territory)
			if !ok {
				return 0, 0, fmt.Errorf("--territory: no territory with OKTMO %q", territory)
			}
			terID = t.ID
		}
	}
	if executor != "" && role != model.RoleExecutor {
		return 0, 0, fmt.Errorf("--executor: only for the executor role")
	}
	if territory != "" && role != model.RoleSupervisor {
		return 0, 0, fmt.Errorf("--territory: only for the supervisor role")
	}
	return exID, terID, nil
}

func runUserAdd(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "user add", "user add --login NAME --role ROLE [--name TEXT] [--password PW] [--executor CODE] [--territory OKTMO]",
		`Add a user. Roles: admin, operator, moderator, executor (bound to one executor organisation by --executor),
supervisor (bound to a territory by --territory, or to the whole region without it). Without --password the user
can use API tokens only (see 'otklik token create').

Example:
  otklik user add --login ivanova --name "Иванова А. П." --role operator --password 'long secret'`)
	db := dbFlag(fs, io)
	rf := addRoleFlags(fs)
	name := fs.String("name", "", "full name")
	pw := fs.String("password", "", "password (at least 8 characters)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	st, exID, terID, err := rf.open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	login, role := rf.login, rf.role
	hash := ""
	if *pw != "" {
		if hash, err = auth.HashPassword(*pw); err != nil {
			return fmt.Errorf("--password: %w", err)
		}
	}
	id, err := st.CreateUser(ctx, model.User{Login: *login, Name: *name, Role: model.Role(*role), ExecutorID: exID, TerritoryID: terID}, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "user %s added (id %d, role %s)\n", *login, id, *role)
	return nil
}

func runUserList(ctx context.Context, args []string, io IO) error {
	st, err := storeOnly(ctx, io, "user list", "user list [--db URL]", "List users with their roles and bindings.", args)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOGIN\tROLE\tBOUND TO\tNAME")
	for _, u := range users {
		bound := ""
		if e, ok := refs.ExecutorByID(u.ExecutorID); ok {
			bound = e.Code
		} else if t, ok := refs.TerritoryByID(u.TerritoryID); ok {
			bound = t.OKTMO
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Login, u.Role, bound, u.Name)
	}
	return tw.Flush()
}

func runUserSetPassword(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "user set-password", "user set-password --login NAME --password PW", "Set a user's password.")
	db := dbFlag(fs, io)
	login := fs.String("login", "", "login (required)")
	pw := fs.String("password", "", "new password, at least 8 characters (required)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *login == "" {
		return fmt.Errorf("--login: required")
	}
	hash, err := auth.HashPassword(*pw)
	if err != nil {
		return fmt.Errorf("--password: %w", err)
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetPassword(ctx, *login, hash); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "password of %s changed\n", *login)
	return nil
}

func runUserSetRole(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "user set-role", "user set-role --login NAME --role ROLE [--executor CODE] [--territory OKTMO]",
		"Change a user's role and what it is bound to (see 'otklik user add --help').")
	db := dbFlag(fs, io)
	rf := addRoleFlags(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	st, exID, terID, err := rf.open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	login, role := rf.login, rf.role
	if err := st.SetRole(ctx, *login, model.Role(*role), exID, terID); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "%s is now %s\n", *login, *role)
	return nil
}

func runTokenCreate(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "token create", "token create --user LOGIN [--name TEXT]",
		`Mint an API token for a user and print it alone on standard output. Only its hash is stored: keep it.

Example:
  T=$(otklik token create --user admin)
  curl -H "Authorization: Bearer $T" localhost:8080/api/v1/incidents`)
	db := dbFlag(fs, io)
	login := fs.String("user", "", "login of the user (required)")
	name := fs.String("name", "cli", "a label for the token")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *login == "" {
		return fmt.Errorf("--user: required")
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	u, _, err := st.UserByLogin(ctx, *login)
	if err != nil {
		return fmt.Errorf("--user: %w", err)
	}
	tok, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	if err := st.CreateToken(ctx, u.ID, hash, *name); err != nil {
		return err
	}
	fmt.Fprintln(io.Out, tok)
	return nil
}

func runTokenList(ctx context.Context, args []string, io IO) error {
	st, err := storeOnly(ctx, io, "token list", "token list [--db URL]", `List the API tokens, newest first: id, user, role, label, when each was created and last used (to the hour).
The tokens themselves are not stored and cannot be shown; revoke one by its id with token revoke.`, args)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.Tokens(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tROLE\tLABEL\tCREATED\tLAST USED")
	for _, t := range list {
		used := "never"
		if t.LastUsedAt != nil {
			used = t.LastUsedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Login, t.Role, t.Name, t.CreatedAt.UTC().Format(time.RFC3339), used)
	}
	return tw.Flush()
}

func runTokenRevoke(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "token revoke", "token revoke --id N", `Revoke an API token by the id token list shows: requests bearing it are refused from now on.`)
	db := dbFlag(fs, io)
	id := fs.Int64("id", 0, "id of the token (required; see token list)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("--id: required: a token id from token list")
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RevokeToken(ctx, *id); err != nil {
		return fmt.Errorf("--id: %w", err)
	}
	fmt.Fprintf(io.Out, "token %d revoked\n", *id)
	return nil
}
