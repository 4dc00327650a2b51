// Package cli is the otklik command line: one table of commands, each with its own flags, every flag with an
// environment-variable equivalent where it configures the server (OTKLIK_DB, OTKLIK_ADDR, …).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/otklik/otklik/internal/store"
)

// Version is set at build time with -ldflags "-X github.com/otklik/otklik/internal/cli.Version=…".
var Version = "dev"

// IO is where a command reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	Getenv   func(string) string
}

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string
	Run     func(ctx context.Context, args []string, io IO) error
	Sub     []Command // nested commands ("user add")
}

// Run executes the command line args (without the program name) and returns the process exit code.
func Run(ctx context.Context, args []string, io IO) int {
	if io.Getenv == nil {
		io.Getenv = os.Getenv
	}
	err := dispatch(ctx, "otklik", commands(), args, io)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(io.Err, "otklik: %v\n", err)
		return 1
	}
}

var errUsage = errors.New("usage")

func dispatch(ctx context.Context, prefix string, cmds []Command, args []string, io IO) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(io.Out, prefix, cmds)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range cmds {
		if c.Name != args[0] {
			continue
		}
		if c.Run == nil {
			return dispatch(ctx, prefix+" "+c.Name, c.Sub, args[1:], io)
		}
		return c.Run(ctx, args[1:], io)
	}
	printUsage(io.Err, prefix, cmds)
	return fmt.Errorf("%s: unknown command %q", prefix, args[0])
}

func printUsage(w io.Writer, prefix string, cmds []Command) {
	fmt.Fprintf(w, "Usage: %s <command> [flags]\n\nCommands:\n", prefix)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	sorted := append([]Command(nil), cmds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, c := range sorted {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Summary)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nRun '%s <command> --help' for the flags of a command.\n", prefix)
}

// newFlags makes a flag set that prints a usage text with a description and an example.
func newFlags(io IO, name, usage, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Err)
	fs.Usage = func() {
		fmt.Fprintf(io.Err, "Usage: otklik %s\n\n%s\n\nFlags:\n", usage, strings.TrimSpace(description))
		fs.PrintDefaults()
	}
	return fs
}

// envOr returns the environment variable's value or the default.
func envOr(io IO, key, def string) string {
	if v := io.Getenv(key); v != "" {
		return v
	}
	return def
}

// dbFlag adds the --db flag every command that opens the store has.
func dbFlag(fs *flag.FlagSet, io IO) *string {
	return fs.String("db", envOr(io, "OTKLIK_DB", "otklik.db"),
		"database: a SQLite file path or sqlite: URL, or a postgres:// URL (env OTKLIK_DB)")
}

// parse parses flags and rejects stray positional arguments unless allowed.
func parse(fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > maxArgs {
		fs.Usage()
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(maxArgs))
	}
	return nil
}

// storeOnly parses the flags of a command that takes nothing but --db and opens its store; the caller closes it.
func storeOnly(ctx context.Context, io IO, name, usage, description string, args []string) (*store.Store, error) {
	fs := newFlags(io, name, usage, description)
	db := dbFlag(fs, io)
	if err := parse(fs, args, 0); err != nil {
		return nil, err
	}
	return openStore(ctx, *db)
}
