package simulator

import (
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/demo"
)

// Kinds of payloads (Payload.Kind).
const (
	KindVKWallReplyNew  = "vk.wall_reply_new"
	KindVKWallReplyEdit = "vk.wall_reply_edit"
	KindVKMessageNew    = "vk.message_new"
	KindTGMessage       = "telegram.message"
	KindTGEditedMessage = "telegram.edited_message"
)

// TelegramSecretHeader carries a Telegram webhook's secret_token.
const TelegramSecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// SupergroupID is the chat id of the simulated regional Telegram group with forum topics.
const SupergroupID int64 = -1002093847561

// Payload is one HTTP request the simulator sends: a VK callback or a Telegram update, with what it carries.
type Payload struct {
	Kind       string            // one of the Kind… constants
	Source     string            // code of the source the request is addressed to
	Path       string            // request path, "/hooks/vk/<code>" or "/hooks/telegram/<code>"
	Header     map[string]string // extra request headers (the Telegram secret token)
	Body       []byte            // the JSON body exactly as VK or Telegram would send it
	ExternalID string            // the message's external id as the connector derives it
	AuthorID   string            // the author's id as the connector renders it
	Text       string            // the message text (a photo's caption)
	Group      string            // the demo.StreamText group of a burst about one problem; empty otherwise
	Edit       bool              // an edit of a message sent earlier (same ExternalID)
	Redelivery bool              // a repeat of an earlier request, byte for byte, as VK and Telegram retry

	seq int64
}

// historyCap bounds how many sent payloads the generator remembers as targets of edits and re-deliveries.
const historyCap = 512

type entry struct {
	p      Payload
	acked  bool
	edited bool
	vkc    *vkComment // a wall comment: can be edited and replied to
	tgm    *tgMessage // a Telegram message: can be edited and, in the group, replied to
}

type item struct {
	text     string
	subtopic string
	source   string // demo.SourceVK or demo.SourceTelegram
	group    string
	sample   bool // a long resident's message from demo.SampleTexts
}

// Generator produces the simulator's payloads: a deterministic sequence for a given seed (dates aside). It is
// safe for concurrent use. Ack tells it which payloads the server acknowledged: only those are edited or
// re-delivered later, as a real edit or retry always follows a delivered original.
type Generator struct {
	vk, tg Source
	now    func() time.Time

	mu      sync.Mutex
	rng     *rand.Rand
	singles []demo.StreamText
	groups  map[string][]demo.StreamText
	gnames  []string
	samples []demo.SampleText
	pending []item

	seq          int64
	vkCommentID  int64
	vkMessageID  int64
	tgUpdateID   int64
	tgGroupMsgID int64
	history      []*entry

	// The current burst: every comment goes under one post, and later ones often answer the first.
	burstPost int64
	burstVK   *vkComment
	burstTG   *tgMessage
}

// NewGenerator returns a generator for the given sources; a source with an empty Code gets no payloads.
// now gives the messages' dates (time.Now when nil).
func NewGenerator(vk, tg Source, seed uint64, now func() time.Time) *Generator {
	if now == nil {
		now = time.Now
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &Generator{vk: vk, tg: tg, now: now, rng: rng, groups: map[string][]demo.StreamText{},
		samples: demo.SampleTexts(),
		// Ids continue from plausible values of a living community and bot.
		vkCommentID: 150000 + rng.Int64N(50000), vkMessageID: 80000 + rng.Int64N(20000),
		tgUpdateID: 700000000 + rng.Int64N(100000000), tgGroupMsgID: 1000 + rng.Int64N(5000)}
	for _, t := range demo.StreamTexts() {
		if t.Group == "" {
			g.singles = append(g.singles, t)
			continue
		}
		if _, ok := g.groups[t.Group]; !ok {
			g.gnames = append(g.gnames, t.Group)
		}
		g.groups[t.Group] = append(g.groups[t.Group], t)
	}
	slices.Sort(g.gnames)
	return g
}

// Next returns the next payload.
func (g *Generator) Next() (Payload, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.pending) == 0 {
		r := g.rng.Float64()
		switch {
		case r < 0.06:
			if p, ok, err := g.edit(); ok || err != nil {
				return p, err
			}
		case r < 0.12:
			if p, ok := g.redeliver(); ok {
				return p, nil
			}
		}
		g.plan(r)
	}
	it := g.pending[0]
	g.pending = g.pending[1:]
	if len(g.pending) == 0 {
		defer func() { g.burstVK, g.burstTG = nil, nil }()
	}
	source := it.source
	if source == demo.SourceVK && g.vk.Code == "" {
		source = demo.SourceTelegram
	}
	if source == demo.SourceTelegram && g.tg.Code == "" {
		source = demo.SourceVK
	}
	if source == demo.SourceVK {
		return g.vkItem(it)
	}
	return g.tgItem(it)
}

// plan queues what comes next: mostly short stream texts, sometimes a burst of messages about one problem from
// different people, sometimes a longer resident's message.
func (g *Generator) plan(r float64) {
	switch {
	case r < 0.20 && len(g.gnames) > 0:
		name := g.gnames[g.rng.IntN(len(g.gnames))]
		texts := slices.Clone(g.groups[name])
		g.rng.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })
		for _, t := range texts {
			g.pending = append(g.pending, item{text: t.Text, subtopic: t.Subtopic, source: t.Source, group: t.Group})
		}
		g.burstPost = adminPosts[g.rng.IntN(len(adminPosts))]
		g.burstVK, g.burstTG = nil, nil
	case r < 0.35 && len(g.samples) > 0:
		s := g.samples[g.rng.IntN(len(g.samples))]
		src := demo.SourceVK
		if g.rng.IntN(2) == 0 {
			src = demo.SourceTelegram
		}
		g.pending = append(g.pending, item{text: s.Text, subtopic: s.Subtopic, source: src, sample: true})
	default:
		t := g.singles[g.rng.IntN(len(g.singles))]
		g.pending = append(g.pending, item{text: t.Text, subtopic: t.Subtopic, source: t.Source})
	}
}

func (g *Generator) remember(e *entry) Payload {
	g.seq++
	e.p.seq = g.seq
	g.history = append(g.history, e)
	if len(g.history) > historyCap {
		g.history = slices.Delete(g.history, 0, historyCap/2)
	}
	return e.p
}

// Ack records that the server acknowledged a payload.
func (g *Generator) Ack(p Payload) {
	if p.seq == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.history) - 1; i >= 0; i-- {
		if e := g.history[i]; e.p.seq == p.seq {
			e.acked = true
			return
		}
	}
}

func (g *Generator) eventID() string {
	b := make([]byte, 20)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return hex.EncodeToString(b)
}

func (g *Generator) vkResident() int64 { return 10_000_000 + g.rng.Int64N(790_000_000) }

func (g *Generator) vkItem(it item) (Payload, error) {
	private := false
	switch {
	case it.group != "":
	case it.sample:
		private = g.rng.IntN(2) == 0
	default:
		private = g.rng.IntN(4) == 0
	}
	if private {
		return g.vkPrivate(it)
	}
	return g.vkComment(it)
}

func (g *Generator) vkComment(it item) (Payload, error) {
	owner := -g.vk.GroupID
	g.vkCommentID++
	c := &vkComment{ID: g.vkCommentID, FromID: g.vkResident(), Date: g.now().Unix(), Text: it.text,
		OwnerID: owner, PostOwnerID: owner, ParentsStack: []int64{}}
	var parent *vkComment
	if it.group != "" {
		c.PostID = g.burstPost
		if g.burstVK != nil && g.rng.IntN(5) < 3 {
			parent = g.burstVK
		}
	} else {
		c.PostID = adminPosts[g.rng.IntN(len(adminPosts))]
		if g.rng.IntN(5) == 0 {
			parent = g.recentComment(c.PostID)
		}
	}
	if parent != nil {
		// VK comments nest one level: a reply sits in the thread of the top-level comment it (or its parent) is in.
		root := parent.ID
		if len(parent.ParentsStack) > 0 {
			root = parent.ParentsStack[0]
		}
		c.PostID = parent.PostID
		c.ParentsStack = []int64{root}
		c.ReplyToComment, c.ReplyToUser = parent.ID, parent.FromID
	} else {
		c.Thread = &vkThread{Items: []any{}, CanPost: true, ShowReplyButton: true, GroupsCanPost: true}
	}
	if it.group != "" && g.burstVK == nil {
		g.burstVK = c
	}
	body, err := vkBody(g.vk.GroupID, "wall_reply_new", g.eventID(), g.vk.Secret, c)
	if err != nil {
		return Payload{}, err
	}
	return g.remember(&entry{p: g.vkPayload(KindVKWallReplyNew, body, commentExternalID(*c), c.FromID, it), vkc: c}), nil
}

// recentComment returns a comment sent earlier under a post, or nil.
func (g *Generator) recentComment(post int64) *vkComment {
	for i := len(g.history) - 1; i >= 0 && i >= len(g.history)-64; i-- {
		if c := g.history[i].vkc; c != nil && c.PostID == post && g.history[i].acked {
			return c
		}
	}
	return nil
}

func commentExternalID(c vkComment) string {
	return "comment:" + itoa(c.PostOwnerID) + "_" + itoa(c.PostID) + "_" + itoa(c.ID)
}

func (g *Generator) vkPrivate(it item) (Payload, error) {
	from := g.vkResident()
	g.vkMessageID++
	m := vkMessageNew{
		Message: vkMessage{Date: g.now().Unix(), FromID: from, ID: g.vkMessageID, Version: 10_000_000 + g.vkMessageID,
			Attachments: []any{}, ConversationMessageID: 1 + g.rng.Int64N(40), FwdMessages: []any{}, PeerID: from, Text: it.text},
		ClientInfo: vkClientInfo{ButtonActions: vkButtonActions, Keyboard: true, InlineKeyboard: true, Carousel: true},
	}
	body, err := vkBody(g.vk.GroupID, "message_new", g.eventID(), g.vk.Secret, m)
	if err != nil {
		return Payload{}, err
	}
	ext := "pm:" + itoa(from) + "_" + itoa(m.Message.ConversationMessageID)
	return g.remember(&entry{p: g.vkPayload(KindVKMessageNew, body, ext, from, it)}), nil
}

func (g *Generator) vkPayload(kind string, body []byte, ext string, author int64, it item) Payload {
	return Payload{Kind: kind, Source: g.vk.Code, Path: "/hooks/vk/" + g.vk.Code, Body: body, ExternalID: ext,
		AuthorID: itoa(author), Text: it.text, Group: it.group}
}

func (g *Generator) tgResident() tgUser {
	u := tgUser{ID: 100_000_000 + g.rng.Int64N(7_400_000_000), LanguageCode: "ru"}
	ln := lastNames[g.rng.IntN(len(lastNames))]
	if g.rng.IntN(2) == 0 {
		u.FirstName, u.LastName = maleFirst[g.rng.IntN(len(maleFirst))], ln[0]
	} else {
		u.FirstName, u.LastName = femaleFirst[g.rng.IntN(len(femaleFirst))], ln[1]
	}
	switch g.rng.IntN(3) {
	case 0:
		u.LastName = "" // many show only a first name
	case 1:
		u.Username = nicknames[g.rng.IntN(len(nicknames))] + "_" + strconv.Itoa(10+g.rng.IntN(9990))
	}
	return u
}

func (g *Generator) tgItem(it item) (Payload, error) {
	u := g.tgResident()
	now := g.now().Unix()
	m := &tgMessage{From: &u, Date: now}
	inGroup := it.group != "" || g.rng.IntN(20) < 9
	if inGroup {
		g.tgGroupMsgID++
		m.MessageID = g.tgGroupMsgID
		m.Chat = tgChat{ID: SupergroupID, Type: "supergroup", Title: supergroupTitle, IsForum: true}
		topic := topicFor(it.subtopic)
		var parent *tgMessage
		if it.group != "" && g.burstTG != nil && g.rng.IntN(2) == 0 {
			parent = g.burstTG
		} else if it.group == "" && g.rng.IntN(5) == 0 {
			parent = g.recentGroupMessage()
		}
		if parent != nil {
			topic.id = parent.MessageThreadID
			m.ReplyToMessage = parent.quoted()
		} else {
			// In a forum, a message outside any reply "replies" to the message that created its topic.
			m.ReplyToMessage = &tgMessage{MessageID: topic.id, From: &tgUser{ID: 5_000_000_001, FirstName: "Администратор"},
				Chat: m.Chat, Date: now - 86400*30, MessageThreadID: topic.id, IsTopicMessage: true,
				ForumTopicCreated: &tgTopicCreated{Name: topic.name, IconColor: topic.icon}}
		}
		m.MessageThreadID, m.IsTopicMessage = topic.id, true
		if it.group != "" && g.burstTG == nil {
			g.burstTG = m
		}
	} else {
		m.MessageID = 2 + g.rng.Int64N(60)
		m.Chat = tgChat{ID: u.ID, Type: "private", FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
	}
	if g.rng.IntN(100) < 15 {
		m.Caption, m.Photo = it.text, g.photo()
	} else {
		m.Text = it.text
	}
	g.tgUpdateID++
	body, err := tgBody(tgUpdate{UpdateID: g.tgUpdateID, Message: m})
	if err != nil {
		return Payload{}, err
	}
	return g.remember(&entry{p: g.tgPayload(KindTGMessage, body, m, it), tgm: m}), nil
}

func (g *Generator) tgPayload(kind string, body []byte, m *tgMessage, it item) Payload {
	return Payload{Kind: kind, Source: g.tg.Code, Path: "/hooks/telegram/" + g.tg.Code,
		Header: map[string]string{TelegramSecretHeader: g.tg.Secret}, Body: body,
		ExternalID: itoa(m.Chat.ID) + ":" + itoa(m.MessageID), AuthorID: itoa(m.From.ID), Text: it.text, Group: it.group}
}

func (g *Generator) recentGroupMessage() *tgMessage {
	for i := len(g.history) - 1; i >= 0 && i >= len(g.history)-64; i-- {
		if m := g.history[i].tgm; m != nil && m.Chat.ID == SupergroupID && g.history[i].acked {
			return m
		}
	}
	return nil
}

const fileIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func (g *Generator) token(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = fileIDAlphabet[g.rng.IntN(len(fileIDAlphabet))]
	}
	return string(b)
}

// photo returns the sizes Telegram lists for one photo, smallest first; they share the file's unique part.
func (g *Generator) photo() []tgPhotoSize {
	base, uniq := g.token(40), g.token(10)
	dims := [][2]int64{{90, 68}, {320, 240}, {800, 600}, {1280, 960}}
	out := make([]tgPhotoSize, len(dims))
	for i, d := range dims {
		out[i] = tgPhotoSize{FileID: "AgACAgIAAxkBAAI" + base + strconv.Itoa(i), FileUniqueID: "AQAD" + uniq + strconv.Itoa(i),
			FileSize: d[0] * d[1] / 8, Width: d[0], Height: d[1]}
	}
	return out
}

// edit returns an edit of an acknowledged comment or Telegram message that was not edited yet.
func (g *Generator) edit() (Payload, bool, error) {
	var cands []*entry
	for _, e := range g.history {
		if e.acked && !e.edited && (e.vkc != nil || e.tgm != nil) {
			cands = append(cands, e)
		}
	}
	if len(cands) == 0 {
		return Payload{}, false, nil
	}
	e := cands[g.rng.IntN(len(cands))]
	e.edited = true
	suffix := editSuffixes[g.rng.IntN(len(editSuffixes))]
	it := item{text: e.p.Text + suffix, group: e.p.Group}
	if c := e.vkc; c != nil {
		ed := *c
		ed.Text = it.text
		body, err := vkBody(g.vk.GroupID, "wall_reply_edit", g.eventID(), g.vk.Secret, ed)
		if err != nil {
			return Payload{}, false, err
		}
		p := g.vkPayload(KindVKWallReplyEdit, body, e.p.ExternalID, c.FromID, it)
		p.Edit = true
		return g.remember(&entry{p: p}), true, nil
	}
	ed := *e.tgm
	if ed.Caption != "" {
		ed.Caption = it.text
	} else {
		ed.Text = it.text
	}
	ed.EditDate = g.now().Unix()
	if ed.EditDate <= ed.Date {
		ed.EditDate = ed.Date + 1
	}
	g.tgUpdateID++
	body, err := tgBody(tgUpdate{UpdateID: g.tgUpdateID, EditedMessage: &ed})
	if err != nil {
		return Payload{}, false, err
	}
	p := g.tgPayload(KindTGEditedMessage, body, &ed, it)
	p.Edit = true
	return g.remember(&entry{p: p}), true, nil
}

// redeliver repeats an acknowledged request byte for byte, as VK does when its "ok" came late and as Telegram
// does after a failed webhook delivery.
func (g *Generator) redeliver() (Payload, bool) {
	var cands []*entry
	for _, e := range g.history {
		if e.acked {
			cands = append(cands, e)
		}
	}
	if len(cands) == 0 {
		return Payload{}, false
	}
	p := cands[g.rng.IntN(len(cands))].p
	p.Redelivery, p.seq = true, 0
	return p, true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
