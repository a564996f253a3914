package imports

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
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
	// EncodingUTF8 is UTF-8 without a byte order mark. A byte that is not
	// part of a valid UTF-8 sequence is read as Windows-1252: files pieced
	// together from mixed sources (Excel exports often are) hold a few
	// such bytes among UTF-8 text, curly quotes and dashes mostly.
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingUTF16LE     = "utf-16le"
	EncodingUTF16BE     = "utf-16be"
	EncodingWindows1252 = "windows-1252"
	// EncodingWindows1250 is Central European (Polish, Czech, Slovak,
	// Hungarian, Slovene, Croatian, Romanian) as Excel writes it there.
	EncodingWindows1250 = "windows-1250"
	// EncodingWindows1251 is Cyrillic as Excel writes it.
	EncodingWindows1251 = "windows-1251"
	EncodingISO88591    = "iso-8859-1"
	EncodingISO88592    = "iso-8859-2"
	EncodingISO885915   = "iso-8859-15"
	// EncodingMacintosh is Mac OS Roman, of files from classic Mac OS.
	EncodingMacintosh = "macintosh"
)

// Encodings lists the encodings a file can be read in, as a user may
// choose them (PUT mapping's encoding); detection gives UTF-8 (with or
// without a mark), UTF-16, Windows-1252, Windows-1250, Windows-1251 and
// ISO-8859-2.
var Encodings = []string{EncodingUTF8, EncodingUTF8BOM, EncodingUTF16LE, EncodingUTF16BE, EncodingWindows1252,
	EncodingWindows1250, EncodingWindows1251, EncodingISO88591, EncodingISO88592, EncodingISO885915, EncodingMacintosh}

// codePages are the single-byte encodings by name.
var codePages = map[string]*charmap.Charmap{
	EncodingWindows1252: charmap.Windows1252,
	EncodingWindows1250: charmap.Windows1250,
	EncodingWindows1251: charmap.Windows1251,
	EncodingISO88591:    charmap.ISO8859_1,
	EncodingISO88592:    charmap.ISO8859_2,
	EncodingISO885915:   charmap.ISO8859_15,
	EncodingMacintosh:   charmap.Macintosh,
}

// ValidEncoding reports whether name is one of Encodings.
func ValidEncoding(name string) bool { return slices.Contains(Encodings, name) }

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
	// SkipRecords is the number of the last record above the table (Excel's
	// "sep=;" line, notes or a title; 0 for none): the reader skips those,
	// and the header is the record after them.
	SkipRecords int `json:"skip_records"`
	// Sheet is the sheet of a workbook that was read (the one it opens
	// on), SheetCount how many sheets it has; "" and 0 for CSV.
	Sheet      string `json:"sheet,omitempty"`
	SheetCount int    `json:"sheet_count,omitempty"`
	// Sheets are a workbook's sheets in its order (nil for CSV), for
	// choosing another one to read (UploadParams.Sheet).
	Sheets []SheetInfo `json:"sheets,omitempty"`
	// NumericColumns are the columns (0-based) of the sheet read that hold
	// a cell Excel stores as a number (nil for CSV): a phone number typed
	// as "+4917012345678" or "01701234567" lost its "+" or leading 0
	// there, which the phone rule recovers (normalizer.phone).
	NumericColumns []int `json:"numeric_columns,omitempty"`
	// FormulasWithoutResult counts the formula cells of the sheet read
	// whose result the file does not hold, which read as empty (or as the
	// 0 XlsxWriter puts in each); FirstFormulaWithoutResult is the first
	// of them ("D2"). 0 and "" for CSV.
	FormulasWithoutResult     int    `json:"formulas_without_result,omitempty"`
	FirstFormulaWithoutResult string `json:"first_formula_without_result,omitempty"`
}

// SheetInfo is one sheet of a workbook: its name, whether any of its
// cells holds a value, and whether it is hidden.
type SheetInfo struct {
	Name    string `json:"name"`
	HasData bool   `json:"has_data"`
	Hidden  bool   `json:"hidden"`
}

// errorsDialect is how errors.csv is written for a file of this format,
// to be opened where the file was made, fixed and uploaded again: with
// the file's delimiter, and with a UTF-8 byte order mark unless the file
// was plain UTF-8 (a mark, UTF-16 or a legacy code page is what Excel
// writes, and Excel needs the mark to read UTF-8). Workbooks give
// comma-separated UTF-8 with the mark.
func (f Format) errorsDialect() (comma byte, bom bool) {
	comma = ','
	if f.Kind != KindXLSX && len(f.Delimiter) == 1 {
		comma = f.Delimiter[0]
	}
	return comma, f.Kind == KindXLSX || f.Encoding != EncodingUTF8
}

// CREnds reports whether a lone CR ends a record.
func (f Format) CREnds() bool { return f.LineEnding == LineCR || f.LineEnding == LineMixed }

// Decode returns r as UTF-8 text without a byte order mark, reading it
// with constant memory. In a UTF-8 file without a byte order mark, bytes
// outside valid UTF-8 sequences are read as Windows-1252 (EncodingUTF8;
// a mark is dropped should the user choose it for a file that has one);
// with the mark, which declares UTF-8, they stay as they are and the
// reader marks their records invalid.
func (f Format) Decode(r io.Reader) io.Reader {
	switch f.Encoding {
	case EncodingUTF8:
		return transform.NewReader(&bomSkipper{r: r}, utf8Repair{})
	case EncodingUTF8BOM:
		return &bomSkipper{r: r}
	case EncodingUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case EncodingUTF16BE:
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
	}
	if cm, ok := codePages[f.Encoding]; ok {
		return transform.NewReader(r, cm.NewDecoder())
	}
	return r
}

// NewReader returns the record reader of raw file bytes in this format.
func (f Format) NewReader(raw io.Reader) *Reader {
	d := byte(',')
	if len(f.Delimiter) == 1 {
		d = f.Delimiter[0]
	}
	rd := NewReader(f.Decode(raw), d, f.CREnds())
	rd.skipThrough = f.SkipRecords
	return rd
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
			return 0, err // nothing read: io.EOF, or the source's error
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
	case bytes.HasPrefix(sample, cfbMagic):
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
	return sniffText(f, sample, complete)
}

// sniffText finds the line endings, delimiter and rows above the table of
// a CSV file's first bytes (complete: the whole file) read in
// f.Encoding. Returns EINVALID when the text holds binary data.
func sniffText(f Format, sample []byte, complete bool) (Format, error) {
	if !complete && (f.Encoding == EncodingUTF8 || f.Encoding == EncodingUTF8BOM) {
		// The sample may end inside a character: without a byte order
		// mark its piece would be read as Windows-1252 bytes, with one as
		// invalid text. (UTF-16 and the code pages decode to whole
		// characters.)
		sample = trimPartialRune(sample)
	}
	text, err := io.ReadAll(f.Decode(bytes.NewReader(sample)))
	if err != nil {
		return Format{}, unsupported("The file's text could not be decoded.")
	}
	if looksBinary(text) {
		return Format{}, unsupported("The file is not a CSV or XLSX file: it holds binary data.")
	}
	f.LineEnding = detectLineEnding(text, complete)
	if d, ok := sepLine(text); ok {
		f.Delimiter = string(d)
	} else {
		f.Delimiter = string(detectDelimiter(text, f.CREnds(), complete))
	}
	rd := NewReader(bytes.NewReader(text), f.Delimiter[0], f.CREnds())
	var head []SampleRecord
	for len(head) < maxPreamble+1 {
		rec, err := rd.Read()
		if err != nil {
			break
		}
		head = append(head, SampleRecord{Num: rec.Num, Fields: slices.Clone(rec.Fields), Problem: rec.Problem})
	}
	f.SkipRecords = findPreamble(head)
	return f, nil
}

// maxPreamble is the most lines of notes or titles findPreamble passes
// over.
const maxPreamble = 5

// findPreamble returns the number of the last record above the table in
// the first records of a file, or 0 when the first is its header: Excel's
// "sep=;" line, and lines of one value that names no field (notes, a
// title, a date) or of blanks right above a header, a record of two or
// more values of which one names a field. Lines of several values that
// name no field ("Contacts report,Exported 2024-03-01") are above the
// table too when a header of two or more values naming fields follows
// them (two, so that a row of data with a word like "Email" in it is not
// taken for one). A first record of one value before data rows is the
// header of a narrow table.
func findPreamble(recs []SampleRecord) int {
	skip, start := 0, 0
	if len(recs) > 0 && len(recs[0].Fields) == 2 && strings.EqualFold(recs[0].Fields[0], "sep=") && recs[0].Fields[1] == "" {
		skip, start = recs[0].Num, 1
	}
	wide := false // a line of several values naming no field was passed
	for j := start; j < len(recs) && j <= start+maxPreamble; j++ {
		var values []string
		named := 0
		for _, f := range recs[j].Fields {
			if f = strings.TrimSpace(f); f != "" {
				values = append(values, f)
				if _, ok := synonymField[headerKey(f)]; ok {
					named++
				}
			}
		}
		switch {
		case recs[j].Problem != "":
			return skip
		case len(values) >= 2 && named > 0 && j > start && (!wide || named >= 2):
			return recs[j-1].Num
		case len(values) >= 2 && named == 0:
			wide = true
		case len(values) > 1 || named > 0:
			return skip
		}
		// One value naming no field, or none (a line of blanks, passed
		// over as the reader passes over empty ones): on to the next.
	}
	return skip
}

// sepLine reads the delimiter from Excel's "sep=;" first line, which
// names it for the spreadsheet that opens the file (the line is then
// above the table: findPreamble).
func sepLine(text []byte) (byte, bool) {
	line, _, _ := bytes.Cut(text, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if len(line) == 5 && strings.EqualFold(string(line[:4]), "sep=") && bytes.IndexByte(delimiters, line[4]) >= 0 {
		return line[4], true
	}
	return 0, false
}

// cfbMagic starts an OLE compound file: a legacy .xls, and also an XLSX
// saved with a password (its encrypted package is a stream of one).
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0}

// encryptedPackage is the name of that stream as a compound file's
// directory holds it (UTF-16LE).
var encryptedPackage = func() []byte {
	var b []byte
	for _, c := range "EncryptedPackage" {
		b = append(b, byte(c), 0)
	}
	return b
}()

// passwordProtected is what an encrypted workbook gets.
func passwordProtected() error {
	return unsupported("The workbook is password-protected; remove the password in Excel (File > Info > Protect Workbook) or save the sheet as CSV, and upload it again.")
}

// encryptedWorkbook reports whether the compound file r of size bytes holds
// an encrypted workbook. Its directory may be anywhere in the file, which
// is searched in 1 MiB pieces.
func encryptedWorkbook(r io.ReaderAt, size int64) (bool, error) {
	buf := make([]byte, 1<<20)
	overlap := int64(len(encryptedPackage) - 1)
	for off := int64(0); off < size; off += int64(len(buf)) - overlap {
		n, err := r.ReadAt(buf, off)
		if bytes.Contains(buf[:n], encryptedPackage) {
			return true, nil
		}
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
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
	// UTF-8 as soon as the sample holds one valid multi-byte sequence
	// (Decode reads any byte outside one as Windows-1252, so stray bytes
	// among UTF-8 text come out right whatever their number), or when it
	// holds no byte above ASCII; otherwise a single-byte legacy encoding:
	// Windows-1252 (Latin-1 with printable characters where Latin-1 has
	// controls) unless the high bytes read far more plausibly as
	// Windows-1250, Windows-1251 or ISO-8859-2 (legacyEncoding).
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
	if multi > 0 || bad == 0 {
		return EncodingUTF8
	}
	return legacyEncoding(sample)
}

// trimPartialRune drops an incomplete UTF-8 sequence from the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= max(len(b)-utf8.UTFMax+1, 0); i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// utf8Repair passes UTF-8 through and decodes each byte that is not part
// of a valid sequence as Windows-1252. A sequence split between two reads
// waits for the rest (ErrShortSrc); at the end of the input its bytes are
// stray bytes. transform.Reader drives it with fixed buffers, so memory
// stays constant whatever the file's size.
type utf8Repair struct{ transform.NopResetter }

func (utf8Repair) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		// ASCII, the bulk of a contacts file, is copied in runs.
		n := min(len(dst)-nDst, len(src)-nSrc)
		i := 0
		for i+8 <= n && binary.LittleEndian.Uint64(src[nSrc+i:])&0x8080808080808080 == 0 {
			i += 8
		}
		for i < n && src[nSrc+i] < utf8.RuneSelf {
			i++
		}
		copy(dst[nDst:], src[nSrc:nSrc+i])
		nDst += i
		nSrc += i
		if nSrc == len(src) {
			break
		}
		if src[nSrc] < utf8.RuneSelf {
			return nDst, nSrc, transform.ErrShortDst
		}
		if !atEOF && !utf8.FullRune(src[nSrc:]) {
			return nDst, nSrc, transform.ErrShortSrc
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && size == 1 {
			r = charmap.Windows1252.DecodeByte(src[nSrc])
			if nDst+utf8.RuneLen(r) > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += utf8.EncodeRune(dst[nDst:], r)
			nSrc++
			continue
		}
		if nDst+size > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
		nSrc += size
	}
	return nDst, nSrc, nil
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
