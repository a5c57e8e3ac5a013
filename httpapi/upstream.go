package httpapi

import (
	"context"
	"net/url"
	"strings"

	"github.com/jackc/pglogrepl"
)

// cutMinLSN takes the min_lsn parameter out of a raw query string: a read that names an
// upstream LSN waits until the mirror has applied it (read-your-writes after a write to
// PostgreSQL). It returns 0 when the parameter is absent.
func cutMinLSN(raw string) (uint64, string, error) {
	if !strings.Contains(raw, "min_lsn=") {
		return 0, raw, nil
	}
	var lsn uint64
	var rest []string
	for _, pair := range strings.Split(raw, "&") {
		key, val, _ := strings.Cut(pair, "=")
		if key != "min_lsn" {
			rest = append(rest, pair)
			continue
		}
		text, err := url.QueryUnescape(val)
		if err != nil {
			return 0, "", badRequestf("malformed min_lsn: %v", err)
		}
		l, err := pglogrepl.ParseLSN(text)
		if err != nil {
			return 0, "", badRequestf("min_lsn %q is not an LSN such as 0/16B3748", text)
		}
		lsn = uint64(l)
	}
	return lsn, strings.Join(rest, "&"), nil
}

// waitMinLSN holds a read until the mirror has applied lsn, up to the engine's read timeout.
func (h *handler) waitMinLSN(ctx context.Context, lsn uint64) error {
	m := h.e.Mirror()
	if m == nil {
		return badRequestf("min_lsn needs a mirror: Weir follows no upstream database here (weir serve --upstream)")
	}
	ctx, cancel := context.WithTimeout(ctx, h.e.Options().ReadTimeout)
	defer cancel()
	return m.WaitForPosition(ctx, lsn)
}
