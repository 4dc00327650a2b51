#!/bin/sh
# Reproduces internal/nlp/appeal/appeal.model, the appeal detector's embedded
# model, from the St Petersburg portal appeals (positives) and the
# hand-written corpus in internal/nlp/appeal/corpus/. Prints the scores on the
# held-out corpus lines (1-based line number divisible by 5).
#
# Usage: scripts/train-appeal-model.sh [path/to/messages.csv] [extra flags]
set -eu
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/spb-gorod-appeals/messages.csv}
[ $# -gt 0 ] && shift
if [ ! -f "$DATA" ]; then
	echo "train-appeal-model: the St Petersburg appeals data is absent ($DATA);" >&2
	echo "  the model cannot be retrained here, the committed appeal.model stays as it is." >&2
	exit 3
fi
exec go run ./internal/nlp/appeal/cmd/train-appeal-model \
	-spb "$DATA" \
	-corpus internal/nlp/appeal/corpus \
	-out internal/nlp/appeal/appeal.model \
	"$@"
