// Package model ships Otklik's base topic model: a classifier over Otklik's
// own subtopic codes (topic.subtopic), trained on the St Petersburg
// «Наш Санкт-Петербург» appeals mapped by spb_mapping.csv plus the seed
// phrases in seeds.txt for subtopics that data does not cover.
// scripts/train-base-model.sh reproduces base.otm exactly.
package model

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/model/codes"
)

//go:embed base.otm
var baseModel []byte

// Subtopics are the subtopic codes the base model predicts, in Otklik's
// category tree order (see package codes).
var Subtopics = codes.Subtopics

// Topic returns the topic code of a subtopic code ("zhkh.heating" → "zhkh").
func Topic(subtopic string) string {
	topic, _, _ := strings.Cut(subtopic, ".")
	return topic
}

// Base decodes the embedded base model. Each call returns a new *nlp.Model
// (safe for concurrent use); callers should keep the one they get.
func Base() (*nlp.Model, error) {
	m, err := nlp.Load(bytes.NewReader(baseModel))
	if err != nil {
		return nil, fmt.Errorf("model: base: %w", err)
	}
	return m, nil
}
