package rating_test

import (
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/rating"
)

func ExampleRank() {
	hours := func(h float64) *time.Duration { d := time.Duration(h * float64(time.Hour)); return &d }
	grade := func(g float64) *float64 { return &g }
	in := []rating.Input{
		{Name: "УК «Северная»", Received: 40, Answered: 36, AnsweredOnTime: 30, AwaitingOverdue: 2, ConnectedAnswered: 36,
			MedianReaction: hours(6), MeanGrade: grade(70), Submitted: 38, FormalReturned: 2},
		{Name: "Администрация района", Received: 25, Answered: 20, AnsweredOnTime: 12, AwaitingOverdue: 5, ConnectedAnswered: 20,
			MedianReaction: hours(20), MeanGrade: grade(55), Submitted: 22, FormalReturned: 6},
		{Name: "Школа № 5", Received: 3, Answered: 3, AnsweredOnTime: 3, MedianReaction: hours(2)},
	}
	entries, err := rating.Rank(in, rating.DefaultConfig())
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Printf("%d %s %.1f", e.Rank, e.Name, *e.Score)
		if e.Note != "" {
			fmt.Print(" — ", e.Note)
		}
		fmt.Println()
	}
	// Output:
	// 1 УК «Северная» 82.7
	// 2 Администрация района 60.5
	// 0 Школа № 5 80.7 — не ранжируется: 3 обращения за период, нужно не меньше 10
}
