package cli

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	stdio "io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/demo/simulator"
	"github.com/otklik/otklik/internal/hooks"
	"github.com/otklik/otklik/internal/ingest"
	"github.com/otklik/otklik/internal/workflow"
)

// benchIngestResult is what 'otklik bench ingest --json' prints.
type benchIngestResult struct {
	Messages          int     `json:"messages"`
	Dialect           string  `json:"dialect"`
	PipelineSeconds   float64 `json:"pipeline_seconds"`
	BareSeconds       float64 `json:"bare_insert_seconds"`
	PipelinePerSecond float64 `json:"pipeline_per_second"`
	BarePerSecond     float64 `json:"bare_insert_per_second"`
	Ratio             float64 `json:"ratio"`
	// BareRows is how many rows the pipeline stored and the baseline copied (incidents, messages, events, terms).
	BareRows int `json:"bare_rows"`
	// The message rows alone, inserted bare: a stricter reference that leaves out everything an incident adds.
	MessagesOnlySeconds   float64 `json:"bare_messages_only_seconds"`
	MessagesOnlyPerSecond float64 `json:"bare_messages_only_per_second"`
	MessagesOnlyRatio     float64 `json:"ratio_messages_only"`
	Incidents             int     `json:"incidents"`
	// What the pipeline's writer did: batches written, their mean size, and the share of the run it was storing.
	Batches       int64   `json:"batches"`
	MeanBatch     float64 `json:"mean_batch"`
	WriterBusy    float64 `json:"writer_busy"`
	ReadingCPUSec float64 `json:"reading_seconds"`
	// With --hooks: VK callbacks and Telegram updates written by the demo simulator, posted over loopback HTTP
	// into the real hooks of a server running the same pipeline on a third fresh database.
	HookRequests      int64   `json:"hook_requests,omitempty"`
	HookSeconds       float64 `json:"hook_seconds,omitempty"`
	HookPerSecond     float64 `json:"hook_requests_per_second,omitempty"`
	HookMessagesSaved int     `json:"hook_messages_stored,omitempty"`
	GOMAXPROCS        int     `json:"gomaxprocs"`
}

// freshDB makes a new empty database for a benchmark: a file in dir for SQLite, a new schema for PostgreSQL.
// The returned cleanup removes it.
func freshDB(ctx context.Context, base, dir, name string) (string, func(), error) {
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		path := filepath.Join(dir, name+".db")
		return path, func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}, nil
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	schema := "bench_" + name + "_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	}, nil
}

func runBenchIngest(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "bench ingest", "bench ingest --messages N [--db URL] [--json]",
		`Ingest N realistic messages through the whole pipeline (normalise, deduplicate, detect appeal, locate,
merge, route, persist in batches, from concurrent senders) into a fresh database and, in the same run, bare
batched inserts of the same rows (every incident, message, event and search term the pipeline stored, copied
with multi-row INSERTs) into another fresh database, and print both rates and their ratio; the bare insert of
the message rows alone is printed too.
Without --db both are SQLite files in a temporary directory; with a postgres:// URL both are new schemas in that
database, dropped afterwards.

Example:
  otklik bench ingest --messages 100000 --json`)
	n := fs.Int("messages", 100000, "how many messages")
	db := fs.String("db", "", "database: empty for SQLite in a temporary directory, or a postgres:// URL")
	asJSON := fs.Bool("json", false, "print one JSON object")
	senders := fs.Int("senders", 32, "concurrent senders (hooks answering as many HTTP requests at once)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the pipeline run to this file")
	traceFile := fs.String("trace", "", "write an execution trace of the pipeline run to this file (go tool trace)")
	hookN := fs.Int("hooks", 0, "also post this many VK and Telegram requests through the HTTP hooks on loopback (0: skip)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *n < 1 {
		return fmt.Errorf("--messages: at least 1")
	}
	dir, err := os.MkdirTemp("", "otklik-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	msgs := ingest.Generate(*n, 1, time.Now())

	// The pipeline.
	pipeDSN, dropPipe, err := freshDB(ctx, *db, dir, "pipeline")
	if err != nil {
		return err
	}
	defer dropPipe()
	st, err := openStore(ctx, pipeDSN)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := seed.Seed(ctx, st, seed.Options{ReferenceOnly: true}); err != nil {
		return err
	}
	an, err := ingest.DefaultAnalyzer(nil)
	if err != nil {
		return err
	}
	svc := workflow.New(st)
	pipe := ingest.New(svc, an, ingest.Config{}, nil)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	var bar *progressbar.ProgressBar
	if !*asJSON {
		bar = progressbar.NewOptions(*n, progressbar.OptionSetWriter(io.Err), progressbar.OptionSetDescription("pipeline"),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(io.Err) }))
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
	}
	start := time.Now()
	err = ingest.SubmitAll(ctx, pipe, msgs, *senders, 100, func(k int) {
		if bar != nil {
			_ = bar.Add(k)
		}
	})
	pipeDur := time.Since(start)
	if *traceFile != "" {
		trace.Stop()
	}
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	stop()
	<-done
	if err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	incidents, _ := st.CountRows(ctx, "incidents")

	// The baselines, after the pipeline so the two never share the machine: the same rows the pipeline stored,
	// copied with bare batched inserts into a fresh database with the same schema and reference data, and the
	// message rows alone into another.
	bareDSN, dropBare, err := freshDB(ctx, *db, dir, "bare")
	if err != nil {
		return err
	}
	defer dropBare()
	bst, err := openStore(ctx, bareDSN)
	if err != nil {
		return err
	}
	defer bst.Close()
	if _, err := seed.Seed(ctx, bst, seed.Options{ReferenceOnly: true}); err != nil {
		return err
	}
	bareRows, bareDur, err := ingest.BareCopy(ctx, st, bst)
	if err != nil {
		return err
	}
	msgDSN, dropMsg, err := freshDB(ctx, *db, dir, "bare_messages")
	if err != nil {
		return err
	}
	defer dropMsg()
	mst, err := openStore(ctx, msgDSN)
	if err != nil {
		return err
	}
	defer mst.Close()
	start = time.Now()
	if err := ingest.BareInsert(ctx, mst, msgs, 500); err != nil {
		return err
	}
	msgDur := time.Since(start)
	res := benchIngestResult{Messages: *n, Dialect: st.Dialect(), PipelineSeconds: pipeDur.Seconds(), BareSeconds: bareDur.Seconds(),
		PipelinePerSecond: float64(*n) / pipeDur.Seconds(), BarePerSecond: float64(*n) / bareDur.Seconds(), BareRows: bareRows,
		MessagesOnlySeconds: msgDur.Seconds(), MessagesOnlyPerSecond: float64(*n) / msgDur.Seconds(), Incidents: incidents,
		GOMAXPROCS: runtime.GOMAXPROCS(0)}
	res.Ratio = res.PipelinePerSecond / res.BarePerSecond
	ps := pipe.Stats()
	res.Batches, res.WriterBusy, res.ReadingCPUSec = ps.Batches, ps.Writing.Seconds()/pipeDur.Seconds(), ps.Reading.Seconds()
	if ps.Batches > 0 {
		res.MeanBatch = float64(ps.Messages) / float64(ps.Batches)
	}
	res.MessagesOnlyRatio = res.PipelinePerSecond / res.MessagesOnlyPerSecond
	if *hookN > 0 {
		prof := ""
		if *cpuProfile != "" {
			prof = *cpuProfile + ".hooks"
		}
		if err := benchHooks(ctx, *db, dir, *hookN, *senders, prof, &res); err != nil {
			return fmt.Errorf("hooks: %w", err)
		}
	}
	if *asJSON {
		return json.NewEncoder(io.Out).Encode(res)
	}
	fmt.Fprintf(io.Out, "%d messages on %s (GOMAXPROCS %d)\n", res.Messages, res.Dialect, res.GOMAXPROCS)
	fmt.Fprintf(io.Out, "  pipeline:     %8.0f messages/s (%.1f s, %d incidents; %d batches of %.0f on average, the writer busy %.0f%% of the time)\n",
		res.PipelinePerSecond, res.PipelineSeconds, res.Incidents, res.Batches, res.MeanBatch, 100*res.WriterBusy)
	fmt.Fprintf(io.Out, "  bare insert of the same %d rows: %8.0f messages/s (%.1f s)\n", res.BareRows, res.BarePerSecond, res.BareSeconds)
	fmt.Fprintf(io.Out, "  ratio:        %.3f\n", res.Ratio)
	fmt.Fprintf(io.Out, "  bare insert of the message rows alone: %8.0f messages/s (%.1f s), ratio %.3f\n", res.MessagesOnlyPerSecond, res.MessagesOnlySeconds, res.MessagesOnlyRatio)
	if res.HookRequests > 0 {
		fmt.Fprintf(io.Out, "  HTTP hooks on loopback: %8.0f requests/s (%d VK and Telegram requests acknowledged in %.1f s, %d messages stored)\n",
			res.HookPerSecond, res.HookRequests, res.HookSeconds, res.HookMessagesSaved)
	}
	return nil
}

// benchHooks serves the real hooks over loopback HTTP in front of the real pipeline and has the demo simulator post
// n VK callbacks and Telegram updates (new messages, comments, edits, re-deliveries) from concurrent workers as
// fast as the server acknowledges them.
func benchHooks(ctx context.Context, base, dir string, n, workers int, profile string, res *benchIngestResult) error {
	dsn, drop, err := freshDB(ctx, base, dir, "hooks")
	if err != nil {
		return err
	}
	defer drop()
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := seed.Seed(ctx, st, seed.Options{ReferenceOnly: true}); err != nil {
		return err
	}
	vk, tg, err := simulator.EnsureSources(ctx, st)
	if err != nil {
		return err
	}
	an, err := ingest.DefaultAnalyzer(nil)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdio.Discard, nil))
	pipe := ingest.New(workflow.New(st), an, ingest.Config{}, log)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	mux := http.NewServeMux()
	hooks.New(st, pipe, log).Register(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	sim := &simulator.Simulator{BaseURL: "http://" + ln.Addr().String(), VK: vk, Telegram: tg, Rate: 1e9, Seed: 7, Max: n,
		Workers: workers, Logger: log, HTTP: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start := time.Now()
	if err := sim.Run(ctx); err != nil {
		return err
	}
	took := time.Since(start)
	if profile != "" {
		pprof.StopCPUProfile()
	}
	stop()
	<-done
	stats := sim.Stats()
	if stats.Acked != int64(n) {
		return fmt.Errorf("%d of %d requests acknowledged (%d refused)", stats.Acked, n, stats.Refused)
	}
	stored, err := st.CountRows(ctx, "messages")
	if err != nil {
		return err
	}
	res.HookRequests, res.HookSeconds, res.HookPerSecond, res.HookMessagesSaved = stats.Acked, took.Seconds(), float64(stats.Acked)/took.Seconds(), stored
	return nil
}
