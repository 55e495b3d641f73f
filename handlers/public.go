package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

func (a *API) publicOrganizations(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	items, err := a.store.PublicOrganizations(ctx(c), storage.PublicOrgFilter{Q: c.Query("q"), Type: c.Query("type"),
		Community: c.Query("community"), Grade: c.Query("grade"), Cursor: c.Query("cursor"), Limit: l + 1})
	if err != nil {
		return err
	}
	return c.JSON(paginate(items, l, storage.PublicOrgCursor))
}

func (a *API) publicOrganization(c *fiber.Ctx) error {
	p, err := a.store.PublicOrganization(ctx(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

type feedbackRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

// feedbackPerHour is how many ratings one client address may leave per hour.
const feedbackPerHour = 5

// decodeFeedback reads and checks a resident's rating and claims one of the
// address's feedback slots; it returns the request and the cleaned comment.
func (a *API) decodeFeedback(c *fiber.Ctx) (feedbackRequest, string, error) {
	var req feedbackRequest
	if err := decode(c, &req); err != nil {
		return req, "", err
	}
	comment, err := tender.ValidateFeedback(req.Rating, req.Comment)
	if err != nil {
		return req, "", err
	}
	// Tender and contract feedback share the address's hourly limit.
	return req, comment, a.perAddress(c, "feedback", feedbackPerHour)
}

func (a *API) addFeedback(c *fiber.Ctx) error {
	req, comment, err := a.decodeFeedback(c)
	if err != nil {
		return err
	}
	fb, err := a.store.AddFeedback(ctx(c), c.Params("id"), req.Rating, comment)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": fb.ID, "status": fb.Status})
}

func (a *API) tenderFeedback(c *fiber.Ctx) error {
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	l, err := limit(c)
	if err != nil {
		return err
	}
	fb, err := a.store.PublicFeedback(ctx(c), t.ID, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	pg := paginate(fb.Items, l, func(f tender.Feedback) string { return storage.KeysetCursor(f.CreatedAt, f.ID) })
	return c.JSON(struct {
		storage.TenderFeedback
		NextCursor *string `json:"next_cursor"`
	}{storage.TenderFeedback{Average: fb.Average, Count: fb.Count, Items: pg.Items}, pg.NextCursor})
}

func (a *API) feedbackQueue(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	items, err := a.store.FeedbackQueue(ctx(c), c.Query("status"), c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(items, l, func(f tender.Feedback) string { return storage.KeysetCursor(f.CreatedAt, f.ID) }))
}

func (a *API) moderateFeedback(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		fb, err := a.store.ModerateFeedback(ctx(c), actorOf(c), c.Params("id"), approve)
		if err != nil {
			return err
		}
		return c.JSON(fb)
	}
}

func (a *API) stats(c *fiber.Ctx) error {
	st, err := a.store.PublicStats(ctx(c))
	if err != nil {
		return err
	}
	return c.JSON(st)
}
