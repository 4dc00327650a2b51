package notify_test

import (
	"bufio"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a minimal SMTP server (RFC 5321: EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT) on a
// real TCP listener. It records every message whose final "." it received, with the simulated time of receipt.
// holdStage/holdN make it stop answering at the holdN-th RCPT ("RCPT") or final dot (".") until the test ends,
// as a server that hangs or a network that breaks at that moment.
type smtpServer struct {
	ln    net.Listener
	clock func() time.Time

	mu        sync.Mutex
	msgs      []smtpMsg
	holdStage string
	holdN     int
	seen      map[string]int
	held      chan struct{}
	release   chan struct{}
}

type smtpMsg struct {
	From, To  string
	Subject   string
	MessageID string
	Body      string
	Header    mail.Header
	At        time.Time
}

func startSMTP(t *testing.T, clock func() time.Time) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, clock: clock, seen: map[string]int{}, held: make(chan struct{}), release: make(chan struct{})}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(s.release)
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				s.serve(t, c)
			}()
		}
	}()
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

// hold reports whether this occurrence of a stage is the one to hang at, and if so hangs until the test ends.
func (s *smtpServer) hold(stage string) bool {
	s.mu.Lock()
	s.seen[stage]++
	h := s.holdStage == stage && s.seen[stage] == s.holdN
	s.mu.Unlock()
	if h {
		close(s.held)
		<-s.release
	}
	return h
}

func (s *smtpServer) serve(t *testing.T, c net.Conn) {
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(line string) {
		w.WriteString(line + "\r\n")
		w.Flush()
	}
	reply("220 otklik-test ESMTP ready")
	var from string
	var rcpt []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(line)
		if i := strings.IndexByte(verb, ' '); i >= 0 {
			verb = verb[:i]
		}
		switch verb {
		case "EHLO":
			reply("250-otklik-test greets you")
			reply("250-8BITMIME")
			reply("250 SMTPUTF8")
		case "HELO":
			reply("250 otklik-test")
		case "MAIL":
			from, rcpt = addrOf(line), nil
			reply("250 2.1.0 OK")
		case "RCPT":
			if s.hold("RCPT") {
				return
			}
			rcpt = append(rcpt, addrOf(line))
			reply("250 2.1.5 OK")
		case "DATA":
			if from == "" || len(rcpt) == 0 {
				reply("503 5.5.1 need MAIL and RCPT first")
				continue
			}
			reply("354 end data with <CR><LF>.<CR><LF>")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return // the client went away before the final dot: nothing is accepted
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			s.record(t, from, rcpt, data.String())
			if s.hold(".") {
				return
			}
			reply("250 2.0.0 queued")
			from, rcpt = "", nil
		case "RSET":
			from, rcpt = "", nil
			reply("250 OK")
		case "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 5.5.2 command not implemented")
		}
	}
}

func addrOf(line string) string {
	if i, j := strings.IndexByte(line, '<'), strings.IndexByte(line, '>'); i >= 0 && j > i {
		return line[i+1 : j]
	}
	return ""
}

func (s *smtpServer) record(t *testing.T, from string, rcpt []string, data string) {
	m, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Errorf("smtp: unparsable message: %v", err)
		return
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Errorf("smtp: subject %q: %v", m.Header.Get("Subject"), err)
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Errorf("smtp: body: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, to := range rcpt {
		s.msgs = append(s.msgs, smtpMsg{From: from, To: to, Subject: subject, MessageID: m.Header.Get("Message-ID"),
			Body: string(b), Header: m.Header, At: s.clock()})
	}
}

func (s *smtpServer) messages() []smtpMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMsg(nil), s.msgs...)
}
