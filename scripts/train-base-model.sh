#!/bin/sh
# Reproduces internal/nlp/model/base.otm, Otklik's shipped topic model, from
# the St Petersburg appeals (../shared/data/spb-gorod-appeals/messages.csv),
# the mapping internal/nlp/model/spb_mapping.csv and the seed phrases
# internal/nlp/model/seeds.txt. Training is single-threaded and seeded, so
# the output is byte-for-byte the same for the same inputs.
set -eu
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/spb-gorod-appeals/messages.csv}"
if [ ! -f "$DATA" ]; then
	echo "train-base-model: $DATA not found (see docs/nlp.md for the data source)" >&2
	exit 1
fi
go run ./internal/nlp/model/gen --data "$DATA" --out internal/nlp/model/base.otm
sha256sum internal/nlp/model/base.otm
du -h internal/nlp/model/base.otm
