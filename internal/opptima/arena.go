package opptima

import "strings"

// textArena copies the small strings of a request (attribute values, nested
// keys, uids) into shared chunks, so that an event's fifteen or so values
// cost one allocation instead of one each (BENCHMARKS.md has what it buys).
//
// It is safe Go: a chunk is a strings.Builder that is only ever appended to
// within its capacity, so the bytes behind a string already handed out are
// never written again, and a full chunk is left to the garbage collector
// (never reused) while any string still points into it.
type textArena struct {
	chunk strings.Builder
}

const (
	// arenaChunkSize bounds what one record can keep alive besides its own
	// values: the rest of at most one shared chunk.
	arenaChunkSize = 2048
	// Longer values get their own allocation, so they never strand a
	// mostly empty chunk.
	maxArenaValue = arenaChunkSize / 8
)

// copyOf returns raw as a string. hint is how many more bytes this request
// can need at most (the unread body), so a one-event request does not
// allocate a whole chunk.
func (a *textArena) copyOf(raw []byte, hint int) string {
	if len(raw) == 0 {
		return ""
	}
	if len(raw) > maxArenaValue {
		return string(raw)
	}
	if a.chunk.Cap()-a.chunk.Len() < len(raw) {
		a.chunk = strings.Builder{}
		a.chunk.Grow(min(arenaChunkSize, max(hint, len(raw))))
	}
	start := a.chunk.Len()
	a.chunk.Write(raw)
	return a.chunk.String()[start:]
}
