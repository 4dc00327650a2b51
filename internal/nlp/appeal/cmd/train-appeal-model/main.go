// Command train-appeal-model trains the appeal detector's model from the St
// Petersburg portal appeals and the hand-written corpus, prints its scores
// on the held-out corpus lines, and writes the model file that package
// appeal embeds. Run it through scripts/train-appeal-model.sh.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/appeal"
)

func main() {
	if err := run(); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "train-appeal-model:", err)
		if errors.Is(err, appeal.ErrNoSPbData) {
			os.Exit(3)
		}
		os.Exit(1)
	}
}

func run() error {
	fs := flag.NewFlagSet("train-appeal-model", flag.ContinueOnError)
	spb := fs.String("spb", "../shared/data/spb-gorod-appeals/messages.csv", "St Petersburg portal `messages.csv` (all texts are appeals)")
	corpus := fs.String("corpus", "internal/nlp/appeal/corpus", "`directory` with the hand-written corpus files")
	out := fs.String("out", "internal/nlp/appeal/appeal.model", "model `file` to write (empty: do not write)")
	sample := fs.Int("sample", 4000, "portal texts to train on")
	repeat := fs.Int("extra-repeat", 20, "repetitions of each social-network appeal from the corpus")
	epochs := fs.Int("epochs", 8, "training epochs")
	lr := fs.Float64("lr", 0.4, "AdaGrad learning rate")
	bits := fs.Int("bits", int(appeal.DefaultFeatures.Bits), "hashed feature bits")
	minn := fs.Int("minn", int(appeal.DefaultFeatures.MinN), "shortest character n-gram")
	maxn := fs.Int("maxn", int(appeal.DefaultFeatures.MaxN), "longest character n-gram (0: none)")
	validate := fs.Bool("validate", false, "hold out corpus lines ≡ 1 mod 5 and score them (for tuning)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	feats := appeal.DefaultFeatures
	feats.Bits = uint8(*bits)
	feats.MinN, feats.MaxN = uint8(*minn), uint8(*maxn)
	start := time.Now()
	m, rep, err := appeal.Train(ctx, appeal.TrainConfig{
		SPbCSV:      *spb,
		CorpusDir:   *corpus,
		SPbSample:   *sample,
		ExtraRepeat: *repeat,
		Validate:    *validate,
		Options: nlp.TrainOptions{
			Features:     feats,
			Epochs:       *epochs,
			LearningRate: *lr,
			Threads:      1,
		},
	})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Printf("trained in %.1fs on %v, temperature %.3f\n", elapsed.Seconds(), rep.Train, m.Temperature())
		if rep.Validation != nil {
			// While tuning, the test part stays unseen.
			printScores("validation (line % 5 == 1)", *rep.Validation)
		} else {
			printScores("held-out corpus (line % 5 == 0)", rep.Test)
		}
		fmt.Printf("portal appeals recall (benchmark test part): %.4f on %d\n", rep.SPbRecall, rep.SPbEvalN)
	}
	if *out == "" {
		return nil
	}
	if err := m.Save(*out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%d bytes)\n", *out, st.Size())
	return nil
}

func printScores(title string, s nlp.Scores) {
	fmt.Printf("%s: n=%d accuracy=%.4f macro-F1=%.4f\n", title, s.N, s.Accuracy, s.MacroF1)
	for _, c := range s.Classes {
		fmt.Printf("  %-10s P=%.3f R=%.3f F1=%.3f support=%d\n", c.Label, c.Precision, c.Recall, c.F1, c.Support)
	}
	for _, c := range s.Confusions {
		fmt.Printf("  %s -> %s: %d\n", c.True, c.Pred, c.Count)
	}
}
