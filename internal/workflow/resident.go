package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
)

// WithResidentMail makes the service e-mail the authors of internet-reception appeals who gave an address: every
// published answer, and the extension of the legal term. The law on citizens' appeals (59-ФЗ art. 10) sends the
// answer to an electronic appeal to the e-mail address it names, and its author must be told of an extension
// (art. 12). serve turns it on when an SMTP server is configured; the mail goes out through the outbox's notify
// jobs, at most once each.
func WithResidentMail() Option { return func(s *Service) { s.residentMail = true } }

// receptionContact is what the reception keeps of its resident in the message's raw data.
type receptionContact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// mailResidents enqueues one e-mail to each distinct address among the incident's reception appeals, in the
// caller's transaction. key names the occasion ("answer:12"); body makes the text for a resident's name.
func (s *Service) mailResidents(ctx context.Context, tx *store.Tx, inc model.Incident, key, subject string, body func(name string) string, now time.Time) error {
	if !s.residentMail {
		return nil
	}
	msgs, err := s.st.Messages(ctx, inc.ID)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		if m.Source != model.ReceptionSource {
			continue
		}
		var c receptionContact
		if json.Unmarshal(m.Raw, &c) != nil {
			continue
		}
		addr := strings.ToLower(strings.TrimSpace(c.Email))
		if addr == "" || seen[addr] {
			continue
		}
		seen[addr] = true
		p, err := json.Marshal(outbox.NotifyPayload{Channel: store.ChannelEmail, Address: strings.TrimSpace(c.Email), Name: c.Name,
			Subject: subject, Text: body(c.Name), IncidentID: inc.ID})
		if err != nil {
			return fmt.Errorf("workflow: resident mail: %w", err)
		}
		job := store.Job{Kind: outbox.KindNotify, Key: "resident:" + key + ":" + addr, Payload: p, CreatedAt: now}
		if _, _, err := tx.EnqueueJob(ctx, job); err != nil {
			return err
		}
	}
	return nil
}

// greeting opens a letter to a resident.
func greeting(name string) string {
	if name = strings.TrimSpace(name); name != "" {
		return "Здравствуйте, " + name + "!\n\n"
	}
	return "Здравствуйте!\n\n"
}

// mailAnswer tells the incident's reception residents the answer just published.
func (s *Service) mailAnswer(ctx context.Context, tx *store.Tx, refs *store.Refs, inc model.Incident, ans model.Answer, now time.Time) error {
	if !s.residentMail {
		return nil
	}
	cal, err := s.Calendar(ctx, inc.RegionID)
	if err != nil {
		return err
	}
	kind := "окончательный ответ"
	if ans.Kind == model.AnswerInterim {
		kind = "промежуточный ответ"
	}
	who := ""
	if ex, ok := refs.ExecutorByID(ans.ExecutorID); ok {
		who = "\n\nОтвечает: " + ex.Name + "."
	}
	due := ""
	if ans.DueDate != nil {
		due = "\nСрок решения: " + ans.DueDate.In(cal.Location).Format("02.01.2006") + "."
	}
	subject := "Ответ на обращение № " + inc.Number
	return s.mailResidents(ctx, tx, inc, "answer:"+strconv.FormatInt(ans.ID, 10), subject, func(name string) string {
		return greeting(name) + "На ваше обращение № " + inc.Number + " от " + inc.CreatedAt.In(cal.Location).Format("02.01.2006") +
			" дан " + kind + ":\n\n" + strings.TrimSpace(ans.Text) + due + who +
			"\n\nХод рассмотрения и все ответы — на странице по ссылке, которую вы получили, отправив обращение."
	}, now)
}

// mailExtension tells the incident's reception residents that its legal term was extended, and why.
func (s *Service) mailExtension(ctx context.Context, tx *store.Tx, inc model.Incident, reason string, now time.Time) error {
	if !s.residentMail || inc.LegalDue == nil {
		return nil
	}
	cal, err := s.Calendar(ctx, inc.RegionID)
	if err != nil {
		return err
	}
	last := inc.LegalDue.Add(-time.Nanosecond).In(cal.Location).Format("02.01.2006")
	subject := "Срок рассмотрения обращения № " + inc.Number + " продлён"
	return s.mailResidents(ctx, tx, inc, "extend:"+strconv.FormatInt(inc.ID, 10), subject, func(name string) string {
		return greeting(name) + "Срок рассмотрения вашего обращения № " + inc.Number + " продлён до " + last + " включительно.\n\nПричина: " +
			strings.TrimSpace(reason) + "\n\nХод рассмотрения и ответы — на странице по ссылке, которую вы получили, отправив обращение."
	}, now)
}

// mailRejection tells the incident's reception residents that their appeal was not taken up, and why (59-ФЗ
// art. 11: the author is told why an appeal is left without an answer, or where it was sent when it is outside
// the region's competence).
func (s *Service) mailRejection(ctx context.Context, tx *store.Tx, inc model.Incident, reason string, now time.Time) error {
	if !s.residentMail {
		return nil
	}
	subject := "Обращение № " + inc.Number + " не принято к рассмотрению"
	return s.mailResidents(ctx, tx, inc, "reject:"+strconv.FormatInt(inc.ID, 10)+":"+strconv.FormatInt(now.UnixMilli(), 10), subject, func(name string) string {
		return greeting(name) + "Ваше обращение № " + inc.Number + " не принято к рассмотрению.\n\nПричина: " + strings.TrimSpace(reason) +
			"\n\nЕсли вы не согласны, напишите нам снова, указав номер обращения."
	}, now)
}
