package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/otklik/otklik/internal/routingcsv"
	"github.com/otklik/otklik/internal/store"
)

// parseWithFile parses flags that may come before or after the one positional FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	var file []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		file = append(file, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(file) != 1 {
		fs.Usage()
		if len(file) == 0 {
			return "", fmt.Errorf("%s: FILE required", fs.Name())
		}
		return "", fmt.Errorf("%s: unexpected argument %q", fs.Name(), file[1])
	}
	return file[0], nil
}

func openInput(name string, in io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return in, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func runRoutingImportRules(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "routing import-rules", "routing import-rules [--db URL] FILE.csv",
		`Replace the routing rule table with the rules of a CSV file. The header row names the columns:
  position   order, lower first; the first matching position wins (empty: the line's place in the file)
  category   topic or subtopic code (empty: any)
  territory  OKTMO code (empty: any)
  kind       executor kind the rule is restricted to (must be the executor's own; empty: any)
  executor   executor code (required)
  note       free text
Separated by commas or semicolons (detected from the header), UTF-8 or Windows-1251. Every line is checked;
the table is replaced only when all are valid, otherwise every bad line is reported and nothing changes.

Example:
  otklik routing import-rules rules.csv`)
	db := dbFlag(fs, io)
	name, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	rd, done, err := openInput(name, io.In)
	if err != nil {
		return fmt.Errorf("routing import-rules: %w", err)
	}
	defer done()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		return err
	}
	rules, bad, err := routingcsv.ParseRulesCSV(rd, refs)
	if err != nil {
		return fmt.Errorf("routing import-rules: %s: %w", name, err)
	}
	if len(bad) > 0 {
		for _, le := range bad {
			fmt.Fprintf(io.Err, "%s: %v\n", name, le)
		}
		return fmt.Errorf("routing import-rules: %d bad lines; the rule table is unchanged", len(bad))
	}
	old, err := st.RoutingRules(ctx)
	if err != nil {
		return err
	}
	if err := st.ReplaceRoutingRules(ctx, rules); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "%d rules imported (the table had %d)\n", len(rules), len(old))
	return nil
}

func runRoutingImportBuildings(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "routing import-buildings",
		"routing import-buildings FILE.csv --address-col NAME --executor-col NAME [--territory-col NAME] [--executor-map FILE.csv]",
		`Add houses to the building registry (address → management company) from a CSV file as ГИС ЖКХ exports it:
a header row, separated by semicolons or commas (detected from the header), UTF-8 or Windows-1251.
  --address-col    the house's address (it must name a street and a house number)
  --executor-col   the management company: its executor code, its name as Otklik knows it, or an ОГРН, ИНН or
                   name that --executor-map maps to a code
  --territory-col  the municipality: an OKTMO code or its name (optional; --territory sets one for all rows)
  --executor-map   a CSV file with a header row and two columns: the registry's value, the executor code
Houses are upserted by territory and address, so importing a newer export updates them. Bad rows are reported
with their line numbers and skipped; the good ones are stored.

Example:
  otklik routing import-buildings houses.csv --address-col "Адрес ОЖФ" --executor-col "ОГРН организации" \
    --territory-col "Код ОКТМО" --executor-map uk-by-ogrn.csv`)
	db := dbFlag(fs, io)
	addrCol := fs.String("address-col", "", "column of the address (required)")
	execCol := fs.String("executor-col", "", "column of the management company (required)")
	terCol := fs.String("territory-col", "", "column of the territory (OKTMO or name)")
	terDefault := fs.String("territory", "", "OKTMO code of the territory of rows without one")
	mapFile := fs.String("executor-map", "", "CSV file mapping ОГРН, ИНН or names to executor codes")
	batch := fs.Int("batch", 1000, "houses per transaction")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *addrCol == "":
		return fmt.Errorf("--address-col: required")
	case *execCol == "":
		return fmt.Errorf("--executor-col: required")
	case *batch < 1 || *batch > 10000:
		return fmt.Errorf("--batch: must be between 1 and 10000")
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		return err
	}
	cols := routingcsv.BuildingColumns{Address: *addrCol, Executor: *execCol, Territory: *terCol}
	if *terDefault != "" {
		t, ok := refs.TerritoryByOKTMO(*terDefault)
		if !ok {
			return fmt.Errorf("--territory: no territory with OKTMO %q", *terDefault)
		}
		cols.DefaultTerritory = t.OKTMO
	}
	if *mapFile != "" {
		f, err := os.Open(*mapFile)
		if err != nil {
			return fmt.Errorf("--executor-map: %w", err)
		}
		cols.ExecutorMap, err = routingcsv.ReadExecutorMap(f, refs)
		f.Close()
		if err != nil {
			return fmt.Errorf("--executor-map: %s: %w", *mapFile, err)
		}
	}
	rd, done, err := openInput(name, io.In)
	if err != nil {
		return fmt.Errorf("routing import-buildings: %w", err)
	}
	defer done()
	rows, bad, err := routingcsv.ParseBuildingsCSV(rd, cols, refs)
	if err != nil {
		return fmt.Errorf("routing import-buildings: %s: %w", name, err)
	}
	for _, le := range bad {
		fmt.Fprintf(io.Err, "%s: %v, skipped\n", name, le)
	}
	stored := 0
	for i := 0; i < len(rows); i += *batch {
		chunk := rows[i:min(i+*batch, len(rows))]
		bs := make([]store.Building, len(chunk))
		for j, r := range chunk {
			bs[j] = r.Building
		}
		n, err := st.PutBuildings(ctx, bs)
		if err != nil {
			return fmt.Errorf("routing import-buildings: lines %d–%d: %w (%d houses stored before)", chunk[0].Line, chunk[len(chunk)-1].Line, err, stored)
		}
		stored += n
	}
	fmt.Fprintf(io.Out, "%d rows: %d houses stored, %d bad rows skipped\n", len(rows)+len(bad), stored, len(bad))
	return nil
}

func runRoutingList(ctx context.Context, args []string, io IO) error {
	st, err := storeOnly(ctx, io, "routing list", "routing list [--db URL]", "Print the routing rule table and the size of the building registry per executor.", args)
	if err != nil {
		return err
	}
	defer st.Close()
	rules, err := st.RoutingRules(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POSITION\tCATEGORY\tTERRITORY\tKIND\tEXECUTOR\tNOTE")
	star := func(s string) string {
		if s == "" {
			return "*"
		}
		return s
	}
	for _, r := range rules {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Position, star(r.Category), star(r.Territory), star(r.Kind), r.Executor, r.Note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	buildings, err := st.Buildings(ctx)
	if err != nil {
		return err
	}
	per := map[string]int{}
	for _, b := range buildings {
		per[b.Executor]++
	}
	codes := make([]string, 0, len(per))
	for c := range per {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	fmt.Fprintf(io.Out, "\n%d rules; %d houses in the building registry\n", len(rules), len(buildings))
	for _, c := range codes {
		fmt.Fprintf(io.Out, "  %s: %d\n", c, per[c])
	}
	return nil
}
