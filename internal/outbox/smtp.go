package outbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTP sends plain-text UTF-8 mail through one SMTP server (a relay of the organisation or a local MTA).
type SMTP struct {
	Addr     string // host:port of the server
	From     string // sender address, envelope and header
	FromName string // display name of the sender, e.g. «Отклик — ЦУР Иркутской области»
	Hello    string // EHLO name; default "localhost"
	// Username and Password enable AUTH PLAIN (net/smtp refuses it over an unencrypted connection to anything
	// but localhost).
	Username, Password string
	// StartTLS upgrades the connection when the server offers STARTTLS; RequireTLS fails when it does not.
	StartTLS, RequireTLS bool
	TLSConfig            *tls.Config   // for STARTTLS; default verifies the server name of Addr
	Timeout              time.Duration // whole-session limit; default 30 s
}

// Mail is one message.
type Mail struct {
	To, ToName string
	Subject    string
	Text       string
	MessageID  string    // "<…@…>"; MessageID derives a stable one from the job key
	Date       time.Time // default now
}

// SMTPError is an error reply of the server (a 4xx or 5xx code): the server refused, nothing was accepted.
type SMTPError struct {
	Stage string // the command refused: greeting, EHLO, MAIL, RCPT, DATA, commit
	Code  int
	Msg   string
}

func (e *SMTPError) Error() string { return fmt.Sprintf("smtp: %s: %d %s", e.Stage, e.Code, e.Msg) }

// Temporary reports a 4xx reply (try again later).
func (e *SMTPError) Temporary() bool { return e.Code >= 400 && e.Code < 500 }

func smtpErr(stage string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return &SMTPError{Stage: stage, Code: te.Code, Msg: te.Msg}
	}
	return fmt.Errorf("smtp: %s: %w", stage, err)
}

// MessageID derives a Message-ID from a job key: every attempt of a job sends the same one.
func MessageID(key, from string) string {
	sum := sha256.Sum256([]byte(key))
	domain := "otklik.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// Compose renders the message: RFC 5322 headers, the subject as RFC 2047 encoded words, a quoted-printable
// UTF-8 plain-text body with CRLF line ends.
func (m *SMTP) Compose(msg Mail) ([]byte, error) {
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return nil, fmt.Errorf("smtp: recipient %q: %w", msg.To, err)
	}
	if msg.ToName != "" {
		to.Name = oneLine(msg.ToName)
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: sender %q: %w", m.From, err)
	}
	if m.FromName != "" {
		from.Name = oneLine(m.FromName)
	}
	date := msg.Date
	if date.IsZero() {
		date = time.Now()
	}
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.BEncoding.Encode("utf-8", oneLine(msg.Subject)))
	h("Date", date.Format(time.RFC1123Z))
	if msg.MessageID != "" {
		h("Message-ID", oneLine(msg.MessageID))
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(msg.Text)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// Send delivers one message. beforeCommit (may be nil) runs after the whole message is transmitted and before
// the final "." that makes the server accept it: the caller records there that delivery may have happened. An
// *SMTPError means the server refused (nothing accepted); any other error after beforeCommit ran leaves the
// outcome unknown.
func (m *SMTP) Send(ctx context.Context, msg Mail, beforeCommit func() error) error {
	body, err := m.Compose(msg)
	if err != nil {
		return Permanent(err)
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("smtp: connect %s: %w", m.Addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	host, _, _ := net.SplitHostPort(m.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return smtpErr("greeting", err)
	}
	defer c.Close()
	hello := m.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return smtpErr("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && (m.StartTLS || m.RequireTLS) {
		cfg := m.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host}
		}
		if err := c.StartTLS(cfg); err != nil {
			return smtpErr("STARTTLS", err)
		}
	} else if m.RequireTLS {
		return Permanent(fmt.Errorf("smtp: %s does not offer STARTTLS", m.Addr))
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return smtpErr("AUTH", err)
		}
	}
	from, _ := mail.ParseAddress(m.From) // Compose checked both
	to, _ := mail.ParseAddress(msg.To)
	if err := c.Mail(from.Address); err != nil {
		return smtpErr("MAIL", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return smtpErr("RCPT", err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpErr("DATA", err)
	}
	if _, err := w.Write(body); err != nil {
		return smtpErr("DATA", err)
	}
	if beforeCommit != nil {
		if err := beforeCommit(); err != nil {
			return err // the connection closes without "."; the server discards the message
		}
	}
	if err := w.Close(); err != nil {
		return smtpErr("commit", err)
	}
	_ = c.Quit()
	return nil
}
