package imports

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// File kinds.
const (
	KindCSV  = "csv"
	KindXLSX = "xlsx"
)

// Encodings the reader understands.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingUTF16LE     = "utf-16le"
	EncodingUTF16BE     = "utf-16be"
	EncodingWindows1252 = "windows-1252"
)

// Line endings as detected (outside quoted fields).
const (
	LineLF    = "lf"
	LineCRLF  = "crlf"
	LineCR    = "cr"
	LineMixed = "mixed"
	LineNone  = "none"
)

// SniffBytes is how much of a file Sniff looks at.
const SniffBytes = 64 << 10

// Delimiters in order of preference when the evidence ties.
var delimiters = []byte{',', ';', '\t', '|'}

// Format is what preflight found out about a file.
type Format struct {
	Kind       string `json:"kind"`
	Encoding   string `json:"encoding"`
	Delimiter  string `json:"delimiter"`
	LineEnding string `json:"line_ending"`
}

// CREnds reports whether a lone CR ends a record.
func (f Format) CREnds() bool { return f.LineEnding == LineCR || f.LineEnding == LineMixed }

// Decode returns r as UTF-8 text without a byte order mark. Bytes that are
// not valid in a UTF-8 file stay as they are (the reader marks their
// records invalid).
func (f Format) Decode(r io.Reader) io.Reader {
	switch f.Encoding {
	case EncodingUTF8BOM:
		return &bomSkipper{r: r}
	case EncodingUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case EncodingUTF16BE:
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
	case EncodingWindows1252:
		return transform.NewReader(r, charmap.Windows1252.NewDecoder())
	default:
		return r
	}
}

// NewReader returns the record reader of raw file bytes in this format.
func (f Format) NewReader(raw io.Reader) *Reader {
	d := byte(',')
	if len(f.Delimiter) == 1 {
		d = f.Delimiter[0]
	}
	return NewReader(f.Decode(raw), d, f.CREnds())
}

// bomSkipper drops a leading UTF-8 byte order mark.
type bomSkipper struct {
	r    io.Reader
	done bool
	head []byte
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if !b.done {
		b.done = true
		head := make([]byte, 3)
		n, err := io.ReadFull(b.r, head)
		head = head[:n]
		if !bytes.Equal(head, []byte{0xEF, 0xBB, 0xBF}) {
			b.head = head
		}
		if err != nil && len(b.head) == 0 {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			return 0, err
		}
	}
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	return b.r.Read(p)
}

func unsupported(msg string) error {
	return apperr.Invalid(msg, apperr.FieldError{Field: "file", Message: msg})
}

// Sniff identifies a file from its first bytes (complete says sample is
// the whole file): XLSX or CSV, and for CSV the encoding, delimiter and
// line endings. Returns EINVALID for an empty file and for anything that
// is not a spreadsheet or text (binary data, legacy .xls, PDF, images).
func Sniff(sample []byte, complete bool) (Format, error) {
	switch {
	case len(sample) == 0:
		return Format{}, unsupported("The file is empty.")
	case bytes.HasPrefix(sample, []byte("PK\x03\x04")):
		return Format{Kind: KindXLSX, Encoding: EncodingUTF8, Delimiter: ",", LineEnding: LineLF}, nil
	case bytes.HasPrefix(sample, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return Format{}, unsupported("Legacy Excel (.xls) files are not supported; save the sheet as .xlsx or .csv.")
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(sample, []byte{0, 0, 0xFE, 0xFF}):
		return Format{}, unsupported("UTF-32 text is not supported; save the file as UTF-8.")
	}
	for _, magic := range []string{"%PDF", "\x89PNG", "GIF8", "\xFF\xD8\xFF", "\x1F\x8B", "BZh", "\xFD7zXZ", "Rar!", "7z\xBC\xAF"} {
		if bytes.HasPrefix(sample, []byte(magic)) {
			return Format{}, unsupported("The file is not a CSV or XLSX file (it looks like a binary document, image or archive).")
		}
	}
	f := Format{Kind: KindCSV, Encoding: detectEncoding(sample)}
	if f.Encoding == "" {
		return Format{}, unsupported("The file is not a CSV or XLSX file: it holds binary data.")
	}
	text, err := io.ReadAll(f.Decode(bytes.NewReader(sample)))
	if err != nil {
		return Format{}, unsupported("The file's text could not be decoded.")
	}
	if !complete {
		// The sample may end inside a character; drop the piece.
		for i := 0; i < utf8.UTFMax && len(text) > 0 && !utf8.FullRune(text[max(len(text)-utf8.UTFMax, 0):]); i++ {
			text = text[:len(text)-1]
		}
	}
	if looksBinary(text) {
		return Format{}, unsupported("The file is not a CSV or XLSX file: it holds binary data.")
	}
	f.LineEnding = detectLineEnding(text, complete)
	f.Delimiter = string(detectDelimiter(text, f.CREnds(), complete))
	return f, nil
}

// detectEncoding names the encoding of sample, or "" for binary data.
func detectEncoding(sample []byte) string {
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		return EncodingUTF8BOM
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}):
		return EncodingUTF16LE
	case bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return EncodingUTF16BE
	}
	// UTF-16 without a byte order mark: mostly ASCII text has a zero in
	// every other byte.
	head := sample[:min(len(sample), 4096)]
	var zeroEven, zeroOdd int
	for i, b := range head {
		if b == 0 {
			if i%2 == 0 {
				zeroEven++
			} else {
				zeroOdd++
			}
		}
	}
	half := len(head) / 2
	switch {
	case half >= 2 && zeroOdd*10 >= half*4 && zeroEven*20 <= half:
		return EncodingUTF16LE
	case half >= 2 && zeroEven*10 >= half*4 && zeroOdd*20 <= half:
		return EncodingUTF16BE
	case zeroEven+zeroOdd > 0:
		return ""
	}
	// Valid UTF-8, or UTF-8 with a few broken bytes (those rows become
	// invalid), or a single-byte legacy encoding: Windows-1252, which is
	// Latin-1 with printable characters where Latin-1 has controls.
	var multi, bad int
	for i := 0; i < len(sample); {
		c := sample[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(sample[i:])
		if r == utf8.RuneError && size <= 1 {
			if len(sample)-i < utf8.UTFMax && !utf8.FullRune(sample[i:]) {
				break // cut off by the end of the sample
			}
			bad++
			i++
			continue
		}
		multi++
		i += size
	}
	if bad == 0 || multi > bad {
		return EncodingUTF8
	}
	return EncodingWindows1252
}

// looksBinary reports whether more than 2% of the characters are control
// characters other than tab, line breaks and form feed.
func looksBinary(text []byte) bool {
	var ctl, n int
	for _, r := range string(text) {
		n++
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f') || r == 0x7F {
			ctl++
		}
	}
	return n > 0 && ctl*50 > n
}

func detectLineEnding(text []byte, complete bool) string {
	var lf, crlf, cr int
	quoted := false
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				lf++
			}
		case '\r':
			if quoted {
				continue
			}
			if i+1 < len(text) && text[i+1] == '\n' {
				crlf++
				i++
			} else if i+1 < len(text) || complete {
				cr++
			} else {
				crlf++ // a CR that ends the sample: most likely a CRLF cut in two
			}
		}
	}
	kinds := 0
	for _, n := range []int{lf, crlf, cr} {
		if n > 0 {
			kinds++
		}
	}
	switch {
	case kinds == 0:
		return LineNone
	case kinds > 1 && cr > 0:
		return LineMixed
	case cr > 0:
		return LineCR
	case crlf > 0 && lf == 0:
		return LineCRLF
	default:
		return LineLF
	}
}

// detectDelimiter picks the delimiter that splits the first records into
// the same number (above one) of fields most consistently.
func detectDelimiter(text []byte, crEnds, complete bool) byte {
	best, bestShare, bestFields := byte(','), 0.0, 1
	for _, d := range delimiters {
		rd := NewReader(bytes.NewReader(text), d, crEnds)
		var counts []int
		for len(counts) < 50 {
			rec, err := rd.Read()
			if err != nil {
				break
			}
			counts = append(counts, len(rec.Fields))
		}
		if !complete && len(counts) > 1 {
			counts = counts[:len(counts)-1] // may be cut off
		}
		if len(counts) == 0 {
			continue
		}
		freq := map[int]int{}
		mode := 0
		for _, c := range counts {
			freq[c]++
			if freq[c] > freq[mode] || (freq[c] == freq[mode] && c > mode) {
				mode = c
			}
		}
		share := float64(freq[mode]) / float64(len(counts))
		if mode < 2 {
			continue
		}
		if share > bestShare+1e-9 || (share > bestShare-1e-9 && mode > bestFields) {
			best, bestShare, bestFields = d, share, mode
		}
	}
	return best
}

// DelimiterName is how the API shows a delimiter.
func DelimiterName(d string) string {
	switch d {
	case "\t":
		return "tab"
	case ",":
		return "comma"
	case ";":
		return "semicolon"
	case "|":
		return "pipe"
	}
	return strings.TrimSpace(d)
}
