package db

import "strings"

// likeEscaper escapes LIKE's wildcards and its default escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// EscapeLike makes s match itself literally in a LIKE or ILIKE pattern:
// what someone typed into a search box is text, not a pattern.
func EscapeLike(s string) string { return likeEscaper.Replace(s) }

// Contains is the LIKE pattern of values containing s literally.
func Contains(s string) string { return "%" + EscapeLike(s) + "%" }
