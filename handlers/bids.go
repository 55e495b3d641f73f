package handlers

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// mayReadBidDocument: bid documents are sealed; until the bids capability
// lands nobody reads them through the API.
func (a *API) mayReadBidDocument(c *fiber.Ctx, d storage.StoredDocument) error {
	return tender.ErrNotFound
}

// openSealed decrypts a sealed document.
func (a *API) openSealed(c *fiber.Ctx, d storage.StoredDocument) (io.Reader, error) {
	return nil, tender.ErrNotFound
}
