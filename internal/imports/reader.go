package imports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits of the reader: what a record may hold before it is refused as a
// whole (the rest of the file is still read).
const (
	// MaxColumns is the most fields a record may have.
	MaxColumns = 1000
	// MaxRecordBytes is the most bytes of field data one record may hold.
	// A longer record (a 10 MB field, a file whose quotes never close) is
	// read to its end without being kept, so memory stays bounded.
	MaxRecordBytes = 1 << 20
)

// Problems of a record as read; the record is then invalid as a whole.
const (
	ProblemTooLong       = "too_long"
	ProblemTooManyFields = "too_many_fields"
	ProblemInvalidUTF8   = "invalid_utf8"
	ProblemBinary        = "binary"
	ProblemUnterminated  = "unterminated_quote"
)

// Record is one record of a file.
type Record struct {
	// Num is the record's 1-based number in the file, counting the header
	// and blank lines: the row number a spreadsheet shows (a quoted field
	// that spans lines is still one row).
	Num int
	// Fields are valid until the next Read. With a Problem they are what
	// could be kept: truncated, invalid bytes replaced by U+FFFD.
	Fields []string
	// Problem is empty or one of the Problem constants.
	Problem string
}

// Reader reads CSV records from UTF-8 text (Format.Decode gives it any
// other encoding): RFC 4180 quoting, with quotes that may hold delimiters,
// doubled quotes and line breaks; LF, CRLF or (when crEnds) lone CR line
// breaks; records of all-empty fields (blank lines) skipped. It is lenient
// where spreadsheets are ("a"b reads as ab, a stray quote inside an
// unquoted field is kept) and never fails on content: a record it cannot
// use carries a Problem, and reading goes on with the next one.
type Reader struct {
	src      io.Reader
	buf      []byte
	pos, end int
	srcErr   error
	delim    byte
	crEnds   bool
	num      int
	data     []byte
	ends     []int
	fields   []string
	readErr  error
	tooLong  bool
	tooMany  bool
	dropping bool
	// skipThrough is the number of the last record above the table
	// (Format.SkipRecords): Read skips it and those before it.
	skipThrough int
}

// NewReader returns a Reader of delim-separated records; crEnds makes a
// lone CR end a record (files from classic Mac OS), otherwise it is data.
func NewReader(src io.Reader, delim byte, crEnds bool) *Reader {
	return newReaderSize(src, delim, crEnds, 64<<10)
}

// newReaderSize is NewReader with a read buffer of size bytes (at least 1).
func newReaderSize(src io.Reader, delim byte, crEnds bool, size int) *Reader {
	return &Reader{src: src, buf: make([]byte, max(size, 1)), delim: delim, crEnds: crEnds}
}

func (r *Reader) fill() bool {
	if r.srcErr != nil {
		return false
	}
	r.pos, r.end = 0, 0
	for r.end == 0 {
		n, err := r.src.Read(r.buf)
		r.end = n
		if err != nil {
			r.srcErr = err
			return n > 0
		}
	}
	return true
}

// peek returns the next byte without consuming it.
func (r *Reader) peek() (byte, bool) {
	if r.pos >= r.end && !r.fill() {
		return 0, false
	}
	return r.buf[r.pos], true
}

func (r *Reader) appendData(b []byte) {
	if r.dropping {
		return
	}
	if room := MaxRecordBytes - len(r.data); len(b) > room {
		r.tooLong = true
		r.dropping = true
		b = b[:max(room, 0)]
	}
	r.data = append(r.data, b...)
}

func (r *Reader) endField() {
	if r.dropping && !r.tooLong {
		return
	}
	if len(r.ends) == MaxColumns {
		r.tooMany, r.dropping = true, true
		return
	}
	r.ends = append(r.ends, len(r.data))
}

const (
	stStart = iota
	stUnquoted
	stQuoted
	stAfterQuote
)

// Read returns the next record after skipThrough that has any non-empty
// field, or io.EOF.
// Any other error is the source's (a database or network read).
func (r *Reader) Read() (Record, error) {
	for {
		rec, err := r.readRecord()
		if err != nil {
			return Record{}, err
		}
		if rec.Num <= r.skipThrough {
			continue
		}
		if rec.Problem != "" {
			return rec, nil
		}
		for _, f := range rec.Fields {
			if f != "" {
				return rec, nil
			}
		}
	}
}

// Skip reads records up to and including record number through without
// keeping them; Read then continues after it.
func (r *Reader) Skip(through int) error {
	for r.num < through {
		if _, err := r.readRecord(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
	return nil
}

func (r *Reader) readRecord() (Record, error) {
	if r.readErr != nil {
		return Record{}, r.readErr
	}
	r.data, r.ends = r.data[:0], r.ends[:0]
	r.tooLong, r.tooMany, r.dropping = false, false, false
	state := stStart
	consumed := false
	unterminated := false
loop:
	for {
		if r.pos >= r.end && !r.fill() {
			if r.srcErr != nil && !errors.Is(r.srcErr, io.EOF) {
				r.readErr = fmt.Errorf("imports: read file: %w", r.srcErr)
				return Record{}, r.readErr
			}
			if !consumed {
				r.readErr = io.EOF
				return Record{}, io.EOF
			}
			unterminated = state == stQuoted
			r.endField()
			break loop
		}
		consumed = true
		b := r.buf[r.pos:r.end]
		switch state {
		case stStart:
			if b[0] == '"' {
				r.pos++
				state = stQuoted
				continue
			}
			state = stUnquoted
			fallthrough
		case stUnquoted, stAfterQuote:
			i := r.indexSpecial(b)
			if i < 0 {
				r.appendData(b)
				r.pos = r.end
				continue
			}
			r.appendData(b[:i])
			r.pos += i + 1
			switch c := b[i]; {
			case c == r.delim:
				r.endField()
				state = stStart
			case c == '\n':
				r.endField()
				break loop
			default: // '\r'
				if nb, ok := r.peek(); ok && nb == '\n' {
					r.pos++
					r.endField()
					break loop
				}
				if r.crEnds {
					r.endField()
					break loop
				}
				r.appendData([]byte{'\r'})
			}
		case stQuoted:
			i := bytes.IndexByte(b, '"')
			if i < 0 {
				r.appendData(b)
				r.pos = r.end
				continue
			}
			r.appendData(b[:i])
			r.pos += i + 1
			if nb, ok := r.peek(); ok && nb == '"' {
				r.pos++
				r.appendData([]byte{'"'})
			} else {
				state = stAfterQuote
			}
		}
	}
	r.num++
	rec := Record{Num: r.num}
	switch {
	case r.tooLong:
		rec.Problem = ProblemTooLong
	case r.tooMany:
		rec.Problem = ProblemTooManyFields
	case unterminated:
		rec.Problem = ProblemUnterminated
	}
	s := string(r.data)
	r.fields = r.fields[:0]
	begin := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, s[begin:end])
		begin = end
	}
	if !storable(s, r.ends) {
		// PostgreSQL text holds neither; keep what can be shown.
		for i, f := range r.fields {
			if strings.IndexByte(f, 0) >= 0 {
				f = strings.ReplaceAll(f, "\x00", "\uFFFD")
				if rec.Problem == "" {
					rec.Problem = ProblemBinary
				}
			}
			if !utf8.ValidString(f) {
				f = strings.ToValidUTF8(f, "\uFFFD")
				if rec.Problem == "" {
					rec.Problem = ProblemInvalidUTF8
				}
			}
			r.fields[i] = f
		}
	}
	rec.Fields = r.fields
	return rec, nil
}

// storable reports whether every field of a record (its data s, the
// fields ending at ends) is valid UTF-8 without NUL bytes. Checking s as a
// whole is not enough: bytes that are invalid in two fields can make a
// valid sequence once the delimiter between them is taken out, so no field
// may start inside a sequence.
func storable(s string, ends []int) bool {
	if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
		return false
	}
	for _, end := range ends {
		if end < len(s) && !utf8.RuneStart(s[end]) {
			return false
		}
	}
	return true
}

func (r *Reader) indexSpecial(b []byte) int {
	d := r.delim
	for i, c := range b {
		if c == d || c == '\n' || c == '\r' {
			return i
		}
	}
	return -1
}

// RecordLine encodes fields as one CSV line (comma, RFC 4180 quoting,
// no line break): how import_records keeps a row's original fields.
func RecordLine(fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		if f == "" || !strings.ContainsAny(f, ",\"\r\n") {
			b.WriteString(f)
			continue
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(f, `"`, `""`))
		b.WriteByte('"')
	}
	return b.String()
}

// ParseRecordLine reverses RecordLine. Its reader's buffer is the line's
// size: errors.csv and the records pages parse one stored line per row,
// and a file reader's 64 KiB buffer, allocated and cleared for each, made
// a 50,000-row errors.csv take seconds (docs/PERFORMANCE.md, "Big tenant").
func ParseRecordLine(line string) []string {
	rd := newReaderSize(strings.NewReader(line), ',', false, len(line))
	rec, err := rd.readRecord()
	if err != nil {
		return nil
	}
	return append([]string(nil), rec.Fields...)
}
