package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

type textRequest struct {
	Text string `json:"text"`
}

func (a *API) askQuestion(c *fiber.Ctx) error {
	var req textRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	text, err := tender.ValidateText("text", req.Text, 2000)
	if err != nil {
		return err
	}
	q, err := a.store.AskQuestion(ctx(c), actorOf(c), c.Params("id"), text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(q)
}

func (a *API) listQuestions(c *fiber.Ctx) error {
	l, err := limit(c)
	if err != nil {
		return err
	}
	t, err := a.visibleTender(c, c.Params("id"))
	if err != nil {
		return err
	}
	orgID, all := tender.QuestionsScope(actorOf(c))
	qs, err := a.store.Questions(ctx(c), t.ID, orgID, all, c.Query("cursor"), l+1)
	if err != nil {
		return err
	}
	return c.JSON(paginate(qs, l, func(q tender.Question) string { return storage.KeysetCursor(q.CreatedAt, q.ID) }))
}

func (a *API) answerQuestion(c *fiber.Ctx) error {
	var req textRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	text, err := tender.ValidateText("text", req.Text, 5000)
	if err != nil {
		return err
	}
	q, err := a.store.AnswerQuestion(ctx(c), actorOf(c), c.Params("id"), text)
	if err != nil {
		return err
	}
	return c.JSON(q)
}
