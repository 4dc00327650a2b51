package model

import (
	"errors"
	"testing"
)

func TestIncidentTransition(t *testing.T) {
	op := Actor{UserID: 1, Role: RoleOperator}
	mod := Actor{UserID: 2, Role: RoleModerator}
	exA := Actor{UserID: 3, Role: RoleExecutor, ExecutorID: 10}
	exB := Actor{UserID: 4, Role: RoleExecutor, ExecutorID: 20}
	sup := Actor{UserID: 5, Role: RoleSupervisor}
	sys := SystemActor()
	inc := func(s Status) Incident { return Incident{ID: 1, Status: s, ExecutorID: 10} }
	tests := []struct {
		name  string
		actor Actor
		from  Status
		act   Action
		to    Status
		err   error
	}{
		{"operator assigns a new incident", op, StatusNew, ActAssign, StatusAssigned, nil},
		{"operator reassigns", op, StatusAssigned, ActAssign, StatusAssigned, nil},
		{"operator cannot assign in work", op, StatusInWork, ActAssign, "", ErrConflict},
		{"operator rejects", op, StatusNew, ActReject, StatusRejected, nil},
		{"cannot reject assigned", op, StatusAssigned, ActReject, "", ErrConflict},
		{"operator restores", op, StatusRejected, ActRestore, StatusNew, nil},
		{"executor accepts", exA, StatusAssigned, ActAccept, StatusInWork, nil},
		{"other executor cannot accept", exB, StatusAssigned, ActAccept, "", ErrForbidden},
		{"operator cannot accept", op, StatusAssigned, ActAccept, "", ErrForbidden},
		{"cannot accept twice", exA, StatusInWork, ActAccept, "", ErrConflict},
		{"executor declines assigned", exA, StatusAssigned, ActDecline, StatusNew, nil},
		{"executor declines in work", exA, StatusInWork, ActDecline, StatusNew, nil},
		{"cannot decline resolved", exA, StatusResolved, ActDecline, "", ErrConflict},
		{"operator merges", op, StatusInWork, ActMerge, StatusMerged, nil},
		{"cannot merge resolved", op, StatusResolved, ActMerge, "", ErrConflict},
		{"executor cannot merge", exA, StatusNew, ActMerge, "", ErrForbidden},
		{"operator reopens", op, StatusResolved, ActReopen, StatusInWork, nil},
		{"system reopens for the resident", sys, StatusResolved, ActReopen, StatusInWork, nil},
		{"cannot reopen in work", op, StatusInWork, ActReopen, "", ErrConflict},
		{"set category keeps status", op, StatusInWork, ActSetCategory, StatusInWork, nil},
		{"set priority on closed", op, StatusRejected, ActSetPriority, "", ErrConflict},
		{"moderator cannot assign", mod, StatusNew, ActAssign, "", ErrForbidden},
		{"supervisor only reads", sup, StatusNew, ActAssign, "", ErrForbidden},
		{"interim publication", mod, StatusInWork, ActPublishInterm, StatusInterim, nil},
		{"second interim keeps interim", sys, StatusInterim, ActPublishInterm, StatusInterim, nil},
		{"final publication from interim", sys, StatusInterim, ActPublishFinal, StatusResolved, nil},
		{"final publication from in work", mod, StatusInWork, ActPublishFinal, StatusResolved, nil},
		{"no publication before acceptance", mod, StatusAssigned, ActPublishFinal, "", ErrConflict},
		{"executor cannot publish", exA, StatusInWork, ActPublishFinal, "", ErrForbidden},
		{"unknown action", op, StatusNew, Action("fly"), "", ErrInvalid},
	}
	for _, tt := range tests {
		to, err := IncidentTransition(tt.actor, inc(tt.from), tt.act)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || to != tt.to {
			t.Errorf("%s: %s → %q, %v; want %q", tt.name, tt.from, to, err, tt.to)
		}
	}
}

func TestAnswerTransition(t *testing.T) {
	mod := Actor{UserID: 2, Role: RoleModerator}
	exA := Actor{UserID: 3, Role: RoleExecutor, ExecutorID: 10}
	exB := Actor{UserID: 4, Role: RoleExecutor, ExecutorID: 20}
	op := Actor{UserID: 1, Role: RoleOperator}
	inWork := Incident{Status: StatusInWork, ExecutorID: 10}
	ans := func(s AnswerState) Answer { return Answer{State: s, ExecutorID: 10} }
	tests := []struct {
		name  string
		actor Actor
		inc   Incident
		from  AnswerState
		act   AnswerAction
		to    AnswerState
		err   error
	}{
		{"executor drafts", exA, inWork, "", AnsCreate, AnswerDraft, nil},
		{"no answer before acceptance", exA, Incident{Status: StatusAssigned, ExecutorID: 10}, "", AnsCreate, "", ErrConflict},
		{"other executor cannot draft", exB, inWork, "", AnsCreate, "", ErrForbidden},
		{"executor edits draft", exA, inWork, AnswerDraft, AnsEdit, AnswerDraft, nil},
		{"executor edits returned", exA, inWork, AnswerReturned, AnsEdit, AnswerDraft, nil},
		{"cannot edit on review", exA, inWork, AnswerOnReview, AnsEdit, "", ErrConflict},
		{"executor submits", exA, inWork, AnswerDraft, AnsSubmit, AnswerOnReview, nil},
		{"moderator approves", mod, inWork, AnswerOnReview, AnsApprove, AnswerApproved, nil},
		{"moderator returns", mod, inWork, AnswerOnReview, AnsReturn, AnswerReturned, nil},
		{"operator cannot approve", op, inWork, AnswerOnReview, AnsApprove, "", ErrForbidden},
		{"executor cannot approve", exA, inWork, AnswerOnReview, AnsApprove, "", ErrForbidden},
		{"cannot approve a draft", mod, inWork, AnswerDraft, AnsApprove, "", ErrConflict},
		{"moderator publishes", mod, inWork, AnswerApproved, AnsPublish, AnswerPublished, nil},
		{"retry after failure", SystemActor(), inWork, AnswerPublishFailed, AnsPublish, AnswerPublished, nil},
		{"cannot publish unapproved", mod, inWork, AnswerOnReview, AnsPublish, "", ErrConflict},
		{"only the outbox fails", mod, inWork, AnswerApproved, AnsPublishErr, "", ErrForbidden},
		{"outbox records failure", SystemActor(), inWork, AnswerApproved, AnsPublishErr, AnswerPublishFailed, nil},
	}
	for _, tt := range tests {
		to, err := AnswerTransition(tt.actor, tt.inc, ans(tt.from), tt.act)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || to != tt.to {
			t.Errorf("%s: %s → %q, %v; want %q", tt.name, tt.from, to, err, tt.to)
		}
	}
}

func TestValidateArgs(t *testing.T) {
	inc := Incident{ID: 7, Status: StatusAssigned, ExecutorID: 3, ExcludedExecutor: []int64{5}}
	tests := []struct {
		act   Action
		args  ActionArgs
		field string
	}{
		{ActAssign, ActionArgs{}, "executor_id"},
		{ActAssign, ActionArgs{ExecutorID: 5}, "executor_id"},
		{ActAssign, ActionArgs{ExecutorID: 3}, "executor_id"},
		{ActAssign, ActionArgs{ExecutorID: 4}, ""},
		{ActReject, ActionArgs{Reason: "  \n"}, "reason"},
		{ActDecline, ActionArgs{Reason: "не наша компетенция"}, ""},
		{ActMerge, ActionArgs{TargetID: 7}, "target_id"},
		{ActMerge, ActionArgs{}, "target_id"},
		{ActSetCategory, ActionArgs{}, "category_id"},
		{ActSetPriority, ActionArgs{Priority: "asap"}, "priority"},
		{ActSetPriority, ActionArgs{Priority: PriorityUrgent}, ""},
	}
	for _, tt := range tests {
		err := ValidateArgs(inc, tt.act, tt.args)
		var fe *FieldError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s %+v: unexpected %v", tt.act, tt.args, err)
		case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, ErrInvalid)):
			t.Errorf("%s %+v: err = %v, want field %s", tt.act, tt.args, err, tt.field)
		}
	}
}

func TestCanView(t *testing.T) {
	inc := Incident{TerritoryID: 1, ExecutorID: 10}
	tests := []struct {
		a    Actor
		want bool
	}{
		{Actor{Role: RoleOperator}, true},
		{Actor{Role: RoleSupervisor}, true},
		{Actor{Role: RoleSupervisor, TerritoryID: 1}, true},
		{Actor{Role: RoleSupervisor, TerritoryID: 2}, false},
		{Actor{Role: RoleExecutor, ExecutorID: 10}, true},
		{Actor{Role: RoleExecutor, ExecutorID: 11}, false},
		{Actor{Role: RoleExecutor}, false},
		{Actor{Role: "guest"}, false},
	}
	for _, tt := range tests {
		if got := CanView(tt.a, inc); got != tt.want {
			t.Errorf("CanView(%+v) = %v", tt.a, got)
		}
	}
}
