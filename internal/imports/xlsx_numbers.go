package imports

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// numFmtText is Excel's built-in Text format ("@"), under which excelize
// reads a number as the sheet stores it.
const numFmtText = 49

// numbersAsStored makes the workbook f read every number whose format
// would drop digits as the sheet stores it: numbers in the General format
// (excelize writes one of twelve digits or more with ten significant
// digits, 4.917012346E+11, where a cell without a style reads in full)
// and in a Scientific format (4.92E+11). Those are phone numbers typed
// into a styled column far more often than measurements. Formats that say
// how the digits look (a zip code's leading zeros, a date, a percentage)
// still apply.
func numbersAsStored(f *excelize.File) {
	_, _ = f.GetStyle(0) // reads the style sheet into f.Styles
	s := f.Styles
	if s == nil || s.CellXfs == nil {
		return
	}
	custom := map[int]string{}
	if s.NumFmts != nil {
		for _, nf := range s.NumFmts.NumFmt {
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	for i := range s.CellXfs.Xf {
		id := 0
		if p := s.CellXfs.Xf[i].NumFmtID; p != nil {
			id = *p
		}
		if dropsDigits(id, custom) {
			text := numFmtText
			s.CellXfs.Xf[i].NumFmtID = &text
		}
	}
}

// dropsDigits reports whether the number format id (custom: the
// workbook's own formats by id, which excelize prefers to built-in ones)
// is General or Scientific.
func dropsDigits(id int, custom map[int]string) bool {
	code, ok := custom[id]
	if !ok {
		return id == 0 || id == 11 || id == 48 // General, 0.00E+00, ##0.0E+0
	}
	return strings.EqualFold(strings.TrimSpace(code), "General") || scientific(code)
}

// scientific reports whether a format code has an exponent (E+ or E-)
// outside quoted text, escaped characters and brackets.
func scientific(code string) bool {
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal (or a padding width)
		case (c == 'E' || c == 'e') && i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-'):
			return true
		}
	}
	return false
}
