// Package safecsv writes CSV meant to be opened in a spreadsheet, where a
// cell's text can be someone else's input: an imported row, a contact, a
// list name. Two defenses against formula injection:
//
//   - A field that starts with = + - @ (or their fullwidth and small
//     forms, which Excel in East Asian locales reads as the same signs), a
//     tab or a carriage return gets a leading apostrophe, so the
//     spreadsheet shows it as text.
//   - Every field is quoted. A spreadsheet in a locale whose list separator
//     is ";" splits an unquoted field on ";" (and on tabs), and the part
//     after it would start a cell of its own: "x;=cmd|…" became a formula.
//     A quoted field is one cell whatever it holds.
package safecsv
