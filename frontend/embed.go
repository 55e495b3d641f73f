// Package frontend embeds the built single-page app.
package frontend

import "embed"

// Dist holds the built app; it holds only .gitkeep until `make build` runs the npm build.
//
//go:embed all:dist
var Dist embed.FS
