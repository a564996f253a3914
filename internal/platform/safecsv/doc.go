// Package safecsv writes CSV meant to be opened in a spreadsheet, where a
// cell's text can be someone else's input: an imported row, a contact, a
// list name. Two defenses against formula injection:
//
//   - A field that starts with a tab or a carriage return, or whose first
//     character after leading whitespace, control and invisible characters
//     is = + - @ (or a fullwidth, small or superscript form, which Excel
//     in East Asian locales reads as the same sign), gets a leading
//     apostrophe, so the spreadsheet shows it as text (Cell says exactly
//     when). Taking that apostrophe off gives the original back: see Cell.
//   - Every field is quoted. A spreadsheet in a locale whose list separator
//     is ";" splits an unquoted field on ";" (and on tabs), and the part
//     after it would start a cell of its own: "x;=cmd|…" became a formula.
//     A quoted field is one cell whatever it holds.
//
// A column of phone numbers may opt out for strict E.164 values
// (Writer.PlainE164): "+4930123456" can only ever be read as a number.
package safecsv
