package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultBaseURL is the VK API endpoint; a method name is appended to it.
const DefaultBaseURL = "https://api.vk.com/method/"

// DefaultVersion is the API version sent with every call.
const DefaultVersion = "5.199"

// maxResponseBytes bounds a VK API response read into memory.
const maxResponseBytes = 4 << 20

// Client calls the VK API with a community access token. The zero value plus a Token is usable.
type Client struct {
	BaseURL string       // DefaultBaseURL when empty
	Token   string       // community access token (messages, wall and board rights)
	Version string       // DefaultVersion when empty
	GroupID int64        // when set, comments are published on behalf of this community (from_group)
	HTTP    *http.Client // http.DefaultClient when nil; give it a timeout
}

// APIError is an error answered by the VK API (with HTTP 200): {"error":{"error_code":…,"error_msg":…}}.
type APIError struct {
	Code int
	Msg  string
}

func (e *APIError) Error() string { return fmt.Sprintf("vk: api error %d: %s", e.Code, e.Msg) }

// Temporary reports whether the same call may succeed later: 1 unknown error, 6 too many requests per second,
// 9 flood control, 10 internal server error. Others (5 authorisation failed, 7 no permission, 15 access denied,
// 100 bad parameter, 901 the user forbade messages from the community...) will not go away by retrying.
func (e *APIError) Temporary() bool {
	switch e.Code {
	case 1, 6, 9, 10:
		return true
	}
	return false
}

// HTTPError is a non-200 HTTP status from the API endpoint (a proxy or an outage, not a VK API error).
type HTTPError struct {
	Method string
	Status int
}

func (e *HTTPError) Error() string { return fmt.Sprintf("vk: %s: http status %d", e.Method, e.Status) }

// Temporary reports whether the status is worth retrying (429 and 5xx).
func (e *HTTPError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Temporary reports whether a call that failed with err may be retried: temporary VK API errors, HTTP 429/5xx,
// and transport errors (timeouts, refused or reset connections). A transport error may come after VK performed
// the call; retrying is still safe for CreateComment and SendMessage because guid and random_id make VK drop the
// repeat.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var t interface{ Temporary() bool }
	var apiErr *APIError
	var httpErr *HTTPError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Temporary()
	case errors.As(err, &httpErr):
		return httpErr.Temporary()
	}
	var netErr net.Error
	var urlErr *url.Error
	if errors.As(err, &netErr) || errors.As(err, &urlErr) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return false
}

// Call performs an API method with the given parameters (access_token and v are added) as a form-encoded POST
// and decodes the "response" member into out (nil: ignored).
func (c *Client) Call(ctx context.Context, method string, params url.Values, out any) error {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	form := url.Values{}
	for k, v := range params {
		form[k] = v
	}
	form.Set("access_token", c.Token)
	v := c.Version
	if v == "" {
		v = DefaultVersion
	}
	form.Set("v", v)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+method, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("vk: %s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("vk: %s: %w", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("vk: %s: read response: %w", method, err)
	}
	if resp.StatusCode != http.StatusOK {
		return &HTTPError{Method: method, Status: resp.StatusCode}
	}
	var envelope struct {
		Response json.RawMessage `json:"response"`
		Error    *struct {
			Code int    `json:"error_code"`
			Msg  string `json:"error_msg"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &envelope); err != nil {
		return fmt.Errorf("vk: %s: decode response: %w", method, err)
	}
	if envelope.Error != nil {
		return fmt.Errorf("vk: %s: %w", method, &APIError{Code: envelope.Error.Code, Msg: envelope.Error.Msg})
	}
	if len(envelope.Response) == 0 {
		return fmt.Errorf("vk: %s: response without \"response\" or \"error\"", method)
	}
	if out != nil {
		if err := json.Unmarshal(envelope.Response, out); err != nil {
			return fmt.Errorf("vk: %s: decode response: %w", method, err)
		}
	}
	return nil
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// CreateComment publishes a comment under the post ownerID_postID (wall.createComment), as a reply to the comment
// replyToComment when it is not 0, and returns the new comment's id. guid is wall.createComment's "unique
// identifier to avoid repeated comments": VK does not publish a second comment with the same guid, so an outbox
// job that retries after a timeout passes the same guid and cannot post twice.
func (c *Client) CreateComment(ctx context.Context, ownerID, postID, replyToComment int64, text, guid string) (int64, error) {
	p := url.Values{}
	p.Set("owner_id", i64(ownerID))
	p.Set("post_id", i64(postID))
	p.Set("message", text)
	if replyToComment != 0 {
		p.Set("reply_to_comment", i64(replyToComment))
	}
	if guid != "" {
		p.Set("guid", guid)
	}
	if c.GroupID > 0 {
		p.Set("from_group", i64(c.GroupID))
	}
	var out struct {
		CommentID int64 `json:"comment_id"`
	}
	if err := c.Call(ctx, "wall.createComment", p, &out); err != nil {
		return 0, err
	}
	if out.CommentID == 0 {
		return 0, errors.New("vk: wall.createComment: no comment_id in response")
	}
	return out.CommentID, nil
}

// SendMessage sends a private message to peerID (messages.send) and returns its id. randomID is messages.send's
// random_id: VK does not send a second message with the same random_id from the same sender, so a retry with the
// same randomID is harmless. It must not be 0 (0 disables the check); RandomID derives one from a job key.
func (c *Client) SendMessage(ctx context.Context, peerID int64, text string, randomID int64) (int64, error) {
	return c.sendMessage(ctx, peerID, 0, text, randomID)
}

// ReplyMessage is SendMessage that shows the message as a reply to the message with the given
// conversation_message_id in the same conversation (messages.send with forward={…,"is_reply":true}).
func (c *Client) ReplyMessage(ctx context.Context, peerID, conversationMessageID int64, text string, randomID int64) (int64, error) {
	return c.sendMessage(ctx, peerID, conversationMessageID, text, randomID)
}

func (c *Client) sendMessage(ctx context.Context, peerID, replyCMID int64, text string, randomID int64) (int64, error) {
	if randomID == 0 {
		return 0, errors.New("vk: messages.send: random_id must not be 0")
	}
	p := url.Values{}
	p.Set("peer_id", i64(peerID))
	p.Set("message", text)
	p.Set("random_id", i64(randomID))
	if replyCMID != 0 {
		fwd, err := json.Marshal(struct {
			PeerID  int64   `json:"peer_id"`
			CMIDs   []int64 `json:"conversation_message_ids"`
			IsReply bool    `json:"is_reply"`
		}{peerID, []int64{replyCMID}, true})
		if err != nil {
			return 0, fmt.Errorf("vk: messages.send: %w", err)
		}
		p.Set("forward", string(fwd))
	}
	var id int64
	if err := c.Call(ctx, "messages.send", p, &id); err != nil {
		return 0, err
	}
	return id, nil
}

// CreateBoardComment posts into the discussion topic topicID of community groupID (board.createComment) and
// returns the new post's id. guid plays the same role as in CreateComment.
func (c *Client) CreateBoardComment(ctx context.Context, groupID, topicID int64, text, guid string) (int64, error) {
	p := url.Values{}
	p.Set("group_id", i64(groupID))
	p.Set("topic_id", i64(topicID))
	p.Set("message", text)
	p.Set("from_group", "1")
	if guid != "" {
		p.Set("guid", guid)
	}
	var id int64
	if err := c.Call(ctx, "board.createComment", p, &id); err != nil {
		return 0, err
	}
	return id, nil
}

// RandomID derives a stable, positive, non-zero random_id for messages.send from an idempotency key (e.g. the
// outbox job id), so every retry of the same job carries the same random_id. It stays within 31 bits, the range
// VK accepts everywhere.
func RandomID(key string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	id := int64(h.Sum64() & 0x7fffffff)
	if id == 0 {
		id = 1
	}
	return id
}
