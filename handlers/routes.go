package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/linshu/portal/tender"
)

const (
	admin     = tender.RoleAdmin
	org       = tender.RoleOrg
	evaluator = tender.RoleEvaluator
	auditor   = tender.RoleAuditor
	community = tender.RoleCommunity
)

// routes lists every route with its guard. Guards are attached per route:
// a Fiber Group's middleware would leak onto its siblings.
func (a *API) routes(app *fiber.App) {
	app.Use(requestid.New())
	app.Use(a.observe)
	app.Use(recover.New(recover.Config{EnableStackTrace: true}))
	app.Use(securityHeaders)
	// API JSON of 1 KB or more leaves compressed (the frontend's files are compressed at build).
	app.Use("/api", compressJSON)

	app.Get("/healthz", a.healthz)
	app.Get("/readyz", a.readyz)
	app.Get("/api/openapi.json", a.openAPI)
	app.Get("/api/docs", a.apiDocs)
	app.Get("/api/docs.js", a.apiDocsScript)
	app.Get("/robots.txt", a.robots)
	app.Get("/sitemap.xml", a.sitemap)

	v1 := app.Group("/api/v1", a.limitBody, checkQuery, a.admit, a.authenticate, a.idempotent)

	v1.Post("/auth/login", anyone, a.login)
	v1.Post("/auth/refresh", anyone, a.refresh)
	v1.Post("/auth/logout", anyone, a.logout)
	v1.Get("/me", allow(), a.me)
	v1.Post("/me/password", allow(), a.changePassword)

	v1.Post("/users", allow(admin), a.createUser)
	v1.Get("/users", allow(admin), a.listUsers)
	v1.Patch("/users/:id", allow(admin), a.patchUser)

	v1.Post("/organizations/register", anyone, a.registerOrganization)
	v1.Get("/organizations", allow(admin, auditor), a.listOrganizations)
	v1.Get("/organizations/:id", allow(admin, auditor, org), a.getOrganization)
	v1.Patch("/organizations/:id", allow(admin, org), a.patchOrganization)
	for _, verb := range tender.OrgVerbs {
		v1.Post("/organizations/:id/"+verb, allow(admin), a.decideOrganization(verb))
	}

	v1.Get("/communities", anyone, a.listCommunities)
	v1.Get("/communities/:id", anyone, a.getCommunity)
	v1.Get("/communities/:id/indicators", anyone, a.communityIndicators)
	v1.Post("/communities", allow(admin), a.createCommunity)
	v1.Patch("/communities/:id", allow(admin, community), a.patchCommunity)

	v1.Post("/needs", anyone, a.createNeed)
	v1.Get("/needs", anyone, a.listNeeds)
	v1.Get("/needs/:id", anyone, a.getNeed)
	v1.Post("/needs/:id/accept", allow(admin), a.acceptNeed)
	v1.Post("/needs/:id/decline", allow(admin), a.declineNeed)

	v1.Get("/project-list", anyone, a.projectList)
	v1.Post("/project-list/items", allow(admin), a.createPlanItem)
	v1.Get("/project-list/items/:id", anyone, a.getPlanItem)
	v1.Patch("/project-list/items/:id", allow(admin), a.patchPlanItem)
	v1.Post("/project-list/items/:id/publish", allow(admin), a.publishPlanItem)
	v1.Post("/project-list/items/:id/drop", allow(admin), a.dropPlanItem)
	v1.Post("/project-list/items/:id/tender", allow(admin), a.tenderFromPlanItem)

	v1.Get("/catalog", anyone, a.listCatalog)
	v1.Post("/catalog", allow(admin), a.createCatalogItem)
	v1.Patch("/catalog/:id", allow(admin), a.patchCatalogItem)

	v1.Get("/procedures", anyone, a.listProcedures)
	v1.Post("/tenders", allow(admin), a.createTender)
	v1.Get("/tenders", anyone, a.listTenders)
	v1.Get("/tenders/:id", anyone, a.getTender)
	v1.Patch("/tenders/:id", allow(admin), a.patchTender)
	v1.Post("/tenders/:id/publish", allow(admin), a.publishTender)
	v1.Post("/tenders/:id/cancel", allow(admin), a.cancelTender)
	v1.Post("/tenders/:id/documents", allow(admin), a.uploadTenderDocument)
	v1.Get("/tenders/:id/documents", anyone, a.listTenderDocuments)
	v1.Get("/documents/:id", anyone, a.getDocument)
	v1.Get("/documents/:id/content", anyone, a.documentContent)
	v1.Post("/tenders/:id/questions", allow(org), a.askQuestion)
	v1.Get("/tenders/:id/questions", anyone, a.listQuestions)
	v1.Post("/questions/:id/answer", allow(admin), a.answerQuestion)

	v1.Delete("/documents/:id", allow(admin, org), a.deleteDocument)

	v1.Post("/tenders/:id/bids", allow(org), a.createBid)
	v1.Get("/tenders/:id/bids", allow(), a.listBids)
	v1.Get("/me/bids", allow(org), a.myBids)
	v1.Get("/bids/:id", allow(), a.getBid)
	v1.Patch("/bids/:id", allow(org), a.patchBid)
	v1.Post("/bids/:id/documents", allow(org), a.uploadBidDocument)
	v1.Get("/bids/:id/documents", allow(), a.listBidDocuments)
	v1.Post("/bids/:id/submit", allow(org), a.submitBid)
	v1.Post("/bids/:id/withdraw", allow(org), a.withdrawBid)
	v1.Post("/bids/:id/qualify", allow(admin), a.qualifyBid)
	v1.Get("/tenders/:id/opening", anyone, a.opening)
	v1.Get("/keys/receipts", anyone, a.receiptKey)

	v1.Post("/tenders/:id/panel", allow(admin), a.drawPanel)
	v1.Get("/tenders/:id/panel", anyone, a.getPanel)
	v1.Get("/tenders/:id/draws", anyone, a.draws)
	v1.Get("/me/panels", allow(evaluator), a.myPanels)
	v1.Get("/me/contract-panels", allow(evaluator), a.myContractPanels)
	v1.Post("/tenders/:id/declaration", allow(evaluator), a.declare)
	v1.Put("/tenders/:id/bids/:bid_id/scores", allow(evaluator), a.putScores)
	v1.Get("/tenders/:id/scores", allow(admin, auditor, evaluator), a.listScores)
	v1.Post("/tenders/:id/scores/submit", allow(evaluator), a.submitScores)
	v1.Get("/tenders/:id/evaluation", anyone, a.evaluation)
	v1.Get("/tenders/:id/evaluation.xlsx", anyone, a.evaluationXLSX)
	v1.Get("/tenders/:id/recommendation", allow(admin), a.recommendation)
	v1.Post("/tenders/:id/award", allow(admin), a.award)
	v1.Get("/tenders/:id/awards", anyone, a.awards)
	v1.Post("/tenders/:id/objections", allow(org), a.object)
	v1.Get("/tenders/:id/objections", allow(admin, auditor, org), a.objections)
	v1.Post("/objections/:id/resolve", allow(admin), a.resolveObjection)
	v1.Post("/awards/:id/performance", allow(admin), a.ratePerformance)
	v1.Get("/calendar/:year", anyone, a.getCalendar)
	v1.Put("/calendar/:year", allow(admin), a.putCalendar)

	v1.Get("/public/organizations", anyone, a.publicOrganizations)
	v1.Get("/public/organizations/:id", anyone, a.publicOrganization)
	v1.Post("/public/tenders/:id/feedback", anyone, a.addFeedback)
	v1.Get("/public/tenders/:id/feedback", anyone, a.tenderFeedback)
	v1.Get("/feedback", allow(admin), a.feedbackQueue)
	v1.Post("/feedback/:id/approve", allow(admin), a.moderateFeedback(true))
	v1.Post("/feedback/:id/reject", allow(admin), a.moderateFeedback(false))
	v1.Get("/stats", anyone, a.stats)

	v1.Get("/contracts", anyone, a.listContracts)
	v1.Get("/contracts/ledger.xlsx", allow(admin, auditor), a.contractLedger) // before /contracts/:id
	v1.Get("/contracts/:id", anyone, a.getContract)
	v1.Put("/contracts/:id/milestones", allow(admin), a.putMilestones)
	v1.Post("/contracts/:id/documents", allow(admin), a.uploadContractDocument)
	v1.Post("/contracts/:id/sign", allow(admin), a.signContract)
	v1.Post("/contracts/:id/suspend", allow(admin), a.changeContract(tender.ContractSuspend))
	v1.Post("/contracts/:id/reinstate", allow(admin), a.changeContract(tender.ContractReinstate))
	v1.Post("/contracts/:id/terminate", allow(admin), a.changeContract(tender.ContractTerminate))
	v1.Post("/contracts/:id/milestones/:mid/documents", allow(org), a.uploadMilestoneDocument)
	v1.Post("/contracts/:id/milestones/:mid/report", allow(org), a.submitReport)
	v1.Post("/contracts/:id/milestones/:mid/accept", allow(admin), a.decideReport(true))
	v1.Post("/contracts/:id/milestones/:mid/return", allow(admin), a.decideReport(false))
	v1.Post("/contracts/:id/payments", allow(admin), a.addPayment)
	v1.Post("/contracts/:id/milestones/:mid/panel", allow(admin), a.drawContractPanel)
	v1.Get("/contracts/:id/milestones/:mid/panel", allow(admin, auditor, evaluator), a.getContractPanel)
	v1.Post("/contracts/:id/milestones/:mid/declaration", allow(evaluator), a.declareContract)
	v1.Put("/contracts/:id/milestones/:mid/scores", allow(evaluator), a.putContractScores)
	v1.Get("/contracts/:id/milestones/:mid/scores", allow(admin, auditor, evaluator), a.listContractScores)
	v1.Post("/contracts/:id/milestones/:mid/scores/submit", allow(evaluator), a.submitContractScores)
	v1.Get("/contracts/:id/milestones/:mid/evaluation", anyone, a.contractEvaluation)
	v1.Post("/public/contracts/:id/feedback", anyone, a.addContractFeedback)

	v1.Get("/ocds/releases", anyone, a.ocdsReleases)

	v1.Get("/audit", allow(admin, auditor), a.listAudit)
	v1.Get("/audit/verify", allow(admin, auditor), a.verifyAudit)
	v1.Get("/audit/checkpoints", anyone, a.auditCheckpoints)

	// The frontend takes every other GET; unknown /api/ paths end in the API's own 404 there.
	app.Get("/*", a.spa())
}
