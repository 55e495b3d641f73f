package handlers

import (
	"crypto/ed25519"
	"encoding/base64"
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

type bidRequest struct {
	LotID    *string `json:"lot_id"` // at creation only: the lot of a tender with lots
	PriceFen *int64  `json:"price_fen"`
	Summary  *string `json:"summary"`
}

func (a *API) createBid(c *fiber.Ctx) error {
	var req bidRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.PriceFen == nil {
		var f tender.Fields
		f.Add("price_fen", "请填写报价（分）")
		return f.Validation()
	}
	summary, lotID := "", ""
	if req.Summary != nil {
		summary = *req.Summary
	}
	if req.LotID != nil {
		lotID = *req.LotID
	}
	b, err := a.store.CreateBid(ctx(c), actorOf(c), c.Params("id"), lotID, *req.PriceFen, summary)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

// listBids: an organization sees its own bid; the rest as tender.CanReadOpenedBids says.
func (a *API) listBids(c *fiber.Ctx) error {
	actor := actorOf(c)
	l, err := limit(c)
	if err != nil {
		return err
	}
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	if actor.Is(tender.RoleOrg) {
		bids, err := a.store.OrgBid(ctx(c), t.ID, actor.OrgID, c.Query("cursor"), l+1)
		if err != nil {
			return err
		}
		return c.JSON(paginate(bids, l, func(b tender.Bid) string { return storage.KeysetCursor(b.CreatedAt, b.ID) }))
	}
	m, err := a.membership(c, t.ID)
	if err != nil {
		return err
	}
	if err := tender.CanReadOpenedBids(actor, t, m); err != nil {
		return err
	}
	bids, err := a.store.TenderBidPage(ctx(c), t.ID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(bids, l, storage.TenderBidCursor))
}

// membership is the caller's standing on the tender's panel; only evaluators sit on panels.
func (a *API) membership(c *fiber.Ctx, tenderID string) (tender.Membership, error) {
	actor := actorOf(c)
	if !actor.Is(tender.RoleEvaluator) {
		return tender.NotOnPanel, nil
	}
	return a.store.Membership(ctx(c), tenderID, actor.UserID)
}

// bidAccess loads a bid, its tender and the caller's standing on that tender's panel:
// what the access rules of tender/access.go decide on.
func (a *API) bidAccess(c *fiber.Ctx, id string) (tender.Bid, tender.Tender, tender.Membership, error) {
	b, err := a.store.Bid(ctx(c), id)
	if err != nil {
		return b, tender.Tender{}, tender.NotOnPanel, err
	}
	t, err := a.store.Tender(ctx(c), b.TenderID)
	if err != nil {
		return b, t, tender.NotOnPanel, err
	}
	m, err := a.membership(c, t.ID)
	return b, t, m, err
}

// readableBid loads a bid the caller may see (tender.CanReadBid).
func (a *API) readableBid(c *fiber.Ctx, id string) (tender.Bid, error) {
	b, t, m, err := a.bidAccess(c, id)
	if err != nil {
		return b, err
	}
	return b, tender.CanReadBid(actorOf(c), t, b, m)
}

func (a *API) getBid(c *fiber.Ctx) error {
	b, err := a.readableBid(c, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (a *API) patchBid(c *fiber.Ctx) error {
	var req bidRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.LotID != nil {
		var f tender.Fields
		f.Add("lot_id", "投标的标包不能更改；请撤回后对另一标包投标")
		return f.Validation()
	}
	out, err := a.store.EditBid(ctx(c), actorOf(c), c.Params("id"), storage.BidEdit{PriceFen: req.PriceFen, Summary: req.Summary}, arrived(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// submitResponse is a submitted bid with its signed receipt (回执).
type submitResponse struct {
	Bid     tender.Bid           `json:"bid"`
	Receipt tender.SignedReceipt `json:"receipt"`
}

func (a *API) submitBid(c *fiber.Ctx) error {
	out, err := a.store.SubmitBid(ctx(c), actorOf(c), c.Params("id"), arrived(c))
	if err != nil {
		return err
	}
	return c.JSON(submitResponse{Bid: out, Receipt: tender.SignReceipt(a.opts.ReceiptKey, tender.NewReceipt(out))})
}

func (a *API) withdrawBid(c *fiber.Ctx) error {
	out, err := a.store.WithdrawBid(ctx(c), actorOf(c), c.Params("id"), arrived(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type qualifyRequest struct {
	Qualified *bool  `json:"qualified"`
	Reason    string `json:"reason"`
}

func (a *API) qualifyBid(c *fiber.Ctx) error {
	var req qualifyRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Qualified == nil {
		var f tender.Fields
		f.Add("qualified", "请选择是否通过资格审查")
		return f.Validation()
	}
	b, t, err := a.store.QualifyBid(ctx(c), actorOf(c), c.Params("id"), *req.Qualified, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"bid": b, "tender_status": t.Status})
}

func (a *API) opening(c *fiber.Ctx) error {
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	if err := tender.CanReadOpening(t); err != nil {
		return err
	}
	o, err := a.store.Opening(ctx(c), t.ID)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (a *API) receiptKey(c *fiber.Ctx) error {
	pub := a.opts.ReceiptKey.Public().(ed25519.PublicKey)
	return c.JSON(fiber.Map{"algorithm": "Ed25519", "key_id": tender.ReceiptKeyID(pub),
		"public_key":    base64.StdEncoding.EncodeToString(pub),
		"signed_fields": "canonical JSON {bid_id,content_sha256,submitted_at,tender_id,version}, keys sorted, no whitespace"})
}

func (a *API) myBids(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	bids, err := a.store.OrgBids(ctx(c), actorOf(c).OrgID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(bids, l, func(b storage.MyBid) string { return storage.KeysetCursor(b.CreatedAt, b.ID) }))
}

// uploadBidDocument receives a bid document; the store encrypts it before it
// reaches the object store.
func (a *API) uploadBidDocument(c *fiber.Ctx) error {
	actor := actorOf(c)
	id := c.Params("id")
	if err := a.store.CheckBidOpen(ctx(c), actor, id); err != nil {
		return err
	}
	if !a.store.Seals() {
		return &tender.Error{Code: tender.CodeInternal, Key: "seal.unconfigured", Message: "未配置 PORTAL_SEAL_KEY，不能接收投标文件"}
	}
	up, err := a.receiveFile(c)
	if err != nil {
		return err
	}
	doc, err := a.store.AddDocument(ctx(c), actor, storage.DocumentUpload{
		Doc: tender.Document{OwnerType: "bid", OwnerID: id, Filename: up.filename, ContentType: up.contentType,
			Sealed: true},
		Key: storage.NewObjectKey("bids/" + id), Body: up.body, Size: up.size, Measured: up.body.result,
	})
	if storage.IsTooLarge(err) {
		return tooLarge(a.opts.MaxUpload)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(doc)
}

func (a *API) listBidDocuments(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	b, err := a.readableBid(c, c.Params("id"))
	if err != nil {
		return err
	}
	docs, err := a.store.DocumentPage(ctx(c), "bid", b.ID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(docs, l, documentCursor))
}

// deleteDocument removes a draft tender's document (admin) or a bid document
// of the caller's organization before the deadline.
func (a *API) deleteDocument(c *fiber.Ctx) error {
	if err := a.store.RemoveDocument(ctx(c), actorOf(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// openSealed decrypts a sealed document for a caller already allowed to read it.
func (a *API) openSealed(c *fiber.Ctx, d storage.StoredDocument) (io.Reader, error) {
	if !a.store.Seals() {
		return nil, &tender.Error{Code: tender.CodeInternal, Key: "seal.unconfigured", Message: "未配置 PORTAL_SEAL_KEY"}
	}
	return a.store.OpenSealedDocument(ctx(c), d)
}
