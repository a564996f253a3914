// Package buildinfo holds what the linker stamps into the binary.
package buildinfo

// Version is set with -ldflags "-X github.com/onecloudai/contacts/internal/platform/buildinfo.Version=...".
var Version = "dev"

// Name is the product name shown in the API and the SPA.
const Name = "1CloudAI Business Contacts"
