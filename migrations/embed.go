// Package migrations embeds the numbered goose SQL files of the schema.
// Files are never edited once landed; add a new one instead.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
