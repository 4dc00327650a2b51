package cli

import (
	"context"
	"strings"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/nlpcli"
	"github.com/otklik/otklik/internal/store"
)

// dbExamples reads training examples from the database named by a DSN when asked, so that 'otklik train
// --from-db' learns the categories the region's operators set or confirmed.
type dbExamples struct{ dsn string }

func (d dbExamples) Examples(ctx context.Context) ([]nlp.Example, error) {
	st, err := openStore(ctx, d.dsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return storeExamples{st}.Examples(ctx)
}

// storeExamples reads training examples from an open store (the server's retraining job).
type storeExamples struct{ st *store.Store }

func (s storeExamples) Examples(ctx context.Context) ([]nlp.Example, error) {
	rows, err := s.st.ConfirmedCategories(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]nlp.Example, len(rows))
	for i, r := range rows {
		out[i] = nlp.Example{Text: r.Text, Label: r.Category}
	}
	return out, nil
}

// takeDBFlag removes --db VALUE / --db=VALUE from args (the train command's own flags do not know it) and
// returns the value, or the default.
func takeDBFlag(args []string, def string) ([]string, string) {
	out := make([]string, 0, len(args))
	db := def
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "db" {
			if hasVal {
				db = val
			} else if i+1 < len(args) {
				db = args[i+1]
				i++
			}
			continue
		}
		out = append(out, a)
	}
	return out, db
}

func runTrain(ctx context.Context, args []string, io IO) error {
	args, db := takeDBFlag(args, envOr(io, "OTKLIK_DB", "otklik.db"))
	return nlpcli.NewTrainCommand(dbExamples{dsn: db})(ctx, args, io.In, io.Out, io.Err)
}
