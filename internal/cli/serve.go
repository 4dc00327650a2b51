package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/api"
	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/demo/simulator"
	"github.com/otklik/otklik/internal/hooks"
	"github.com/otklik/otklik/internal/ingest"
	nlpmodel "github.com/otklik/otklik/internal/nlp/model"
	"github.com/otklik/otklik/internal/open311"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/web"
	"github.com/otklik/otklik/internal/workflow"
)

func newLogger(io IO, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not one of debug, info, warn, error", level)
	}
	return slog.New(slog.NewTextHandler(io.Err, &slog.HandlerOptions{Level: l})), nil
}

func runServe(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "serve", "serve [--db URL] [--addr HOST:PORT] [--demo]",
		`Run Otklik: migrate the database, start the HTTP server (REST API under /api/v1, /healthz) and the deadline
ticker that records warnings (75 % of a deadline) and breaches. Stops gracefully on SIGINT or SIGTERM.

With --demo, an empty database is first filled with a demo region (Irkutsk oblast: its municipalities,
categories, executors, one user per role and a few hundred incidents in every state); the URL, the demo logins
and an admin API token are printed. A database that already holds data is used as it is.

Example:
  otklik serve --demo
  OTKLIK_DB=postgres://postgres@127.0.0.1:5432/otklik?sslmode=disable otklik serve --addr :9090`)
	db := dbFlag(fs, io)
	addr := fs.String("addr", envOr(io, "OTKLIK_ADDR", "localhost:8080"), "listen address (env OTKLIK_ADDR)")
	withDemo := fs.Bool("demo", envOr(io, "OTKLIK_DEMO", "") == "1" || envOr(io, "OTKLIK_DEMO", "") == "true", "seed a demo region into an empty database (env OTKLIK_DEMO=1)")
	simulate := fs.Float64("simulate", 0, "with --demo: stream realistic VK and Telegram messages into the demo sources' hooks at this many per second (env OTKLIK_SIMULATE)")
	tick := fs.Duration("tick", 30*time.Second, "how often the deadline ticker looks for warnings and breaches")
	logLevel := fs.String("log-level", envOr(io, "OTKLIK_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env OTKLIK_LOG_LEVEL)")
	var out outboxFlags
	out.register(fs, io)
	topicModel := fs.String("topic-model", envOr(io, "OTKLIK_TOPIC_MODEL", "otklik-topics.otm"), "where the region's own topic model is kept once retrained from operators' decisions; the shipped model until then (env OTKLIK_TOPIC_MODEL)")
	historyEvery := fs.Duration("routing-history-every", time.Hour, "how often to learn again from answered incidents which executor answers which category in which territory, the router's suggestion (0: no suggestions)")
	retrainEvery := fs.Duration("retrain-every", 6*time.Hour, "how often to look for enough new operator decisions to retrain the topic model (0: never)")
	uploadDir := fs.String("upload-dir", envOr(io, "OTKLIK_UPLOAD_DIR", "otklik-uploads"), "where residents' and executors' photos are kept (env OTKLIK_UPLOAD_DIR)")
	secure := fs.Bool("secure-cookies", envOr(io, "OTKLIK_SECURE_COOKIES", "") == "1", "mark cookies Secure: set when the interface is reached over HTTPS (env OTKLIK_SECURE_COOKIES=1)")
	secretKey := fs.String("secret-key", envOr(io, "OTKLIK_SECRET_KEY", ""), "key signing anonymous form tokens; share it between instances (env OTKLIK_SECRET_KEY; random when empty)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := out.validate(); err != nil {
		return err
	}
	if *tick < time.Second {
		return fmt.Errorf("--tick: at least 1s")
	}
	if v := envOr(io, "OTKLIK_SIMULATE", ""); v != "" && *simulate == 0 {
		if _, err := fmt.Sscanf(v, "%g", simulate); err != nil {
			return fmt.Errorf("OTKLIK_SIMULATE: %q is not a number", v)
		}
	}
	if *simulate < 0 || *simulate > 1000 {
		return fmt.Errorf("--simulate: between 0 and 1000 messages per second")
	}
	if *simulate > 0 && !*withDemo {
		return fmt.Errorf("--simulate: only with --demo (it writes into the demo sources)")
	}
	log, err := newLogger(io, *logLevel)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "dialect", st.Dialect())
	wopts := []workflow.Option{workflow.WithLogger(log)}
	if out.smtpAddr != "" {
		wopts = append(wopts, workflow.WithResidentMail())
	}
	svc := workflow.New(st, wopts...)

	var seeded *seed.Report
	if *withDemo {
		rep, err := seed.Seed(ctx, st, seed.Options{Now: time.Now()})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		seeded = &rep
	}
	if regions, err := st.Regions(ctx); err != nil {
		return err
	} else if len(regions) == 0 {
		log.Warn("no region is configured: nothing can be received until one is; load one with `otklik reference import FILE.json` (`otklik reference export` of a --demo database is a template), or run with --demo")
	}
	var simVK, simTG simulator.Source
	if *simulate > 0 {
		if simVK, simTG, err = simulator.EnsureSources(ctx, st); err != nil {
			return fmt.Errorf("simulator: %w", err)
		}
	}

	base, err := nlpmodel.Base()
	if err != nil {
		return err
	}
	topics := ingest.NewTopics(base)
	retrainer := &ingest.Retrainer{Topics: topics, Source: storeExamples{st}, Path: *topicModel, Every: *retrainEvery, Logger: log}
	if err := retrainer.LoadSaved(); err != nil {
		return err
	}
	analyzer, err := ingest.DefaultAnalyzer(topics)
	if err != nil {
		return err
	}
	pipe := ingest.New(svc, analyzer, ingest.Config{}, log)
	pipeCtx, stopPipe := context.WithCancel(context.WithoutCancel(ctx))
	pipeDone := make(chan struct{})
	go func() { defer close(pipeDone); pipe.Run(pipeCtx) }()
	defer func() { stopPipe(); <-pipeDone }()

	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	if err := startPollers(pollCtx, st, pipe, log); err != nil {
		return err
	}

	mux := http.NewServeMux()
	hooks.New(st, pipe, log).Register(mux)
	apiH := api.New(svc, log)
	for _, p := range []string{"/api/", "/healthz", "/r/"} {
		mux.Handle(p, apiH)
	}
	mux.Handle(open311.Prefix, open311.New(svc, pipe, log))
	webUI := web.New(svc, pipe, web.Options{Logger: log, Secure: *secure, UploadDir: *uploadDir, SecretKey: []byte(*secretKey)})
	mux.Handle("/", webUI)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("--addr: %w", err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	url := "http://" + displayAddr(ln.Addr().String())
	fmt.Fprintf(io.Out, "Otklik is listening on %s\n", url)
	if seeded != nil {
		printDemo(io, url, *seeded)
	}

	tickCtx, stopTicker := context.WithCancel(ctx)
	tickerDone := make(chan struct{})
	go func() {
		defer close(tickerDone)
		svc.RunTicker(tickCtx, *tick)
	}()
	go keepStatistics(tickCtx, st, log)
	go foldDashboard(tickCtx, st, log, 5*time.Second)
	go webUI.RunJanitor(tickCtx, time.Hour)
	if *retrainEvery > 0 {
		go retrainer.Run(tickCtx)
	}
	if *historyEvery > 0 {
		go svc.RunRoutingHistory(tickCtx, *historyEvery)
	}
	outboxDone, err := startOutbox(tickCtx, st, svc, out, log)
	if err != nil {
		stopTicker()
		<-tickerDone
		return err
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if *simulate > 0 {
		sim := &simulator.Simulator{BaseURL: url, VK: simVK, Telegram: simTG, Rate: *simulate, Seed: uint64(time.Now().UnixNano()), Logger: log}
		fmt.Fprintf(io.Out, "Simulating %.3g messages per second into %s and %s.\n", *simulate, simVK.Code, simTG.Code)
		go func() {
			if err := sim.Run(tickCtx); err != nil && tickCtx.Err() == nil {
				log.Error("simulator stopped", "err", err)
			}
		}()
	}
	select {
	case err := <-serveErr:
		stopTicker()
		<-tickerDone
		<-outboxDone
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopTicker()
	<-tickerDone
	<-outboxDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if host == "" || host == "::" || host == "0.0.0.0" || host == "127.0.0.1" || host == "::1" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func printDemo(io IO, url string, rep seed.Report) {
	if !rep.Seeded {
		fmt.Fprintln(io.Out, "Demo: the database already holds data; nothing was seeded.")
	} else {
		fmt.Fprintf(io.Out, "Demo region seeded: %d territories, %d categories, %d executors, %d incidents.\n",
			rep.Territories, rep.Categories, rep.Executors, rep.Incidents)
		fmt.Fprintf(io.Out, "Demo logins (password %q):\n", seed.Password)
		for _, u := range rep.Users {
			fmt.Fprintf(io.Out, "  %-12s %s\n", u.Login, u.Role)
		}
	}
	if rep.AdminToken != "" {
		fmt.Fprintf(io.Out, "Admin API token: %s\n", rep.AdminToken)
		fmt.Fprintf(io.Out, "Try: curl -H \"Authorization: Bearer %s\" %s/api/v1/incidents\n", rep.AdminToken, strings.TrimSuffix(url, "/"))
	}
}

// startPollers runs a long-polling loop for every enabled Telegram source in polling mode; each keeps its offset
// in the database and hands updates to the pipeline, advancing the offset only after they are durable.
func startPollers(ctx context.Context, st *store.Store, sink *ingest.Pipeline, log *slog.Logger) error {
	srcs, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	for _, src := range srcs {
		if src.Kind != "telegram" || src.Config.Mode != "polling" || !src.Enabled {
			continue
		}
		p := &telegram.Poller{Client: &telegram.Client{BaseURL: src.Config.APIBase, Token: src.Config.Token,
			HTTP: &http.Client{Timeout: 60 * time.Second}}, Source: src.Code, Offsets: store.SourceOffsets{S: st},
			Sink: hooks.WithTerritory(sink, src.Territory), Logger: log}
		log.Info("telegram long polling", "source", src.Code)
		go func() {
			if err := p.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("telegram poller stopped", "source", src.Code, "err", err)
			}
		}()
	}
	return nil
}

// foldDashboard moves newly received incidents into the dashboard rollup at start and every interval, so pages
// read the rollup without folding first (and a bulk import is folded here, not by a page that would time out).
func foldDashboard(ctx context.Context, st *store.Store, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		start := time.Now()
		if n, err := st.FoldDashboard(ctx); err != nil && ctx.Err() == nil {
			log.Warn("dashboard rollup", "err", err)
		} else if n >= 10_000 {
			log.Info("dashboard rollup caught up", "incidents", n, "took", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// keepStatistics refreshes the query planner's statistics at start and every hour, so list filters keep using
// the right indexes as the data grows.
func keepStatistics(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := st.Optimize(ctx); err != nil && ctx.Err() == nil {
			log.Warn("planner statistics", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
