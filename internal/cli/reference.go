package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// MaxReferenceFile bounds a reference file.
const MaxReferenceFile = 64 << 20

func runReferenceExport(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "reference export", "reference export [--out FILE]",
		`Write the region, its territories, categories and executors as one JSON document (standard output without
--out). 'reference import' takes the document back; the demo's export is a starting point for a real region.

Example:
  otklik serve --demo --db demo.db   (once, then stop it)
  otklik reference export --db demo.db --out region.json`)
	db := dbFlag(fs, io)
	out := fs.String("out", "", "file to write (default standard output)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := workflow.New(st).ExportReference(ctx)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *out == "" {
		_, err = io.Out.Write(data)
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	fmt.Fprintf(io.Err, "wrote %s: %d territories, %d categories, %d executors\n", *out, len(d.Territories), len(d.Categories), len(d.Executors))
	return nil
}

func runReferenceImport(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "reference import", "reference import [--dry-run] FILE.json",
		`Load a region's reference data from one JSON document: {"region": {...}, "territories": [...],
"categories": [...], "executors": [...]} (the form 'reference export' writes; fields as in GET /api/v1/region,
/territories, /categories and /executors). Entries are merged by their key — the region's code, OKTMO, category
code, executor code —: those named are added or replaced whole, the others stay. The whole document is checked
first and nothing is written when any field is wrong; the error names it ("executors[3].territories[0]").
With --dry-run it is only checked.

Example:
  otklik reference import --db otklik.db region.json`)
	db := dbFlag(fs, io)
	dry := fs.Bool("dry-run", false, "check the document without writing it")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("reference import: the file to import is required")
	}
	path := fs.Arg(0)
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Size() > MaxReferenceFile {
		return fmt.Errorf("%s: larger than %d MiB", path, MaxReferenceFile>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var d workflow.Reference
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return fmt.Errorf("%s: %w", path, jsonError(data, err))
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := workflow.New(st)
	if *dry {
		refs, err := st.LoadRefs(ctx)
		if err != nil {
			return err
		}
		if err := d.Validate(refs); err != nil {
			return fmt.Errorf("%s: %w", path, describe(err))
		}
		fmt.Fprintf(io.Out, "%s is valid: %d territories, %d categories, %d executors\n", path, len(d.Territories), len(d.Categories), len(d.Executors))
		return nil
	}
	rep, err := svc.ImportReference(ctx, d)
	if err != nil {
		return fmt.Errorf("%s: %w", path, describe(err))
	}
	fmt.Fprintf(io.Out, "imported %s: region %v, %d territories, %d categories, %d executors\n", path, rep.Region, rep.Territories, rep.Categories, rep.Executors)
	return nil
}

// describe turns a field error into "field: reason".
func describe(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s: %s", fe.Field, fe.Reason)
	}
	return err
}

// jsonError adds the line of a JSON syntax or type error.
func jsonError(data []byte, err error) error {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		if te.Field != "" {
			return fmt.Errorf("line %d: %s: wrong JSON type %s", 1+strings.Count(string(data[:min(int(off), len(data))]), "\n"), te.Field, te.Value)
		}
	default:
		return err
	}
	return fmt.Errorf("line %d: %w", 1+strings.Count(string(data[:min(int(off), len(data))]), "\n"), err)
}
