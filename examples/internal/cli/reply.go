package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// ReplyError is a server's refusal, as a user reads it: "code: message"
// when the body is a JSON {"error","code"} object, otherwise the HTTP
// status and the body's first line.
type ReplyError struct {
	Status  int    // HTTP status
	Code    string // the reply's "code", "" if it had none
	Message string // the reply's "error", or the body's first line
}

func (e *ReplyError) Error() string {
	switch {
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Code != "":
		return e.Code
	case e.Message != "":
		return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
	}
	return fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
}

// NewReplyError reads a failed reply's body (at most 64 KiB) into a
// [*ReplyError].
func NewReplyError(status int, body io.Reader) *ReplyError {
	b, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	return ParseReply(status, b)
}

// ParseReply renders a failed reply's status and body as a [*ReplyError].
func ParseReply(status int, body []byte) *ReplyError {
	e := &ReplyError{Status: status}
	var v struct {
		Error string `json:"error"`
		Code  string `json:"code"`
	}
	if json.Unmarshal(body, &v) == nil && (v.Error != "" || v.Code != "") {
		e.Code, e.Message = v.Code, OneLine(v.Error)
		return e
	}
	msg := strings.TrimSpace(string(body))
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	e.Message = msg
	return e
}

// Logger returns the logger a long-running program writes to stderr: text,
// at info.
func Logger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
