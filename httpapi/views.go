package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/jsonrows"
)

// badRequest is a fault in the request itself: its parameters.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, args...)}
}

// view serves GET /v1/views/{name}?p1=…&pN=…: one read of a registered view, streamed as
// JSON.
func (h *handler) view(w http.ResponseWriter, r *http.Request) {
	v, err := h.e.View(r.PathValue("name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	minLSN, rawQuery, err := cutMinLSN(r.URL.RawQuery)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var argv [8]dataflow.Value
	args, err := viewArgs(argv[:0], v, rawQuery)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if minLSN > 0 {
		if err := h.waitMinLSN(r.Context(), minLSN); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	rows, err := v.LookupValues(r.Context(), 0, args...)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := encoders.Get().(*encoder)
	defer enc.release()
	if err := enc.write(w, v.Name(), rows); err != nil {
		// The status is sent by now: all there is to do is to note it.
		h.log.Debug("writing a view read", zap.String("view", v.Name()), zap.Error(err))
	}
}

// viewArgs reads the parameters p1..pN of v from a raw query string into args. Every
// parameter is required and nothing else may be given: a misspelt or extra parameter is an
// error rather than silently ignored, since a read with a wrong key is a wrong answer.
func viewArgs(args []dataflow.Value, v *weir.View, rawQuery string) ([]dataflow.Value, error) {
	n := v.NumParams()
	// Views rarely take more than a few parameters: up to 8 stay on the stack.
	var text [8]string
	var given [8]bool
	vals, have := text[:], given[:]
	if n > len(text) {
		vals, have = make([]string, n), make([]bool, n)
	}
	vals, have = vals[:n], have[:n]

	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if pair == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return nil, badRequestf("malformed query parameter name %q: %v", rawKey, err)
		}
		i, ok := paramIndex(key, n)
		if !ok {
			if n == 0 {
				return nil, badRequestf("unknown query parameter %q: view %s takes no parameters", key, v.Name())
			}
			return nil, badRequestf("unknown query parameter %q: view %s takes p1..p%d", key, v.Name(), n)
		}
		if have[i] {
			return nil, badRequestf("query parameter %s given more than once", key)
		}
		val, err := url.QueryUnescape(rawVal)
		if err != nil {
			return nil, badRequestf("malformed value of %s: %v", key, err)
		}
		vals[i], have[i] = val, true
	}
	for i := range n {
		if !have[i] {
			return nil, badRequestf("missing query parameter p%d: view %s takes p1..p%d", i+1, v.Name(), n)
		}
	}

	types := v.Plan().ParamTypes
	for i, s := range vals {
		var t dataflow.Type
		if i < len(types) {
			t = types[i]
		}
		arg, err := jsonrows.ParamValue(s, t)
		if err != nil {
			return nil, badRequestf("p%d: %v", i+1, err)
		}
		args = append(args, arg)
	}
	return args, nil
}

// paramIndex maps "p1".."pN" to 0..N-1; other spellings ("p01", "P1") are not parameters.
func paramIndex(key string, n int) (int, bool) {
	digits, ok := strings.CutPrefix(key, "p")
	if !ok || digits == "" || digits[0] < '1' || digits[0] > '9' {
		return 0, false
	}
	i, err := strconv.Atoi(digits)
	if err != nil || i > n {
		return 0, false
	}
	return i - 1, true
}

// errorBody is the JSON of a failed request. Code and SQLState are MySQL's, when the error
// has them, so that a client sees the same numbers over HTTP as over the wire protocol.
type errorBody struct {
	Error    string `json:"error"`
	Code     int    `json:"code,omitempty"`
	SQLState string `json:"sqlstate,omitempty"`
}

// fail answers a failed read: 400 for the request's parameters, 404 for an unknown view,
// 503 once the engine is closed, 500 for the rest (a read that timed out waiting for a
// fill, a failed domain).
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	body := errorBody{Error: err.Error()}
	code, state, hasCode := weir.ErrorCode(err)
	if hasCode {
		body.Code, body.SQLState = code, state
	}
	var br *badRequest
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &br):
		status = http.StatusBadRequest
		body.Code, body.SQLState = weir.ErrCodeWrongArguments, "HY000"
	case errors.Is(err, weir.ErrNoSuchView):
		status = http.StatusNotFound
	case errors.Is(err, weir.ErrClosed) || engineClosed(context.WithoutCancel(r.Context()), h.e):
		// A read of a closed engine fails in ways that do not all say so; ask.
		status = http.StatusServiceUnavailable
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil:
		// A wait (for a fill, or for an upstream position) ran past the read timeout.
		status = http.StatusGatewayTimeout
	case r.Context().Err() != nil:
		// The client went away; there is nobody to answer.
		h.log.Debug("view read abandoned", zap.String("path", r.URL.Path), zap.Error(err))
		return
	case hasCode && (code == weir.ErrCodeWrongArguments || strings.HasPrefix(state, "22")):
		// The engine refused an argument (SQLSTATE class 22 is "data exception").
		status = http.StatusBadRequest
	}
	if status >= 500 {
		h.log.Error("view read failed", zap.String("path", r.URL.Path), zap.Int("status", status), zap.Error(err))
	} else {
		h.log.Debug("view read refused", zap.String("path", r.URL.Path), zap.Int("status", status), zap.Error(err))
	}
	writeJSONError(w, status, body)
}

func writeJSONError(w http.ResponseWriter, status int, body errorBody) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// An error body is small and rare: encoding/json is plenty.
	json.NewEncoder(w).Encode(body)
}

// flushAt is the buffered size at which a response is handed to the ResponseWriter: large
// enough that a typical read is one write, small enough that a large one streams.
const flushAt = 16 << 10

// encoder writes a read's result. Encoders are pooled so that a read allocates no buffer.
type encoder struct {
	buf    []byte
	layout jsonrows.Layout
}

var encoders = sync.Pool{New: func() any { return &encoder{buf: make([]byte, 0, flushAt+1024)} }}

func (enc *encoder) release() {
	if cap(enc.buf) > 4*flushAt || enc.layout.Size() > 2*flushAt {
		return // grown by a huge value: let it go rather than pin the memory
	}
	enc.buf = enc.buf[:0]
	encoders.Put(enc)
}

// write streams {"view":…,"columns":[…],"rows":[…]} to w.
func (enc *encoder) write(w http.ResponseWriter, name string, rows weir.Rows) error {
	enc.layout.Reset(name, rows.Columns())
	b := enc.layout.AppendHead(enc.buf[:0])
	for i := range rows.Len() {
		b = enc.layout.AppendRow(b, i, rows.Row(i))
		if len(b) >= flushAt {
			if _, err := w.Write(b); err != nil {
				enc.buf = b[:0]
				return fmt.Errorf("httpapi: writing rows: %w", err)
			}
			b = b[:0]
		}
	}
	b = jsonrows.AppendTail(b)
	b = append(b, '\n')
	_, err := w.Write(b)
	enc.buf = b[:0]
	if err != nil {
		return fmt.Errorf("httpapi: writing rows: %w", err)
	}
	return nil
}
